/*
 * print() shows a member of a script-declared enum type by its
 * enumerator's name, as Oracle's print/tst.print.local.r does
 * (".h = (enum eh)SECONDVAL"); a value with no enumerator stays a number.
 */
#pragma D option quiet

enum eh { FIRSTVAL = 0, SECONDVAL = 1, THIRDVAL = 3 };

struct pair {
	enum eh named;
	enum eh unnamed;
};

BEGIN
{
	t = (struct pair *)alloca(sizeof (struct pair));
	t->named = THIRDVAL;
	t->unnamed = 2;
	print(*t);
	exit(0);
}
