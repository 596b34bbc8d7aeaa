/*
 * progenyof(): the workload (run by dtrace) descends from dtrace ($pid),
 * from itself and from init, and not from a process that does not exist.
 */
#pragma D option quiet

BEGIN
{
	printf("BEGIN: %d %d\n", progenyof($pid), progenyof(0x7ffffff0));
}

syscall::getppid:entry
/pid == $target/
{
	printf("workload: %d %d %d %d\n", progenyof($pid), progenyof(pid), progenyof(1), progenyof(0x7ffffff0));
	exit(0);
}
