#pragma D option quiet

BEGIN
{
	@n["x"] = sum(100);
	@n["y"] = sum(250);
	normalize(@n, 10);
	printa("%s %@d\n", @n);
	exit(0);
}
