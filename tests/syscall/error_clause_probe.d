/*
 * An ERROR clause run for a fault in a syscall probe is reported as the
 * dtrace:::ERROR probe (ID 3), not as the syscall whose number is 3
 * (close). Oracle's funcs/copyin/err.badaddr.r shows the ERROR probe line
 * of the default output: "                          :ERROR ".
 */
syscall::getppid:entry
/pid == $target/
{
	trace(*(int *)0);
}

ERROR
{
	exit(0);
}
