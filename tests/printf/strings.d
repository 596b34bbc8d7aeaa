#pragma D option quiet

/*
 * %s and %S. %S escapes the string as C would (strchr2esc(): \a \b \f \n
 * \r \t \v \" \\, octal \ooo for other bytes outside ! to ~) over the whole
 * string record, stopping after the first NUL, which it prints as \0.
 */
BEGIN
{
	printf("[%s][%10s][%-10s][%.2s][%s]\n", "hello", "hello", "hello", "hello", "");
	printf("[%S]\n", "tab\there");
	printf("[%S]\n", "nl\ncr\rff\fvt\vbel\abs\b");
	printf("[%S]\n", "q\"b\\");
	printf("[%S]\n", "\001\037\177\200\377 sp");
	printf("[%S]\n", "");
	printf("[%12S][%-12S][%.3S]\n", "a\tb", "a\tb", "a\tb");
	exit(0);
}
