/*
 * -x aggsortrev: every comparison reversed (DT_LESSTHAN/DT_GREATERTHAN
 * swap in dt_aggregate.c): by value, descending.
 */
#pragma D option quiet

BEGIN
{
	@a["b"] = sum(3);
	@a["c"] = sum(1);
	@a["a"] = sum(2);
	printa("%s %@d\n", @a);
	exit(0);
}
