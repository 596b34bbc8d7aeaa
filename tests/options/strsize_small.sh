# Strings keep strsize characters, as in Oracle's DTrace (its tests
# funcs/strlen/tst.capped-sizw, funcs/strjoin/tst.strjoin-capped-size;
# illumos keeps strsize - 1), for every strsize from DTrace's minimum, 2,
# up (not only multiples of 8):
# variables, results of subroutines, execname, aggregation keys and
# associative array keys (two keys that differ past the cut are one).
for n in 2 3 5 13; do
	echo "-- strsize=$n"
	"$DTRACE" -q -x strsize=$n -n '
	BEGIN {
		s = "abcdefghijklmnop";
		printf("[%s] %d [%s] [%s] [%s] [%s]\n", s, strlen(s), toupper(s), substr(s, 1),
		    strjoin(s, "xyz"), execname);
		a["abcdefghijklmnop-1"] = 1;
		a["abcdefghijklmnop-2"] = 2;
		printf("a: %d\n", a[s]);
		@[s] = count();
		@[strjoin(s, "-")] = count();
		exit(0);
	}'
done
