# -F (flowindent): the FUNCTION heading, entries indented with "=>" for
# syscall probes and returns unindented with "<=" (DTrace's -F layout;
# _DTRACE_TESTING drops the CPU column, Oracle's convention).
_DTRACE_TESTING=1 "$DTRACE" -F -n 'syscall::getppid:entry,syscall::getppid:return /pid == $target/ {}' -c "$WORKLOAD getppid 2" 2>/dev/null
echo "status $?"
_DTRACE_TESTING=1 "$DTRACE" -x flowindent -n 'syscall::getppid:entry /pid == $target/ {} syscall::getppid:entry /pid == $target/ {}' -c "$WORKLOAD getppid 1" 2>/dev/null
echo "status $?"
