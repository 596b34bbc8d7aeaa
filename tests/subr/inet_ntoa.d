/*
 * inet_ntoa() and inet_ntop(AF_INET): dotted quads of addresses built in
 * alloca()'d (zeroed) memory with bcopy() from string literals.
 */
#pragma D option quiet

BEGIN
{
	this->a = (char *)alloca(4);
	bcopy("\xc0\xa8\x01\x17", this->a + 0, 4);
	printf("%s %s\n", inet_ntoa(this->a), inet_ntop(AF_INET, this->a));
	this->a = (char *)alloca(4);
	bcopy("\x7f", this->a + 0, 1);
	bcopy("\x01", this->a + 3, 1);
	printf("%s %s\n", inet_ntoa(this->a), inet_ntop(AF_INET, this->a));
	this->a = (char *)alloca(4);
	bcopy("\xff\xff\xff\xff", this->a + 0, 4);
	printf("%s %s\n", inet_ntoa(this->a), inet_ntop(AF_INET, this->a));
	this->a = (char *)alloca(4);
	printf("%s %s\n", inet_ntoa(this->a), inet_ntop(AF_INET, this->a));
	this->a = (char *)alloca(4);
	bcopy("\x0a\x09\x64\x01", this->a + 0, 4);
	printf("%s %s\n", inet_ntoa(this->a), inet_ntop(AF_INET, this->a));
	exit(0);
}
