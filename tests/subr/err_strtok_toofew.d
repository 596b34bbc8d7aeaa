/* Message as Oracle DTrace prints it (test err.D_PROTO_LEN.strtoktoofew). */
BEGIN
{
	trace(strtok("foo"));
}
