/*
 * Results longer than strsize are cut to strsize bytes (Oracle's DTrace;
 * illumos keeps strsize - 1); cleanpath()
 * stops once its output is within 5 bytes of strsize, as DTrace's does.
 */
#pragma D option quiet

BEGIN
{
	printf("[%s]\n", lltostr(-1, 2));
	printf("[%s]\n", cleanpath("/abcdefghijklmnop"));
	printf("[%s]\n", substr("0123456789abcdefgh", 2));
	printf("[%s]\n", toupper("0123456789abcdefgh"));
	this->a = (char *)alloca(16);
	bcopy("\xfe\x80", this->a, 2);
	bcopy("\x02\x14\x4f\xff\xfe\x0b\x76\xc8", this->a + 8, 8);
	printf("[%s]\n", inet_ntoa6(this->a));
	exit(0);
}
