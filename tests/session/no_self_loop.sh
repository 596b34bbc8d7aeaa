# dtrace must not trace itself into a loop (issue 15). The Oracle Linux
# tutorial's script below once printed 456,618 lines of dtrace's own read()
# failing with EAGAIN in 2 s: each record woke the consumer, whose failing
# read was itself an event. The consumer now sleeps until its switchrate
# tick (or a buffer that is filling up, exit(), the target, a signal) and
# makes no failing or per-record system call, so what it adds is bounded by
# a few calls per tick, whatever the event rate.
#
# 1. The tutorial's script on a workload with 20,000 failing close()s:
#    every one of them is printed, and dtrace's own lines (the process and
#    its -c tracer thread) stay within 3 per second of the run.
# 2. syscall:::entry with a printf per event on the whole machine for 3 s:
#    dtrace's own calls stay within 20 per second (seen: about 10 a second,
#    the reads of the exit state and drop counters, the waits and writes),
#    plus one per 200 events: a busy machine fills a quarter of the buffer
#    between ticks, which wakes the consumer early, and the lines it writes
#    take a write() per 8 KiB (seen: up to 1 per 400 events on a loaded
#    machine; the old loop made millions a second).
#
# The 20,000 records of 1. are about 11 MB: -x bufsize=32m holds them all
# even when the machine is too busy to let the consumer drain in time.
source "$TESTDIR/lib.bash"

t0=$(date +%s)
"$DTRACE" -q -n 'syscall:::return /errno != 0/ { printf("%s %s %d\n", execname, probefunc, errno); }' \
    -x bufsize=32m -c "$WORKLOAD badfd 20000" >"$TMPD/out1" 2>"$TMPD/err1"
echo "dtrace: status $?"
secs=$(($(date +%s) - t0 + 1))
echo "workload's failing close: $(grep -c '^dtrace-workload close 9$' "$TMPD/out1")"
own=$(grep -cE '^dtrace(-target)? ' "$TMPD/out1")
if [ "$own" -le $((3 * secs)) ]; then
    echo "dtrace's own lines: within 3 per second"
else
    echo "dtrace's own lines: $own in $secs s"
    grep -E '^dtrace(-target)? ' "$TMPD/out1" | sort | uniq -c | sort -rn | head >&2
fi
show_err "$TMPD/err1"

t0=$(date +%s)
"$DTRACE" -q -n 'syscall:::entry { printf("%d\n", pid); } tick-3s { exit(0); }' >"$TMPD/out2" 2>"$TMPD/err2" &
dpid=$!
wait_exit "$dpid" 30
echo "dtrace: status $status"
secs=$(($(date +%s) - t0 + 1))
own=$(awk -v p="$dpid" '$1 == p' "$TMPD/out2" | wc -l)
events=$(wc -l <"$TMPD/out2")
if [ "$own" -gt 0 ] && [ "$own" -le $((20 * secs + events / 200)) ]; then
    echo "dtrace's own system calls: within 20 per second and 1 per 200 events"
else
    echo "dtrace's own system calls: $own in $secs s, of $events"
fi
show_err "$TMPD/err2"
