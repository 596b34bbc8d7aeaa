/*
 * inet_ntoa6() and inet_ntop(AF_INET6), for the addresses of illumos'
 * tst.inet_ntoa6.d (with the expected text of Oracle's DTrace) and more:
 * the longest run (the first of equal ones) of two or more zero groups
 * becomes "::"; IPv4-mapped and -compatible addresses print as the IPv4
 * address (inet_ntoa6) or as ::ffff:a.b.c.d / ::a.b.c.d (inet_ntop).
 */
#pragma D option quiet

BEGIN
{
	i = 0;
}

tick-1ms
/i == 0/
{
	this->a = (char *)alloca(16);
	bcopy("\xfe\x80", this->a + 0, 2);
	bcopy("\x02\x14\x4f\xff\xfe\x0b\x76\xc8", this->a + 8, 8);
	printf("%s %s\n", inet_ntoa6(this->a), inet_ntop(AF_INET6, this->a));
}

tick-1ms
/i == 1/
{
	this->a = (char *)alloca(16);
	bcopy("\x10\x80", this->a + 0, 2);
	bcopy("\x08\x08", this->a + 10, 2);
	bcopy("\x0c\x41\x7a", this->a + 13, 3);
	printf("%s %s\n", inet_ntoa6(this->a), inet_ntop(AF_INET6, this->a));
}

tick-1ms
/i == 2/
{
	this->a = (char *)alloca(16);
	bcopy("\x01", this->a + 15, 1);
	printf("%s %s\n", inet_ntoa6(this->a), inet_ntop(AF_INET6, this->a));
}

tick-1ms
/i == 3/
{
	this->a = (char *)alloca(16);
	printf("%s %s\n", inet_ntoa6(this->a), inet_ntop(AF_INET6, this->a));
}

tick-1ms
/i == 4/
{
	this->a = (char *)alloca(16);
	bcopy("\x7f", this->a + 12, 1);
	bcopy("\x01", this->a + 15, 1);
	printf("%s %s\n", inet_ntoa6(this->a), inet_ntop(AF_INET6, this->a));
}

tick-1ms
/i == 5/
{
	this->a = (char *)alloca(16);
	bcopy("\xff\xff\x7f", this->a + 10, 3);
	bcopy("\x01", this->a + 15, 1);
	printf("%s %s\n", inet_ntoa6(this->a), inet_ntop(AF_INET6, this->a));
}

tick-1ms
/i == 6/
{
	this->a = (char *)alloca(16);
	bcopy("\xff\xfe\x7f", this->a + 10, 3);
	bcopy("\x01", this->a + 15, 1);
	printf("%s %s\n", inet_ntoa6(this->a), inet_ntop(AF_INET6, this->a));
}

tick-1ms
/i == 7/
{
	this->a = (char *)alloca(16);
	bcopy("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", this->a + 0, 16);
	printf("%s %s\n", inet_ntoa6(this->a), inet_ntop(AF_INET6, this->a));
}

tick-1ms
/i == 8/
{
	this->a = (char *)alloca(16);
	bcopy("\xfe\x12\x34\x56\x78\x9a\xbc\xde\x02\x14", this->a + 0, 10);
	printf("%s %s\n", inet_ntoa6(this->a), inet_ntop(AF_INET6, this->a));
}

tick-1ms
/i == 9/
{
	this->a = (char *)alloca(16);
	bcopy("\xfe\x12\x34\x56\x78\x9a\xbc\xde\x02\x14\x4f\xff", this->a + 0, 12);
	printf("%s %s\n", inet_ntoa6(this->a), inet_ntop(AF_INET6, this->a));
}

tick-1ms
/i == 10/
{
	this->a = (char *)alloca(16);
	bcopy("\xfe\x12\x34\x56\x78\x9a\xbc\xde\x02\x14\x4f\xff\xfe\x0b", this->a + 0, 14);
	printf("%s %s\n", inet_ntoa6(this->a), inet_ntop(AF_INET6, this->a));
}

tick-1ms
/i == 11/
{
	this->a = (char *)alloca(16);
	bcopy("\x01", this->a + 1, 1);
	bcopy("\x01", this->a + 5, 1);
	bcopy("\x01", this->a + 11, 1);
	bcopy("\x01", this->a + 15, 1);
	printf("%s %s\n", inet_ntoa6(this->a), inet_ntop(AF_INET6, this->a));
}

tick-1ms
/i == 12/
{
	this->a = (char *)alloca(16);
	bcopy("\x01", this->a + 1, 1);
	bcopy("\x01", this->a + 7, 1);
	bcopy("\x01", this->a + 15, 1);
	printf("%s %s\n", inet_ntoa6(this->a), inet_ntop(AF_INET6, this->a));
}

tick-1ms
/i == 13/
{
	this->a = (char *)alloca(16);
	bcopy("\x01", this->a + 3, 1);
	bcopy("\x02", this->a + 5, 1);
	bcopy("\x03", this->a + 7, 1);
	bcopy("\x04", this->a + 9, 1);
	bcopy("\x05", this->a + 11, 1);
	bcopy("\x06", this->a + 13, 1);
	bcopy("\x07", this->a + 15, 1);
	printf("%s %s\n", inet_ntoa6(this->a), inet_ntop(AF_INET6, this->a));
}

tick-1ms
/i == 14/
{
	this->a = (char *)alloca(16);
	bcopy("\x20\x01\x0d\xb8", this->a + 0, 4);
	bcopy("\x01", this->a + 9, 1);
	bcopy("\x01", this->a + 15, 1);
	printf("%s %s\n", inet_ntoa6(this->a), inet_ntop(AF_INET6, this->a));
}

tick-1ms
/i == 15/
{
	this->a = (char *)alloca(16);
	bcopy("\x02", this->a + 15, 1);
	printf("%s %s\n", inet_ntoa6(this->a), inet_ntop(AF_INET6, this->a));
}

tick-1ms
{
	i++;
}

tick-1ms
/i == 16/
{
	exit(0);
}
