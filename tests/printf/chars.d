#pragma D option quiet

/*
 * %c prints the character; %C prints it escaped as %S would
 * (pfprint_echr()), without the \0 of a string's end.
 */
BEGIN
{
	printf("[%c][%3c][%-3c][%c]\n", 'A', 'B', 'C', (char)100);
	printf("[%C][%C][%C][%C][%C][%C]\n", 'A', '\n', '\\', 1, '"', 0);
	printf("[%4C][%-4C]\n", '\t', '\t');
	exit(0);
}
