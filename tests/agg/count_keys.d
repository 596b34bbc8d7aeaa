#pragma D option quiet

/* Entries sorted by value, ascending. */
BEGIN
{
	@c["b"] = count();
	@c["b"] = count();
	@c["a"] = count();
	@c["c"] = count();
	@c["c"] = count();
	@c["c"] = count();
	exit(0);
}
