/* Without -q the command's output follows the probe line. */
BEGIN
{
	system("echo from the shell");
	exit(0);
}
