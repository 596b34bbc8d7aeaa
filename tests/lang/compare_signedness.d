#pragma D option quiet

/* The usual arithmetic conversions: -1 < 0U compares as unsigned. */
BEGIN
{
	printf("%d %d\n", -1 < 0U, -1 < 0);
	printf("%d %d\n", -1 > 1U, (int)-1 > 1);
	printf("%d %d %d %d\n", 3 >= 3, 3 <= 2, 3 == 3, 3 != 3);
	exit(0);
}
