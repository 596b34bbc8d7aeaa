# aggsize (and dynvarsize) size the maps: each aggregation's map holds as
# many keys as fit in aggsize bytes at what the kernel allocates per key
# (README: key, value once per CPU, and the hash map's own overhead), with
# no lower cap. -x aggsize=256m holds a million keys; the default (4m)
# holds fewer, and what does not fit is reported as drops, exactly: keys
# printed + drops = keys traced. Too small for even one key is DTrace's
# EDT_BUFTOOSMALL (test/unittest/aggs/err.aggsize-too-small.r). A dynamic
# variable's map holds at least one, as in Oracle's DTrace
# (variables/tvar/tst.store_zero_nop runs with dynvarsize=5).
n=1000000
agg='syscall::getppid:entry /pid == $target/ { @[i++] = count(); }'
"$DTRACE" -q -x aggsize=256m -c "$WORKLOAD getppid $n" -n "$agg" 2>"$CASE_TMP/err" | grep -c . | sed 's/^/aggsize=256m: keys /'
cat "$CASE_TMP/err"
keys=$("$DTRACE" -q -c "$WORKLOAD getppid $n" -n "$agg" 2>"$CASE_TMP/err" | grep -c .)
drops=$(awk '/^dtrace: [0-9]+ aggregation drops? on CPU [0-9]+$/ { n += $2 } END { print n + 0 }' "$CASE_TMP/err")
echo "default: fewer keys: $((keys < n)), keys + drops: $((keys + drops))"
grep -v 'aggregation drops\{0,1\} on CPU' "$CASE_TMP/err"
"$DTRACE" -x aggsize=8 -n 'BEGIN { @ = count(); exit(0); }' 2>&1
echo "status $?"
"$DTRACE" -q -x dynvarsize=8 -n 'BEGIN { a[1] = 1; a[2] = 2; printf("%d %d\n", a[1], a[2]); exit(0); }' 2>"$CASE_TMP/err"
echo "status $?"
cat "$CASE_TMP/err"
