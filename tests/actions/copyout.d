/*
 * copyout() and copyoutstr() write into the workload's buffer as it enters
 * write(1, "hello\n", 6): one byte of a string, then at most 3 bytes of
 * another (no NUL within 3), so the workload prints "JELLo".
 */
#pragma D option quiet
#pragma D option destructive

syscall::write:entry
/pid == $target && arg0 == 1/
{
	copyout("J", arg1, 1);
	copyoutstr("ELLOW", arg1 + 1, 3);
}
