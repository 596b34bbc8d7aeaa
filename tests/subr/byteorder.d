/* htons/htonl/htonll and ntohs/ntohl/ntohll on a little-endian host:
   byte swaps of the low 16, 32 and 64 bits. */
#pragma D option quiet

BEGIN
{
	printf("%x %x %x\n", htons(0x1234), htonl(0x12345678), htonll(0x0102030405060708));
	printf("%x %x %x\n", ntohs(0x1234), ntohl(0x12345678), ntohll(0x0102030405060708));
	printf("%x %x\n", htons(0xabcdef), htonl(0x1122334455));
	printf("%x\n", ntohl(htonl(0xdeadbeef)));
	exit(0);
}
