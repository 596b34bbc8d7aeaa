#pragma D option quiet

BEGIN
{
	@q = quantize(1);
	@q = quantize(5);
	@q = quantize(-2);
	@q = quantize(0);
	exit(0);
}
