/*
 * Issue 8: a profile probe interrupting a syscall clause on the same CPU
 * must not touch that clause's state. Before per-nesting-level scratch,
 * this printed @gp 1,999,786 and @k with keys "gp" 293, "gpxyz" 1,329
 * and "gp" 1,998,164: the profile clause's strjoin() result leaked into
 * the syscall clause's key, and firings were lost with no drop reported.
 * Every getppid() of the -c workload is counted, once, under its name.
 */
#pragma D option quiet

syscall::getppid:entry
/pid == $target/
{
	@gp = count();
	@k[execname] = count();
}

profile-4999
{
	this->s = strjoin(execname, "xyz");
	@p[this->s] = count();
}

END
{
	printa("gp %@d\n", @gp);
	printa("k %s %@d\n", @k);
	trunc(@p);
}
