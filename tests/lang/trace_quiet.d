#pragma D option quiet

/* In quiet mode trace() prints the bare value, with no padding or newline. */
BEGIN
{
	trace(1);
	trace("x");
	trace(-5);
	printf("\n");
	exit(0);
}
