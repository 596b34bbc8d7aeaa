/* Global associative arrays: keyed by integers and strings, assigned, read and deleted. */
int counts[int, string];
syscall::read:entry { counts[pid, execname] = counts[pid, execname] + 1; }
syscall::read:return /counts[pid, execname] > 2/ { trace(counts[pid, execname]); counts[pid, execname] = 0; }
