/*
 * copyinto() copies user memory (the workload's openat() path) into
 * alloca()'d memory; a bad user address faults (DTRACEFLT_BADADDR = 1).
 */
#pragma D option quiet

syscall::openat:entry
/pid == $target && copyinstr(arg1) == "/nonexistent/subr-copyinto"/
{
	this->buf = (char *)alloca(16);
	copyinto(arg1, 12, this->buf);
	printf("%s\n", stringof(this->buf));
	self->done = 1;
}

syscall::openat:entry
/self->done/
{
	this->buf = (char *)alloca(8);
	copyinto(8, 4, this->buf);
}

ERROR
{
	printf("error: fault %d\n", arg4);
	exit(0);
}
