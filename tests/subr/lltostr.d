/*
 * lltostr() in bases 2 to 36: negative only in base 10 (other bases show
 * the 64-bit pattern), "0x" before base 16 and "0" before base 8, as
 * illumos does.
 */
#pragma D option quiet

BEGIN
{
	printf("lltostr(%d) = %s\n", 0, lltostr(0));
	printf("lltostr(%d, 2) = %s\n", 0, lltostr(0, 2));
	printf("lltostr(%d, 8) = %s\n", 0, lltostr(0, 8));
	printf("lltostr(%d, 10) = %s\n", 0, lltostr(0, 10));
	printf("lltostr(%d, 16) = %s\n", 0, lltostr(0, 16));
	printf("lltostr(%d, 36) = %s\n", 0, lltostr(0, 36));
	printf("lltostr(%d) = %s\n", 1, lltostr(1));
	printf("lltostr(%d, 2) = %s\n", 1, lltostr(1, 2));
	printf("lltostr(%d, 8) = %s\n", 1, lltostr(1, 8));
	printf("lltostr(%d, 10) = %s\n", 1, lltostr(1, 10));
	printf("lltostr(%d, 16) = %s\n", 1, lltostr(1, 16));
	printf("lltostr(%d, 36) = %s\n", 1, lltostr(1, 36));
	printf("lltostr(%d) = %s\n", -1, lltostr(-1));
	printf("lltostr(%d, 2) = %s\n", -1, lltostr(-1, 2));
	printf("lltostr(%d, 8) = %s\n", -1, lltostr(-1, 8));
	printf("lltostr(%d, 10) = %s\n", -1, lltostr(-1, 10));
	printf("lltostr(%d, 16) = %s\n", -1, lltostr(-1, 16));
	printf("lltostr(%d, 36) = %s\n", -1, lltostr(-1, 36));
	printf("lltostr(%d) = %s\n", 1234, lltostr(1234));
	printf("lltostr(%d, 2) = %s\n", 1234, lltostr(1234, 2));
	printf("lltostr(%d, 8) = %s\n", 1234, lltostr(1234, 8));
	printf("lltostr(%d, 10) = %s\n", 1234, lltostr(1234, 10));
	printf("lltostr(%d, 16) = %s\n", 1234, lltostr(1234, 16));
	printf("lltostr(%d, 36) = %s\n", 1234, lltostr(1234, 36));
	printf("lltostr(%d) = %s\n", -1234, lltostr(-1234));
	printf("lltostr(%d, 2) = %s\n", -1234, lltostr(-1234, 2));
	printf("lltostr(%d, 8) = %s\n", -1234, lltostr(-1234, 8));
	printf("lltostr(%d, 10) = %s\n", -1234, lltostr(-1234, 10));
	printf("lltostr(%d, 16) = %s\n", -1234, lltostr(-1234, 16));
	printf("lltostr(%d, 36) = %s\n", -1234, lltostr(-1234, 36));
	printf("lltostr(%d) = %s\n", 9223372036854775807, lltostr(9223372036854775807));
	printf("lltostr(%d, 2) = %s\n", 9223372036854775807, lltostr(9223372036854775807, 2));
	printf("lltostr(%d, 8) = %s\n", 9223372036854775807, lltostr(9223372036854775807, 8));
	printf("lltostr(%d, 10) = %s\n", 9223372036854775807, lltostr(9223372036854775807, 10));
	printf("lltostr(%d, 16) = %s\n", 9223372036854775807, lltostr(9223372036854775807, 16));
	printf("lltostr(%d, 36) = %s\n", 9223372036854775807, lltostr(9223372036854775807, 36));
	printf("lltostr(%d) = %s\n", (-9223372036854775807 - 1), lltostr((-9223372036854775807 - 1)));
	printf("lltostr(%d, 2) = %s\n", (-9223372036854775807 - 1), lltostr((-9223372036854775807 - 1), 2));
	printf("lltostr(%d, 8) = %s\n", (-9223372036854775807 - 1), lltostr((-9223372036854775807 - 1), 8));
	printf("lltostr(%d, 10) = %s\n", (-9223372036854775807 - 1), lltostr((-9223372036854775807 - 1), 10));
	printf("lltostr(%d, 16) = %s\n", (-9223372036854775807 - 1), lltostr((-9223372036854775807 - 1), 16));
	printf("lltostr(%d, 36) = %s\n", (-9223372036854775807 - 1), lltostr((-9223372036854775807 - 1), 36));
	printf("lltostr(%d) = %s\n", 255, lltostr(255));
	printf("lltostr(%d, 2) = %s\n", 255, lltostr(255, 2));
	printf("lltostr(%d, 8) = %s\n", 255, lltostr(255, 8));
	printf("lltostr(%d, 10) = %s\n", 255, lltostr(255, 10));
	printf("lltostr(%d, 16) = %s\n", 255, lltostr(255, 16));
	printf("lltostr(%d, 36) = %s\n", 255, lltostr(255, 36));
	printf("lltostr(%d) = %s\n", 8, lltostr(8));
	printf("lltostr(%d, 2) = %s\n", 8, lltostr(8, 2));
	printf("lltostr(%d, 8) = %s\n", 8, lltostr(8, 8));
	printf("lltostr(%d, 10) = %s\n", 8, lltostr(8, 10));
	printf("lltostr(%d, 16) = %s\n", 8, lltostr(8, 16));
	printf("lltostr(%d, 36) = %s\n", 8, lltostr(8, 36));
	exit(0);
}
