/* -x aggsortkey -x aggsortrev: by key, descending. */
#pragma D option quiet

BEGIN
{
	@a["b"] = sum(3);
	@a["c"] = sum(1);
	@a["a"] = sum(2);
	printa("%s %@d\n", @a);
	exit(0);
}
