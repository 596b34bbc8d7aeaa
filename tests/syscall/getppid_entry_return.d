#pragma D option quiet

syscall::getppid:entry
/pid == $target/
{
	@e = count();
}

syscall::getppid:return
/pid == $target/
{
	@r = count();
}

END
{
	printa("entry %@d\n", @e);
	printa("return %@d\n", @r);
}
