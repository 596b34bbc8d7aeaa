#pragma D option quiet

BEGIN
{
	@s = sum(10);
	@s = sum(-3);
	@a = avg(3);
	@a = avg(4);
	@a = avg(8);
	@mi = min(5);
	@mi = min(-2);
	@ma = max(7);
	@ma = max(70);
	printa("sum %@d\n", @s);
	printa("avg %@d\n", @a);
	printa("min %@d\n", @mi);
	printa("max %@d\n", @ma);
	exit(0);
}
