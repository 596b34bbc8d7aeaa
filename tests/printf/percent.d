#pragma D option quiet

/* %% prints a '%' and takes no argument (it still counts as a conversion). */
BEGIN
{
	printf("100%%\n");
	printf("%%%d%%|%%%s|%%\n", 5, "x");
	exit(0);
}
