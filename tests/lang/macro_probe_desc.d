/*
 * Macro arguments in probe descriptions: $$N is the same as $N there
 * (dtrace_xstr2desc() in Oracle's libdtrace/dt_subr.c skips the second $),
 * with the text before and after the reference kept.
 */
#pragma D option quiet

dtrace:::$$1
{
	printf("%s\n", probename);
}

dtrace:::$2
{
	printf("%s\n", probename);
}

$$3:::BE$$4
{
	printf("%s %s\n", probeprov, probename);
}

profile:::tick-$$5
{
	printf("%s\n", probename);
	exit(0);
}
