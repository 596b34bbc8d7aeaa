/*
 * Stores through pointers into alloca()'d memory: *p, p[i], p->m and
 * compound assignments. Outside scratch memory a store faults with an
 * invalid address; a misaligned 2-, 4- or 8-byte store with an invalid
 * alignment (DTRACEFLT_BADALIGN, 2), as in DTrace.
 */
#pragma D option quiet

struct rec {
	int a;
	char b[5];
	long c;
};

BEGIN
{
	t = (struct rec *)alloca(sizeof (struct rec));
	t->a = 1;
	t->b[0] = 't';
	t->b[1] = 'e';
	t->b[2] = 's';
	t->b[3] = 't';
	t->c = 123456789;
	t->a += 41;
	printf("%d %s %d\n", t->a, stringof(t->b), t[0].c);
	this->p = (int *)alloca(2 * sizeof (int));
	this->p[0] = 7;
	this->p[1] = this->p[0] * 6;
	*this->p += 1;
	printf("%d %d\n", this->p[0], this->p[1]);
}

BEGIN
{
	this->q = (char *)alloca(8);
	*(int *)(this->q + 2) = 5;
	printf("not reached\n");
}

BEGIN
{
	this->l = (long *)alloca(8);
	this->l[1] = 5;
	printf("not reached\n");
}

BEGIN
{
	exit(0);
}

ERROR
{
	printf("fault %d in action %d\n", arg4, arg2);
}
