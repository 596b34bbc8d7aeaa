#pragma D option quiet

/* 0xffffffff is an unsigned int constant: x + 1 wraps to 0 in 32 bits. */
BEGIN
{
	x = 0xffffffff;
	printf("%u %d\n", (unsigned int)(x + 1), (int)x);
	y = (uint8_t)255;
	printf("%d\n", (uint8_t)(y + 1));
	printf("%u\n", 0U - 1);
	printf("%llu\n", 0ULL - 1);
	exit(0);
}
