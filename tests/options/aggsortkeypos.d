/*
 * aggsortkeypos=1 with aggsortkey: keys compare from the second key on,
 * wrapping around to the first (dt_aggregate_keycmp()).
 */
#pragma D option quiet
#pragma D option aggsortkey
#pragma D option aggsortkeypos=1

BEGIN
{
	@[1, "z"] = sum(10);
	@[3, "x"] = sum(30);
	@[2, "y"] = sum(20);
	printa("%d %s %@d\n", @);
	exit(0);
}
