BEGIN
{
	printf("%s %.*d\n", "a", "s", 1);
}
