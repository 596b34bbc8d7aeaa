#pragma D option quiet

/* LP64 data model. */
BEGIN
{
	printf("%d %d %d %d\n", sizeof(char), sizeof(short), sizeof(int), sizeof(long));
	printf("%d %d %d\n", sizeof(long long), sizeof(uint64_t), sizeof(int32_t));
	exit(0);
}
