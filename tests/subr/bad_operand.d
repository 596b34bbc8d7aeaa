/*
 * An invalid base (lltostr, strtoll: 2 to 36) or address family
 * (inet_ntop: AF_INET or AF_INET6) is an illegal operation at run time
 * (DTRACEFLT_ILLOP = 3), as in DTrace.
 */
#pragma D option quiet

BEGIN
{
	b = 1;
	trace(lltostr(5, b));
}

BEGIN
{
	trace(strtoll("5", 37));
}

BEGIN
{
	this->a = (char *)alloca(16);
	trace(inet_ntop(3, this->a));
}

ERROR
{
	printf("error: fault %d\n", arg4);
}

BEGIN
{
	exit(0);
}
