/*
 * strtok(), after illumos' tst.strtok.d: the position persists across
 * clauses (per CPU), NULL continues, delimiters may change between calls.
 * Where DTrace returns NULL (no more tokens) we return "".
 */
#pragma D option quiet

BEGIN
{
	this->str = ",,,Carrots,,Barley,Oatmeal,,,Beans,";
	printf("[%s]\n", strtok(this->str, ","));
}

BEGIN
{
	printf("[%s]\n", strtok(NULL, ","));
}

BEGIN
{
	printf("[%s]\n", strtok(NULL, ","));
	printf("[%s]\n", strtok(NULL, ","));
	printf("[%s]\n", strtok(NULL, ","));
	printf("[%s]\n", strtok(NULL, ","));
}

BEGIN
{
	x = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
	printf("[%s]\n", strtok(x, "abcABC"));
	printf("[%s]\n", strtok(NULL, "MNO"));
	printf("[%s]\n", strtok(NULL, "MNO"));
	printf("[%s]\n", strtok(NULL, "0123456789"));
	printf("[%s]\n", strtok(NULL, "0123456789"));
}

BEGIN
{
	printf("[%s] [%s] [%s]\n", strtok("", ""), strtok("foo", ""), strtok("", "foo"));
	printf("[%s] [%s] [%s]\n", strtok("foobar", "o"), strtok("oobar", "o"), strtok("foo", "bar"));
	printf("[%s] [%s]\n", strtok("a b\tc", " \t"), strtok(0, " \t"));
	exit(0);
}
