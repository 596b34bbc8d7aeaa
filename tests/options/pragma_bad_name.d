/* An unknown option in a pragma is a compile error (dt_pragma_option()). */
#pragma D option quiet
#pragma D option nosuchopt

BEGIN
{
	exit(0);
}
