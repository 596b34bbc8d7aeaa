# Shared helpers for the tests/session/*.sh cases (sourced; not a case itself:
# the runner only picks up .d and .sh files).
#
# The cases print only deterministic text on stdout; diagnostics go to stderr,
# which the runner shows when a case fails.

SESSION_DIR=${TESTDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
BPF_OBJS="$SESSION_DIR/bpf_objs.py"
TMPD=${CASE_TMP:-$(mktemp -d)}

# wait_for FILE PATTERN PID [SECONDS]: poll FILE until it contains PATTERN
# (grep -E). Fails early if PID dies, or after SECONDS (default 15).
wait_for() {
	local file=$1 pat=$2 pid=$3 secs=${4:-15} i
	for ((i = 0; i < secs * 20; i++)); do
		grep -qE -- "$pat" "$file" 2>/dev/null && return 0
		kill -0 "$pid" 2>/dev/null || {
			grep -qE -- "$pat" "$file" 2>/dev/null && return 0
			echo "wait_for: process $pid exited before /$pat/ appeared in $file" >&2
			return 1
		}
		sleep 0.05
	done
	echo "wait_for: /$pat/ not in $file after ${secs}s" >&2
	return 1
}

# wait_matched ERRFILE PID: wait for dtrace's "dtrace: description ... matched
# N probe(s)" line, i.e. for its probes to be enabled.
wait_matched() {
	wait_for "$1" 'matched [0-9]+ probe' "$2"
}

# wait_exit PID [SECONDS]: wait for a background child to exit (bounded);
# sets $status to its exit status, or to "timeout" (and kills it with SIGKILL).
wait_exit() {
	local pid=$1 secs=${2:-15} i
	for ((i = 0; i < secs * 20; i++)); do
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid"
			status=$?
			return 0
		fi
		sleep 0.05
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	status=timeout
	return 1
}

# bpf_snapshot: record the dt_* BPF programs and maps that exist now.
# Exits the case with a message if bpf(2) cannot be queried.
bpf_snapshot() {
	if ! python3 "$BPF_OBJS" list >"$TMPD/bpf_before"; then
		echo "cannot list BPF objects (python3 + bpf(2) needed)" >&2
		exit 1
	fi
}

# bpf_leaks LABEL: print "LABEL: leaks: none", or the dt_* objects that
# appeared since bpf_snapshot and did not go away within 3 s.
bpf_leaks() {
	python3 "$BPF_OBJS" leaks "$TMPD/bpf_before" 3 | sed "s/^/$1: /"
}

# show_err FILE: copy a captured stderr to ours (visible when the case fails).
show_err() {
	[ -s "$1" ] && sed 's/^/  stderr: /' "$1" >&2
	return 0
}
