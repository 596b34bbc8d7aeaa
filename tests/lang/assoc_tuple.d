#pragma D option quiet

BEGIN
{
	a[1, "one"] = 10;
	a[2, "two"] = 20;
	a[1, "one"] += 5;
	printf("%d %d %d\n", a[1, "one"], a[2, "two"], a[3, "three"]);
	b["k"] = "v";
	printf("%s\n", b["k"]);
	exit(0);
}
