/* Message as Oracle DTrace prints it (test err.D_PROTO_ARG.strtokbadstr). */
BEGIN
{
	trace(strtok(1, "bar"));
}
