/*
 * json() reads no further than strsize bytes of its input: a key past that
 * point is not found, one before it is.
 */
#pragma D option quiet
#pragma D option strsize=32

BEGIN
{
	printf("%s\n", json("{\"a\":1,\"b\":2}", "b"));
	/* The input is cut at 31 characters, in the middle of "late". */
	out = json("{\"early\":\"yes\",\"pad\":0,\"late\":\"no\"}", "early");
	printf("%s\n", out);
	out = json("{\"early\":\"yes\",\"pad\":0,\"late\":\"no\"}", "late");
	printf("%s\n", out == NULL ? "<NULL>" : out);
	exit(0);
}
