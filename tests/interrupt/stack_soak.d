/*
 * Issue 8: syscall counting keyed by execname while profile-997 aggregates
 * kernel stacks on every CPU (the issue's 2-minute soak lost 4,350 counts
 * and printed the same key 20 times). The workload's key appears once,
 * with every call.
 */
#pragma D option quiet

syscall::getppid:entry
/pid == $target/
{
	@[execname] = count();
}

profile-997
{
	@s[stack()] = count();
}

END
{
	trunc(@s);
}
