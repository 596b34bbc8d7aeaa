#pragma D option quiet

BEGIN
{
	@q = llquantize(5, 10, 0, 2, 10);
	@q = llquantize(150, 10, 0, 2, 10);
	exit(0);
}
