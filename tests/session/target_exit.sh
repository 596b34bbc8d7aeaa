# -c CMD: dtrace runs CMD with its probes already enabled ($target is its
# pid), and stops when it exits (silently: -q silences that notice, see
# session/target_end); the aggregation is
# printed at exit (dtrace(1M) prints "\n", then " %16lld\n" for a key-less
# count). stderr is normalised by the runner: "pid 4242" -> "pid @PID@".
"$DTRACE" -q -c "$WORKLOAD getppid 5" -n 'syscall::getppid:entry /pid == $target/ { @ = count(); }'
echo "status $?"
