# An unknown -x option: dfatal() in dtrace.c, status 1, the name without
# its value (dtrace_setopt() -> EDT_BADOPTNAME).
"$DTRACE" -x nosuchopt -n 'BEGIN { exit(0); }' 2>&1
echo "status $?"
"$DTRACE" -x nosuchopt=1 -n 'BEGIN { exit(0); }' 2>&1
echo "status $?"
