#pragma D option quiet

BEGIN
{
	x = 5;
	printf("%d %d\n", x > 3 ? 10 : 20, x < 3 ? 10 : 20);
	printf("%s\n", x == 5 ? "five" : "other");
	printf("%d\n", x > 1 ? x > 4 ? 2 : 1 : 0);
	exit(0);
}
