#pragma D option quiet

/* Failing opens set errno to ENOENT (2). */
syscall::openat:entry
/pid == $target && copyinstr(arg1) == "/nonexistent/file"/
{
	self->o = 1;
}

syscall::openat:return
/self->o/
{
	@[errno] = count();
	self->o = 0;
}

END
{
	printa("errno %d: %@d\n", @);
}
