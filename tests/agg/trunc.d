#pragma D option quiet

/* trunc(@, 2) keeps the two largest values; trunc(@) removes everything. */
BEGIN
{
	@t["a"] = sum(1);
	@t["b"] = sum(5);
	@t["c"] = sum(3);
	@t["d"] = sum(4);
	trunc(@t, 2);
	printa("%s %@d\n", @t);
	trunc(@t);
	printa("%s %@d\n", @t);
	printf("done\n");
	exit(0);
}
