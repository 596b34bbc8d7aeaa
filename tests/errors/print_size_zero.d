/* print() of a type of size zero, in Oracle's words (print/err.D_PRINT_SIZE.zero.r). */
BEGIN
{
	t = (int *)alloca(sizeof(int));
	print((struct bpf_raw_tracepoint_args *)t);
	exit(0);
}
