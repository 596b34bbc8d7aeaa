/*
 * strtoll(): blanks and a sign first; base 16 also takes "0x" (if a hex
 * digit follows); digits until the first byte that is not one.
 */
#pragma D option quiet

BEGIN
{
	printf("strtoll(\"%s\") = %d\n", "1234", strtoll("1234"));
	printf("strtoll(\"%s\") = %d\n", "-1234", strtoll("-1234"));
	printf("strtoll(\"%s\") = %d\n", "+77", strtoll("+77"));
	printf("strtoll(\"%s\") = %d\n", "  	 42abc", strtoll("  	 42abc"));
	printf("strtoll(\"%s\") = %d\n", "", strtoll(""));
	printf("strtoll(\"%s\") = %d\n", "abc", strtoll("abc"));
	printf("strtoll(\"%s\") = %d\n", "9223372036854775807", strtoll("9223372036854775807"));
	printf("strtoll(\"%s\") = %d\n", "-9223372036854775808", strtoll("-9223372036854775808"));
	printf("strtoll(\"%s\", 8) = %d\n", "777", strtoll("777", 8));
	printf("strtoll(\"%s\", 16) = %d\n", "0x1fz", strtoll("0x1fz", 16));
	printf("strtoll(\"%s\", 16) = %d\n", "0X1F", strtoll("0X1F", 16));
	printf("strtoll(\"%s\", 16) = %d\n", "0xg", strtoll("0xg", 16));
	printf("strtoll(\"%s\", 16) = %d\n", "ff", strtoll("ff", 16));
	printf("strtoll(\"%s\", 36) = %d\n", "-zz", strtoll("-zz", 36));
	printf("strtoll(\"%s\", 2) = %d\n", "101102", strtoll("101102", 2));
	printf("strtoll(\"%s\") = %d\n", "  - 5", strtoll("  - 5"));
	printf("strtoll(\"%s\") = %d\n", "12 34", strtoll("12 34"));
	exit(0);
}
