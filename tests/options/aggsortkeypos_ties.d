/*
 * Sorting by value, ties are broken by the keys, compared from position
 * aggsortkeypos (dt_aggregate_valkeycmp()).
 */
#pragma D option quiet

BEGIN
{
	@[1, "b"] = sum(5);
	@[2, "a"] = sum(5);
	@[3, "c"] = sum(1);
	printa("%d %s %@d\n", @);
	exit(0);
}
