# -c CMD: the command dtrace starts inherits none of dtrace's BPF program,
# map or link descriptors (they would keep the probes alive after dtrace).
source "$TESTDIR/lib.bash"
"$DTRACE" -q -c "$WORKLOAD sleep 3000" -n 'syscall::getppid:entry { @ = count(); }
    END { printf("end\n"); }' >"$TMPD/out" 2>"$TMPD/err" &
dpid=$!
# Wait for the child to have exec'd the workload.
child=
for ((i = 0; i < 200; i++)); do
	for c in $(pgrep -P "$dpid"); do
		[ "$(cat /proc/$c/comm 2>/dev/null)" = dtrace-workload ] && child=$c
	done
	[ -n "$child" ] && break
	sleep 0.05
done
if [ -z "$child" ]; then
	echo "no dtrace-workload child of dtrace found"
else
	n=0
	for f in /proc/$child/fd/*; do
		t=$(readlink "$f") || continue
		case $t in anon_inode:bpf*) n=$((n + 1)); echo "child fd $f -> $t" >&2 ;; esac
	done
	echo "BPF descriptors in the -c command: $n"
fi
kill -INT "$dpid"
wait_exit "$dpid"
echo "dtrace: status $status"
grep -x end "$TMPD/out"
show_err "$TMPD/err"
