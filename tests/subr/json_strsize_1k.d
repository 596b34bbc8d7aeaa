/*
 * json() with strsize=1k: a text longer than the default strsize, and many
 * calls in one clause (each statement's scratch space is reused by the next).
 */
#pragma D option quiet
#pragma D option strsize=1k

BEGIN
{
	in = strjoin("{\"pad\":\"", strjoin(
	    "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789",
	    "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"));
	in = strjoin(in, strjoin(
	    "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789",
	    "\",\"deep\":{\"a\":[10,20,{\"b\":\"found\"}]},\"n\":-12.5e3}"));
	printf("%d\n", strlen(in));
	out = json(in, "deep.a[2].b");
	printf("%s\n", out);
	out = json(in, "n");
	printf("%s\n", out);
	out = json(in, "deep.a[1]");
	printf("%s\n", out);
	out = json(in, "deep.a");
	printf("%s\n", out);
	out = json(in, "deep.a[2]");
	printf("%s\n", out);
	out = json(in, "deep.a[3]");
	printf("%s\n", out == NULL ? "<NULL>" : out);
	out = json(in, "deep.b");
	printf("%s\n", out == NULL ? "<NULL>" : out);
	out = json(in, "pad");
	printf("%d\n", strlen(out));
	out = json(in, "deep.a[0]");
	printf("%s\n", out);
	out = json(in, "deep.a[2].c");
	printf("%s\n", out == NULL ? "<NULL>" : out);
	out = json(in, "deep.a.b");
	printf("%s\n", out == NULL ? "<NULL>" : out);
	exit(0);
}
