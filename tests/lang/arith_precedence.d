#pragma D option quiet

BEGIN
{
	printf("%d %d %d\n", 1 + 2 << 1, 1 << 2 + 1, 6 & 3 == 3);
	printf("%d %d %d\n", 5 & 3, 5 | 3, 5 ^ 3);
	printf("%d %d %d %d\n", !0, !5, ~0, -(-3));
	printf("%d %d\n", 1 || 0 && 0, (1 || 0) && 0);
	printf("%d %d\n", 2 ^ 3 | 4, 10 - 3 - 2);
	exit(0);
}
