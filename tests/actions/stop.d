/*
 * stop() stops the workload in getppid(); a system() command then sees it
 * in state T (stopped) and continues it with SIGCONT, after which the
 * workload finishes and says so.
 */
#pragma D option quiet
#pragma D option destructive

syscall::getppid:entry
/pid == $target/
{
	stop();
	system("for i in $(seq 50); do s=$(cut -d' ' -f3 /proc/%d/stat); [ \"$s\" = T ] && break; sleep 0.1; done; echo state $s", pid);
	system("kill -CONT %d", pid);
}
