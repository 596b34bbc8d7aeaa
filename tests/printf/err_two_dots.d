BEGIN
{
	printf("%.3.2d\n", 1);
}
