#!/usr/bin/env bash
# How much system-call activity a tracer generates itself while it traces
# every system call of the machine: our dtrace against bpftrace, in one run.
#
#   bench/self.sh           (as root; installs bpftrace with apt-get if missing)
#
# A tracer that watches syscall:::entry sees its own system calls too: each
# record it reads back, each line it writes, each wakeup is an event, which can
# make more records (issue 15: 456,618 lines of dtrace's own failing read()s in
# 2 s). This measures that feedback, per tool, in two phases of $SECS seconds:
#
#   idle  the machine does nothing in particular;
#   load  dtrace-workload makes getppid() calls paced at $RATE per second.
#
# The traced program prints a line per event (the worst case for feedback):
#   dtrace:   syscall:::entry { printf("%d %s\n", pid, probefunc); }     (-q)
#   bpftrace: tracepoint:raw_syscalls:sys_enter { printf("%d %d\n", pid, args->id); }
# with its output to /dev/null. A second, independent observer (our dtrace)
# counts the system calls made by the tool's process (all its threads):
#   syscall:::entry /pid == $1/ { @ = count(); }
# and the figure is that count per second of the window. The observer's own
# calls are not counted (they have another pid).
#
# Environment: SECS (5), RATE (50000), DTRACE (target/release/dtrace, not
# rebuilt), BPFTRACE (bpftrace). Takes about 4 x (SECS + 4) seconds.
# Never run it inside the VMs.
set -uo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
SECS=${SECS:-5}
RATE=${RATE:-50000}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
DTRACE=${DTRACE:-$TARGET_DIR/release/dtrace}
WORKLOAD=$TARGET_DIR/release/dtrace-workload
BPFTRACE=${BPFTRACE:-bpftrace}
TMP=$(mktemp -d /tmp/dtrace-bench-self.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

say() { echo "== $*" >&2; }
die() { echo "bench: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (BPF)"
if ! command -v "$BPFTRACE" >/dev/null 2>&1; then
    say "installing bpftrace with apt-get"
    apt-get update -qq >/dev/null && apt-get install -y -qq bpftrace >/dev/null || die "apt-get install bpftrace failed"
fi
[ -x "$DTRACE" ] && [ -x "$WORKLOAD" ] || die "build first: cargo build --release"

# Runs the traced tool (CMD...) with its output to /dev/null, gives it 3 s
# to attach, observes its pid for SECS seconds while PHASE's workload runs,
# prints its system calls per second.
measure() { # PHASE CMD...
    local phase=$1
    shift
    "$@" >/dev/null 2>"$TMP/tool.err" &
    local tool=$! wl=
    sleep 3
    if [ "$phase" = load ]; then
        DTRACE_WORKLOAD_RATE=$RATE "$WORKLOAD" getppid $((RATE * (SECS + 2))) &
        wl=$!
    fi
    local n
    n=$("$DTRACE" -q -n "syscall:::entry /pid == $tool/ { @ = count(); } tick-${SECS}s { exit(0); }" \
        -n 'END { printa("%@d\n", @); }' 2>/dev/null | awk 'NF { n = $1 } END { print n + 0 }')
    if [ -n "$wl" ]; then kill "$wl" 2>/dev/null; wait "$wl" 2>/dev/null; fi
    kill -INT "$tool" 2>/dev/null
    wait "$tool" 2>/dev/null
    awk -v n="$n" -v s="$SECS" 'BEGIN { printf "%.1f", n / s }'
}

say "dtrace: $("$DTRACE" -V 2>&1); bpftrace: $("$BPFTRACE" --version 2>&1); kernel $(uname -r); $(nproc) CPUs"
printf '| phase | dtrace (calls/s) | bpftrace (calls/s) | ratio |\n| --- | ---: | ---: | ---: |\n'
for phase in idle load; do
    d=$(measure "$phase" "$DTRACE" -q -n 'syscall:::entry { printf("%d %s\n", pid, probefunc); }')
    b=$(measure "$phase" "$BPFTRACE" -e 'tracepoint:raw_syscalls:sys_enter { printf("%d %d\n", pid, args->id); }')
    r=$(awk -v d="$d" -v b="$b" 'BEGIN { if (b > 0) printf "%.3f", d / b; else print "n/a" }')
    printf '| %s | %s | %s | %s |\n' "$phase" "$d" "$b" "$r"
done
