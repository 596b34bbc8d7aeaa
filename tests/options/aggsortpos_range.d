/*
 * -x aggsortpos past the last aggregation counts as 0
 * (dtrace_aggregate_walk_joined()): sorted by the first aggregation.
 */
#pragma D option quiet

BEGIN
{
	@c["a"] = count();
	@c["b"] = count();
	@c["b"] = count();
	@c["c"] = count();
	@c["c"] = count();
	@c["c"] = count();
	@s["a"] = sum(30);
	@s["b"] = sum(10);
	@s["c"] = sum(20);
	printa("%s %@d %@d\n", @c, @s);
	exit(0);
}
