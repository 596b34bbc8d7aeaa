#pragma D option quiet

int n;

BEGIN
{
	printf("%d\n", n);
	n = 41;
	n++;
	x = n * 2;
	x += 1;
	x -= 2;
	x *= 3;
	x /= 2;
	printf("%d %d\n", n, x);
	exit(0);
}
