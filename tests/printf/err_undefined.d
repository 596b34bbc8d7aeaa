BEGIN
{
	printf("%d %y\n", 1, 2);
}
