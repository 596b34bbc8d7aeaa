#pragma D option quiet

BEGIN
{
	self->t = 3;
	this->u = 4;
	printf("%d %d\n", self->t, this->u);
	self->t = 0;
	printf("%d\n", self->t);
	exit(0);
}
