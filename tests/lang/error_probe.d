/* A fault (division by zero) abandons the clause, fires ERROR with
   arg1 = faulting epid, arg2 = action index, arg4 = fault type
   (DTRACEFLT_DIVZERO = 4); later clauses still run. */
BEGIN
{
	x = 0;
	printf("%d\n", 1 / x);
	printf("not reached\n");
}

ERROR
{
	printf("error: epid %d action %d fault %d\n", arg1, arg2, arg4);
}

BEGIN
{
	printf("next\n");
	exit(0);
}
