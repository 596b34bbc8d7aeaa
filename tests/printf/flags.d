#pragma D option quiet

/*
 * Every printf flag: dt_printf_create() records them and dt_printf_format()
 * hands printf(3) a format with them in the order # 0 - + ' space. Expected
 * output: glibc's printf of those formats (with "ll" for 64-bit values), in
 * the C locale (so ' groups nothing).
 */
BEGIN
{
	printf("[%#x][%#X][%#o][%#x][%#o][%#5o][%#.3x]\n", 255, 255, 8, 0, 0, 8, 255);
	printf("[%08d][%08x][%08u][%-8d][%-08d][%0-8d]\n", -42, 255, 42, -42, 42, 42);
	printf("[%+d][%+d][% d][% d][%+ d][% +d][%+d]\n", 42, -42, 42, -42, 42, 42, 0);
	printf("[%+u][% u][%+x][% o]\n", 42, 42, 42, 8);
	printf("[%'d][%'u][%'x][%'s][%'lld]\n", 123456789, 123456789, 123456789, "abc", 1234567890123LL);
	printf("[%#010x][%#-10x][%+08d][% 08d][%-+8d]\n", 255, 255, 42, 42, 42);
	printf("[%05s][%-5s][%05c][%-3c]\n", "ab", "ab", 65, 66);
	printf("[%#p][%08p][%-8p]\n", (void *)255, (void *)255, (void *)255);
	exit(0);
}
