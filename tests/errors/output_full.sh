# Output that cannot be written ends the session with dtrace(1M)'s error
# for its output (oprintf(): "failed to write to <stdout>", or the -o file,
# then strerror), status 1: nothing is lost silently. Whether the error
# comes while tracing or at the end, the message is the same.
"$DTRACE" -q -n 'BEGIN { printf("x\n"); exit(0); }' >/dev/full 2>"$CASE_TMP/err"
echo "status $?"
cat "$CASE_TMP/err"
"$DTRACE" -q -n 'tick-10ms { printf("x\n"); }' >/dev/full 2>"$CASE_TMP/err"
echo "status $?"
cat "$CASE_TMP/err"
"$DTRACE" -q -o /dev/full -n 'BEGIN { @ = count(); exit(0); }' 2>&1
echo "status $?"
