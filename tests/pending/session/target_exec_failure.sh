# PENDING (dtrace bug): -c with a command that cannot be executed.
# Real DTrace creates the process (fork + exec, stopped at exec) before it
# enables anything, so a failed exec is fatal: "dtrace: failed to execute
# CMD: ..." and exit status 1, BEGIN never fires.
# Ours forks, runs BEGIN, then the child's execvp fails; it prints
#   dtrace: failed to execute /nonexistent/cmd: No such file or directory (os error 2)
#   dtrace: pid N has exited
# and exits 0 (BEGIN has run: "begin" is printed).
"$DTRACE" -q -c /nonexistent/cmd -n 'BEGIN { printf("begin\n"); }' 2>"$CASE_TMP/err"
echo "status $?"
grep -c '^dtrace: failed to execute /nonexistent/cmd' "$CASE_TMP/err" | sed 's/^/failed-to-execute lines: /'
grep -c 'has exited' "$CASE_TMP/err" | sed 's/^/has-exited lines: /'
sed 's/^/  stderr: /' "$CASE_TMP/err" >&2
