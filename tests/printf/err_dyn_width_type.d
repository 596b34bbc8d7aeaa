BEGIN
{
	printf("%*d\n", "s", 1);
}
