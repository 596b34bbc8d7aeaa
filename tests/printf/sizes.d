#pragma D option quiet

/*
 * Size prefixes (h, l, ll: DTrace's conversion dictionary) and how values
 * narrower than 64 bits convert: pfprint_sint()/pfprint_uint() pass them as
 * C int / unsigned int, so %x of a char -1 is ff and of an int -1 ffffffff;
 * %d/%i of an unsigned type prints it unsigned (pfcheck_dint()).
 */
BEGIN
{
	printf("[%hd][%hi][%ho][%hu][%hx][%hX]\n", (short)-1, (short)-2, (ushort_t)8, (ushort_t)65535, (short)-1, (ushort_t)0xabc);
	printf("[%ld][%li][%lo][%lu][%lx][%lX]\n", (long)-1, (long)-2, (ulong_t)8, (ulong_t)-1, (long)-1, (ulong_t)0xabc);
	printf("[%lld][%lli][%llo][%llu][%llx][%llX]\n", -1LL, -2LL, 8ULL, 18446744073709551615ULL, -1LL, 0xabcULL);
	printf("[%lc]\n", 65);
	printf("[%d][%u][%x][%o][%c]\n", (char)-1, (char)-1, (char)-1, (char)-1, (char)65);
	printf("[%d][%u][%x][%X]\n", (short)-1, (short)-1, (short)-1, (short)-1);
	printf("[%d][%u][%x][%o]\n", -1, -1, -1, -1);
	printf("[%d][%u][%x][%X][%o]\n", -1L, -1L, -1L, -1L, -1L);
	printf("[%d][%i][%d][%i]\n", (unsigned char)255, (ushort_t)65535, 4294967295U, 18446744073709551615ULL);
	exit(0);
}
