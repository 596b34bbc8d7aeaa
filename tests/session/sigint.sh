# SIGINT (what Ctrl-C sends) stops tracing like an exit(): END runs, the
# aggregations are printed and dtrace exits 0.
# The count is restricted to one workload process ($1) so it is exact: the
# workload waits for SIGUSR1, which it gets only once the probes are enabled:
# BEGIN fires after every probe is enabled, and its "ready" is our cue (with
# -q, dtrace prints no "description ... matched N probes" line to wait for).
source "$TESTDIR/lib.bash"
sig=${SIG:-INT}

"$WORKLOAD" --wait-usr1 getppid 5 &
wpid=$!
"$DTRACE" -q -n 'BEGIN { printf("ready\n"); }
    syscall::getppid:entry /pid == $1/ { @c = count(); }
    END { printf("end\n"); printa("count %@d\n", @c); }' "$wpid" \
    >"$TMPD/out" 2>"$TMPD/err" &
dpid=$!
wait_for "$TMPD/out" "^ready$" "$dpid" || { show_err "$TMPD/err"; kill -KILL "$wpid"; exit 1; }
kill -USR1 "$wpid"
wait_exit "$wpid"
echo "workload: status $status"
kill -"$sig" "$dpid"
wait_exit "$dpid"
echo "dtrace after SIG$sig: status $status"
# Real dtrace(1M) (cmd/dtrace/dtrace.c) writes one "\n" as soon as it notices
# the signal -- before END runs -- "even in quiet mode" (intr() sets
# g_newline), and one more after its consume loop, before the aggregations.
cat "$TMPD/out"
show_err "$TMPD/err"
