syscall::getppid:entry
/pid == $target/
{
	@n = count();
}

END
{
	printa("%@d\n", @n);
}
