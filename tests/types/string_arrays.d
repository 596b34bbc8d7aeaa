/*
 * Global arrays of strings: elements assigned and read like scalars,
 * unset ones empty, indexes checked (a constant one at compile time, a
 * variable one at run time: DTrace's invalid address).
 */
#pragma D option quiet

string names[4];

BEGIN
{
	names[0] = "zero";
	names[1] = strjoin("o", "ne");
	i = 3;
	names[i] = names[0];
	printf("[%s] [%s] [%s] [%s]\n", names[0], names[1], names[2], names[3]);
	printf("%d %d %d\n", names[1] == "one", strlen(names[3]), sizeof (names));
}

BEGIN
{
	i = 4;
	names[i] = "beyond";
	printf("not reached\n");
}

BEGIN
{
	exit(0);
}

ERROR
{
	printf("fault %d\n", arg4);
}
