#pragma D option quiet

/* %p prints the value in hex without 0x (dt_printf.c maps "p" to "x"). */
BEGIN
{
	printf("%p\n", 0x1234);
	exit(0);
}
