/* json()'s arguments are strings. */
BEGIN
{
	trace(json("{}", 1));
}
