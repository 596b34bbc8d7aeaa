#pragma D option quiet

/* stddev(2, 4, 4, 4, 5, 5, 7, 9) = 2 */
BEGIN
{
	@sd = stddev(2); @sd = stddev(4); @sd = stddev(4); @sd = stddev(4);
	@sd = stddev(5); @sd = stddev(5); @sd = stddev(7); @sd = stddev(9);
	printa("%@d\n", @sd);
	exit(0);
}
