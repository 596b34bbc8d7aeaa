# -o FILE: the traced output (printf, the final "\n", the aggregations) goes
# to FILE, appended (dtrace(1M) opens it with fopen(FILE, "a")); nothing goes
# to stdout; messages stay on stderr. A FILE that cannot be opened is an
# error: "failed to open output file 'FILE': <strerror>", status 1.
f=$CASE_TMP/trace.txt
echo "old line" >"$f"
"$DTRACE" -q -o "$f" -c "$WORKLOAD getppid 2" -n 'BEGIN { printf("hello\n"); }
    syscall::getppid:entry /pid == $target/ { @ = count(); }' >"$CASE_TMP/stdout"
echo "first run: status $?, $(wc -c <"$CASE_TMP/stdout") bytes on stdout"
"$DTRACE" -q -o "$f" -n 'BEGIN { printf("second\n"); exit(0); }' >"$CASE_TMP/stdout"
echo "second run: status $?, $(wc -c <"$CASE_TMP/stdout") bytes on stdout"
echo "--- $(basename "$f")"
cat "$f"
echo "---"
"$DTRACE" -q -o "$CASE_TMP/no/such/dir/trace.txt" -n 'BEGIN { exit(0); }'
echo "unopenable: status $?"
