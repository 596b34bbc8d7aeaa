#pragma D option quiet

/*
 * Failing opens set errno to ENOENT (2). The path is read at return, when
 * the kernel has read it: at entry, a path of the dynamic loader's may lie
 * in a page not mapped yet.
 */
syscall::openat:entry
/pid == $target/
{
	self->path = arg1;
}

syscall::openat:return
/self->path && copyinstr(self->path) == "/nonexistent/file"/
{
	@[errno] = count();
}

syscall::openat:return
{
	self->path = 0;
}

END
{
	printa("errno %d: %@d\n", @);
}
