#pragma D option quiet

BEGIN
{
	printf("%5d|%-5d|%05d|%+d|%+d|\n", 42, 42, 42, 42, -42);
	printf("%10s|%-10s|%.2s|\n", "abc", "abc", "abc");
	printf("%#x %#o %8x|%-8X|\n", 255, 8, 255, 255);
	printf("%3c|%-3c|\n", 66, 67);
	printf("%*d|%-*d|\n", 6, 1, 4, 2);
	exit(0);
}
