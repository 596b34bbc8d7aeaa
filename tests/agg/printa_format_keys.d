#pragma D option quiet

BEGIN
{
	@[1, "one"] = sum(10);
	@[2, "two"] = sum(30);
	@[3, "three"] = sum(20);
	printa("%d %s %@d\n", @);
	exit(0);
}
