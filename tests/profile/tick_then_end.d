#pragma D option quiet

BEGIN
{
	printf("begin\n");
}

tick-1ms
/++n == 3/
{
	printf("tick %d\n", n);
	exit(0);
}

END
{
	printf("end\n");
}
