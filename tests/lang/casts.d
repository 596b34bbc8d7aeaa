#pragma D option quiet

BEGIN
{
	printf("%d %d\n", (char)300, (unsigned char)-1);
	printf("%d %d\n", (short)65537, (unsigned short)-1);
	printf("%d %u\n", (int)4294967297, (unsigned int)-2);
	printf("%d\n", (char)-129);
	exit(0);
}
