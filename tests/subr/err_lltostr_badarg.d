BEGIN
{
	trace(lltostr("12"));
}
