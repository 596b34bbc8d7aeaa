# -w (or -x destructive) makes dtrace(1M) say so after enabling, unless
# quiet (dtrace.c: notice("allowing destructive actions\n")).
"$DTRACE" -w -n 'BEGIN { exit(0); }' 2>&1 >/dev/null
echo "status $?"
"$DTRACE" -x destructive -q -n 'BEGIN { exit(0); }' 2>&1 >/dev/null
echo "status $?"
