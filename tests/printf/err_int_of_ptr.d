BEGIN
{
	printf("%x\n", (void *)1);
}
