#pragma D option quiet

/* Default printing at exit: dtrace(1M) prints "\n", then each aggregation
 * (dt_print_aggs): no key -> " %16lld\n"; string key -> "  %-50s". */
BEGIN
{
	@ = count();
	@ = count();
	exit(0);
}
