/*
 * substr() with illumos' rules (those of Perl): a negative index counts
 * from the end, a negative length leaves that many characters off, and a
 * start before the string shortens the length by as much.
 */
#pragma D option quiet

BEGIN
{
	s = "foobarbazbop";
	i = 0;
	idx[i] = 3;
	i++;
	idx[i] = 300;
	i++;
	idx[i] = -10;
	i++;
	idx[i] = 0;
	i++;
	idx[i] = 1;
	i++;
	idx[i] = 11;
	i++;
	idx[i] = 12;
	i++;
	idx[i] = 13;
	i++;
	idx[i] = -12;
	i++;
	idx[i] = -13;
	i++;
	idx[i] = -400;
	i++;
	idx[i] = 3;
	len[i] = 0;
	haslen[i] = 1;
	i++;
	idx[i] = 3;
	len[i] = 1;
	haslen[i] = 1;
	i++;
	idx[i] = 3;
	len[i] = 4;
	haslen[i] = 1;
	i++;
	idx[i] = 3;
	len[i] = 300;
	haslen[i] = 1;
	i++;
	idx[i] = 3;
	len[i] = -1;
	haslen[i] = 1;
	i++;
	idx[i] = 3;
	len[i] = -9;
	haslen[i] = 1;
	i++;
	idx[i] = 3;
	len[i] = -10;
	haslen[i] = 1;
	i++;
	idx[i] = 3;
	len[i] = -400;
	haslen[i] = 1;
	i++;
	idx[i] = 0;
	len[i] = 0;
	haslen[i] = 1;
	i++;
	idx[i] = 0;
	len[i] = 1;
	haslen[i] = 1;
	i++;
	idx[i] = 0;
	len[i] = 12;
	haslen[i] = 1;
	i++;
	idx[i] = 0;
	len[i] = 13;
	haslen[i] = 1;
	i++;
	idx[i] = 0;
	len[i] = -1;
	haslen[i] = 1;
	i++;
	idx[i] = -1;
	len[i] = 1;
	haslen[i] = 1;
	i++;
	idx[i] = -1;
	len[i] = -1;
	haslen[i] = 1;
	i++;
	idx[i] = -3;
	len[i] = 2;
	haslen[i] = 1;
	i++;
	idx[i] = -10;
	len[i] = 4;
	haslen[i] = 1;
	i++;
	idx[i] = -10;
	len[i] = -3;
	haslen[i] = 1;
	i++;
	idx[i] = -12;
	len[i] = 3;
	haslen[i] = 1;
	i++;
	idx[i] = -13;
	len[i] = 3;
	haslen[i] = 1;
	i++;
	idx[i] = -13;
	len[i] = 1;
	haslen[i] = 1;
	i++;
	idx[i] = -15;
	len[i] = 5;
	haslen[i] = 1;
	i++;
	idx[i] = -400;
	len[i] = 401;
	haslen[i] = 1;
	i++;
	idx[i] = 12;
	len[i] = 1;
	haslen[i] = 1;
	i++;
	idx[i] = 11;
	len[i] = 5;
	haslen[i] = 1;
	i++;
	idx[i] = 300;
	len[i] = 1;
	haslen[i] = 1;
	i++;
	idx[i] = 1;
	len[i] = -12;
	haslen[i] = 1;
	i++;
	end = i;
	i = 0;
}

tick-1ms
/i < end && !haslen[i]/
{
	printf("substr(\"%s\", %d) = \"%s\"\n", s, idx[i], substr(s, idx[i]));
}

tick-1ms
/i < end && haslen[i]/
{
	printf("substr(\"%s\", %d, %d) = \"%s\"\n", s, idx[i], len[i], substr(s, idx[i], len[i]));
}

tick-1ms
/i < end/
{
	i++;
}

tick-1ms
/i == end/
{
	exit(0);
}
