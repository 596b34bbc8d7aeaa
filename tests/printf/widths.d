#pragma D option quiet

/*
 * Widths and precisions, fixed and dynamic (`*`, `.*`: width first, then
 * precision, then the value; a negative width left-justifies, a negative
 * precision is none). DTrace passes a precision only when it is > 0, so
 * %.0d and %.0s print as %d and %s (dt_printf_format()). `?` is the width
 * of a pointer (16 on LP64). Expected output: glibc's printf.
 */
BEGIN
{
	printf("[%5d][%-5d][%5s][%-5s][%1d][%1s]\n", 42, 42, "ab", "ab", 12345, "abcdef");
	printf("[%.3d][%.3s][%.0d][%.0s][%5.2s][%-5.1s][%8.3d][%.3x]\n", 7, "abcdef", 0, "abc", "abc", "abc", -7, 10);
	printf("[%*d][%-*d][%*d][%*s][%-*s]\n", 5, 42, 5, 42, -5, 42, 4, "ab", 4, "ab");
	printf("[%.*d][%.*s][%*.*s][%.*s][%.*d]\n", 4, 7, 2, "abcdef", 6, 3, "abcdef", -1, "abc", 0, 0);
	printf("[%*d][%*d]\n", (char)3, 1, (long)4, 2);
	printf("[%?d][%-?x][%?s]\n", 3, 255, "s");
	printf("[%020d][%-20d][%20.10d]\n", -123456789, 123456789, 42);
	exit(0);
}
