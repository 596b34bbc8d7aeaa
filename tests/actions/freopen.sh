# freopen(): output goes to the formatted file (appended to, created if
# need be) until freopen("") restores standard output; the aggregations
# printed at exit follow it. A file that cannot be opened (a directory)
# is an error on the enabling, and the output stays where it was.
cd "$CASE_TMP"
echo "old line" > out.1
"$DTRACE" -wq -n '
BEGIN { printf("to stdout\n"); i = 0; }
tick-10ms { freopen("out.%d", i); printf("in out.%d\n", i); }
tick-10ms /++i == 3/ { freopen(""); printf("back on stdout\n"); }
tick-10ms /i == 4/ { freopen("%s", "aggs"); @n = count(); exit(0); }' 2>&1
echo "status $?"
for f in out.0 out.1 out.2 out.3 aggs; do
	echo "== $f"
	cat "$f"
done
"$DTRACE" -wq -n 'BEGIN { freopen(".."); freopen("%s", "."); printf("still on stdout\n"); exit(0); }' 2>&1
echo "status $?"
