/*
 * Expressions that need more than the four BPF registers the code
 * generator keeps values in: the values it holds are spilled to the stack
 * around the deeper operands (D has no such limit; "expression too
 * complex: out of registers" was a refusal of valid D).
 */
#pragma D option quiet

BEGIN
{
	s = "x";
	t = "y";
	a = 1;
	b = 2;
	printf("%s\n", strjoin(s, strjoin(t, strjoin(s, strjoin(t,
	    strjoin(s, strjoin(t, strjoin(s, strjoin(t, strjoin(s, t))))))))));
	printf("%d\n", strlen(strjoin(strjoin(s, s), strjoin(strjoin(s, s),
	    strjoin(s, strjoin(s, s))))));
	printf("%d\n", a + (b * (a + strlen(strjoin(s, strjoin(t, strjoin(s,
	    lltostr(a + (b * strlen(strjoin(s, t)))))))))));
	printf("%s\n", substr(strjoin(s, strjoin(t, strjoin(s, t))),
	    a + (b - strlen(strjoin(s, strjoin(s, s)))),
	    strlen(strjoin(t, strjoin(t, t)))));
	printf("%d\n", index(strjoin(s, strjoin(t, strjoin(s, t))),
	    strjoin(t, strjoin(s, t)), a - (b - strlen(strjoin(s, s)))));
	x[strjoin(s, strjoin(t, strjoin(s, t))),
	    a + strlen(strjoin(s, strjoin(t, t)))] = 5;
	printf("%d\n", x[strjoin(s, strjoin(t, strjoin(s, t))),
	    a + strlen(strjoin(s, strjoin(t, t)))]);
	printf("%d\n", a ? (b ? strlen(strjoin(s, strjoin(t, strjoin(s,
	    strjoin(t, s))))) : 0) : 1);
	exit(0);
}
