/*
 * setopt() at run time: unknown names, bad values and options that are
 * fixed once tracing is on are errors (DTrace's tst.badopt.d); quiet and
 * aggsortkey change how later records and the aggregations print.
 */
#pragma D option quiet

BEGIN
{
	setopt("Nixon");
	setopt("quiet", "um, no");
	setopt("aggrate", "0.5hz");
	setopt("bufsize", "1m");
	setopt("zdefs");
	setopt("aggsortkey");
	@a["b"] = count();
	@a["a"] = count();
	@a["a"] = count();
	printf("quiet\n");
}

BEGIN
{
	setopt("quiet", "no");
}

BEGIN
{
	trace("loud");
	setopt("quiet", "yes");
}

BEGIN
{
	trace("quiet again");
	exit(0);
}
