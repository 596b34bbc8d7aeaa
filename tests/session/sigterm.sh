# SIGTERM stops tracing like an exit(): END runs, the
# aggregations are printed and dtrace exits 0.
# The count is restricted to one workload process ($1) so it is exact: the
# workload waits for SIGUSR1, which it gets only once the probes are enabled.
source "$TESTDIR/lib.bash"
sig=TERM

"$WORKLOAD" --wait-usr1 getppid 5 &
wpid=$!
"$DTRACE" -q -n 'syscall::getppid:entry /pid == $1/ { @c = count(); }
    END { printf("end\n"); printa("count %@d\n", @c); }' "$wpid" \
    >"$TMPD/out" 2>"$TMPD/err" &
dpid=$!
wait_matched "$TMPD/err" "$dpid" || { show_err "$TMPD/err"; kill -KILL "$wpid"; exit 1; }
kill -USR1 "$wpid"
wait_exit "$wpid"
echo "workload: status $status"
kill -"$sig" "$dpid"
wait_exit "$dpid"
echo "dtrace after SIG$sig: status $status"
cat "$TMPD/out"
show_err "$TMPD/err"
