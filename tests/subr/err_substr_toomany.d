/* Optional arguments: DTrace says "at least" whichever way the count is off. */
BEGIN
{
	trace(substr("foo", 1, 2, 3));
}
