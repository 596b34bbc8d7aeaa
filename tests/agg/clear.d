#pragma D option quiet

/* clear() zeroes the values but keeps the keys.  clear() and printa() are
 * processed by the consumer after the aggregation snapshot, which already
 * holds both keys (dtrace_work(): aggregate_snap, then consume). */
BEGIN
{
	@c["a"] = count();
	clear(@c);
	printa("%s %@d\n", @c);
	@c["b"] = count();
	printa("%s %@d\n", @c);
	exit(0);
}
