#pragma D option quiet

BEGIN
{
	printf("%d|%i|%u|%x|%X|%o|\n", 42, -42, 42, 255, 255, 8);
	printf("%c|%s|%%|\n", 65, "str");
	printf("%ld %llu %lld\n", 1234567890123, 18446744073709551615ULL, -9223372036854775807LL - 1);
	printf("%u %d\n", -1, 0xffffffffffffffff);
	exit(0);
}
