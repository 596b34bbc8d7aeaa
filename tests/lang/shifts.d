#pragma D option quiet

BEGIN
{
	printf("%d %d %d\n", 1 << 4, -16 >> 2, 256 >> 4);
	printf("%u\n", (unsigned int)-16 >> 28);
	printf("%llu\n", 1ULL << 63);
	exit(0);
}
