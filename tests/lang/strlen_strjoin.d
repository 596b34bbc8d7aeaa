#pragma D option quiet

BEGIN
{
	s = strjoin("foo", "bar");
	printf("%s %d\n", s, strlen(s));
	printf("%d %d\n", strlen(""), strlen(strjoin(s, s)));
	printf("[%s]\n", strjoin("", ""));
	exit(0);
}
