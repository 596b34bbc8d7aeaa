#pragma D option quiet

/* The workload's 1-byte writes to /dev/null: arg0 is 1, errno 0. */
syscall::write:entry
/pid == $target && arg2 == 1/
{
	self->w = 1;
}

syscall::write:return
/self->w/
{
	@[arg0, errno] = count();
	self->w = 0;
}

END
{
	printa("%d %d %@d\n", @);
}
