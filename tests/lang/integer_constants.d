#pragma D option quiet

BEGIN
{
	printf("%d %d %d %d\n", 0x10, 010, 'A', '\n');
	exit(0);
}
