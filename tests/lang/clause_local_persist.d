#pragma D option quiet

/* Globals persist across clauses; clause-locals (this->) set in one clause of
 * a probe are visible in later clauses of the same probe firing. */
BEGIN
{
	g = 1;
	this->v = 7;
}

BEGIN
{
	printf("%d %d\n", g, this->v);
	exit(0);
}
