#pragma D option quiet

/* printa() without a format: "\n", then the default layout; an
 * aggregation printed by printa() is not printed again at exit. */
BEGIN
{
	@["k"] = count();
	printa(@);
	exit(0);
}
