/*
 * User symbols of a -c command that exits at once: dtrace holds it at its
 * exit while it reads its mappings, so that its addresses still resolve
 * when they are printed after it is gone (here, at the end).
 */
#pragma D option quiet

syscall::exit_group:entry
/pid == $target/
{
	@[umod(ucaller), ufunc(ucaller)] = count();
}
