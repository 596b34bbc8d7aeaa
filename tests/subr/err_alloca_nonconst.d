/* Scratch memory is laid out at compile time here. */
BEGIN
{
	x = 16;
	trace(alloca(x));
}
