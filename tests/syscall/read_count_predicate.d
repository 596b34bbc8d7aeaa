#pragma D option quiet

syscall::read:entry
/pid == $target && arg2 == 1/
{
	@n = count();
}

END
{
	printa("%@d\n", @n);
}
