#pragma D option quiet

BEGIN
{
	printf("%d %d %s\n", $1, $1 + $2, $$3);
	exit(0);
}
