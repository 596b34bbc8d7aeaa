/*
 * basename() and dirname(), cases of illumos' tst.basename.d and more;
 * expected values follow DTrace's rules (as POSIX basename/dirname, and
 * "" gives "." for both).
 */
#pragma D option quiet

BEGIN
{
	dir[i++] = "/foo/bar/baz";
	dir[i++] = "/foo/bar///baz/";
	dir[i++] = "/foo/bar/baz/";
	dir[i++] = "/foo/bar/baz//";
	dir[i++] = "/foo/bar/baz/.";
	dir[i++] = "/foo/bar/baz/./";
	dir[i++] = "/foo/bar/baz/.//";
	dir[i++] = "foo/bar/baz/";
	dir[i++] = "/";
	dir[i++] = "./";
	dir[i++] = "//";
	dir[i++] = "/.";
	dir[i++] = "/./";
	dir[i++] = "/./.";
	dir[i++] = "/.//";
	dir[i++] = ".";
	dir[i++] = "f";
	dir[i++] = "f/";
	dir[i++] = "/////";
	dir[i++] = "";
	dir[i++] = "//foo";
	dir[i++] = "foo//bar";
	dir[i++] = "a/b";
	dir[i++] = "/a";
	end = i;
	i = 0;
}

tick-1ms
/i < end/
{
	printf("\"%s\": basename \"%s\", dirname \"%s\"\n", dir[i], basename(dir[i]), dirname(dir[i]));
	i++;
}

tick-1ms
/i == end/
{
	exit(0);
}
