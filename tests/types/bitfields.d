/*
 * Bit-fields in a D struct: packed as GCC does on x86-64 (a field never
 * straddles a unit of its type; sizeof and offsetof agree with gcc),
 * assigned (read-modify-write, values truncated to the width, signed
 * fields sign-extended) and read back.
 */
#pragma D option quiet
struct flags {
	unsigned int a : 3;
	unsigned int b : 5;
	int c : 4;
	unsigned int d : 30;
	char e;
};
struct flags f;
BEGIN
{
	f.a = 5; f.b = 17; f.c = -3; f.d = 123456789; f.e = 'x';
	f.a += 1;
	printf("%d %d %d %d %c %d\n", f.a, f.b, f.c, f.d, f.e, sizeof(struct flags));
	printf("%d %d\n", offsetof(struct flags, e), f.a == 6);
	f.b = 99;
	printf("%d\n", f.b);
	exit(0);
}
