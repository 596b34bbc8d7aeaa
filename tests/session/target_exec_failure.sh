# -c with a command that cannot be executed is fatal before anything is enabled:
# "dtrace: failed to execute CMD: ...", status 1, BEGIN never fires.
"$DTRACE" -q -c /nonexistent/cmd -n 'BEGIN { printf("begin\n"); }' 2>"$CASE_TMP/err"
echo "status $?"
grep -c '^dtrace: failed to execute /nonexistent/cmd' "$CASE_TMP/err" | sed 's/^/failed-to-execute lines: /'
grep -c 'has exited' "$CASE_TMP/err" | sed 's/^/has-exited lines: /'
sed 's/^/  stderr: /' "$CASE_TMP/err" >&2
