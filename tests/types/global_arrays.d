/*
 * Global scalar arrays: declared with dimensions, elements assigned with =
 * and op=, read back, sizeof the array; an index past the end is an
 * invalid-address fault (the clause's data is discarded, ERROR fires).
 */
#pragma D option quiet
int a[5];
char c[4];

BEGIN
{
	a[0] = 10; a[4] = 50; a[2] += 7; c[1] = 'x';
	i = 3;
	a[i] = 33;
}

BEGIN
{
	printf("%d %d %d %d %d %d %c %d\n", a[0], a[1], a[2], a[3], a[4], sizeof(a), c[1], c[0]);
}

BEGIN
{
	i = 5;
	a[i] = 1;
	printf("not reached\n");
}

BEGIN
{
	exit(0);
}

ERROR
{
	printf("fault %d at index %d\n", arg4, arg5);
}
