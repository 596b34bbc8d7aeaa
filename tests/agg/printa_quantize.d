#pragma D option quiet

BEGIN
{
	@q["k"] = quantize(3);
	printa("%s:%@d\n", @q);
	exit(0);
}
