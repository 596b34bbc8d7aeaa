#pragma D option quiet

/*
 * %Y: nanoseconds since the epoch as "%Y %b %e %T" (pfprint_time():
 * ctime(3)'s text with the year moved first); %T: RFC 822,
 * strftime "%a, %d %b %G %T %Z" (note %G: the ISO 8601 week-based year, so
 * 2027 Jan 1 prints 2026). Local time; the tests run with TZ=UTC.
 * test/unittest/printf/tst.printY.sh uses the first three values.
 */
BEGIN
{
	printf("%Y\n", (uint64_t)0);
	printf("%Y\n", (uint64_t)1062609821 * 1000000000);
	printf("%Y\n", (uint64_t)0x7fffffff * 1000000000);
	printf("[%25Y][%-25Y][%.4Y]\n", (uint64_t)0, (uint64_t)0, (uint64_t)0);
	printf("%Y\n", walltimestamp - walltimestamp);
	printf("%T\n", (uint64_t)0);
	printf("%T\n", (uint64_t)1798761600 * 1000000000);
	exit(0);
}
