#pragma D option quiet

/* A string keeps strsize characters, as in Oracle's DTrace (funcs/strlen/tst.capped-sizw, funcs/strjoin/tst.strjoin-capped-size; illumos keeps strsize - 1). */
BEGIN
{
	s = "abcdefghijklmnop";
	printf("%s %d\n", s, strlen(s));
	exit(0);
}
