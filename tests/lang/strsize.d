#pragma D option quiet

/* strsize truncates strings to strsize - 1 characters. */
BEGIN
{
	s = "abcdefghijklmnop";
	printf("%s %d\n", s, strlen(s));
	exit(0);
}
