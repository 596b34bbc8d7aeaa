#pragma D option quiet

BEGIN
{
	a = "abc";
	b = "abd";
	printf("%d %d %d %d\n", a < b, a == b, a != b, a >= "abc");
	printf("%d %d\n", "b" > "abc", "" < "a");
	printf("%s\n", a == "abc" ? "equal" : "different");
	exit(0);
}
