BEGIN
{
	printf("%s %.*d\n", "foo");
}
