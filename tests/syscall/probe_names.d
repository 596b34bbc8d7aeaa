#pragma D option quiet

syscall::getppid:entry
/pid == $target/
{
	printf("%s %s %s\n", probeprov, probefunc, probename);
	exit(0);
}
