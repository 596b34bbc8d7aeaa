/*
 * alloca() gives zeroed scratch memory; bcopy() copies kernel memory (here
 * string literals) into it, and faults (invalid address, DTRACEFLT_BADADDR
 * = 1) when the destination is not scratch memory of the clause.
 */
#pragma D option quiet

BEGIN
{
	this->p = (char *)alloca(16);
	printf("zeroed: \"%s\"\n", stringof(this->p));
	bcopy("hello", this->p, 5);
	printf("copied: \"%s\"\n", stringof(this->p));
	bcopy("J", this->p, 1);
	bcopy("world", this->p + 6, 5);
	printf("%s %s\n", stringof(this->p), stringof(this->p + 6));
}

BEGIN
{
	this->q = (char *)alloca(8);
	/* One byte past the end of what the clause allocated. */
	bcopy("abcdefgh", this->q + 1, 8);
	printf("not reached\n");
}

BEGIN
{
	this->r = (char *)alloca(8);
	bcopy("abcd", 0, 4);
	printf("not reached\n");
}

ERROR
{
	printf("error: fault %d\n", arg4);
}

BEGIN
{
	exit(0);
}
