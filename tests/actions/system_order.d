/*
 * system() runs its printf-formatted command when the consumer reaches the
 * record; the command's output lands between what the clause printed
 * before and after it (as in DTrace's tst.system-str.d).
 */
#pragma D option quiet
#pragma D option destructive

BEGIN
{
	this->s = "foo";
	this->a = 9;
	printf("before\n");
	system("echo %s %d %d", this->s, this->a, -2);
	printf("after\n");
	system("printf '%%s' 'no newline'");
	printf(" <- then printf\n");
}

BEGIN
{
	system("echo %s %d", probename, ++this->a);
	exit(0);
}
