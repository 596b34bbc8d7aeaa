# Whatever way dtrace ends, it leaves no BPF program or map behind: after a
# normal exit, exit(3), SIGINT, SIGTERM, SIGHUP, SIGKILL, the end of a -c
# command, a compile error, a probe that matches nothing, a verifier
# rejection, and load/attach failures at every stage (provoked with a low
# RLIMIT_NOFILE), no dt_* program or map that appeared during the run is
# still there 3 s later (the kernel frees raw-tracepoint programs
# asynchronously, ~100 ms after the last close). bpf_objs.py queries bpf(2)
# directly; objects still held open by processes outside this case (someone
# else's dtrace) are not counted.
source "$TESTDIR/lib.bash"

# A program using each kind of attachment: a raw tracepoint (syscall), perf
# events (profile, one per CPU), BEGIN/END, aggregations, globals, strings.
PROG='syscall::getppid:entry { @c = count(); }
    profile:::profile-97 { @p = count(); }
    BEGIN { printf("ready\n"); s = "str"; }
    END { printf("end %s\n", s); }'

# run LABEL ARGS...: runs dtrace in the foreground, prints its status and the leaks.
run() {
	local label=$1
	shift
	bpf_snapshot
	"$DTRACE" "$@" >"$TMPD/out" 2>"$TMPD/err"
	echo "$label: status $?"
	bpf_leaks "$label"
	show_err "$TMPD/err"
}

# signal LABEL SIG: starts dtrace in the background, sends SIG once tracing.
signal() {
	local label=$1 sig=$2 dpid
	bpf_snapshot
	# Empty the file first: a "ready" left by the previous run must not
	# be taken for this one's (the shell truncates only once dtrace starts).
	: >"$TMPD/out"
	"$DTRACE" -q -n "$PROG" >"$TMPD/out" 2>"$TMPD/err" &
	dpid=$!
	if wait_for "$TMPD/out" '^ready$' "$dpid"; then
		kill -"$sig" "$dpid"
	fi
	wait_exit "$dpid"
	# Real dtrace(1M) handles only SIGINT and SIGTERM (a SIGHUP kills it);
	# ours also stops cleanly on SIGHUP: only its leaks are checked.
	[ "$sig" = HUP ] || echo "$label: status $status"
	bpf_leaks "$label"
	show_err "$TMPD/err"
}

run exit0 -q -n "$PROG"' BEGIN { exit(0); }'
run exit3 -q -n "$PROG"' BEGIN { exit(3); }'
signal SIGINT INT
signal SIGTERM TERM
signal SIGHUP HUP
signal SIGKILL KILL
run target-exit -q -c "$WORKLOAD getppid 3" -n "$PROG"
run syntax-error -q -n 'BEGIN { x = ; }'
run no-match -q -n "$PROG"' nosuch:::probe { }'
# strjoin() of 4 KB strings: the verifier gives up ("The sequence of 8193
# jumps is too complex"), after the maps and the other programs are loaded.
run verifier -q -x strsize=4096 -n "$PROG"' END { t = strjoin(s, s);
    u = strjoin(t, t); printf("%d %d\n", strlen(u), strlen(t)); }'

# With fewer and fewer descriptors allowed, dtrace fails while creating the
# maps, loading the programs, then attaching them (perf_event_open per CPU).
top=$((24 + 2 * $(nproc)))
attach_failed=no
leaked=
for ((n = top; n >= 8; n--)); do
	bpf_snapshot
	(ulimit -n "$n" && exec "$DTRACE" -q -n "$PROG"' BEGIN { exit(0); }') >"$TMPD/out" 2>"$TMPD/err"
	st=$?
	grep -q 'failed to enable' "$TMPD/err" && attach_failed=yes
	l=$(bpf_leaks "fd-limit $n (status $st)" | grep -v 'leaks: none$')
	[ -n "$l" ] && { leaked+="$l"$'\n'; show_err "$TMPD/err"; }
done
echo "fd-limit: an attach failure was provoked: $attach_failed"
if [ -z "$leaked" ]; then echo "fd-limit: leaks: none"; else printf '%s' "$leaked"; fi
