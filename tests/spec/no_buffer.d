/* nspec=1: a second speculation() while the first is active gets 0, and
 * dtrace reports the failed speculation. */
#pragma D option quiet

BEGIN
{
	a = speculation();
	b = speculation();
	printf("%d %d\n", a, b);
	discard(a);
	c = speculation();
	printf("%d\n", c);
	exit(0);
}
