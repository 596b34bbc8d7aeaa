/*
 * Path and preprocessor options cannot be set from a D program
 * (EDT_BADOPTCTX). Same as Oracle's test/unittest/options/
 * err.D_PRAGMA_OPTSET.ldpath.d.
 */
#pragma D option ldpath=/nonexistent/directory

BEGIN
{
	exit(0);
}
