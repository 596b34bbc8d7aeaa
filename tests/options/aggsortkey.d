/*
 * aggsortkey (#pragma form): entries by key, not by value
 * (dt_aggregate_varkeycmp(), illumos/Oracle libdtrace/dt_aggregate.c).
 */
#pragma D option quiet
#pragma D option aggsortkey

BEGIN
{
	@a["b"] = sum(3);
	@a["c"] = sum(1);
	@a["a"] = sum(2);
	printa("%s %@d\n", @a);
	exit(0);
}
