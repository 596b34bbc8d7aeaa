/*
 * raise(SIGUSR1) in the workload's own context: the workload blocks
 * SIGUSR1 and waits for it in sigtimedwait(), so it goes on (and says so)
 * only if the signal arrived.
 */
#pragma D option quiet

syscall::rt_sigtimedwait:entry
/pid == $target/
{
	raise(SIGUSR1);
}
