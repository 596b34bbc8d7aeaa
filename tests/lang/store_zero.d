/*
 * Assigning a literal 0 to a thread-local or associative array element
 * deletes it, whatever its type: a string too (dt_cook_op2's DT_TOK_ASGN
 * special case in Oracle's libdtrace/dt_parser.c). Reading a deleted
 * variable gives its zero value. The integer part follows dtrace-utils
 * test/unittest/variables/tvar/tst.store_zero_deletes.d and
 * assocs/tst.store_zero_deletes.d (expected 0234).
 */
#pragma D option quiet

BEGIN
{
	self->a = 1;
	self->b = 2;
	self->c = 3;
	self->a = 0;
	self->d = 4;
	trace(self->a);
	trace(self->b);
	trace(self->c);
	trace(self->d);
	printf("\n");

	a[1] = 1;
	a[2] = 2;
	a[3] = 3;
	a[1] = 0;
	a[4] = 4;
	trace(a[1]);
	trace(a[2]);
	trace(a[3]);
	trace(a[4]);
	printf("\n");

	self->path = "/etc/passwd";
	self->path = 0;
	name["a"] = "alpha";
	name["b"] = "beta";
	name["a"] = 0L;
	names[1, "x"] = "one";
	names[1, "x"] = 0x0;
	printf("[%s] [%s] [%s] [%s]\n", self->path, name["a"], name["b"], names[1, "x"]);

	self->path = "again";
	printf("[%s]\n", self->path);
	exit(0);
}

ERROR
{
	exit(1);
}
