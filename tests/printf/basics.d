#pragma D option quiet

/*
 * Every conversion of the printf dictionary that takes an integer or a
 * string: test/unittest/printf/tst.basics.d of the DTrace test suite (its
 * %a line is in printf/addr), expected output tst.basics.r.
 */
BEGIN
{
	i = (int)'a';

	printf("\n");

	printf("%%c = %c\n", i);
	printf("%%d = %d\n", i);
	printf("%%hd = %hd\n", (short)i);
	printf("%%hi = %hi\n", (short)i);
	printf("%%ho = %ho\n", (ushort_t)i);
	printf("%%hu = %hu\n", (ushort_t)i);
	printf("%%hx = %hx\n", (ushort_t)i);
	printf("%%hX = %hX\n", (ushort_t)i);
	printf("%%i = %i\n", i);
	printf("%%lc = %lc\n", i);
	printf("%%ld = %ld\n", (long)i);
	printf("%%li = %li\n", (long)i);
	printf("%%lo = %lo\n", (ulong_t)i);
	printf("%%lu = %lu\n", (ulong_t)i);
	printf("%%lx = %lx\n", (ulong_t)i);
	printf("%%lX = %lX\n", (ulong_t)i);
	printf("%%o = %o\n", (uint_t)i);
	printf("%%p = %p\n", (void *)i);
	printf("%%s = %s\n", "hello");
	printf("%%u = %u\n", (uint_t)i);
	printf("%%x = %x\n", (uint_t)i);
	printf("%%X = %X\n", (uint_t)i);

	exit(0);
}
