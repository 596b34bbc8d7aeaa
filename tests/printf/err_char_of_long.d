BEGIN
{
	printf("%c\n", 1L);
}
