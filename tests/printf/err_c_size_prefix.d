BEGIN
{
	printf("%zu\n", 1);
}
