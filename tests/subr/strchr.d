/*
 * strchr() and strrchr(), after illumos' tst.strchr.d. Where DTrace
 * returns NULL (no such character) we return "" (every string here is a
 * buffer): those lines print "".
 */
#pragma D option quiet

BEGIN
{
	printf("strchr(\"%s\", %d) = \"%s\"; strrchr = \"%s\"\n", "fooeyfooeyfoo", 'f', strchr("fooeyfooeyfoo", 'f'), strrchr("fooeyfooeyfoo", 'f'));
	printf("strchr(\"%s\", %d) = \"%s\"; strrchr = \"%s\"\n", "fooeyfooeyfoo", 'y', strchr("fooeyfooeyfoo", 'y'), strrchr("fooeyfooeyfoo", 'y'));
	printf("strchr(\"%s\", %d) = \"%s\"; strrchr = \"%s\"\n", "fooeyfooeyfoo", 'o', strchr("fooeyfooeyfoo", 'o'), strrchr("fooeyfooeyfoo", 'o'));
	printf("strchr(\"%s\", %d) = \"%s\"; strrchr = \"%s\"\n", "fooeyfooeyfoo", 'a', strchr("fooeyfooeyfoo", 'a'), strrchr("fooeyfooeyfoo", 'a'));
	printf("strchr(\"%s\", %d) = \"%s\"; strrchr = \"%s\"\n", "fooeyfooeyfoo", '\0', strchr("fooeyfooeyfoo", '\0'), strrchr("fooeyfooeyfoo", '\0'));
	printf("strchr(\"%s\", %d) = \"%s\"; strrchr = \"%s\"\n", "", 'a', strchr("", 'a'), strrchr("", 'a'));
	printf("strchr(\"%s\", %d) = \"%s\"; strrchr = \"%s\"\n", "", '\0', strchr("", '\0'), strrchr("", '\0'));
	printf("strchr(\"%s\", %d) = \"%s\"; strrchr = \"%s\"\n", "/usr/lib/libc.so.1", '/', strchr("/usr/lib/libc.so.1", '/'), strrchr("/usr/lib/libc.so.1", '/'));
	printf("strchr(\"%s\", %d) = \"%s\"; strrchr = \"%s\"\n", "/usr/lib/libc.so.1", '.', strchr("/usr/lib/libc.so.1", '.'), strrchr("/usr/lib/libc.so.1", '.'));
	str = "fooeyfooeyfoo";
	printf("nested: \"%s\"\n", strrchr(strchr(str, 'y'), 'f'));
	printf("char arithmetic: \"%s\"\n", strchr(str, 'y' + 256));
	exit(0);
}
