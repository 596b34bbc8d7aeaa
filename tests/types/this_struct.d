/*
 * Clause-local struct variables: declared with `this`, members assigned
 * one by one, shared by the clauses of one firing, zeroed for the next.
 */
#pragma D option quiet

struct point {
	int x;
	int y;
	char tag[4];
};

this struct point p;

BEGIN
{
	this->p.x = 3;
	this->p.y = 4;
}

BEGIN
{
	printf("%d %d %d %s %d\n", this->p.x, this->p.y,
	    this->p.x * this->p.x + this->p.y * this->p.y, this->p.tag, sizeof (this->p));
}

tick-1ms
/i++ < 3/
{
	printf("fresh: %d %d\n", this->p.x, this->p.y);
	this->p.x = i;
	this->p.y = this->p.x * 10;
	printf("set: %d %d\n", this->p.x, this->p.y);
}

tick-1ms
/i >= 3/
{
	exit(0);
}
