#pragma D option quiet

/* C semantics: division truncates toward zero, % takes the sign of the dividend. */
BEGIN
{
	printf("%d %d %d %d\n", 7 / 2, -7 / 2, -7 % 3, 7 % -3);
	printf("%d %d\n", 2 + 3 * 4 - 10 / 5, (2 + 3) * 4);
	exit(0);
}
