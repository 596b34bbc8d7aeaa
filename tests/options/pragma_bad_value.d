/* A bad value names the option and the value (dt_pragma_option()). */
#pragma D option bufsize=4q

BEGIN
{
	exit(0);
}
