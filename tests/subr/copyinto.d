/*
 * copyinto() copies user memory (the workload's openat() path) into
 * alloca()'d memory; a bad user address faults (DTRACEFLT_BADADDR = 1).
 * The path is read at return: at entry, a path of the dynamic loader's
 * may lie in a page not mapped yet, and that read would fault first.
 */
#pragma D option quiet

syscall::openat:entry
/pid == $target/
{
	self->path = arg1;
}

syscall::openat:return
/self->path && copyinstr(self->path) == "/nonexistent/subr-copyinto"/
{
	this->buf = (char *)alloca(16);
	copyinto(self->path, 12, this->buf);
	printf("%s\n", stringof(this->buf));
	self->done = 1;
}

syscall::openat:return
/self->done/
{
	this->buf = (char *)alloca(8);
	copyinto(8, 4, this->buf);
}

syscall::openat:return
{
	self->path = 0;
}

ERROR
{
	printf("error: fault %d\n", arg4);
	exit(0);
}
