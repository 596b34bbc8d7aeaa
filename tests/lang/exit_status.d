#pragma D option quiet

BEGIN
{
	printf("before\n");
	exit(3);
}
