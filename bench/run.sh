#!/usr/bin/env bash
# Whole-run benchmarks of our dtrace against bpftrace, on this machine, in one run.
#
#   bench/run.sh            (as root; installs bpftrace with apt-get if missing)
#
# Measures, for both tools:
#   (a) start-to-exit wall time and peak RSS of a program that exits in BEGIN
#       (median of $REPEAT runs);
#   (b) per-event overhead on $N getppid() calls made by dtrace-workload:
#       ns/event = (workload wall time while traced - alone) / N, each traced run
#       paired with an untraced run just before it, median of $EREPEAT pairs; the
#       tracer is started first and given 1 s after it reports attaching;
#       programs: empty (bpftrace only: D has no empty clause, since
#       a clause without actions traces), false predicate, @ = count(), and
#       printf("%d\n", pid) per event (output to a file);
#   (c) attach + detach of every syscall entry probe (syscall:::entry vs
#       tracepoint:syscalls:sys_enter_*), exiting at the first 1 ms tick.
# and prints a table: our figure, bpftrace's, ratio (ours / bpftrace's).
#
# Our dtrace is n/a (and skipped) until `dtrace -q -n 'BEGIN { printf("ok\n");
# exit(0); }'` prints ok. Environment: N (default 2000000), REPEAT (7), EREPEAT (3),
# WCPU (CPU the workload is pinned to; default the last one),
# DTRACE (default: target/release/dtrace), BPFTRACE (default: bpftrace),
# SKIP_ATTACH=1 to skip (c) (bpftrace takes ~26 s per run there on the dev machine).
# Never run it inside the VMs (TCG timings mean nothing).
set -uo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
N=${N:-2000000}
REPEAT=${REPEAT:-7}
EREPEAT=${EREPEAT:-3}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
DTRACE=${DTRACE:-$TARGET_DIR/release/dtrace}
WORKLOAD=$TARGET_DIR/release/dtrace-workload
# The workload runs pinned to one CPU for repeatable figures. Default: the last
# CPU. Why not 0: a tracepoint attached through perf_event_open(cpu=0), as
# bpftrace 0.17 does, costs ~50 ns more per event on CPU 0 than elsewhere
# (perf's own event delivery on the bound CPU); WCPU=0 shows that case.
WCPU=${WCPU:-$(($(nproc) - 1))}
BPFTRACE=${BPFTRACE:-bpftrace}
DOPTS=() # extra options for our dtrace in (b)
TMP=$(mktemp -d /tmp/dtrace-bench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

say() { echo "== $*" >&2; }
die() { echo "bench: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (BPF)"
[ -n "${EPOCHREALTIME:-}" ] || die "needs bash >= 5 (EPOCHREALTIME)"

# ---------------------------------------------------------------- setup
if ! command -v "$BPFTRACE" >/dev/null 2>&1 || [ ! -x /usr/bin/time ]; then
    say "installing bpftrace and time with apt-get"
    apt-get update -qq >/dev/null && apt-get install -y -qq bpftrace time >/dev/null \
        || die "apt-get install bpftrace failed"
fi
if ! grep -q " /sys/kernel/tracing " /proc/mounts; then
    mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null || true
fi
ulimit -l unlimited 2>/dev/null || true

say "building (release)"
cargo build -q --release -p dtrace-workload || die "cannot build dtrace-workload"
cargo build -q --release -p dtrace || say "warning: dtrace does not build; its figures will be n/a"
[ -x "$WORKLOAD" ] || die "no $WORKLOAD"

HAVE_DTRACE=0
if [ -x "$DTRACE" ] &&
    [ "$(timeout 60 "$DTRACE" -q -n 'BEGIN { printf("ok\n"); exit(0); }' 2>/dev/null)" = ok ]; then
    HAVE_DTRACE=1
else
    say "our dtrace ($DTRACE) cannot run BEGIN { printf; exit } yet: its figures are n/a"
fi
BPFTRACE_VERSION=$("$BPFTRACE" --version 2>/dev/null)
say "bpftrace: $BPFTRACE_VERSION; kernel $(uname -r); $(nproc) CPUs"

# ---------------------------------------------------------------- helpers
now_ns() { local t=${EPOCHREALTIME/[.,]/}; echo $((10#$t * 1000)); }

median() { # numbers on stdin -> median (middle value; mean of the two middle ones)
    sort -g | awk '{ v[NR] = $1 } END {
        if (NR == 0) { print "n/a"; exit }
        if (NR % 2) print v[(NR + 1) / 2]; else printf "%.6g\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# run_timed OUTFILE CMD... : runs CMD with stdout/stderr to OUTFILE.{out,err},
# prints "wall_ms peak_rss_kb exit_status"
run_timed() {
    local out=$1; shift
    local t0 t1 rc rss
    t0=$(now_ns)
    timeout 300 /usr/bin/time -f %M -o "$out.rss" "$@" >"$out.out" 2>"$out.err"
    rc=$?
    t1=$(now_ns)
    rss=$(tail -1 "$out.rss" 2>/dev/null)
    awk -v a="$t0" -v b="$t1" -v r="$rss" -v c="$rc" 'BEGIN { printf "%.3f %s %s\n", (b - a) / 1e6, r, c }'
}

# wait_for FILE... PATTERN TIMEOUT_S : wait until one FILE contains PATTERN
wait_for() {
    local pattern=${*: -2:1} limit=${*: -1} files=("${@:1:$#-2}") i
    for ((i = 0; i < limit * 100; i++)); do
        grep -qs -- "$pattern" "${files[@]}" && return 0
        sleep 0.01
    done
    return 1
}

# traced_workload_ms TOOL PROGRAM : start TOOL on PROGRAM in the background,
# wait until it has attached, time `dtrace-workload getppid N`, stop TOOL.
# Prints the workload's wall ms (or n/a) and leaves TOOL's output in $TMP/tr.*
traced_workload_ms() {
    local tool=$1 prog=$2 pid pattern t0 t1
    rm -f "$TMP"/tr.*
    if [ "$tool" = dtrace ]; then
        # Without -q DTrace reports "description ... matched N probes" once enabled;
        # with -q (in $DOPTS) it is silent, so a BEGIN clause prints a marker.
        local extra=()
        case " ${DOPTS[*]} " in
            *" -q "*) extra=(-n 'BEGIN { printf("ready\n"); }') ;;
        esac
        setsid "$DTRACE" "${DOPTS[@]}" "${extra[@]}" -n "$prog" -o "$TMP/tr.out" >"$TMP/tr.stdout" 2>"$TMP/tr.err" &
        pattern='matched\|ready'
    else
        setsid "$BPFTRACE" -e "$prog" -o "$TMP/tr.out" >"$TMP/tr.stdout" 2>"$TMP/tr.err" &
        pattern=Attaching
    fi
    pid=$!
    if ! wait_for "$TMP/tr.out" "$TMP/tr.stdout" "$TMP/tr.err" "$pattern" 60; then
        kill -KILL -- "-$pid" 2>/dev/null; wait "$pid" 2>/dev/null
        echo n/a; return
    fi
    sleep 1 # the message comes just before (bpftrace) or after (dtrace) attaching
    t0=$(now_ns)
    taskset -c "$WCPU" "$WORKLOAD" getppid "$N"
    t1=$(now_ns)
    sleep 0.2
    kill -INT "$pid" 2>/dev/null
    local i
    for ((i = 0; i < 3000; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.01; done
    kill -KILL -- "-$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", (b - a) / 1e6 }'
}

ratio() { # ours theirs
    awk -v a="$1" -v b="$2" 'BEGIN {
        if (a == "n/a" || b == "n/a" || b + 0 == 0) print "n/a"; else printf "%.2f\n", a / b }'
}

ROWS=()
row() { ROWS+=("$(printf '%-48s %14s %14s %8s' "$1" "$2" "$3" "$(ratio "$2" "$3")")"); }

# ---------------------------------------------------------------- (a) startup
startup() { # TOOL ARGS... -> sets S_MS S_RSS
    local i r ms=() rss=()
    for ((i = 0; i < REPEAT; i++)); do
        r=$(run_timed "$TMP/st" "$@")
        read -r m k c <<<"$r"
        if [ "$c" != 0 ]; then say "startup run failed (status $c): $*"; cat "$TMP/st.err" >&2; S_MS=n/a; S_RSS=n/a; return; fi
        ms+=("$m"); rss+=("$k")
    done
    S_MS=$(printf '%s\n' "${ms[@]}" | median)
    S_RSS=$(printf '%s\n' "${rss[@]}" | median | awk '{ printf "%.1f\n", $1 / 1024 }')
}

say "(a) start-to-exit, $REPEAT runs each"
startup "$BPFTRACE" -e 'BEGIN { exit(); }'
B_MS=$S_MS B_RSS=$S_RSS
D_MS=n/a D_RSS=n/a
if [ $HAVE_DTRACE = 1 ]; then
    startup "$DTRACE" -n 'BEGIN { exit(0); }'
    D_MS=$S_MS D_RSS=$S_RSS
fi
row "(a) BEGIN { exit } wall ms (median)" "$D_MS" "$B_MS"
row "(a) BEGIN { exit } peak RSS MiB (median)" "$D_RSS" "$B_RSS"

# ---------------------------------------------------------------- (b) per event
alone_ms() {
    local t0 t1
    t0=$(now_ns); taskset -c "$WCPU" "$WORKLOAD" getppid "$N"; t1=$(now_ns)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", (b - a) / 1e6 }'
}

say "(b) per-event overhead, $N getppid() calls, $EREPEAT runs each"
alone=()
for ((i = 0; i < EREPEAT; i++)); do alone+=("$(alone_ms)"); done
ALONE=$(printf '%s\n' "${alone[@]}" | median)
say "   alone: $ALONE ms ($(awk -v t="$ALONE" -v n="$N" 'BEGIN { printf "%.1f", t * 1e6 / n }') ns/call)"


# per_event TOOL PROGRAM CHECK -> ns/event, logs a note about the output.
# Each traced run is paired with an untraced run just before it; the figure is
# the median of the per-pair (traced - alone) / N.
per_event() {
    local tool=$1 prog=$2 check=$3 i a t ds=()
    for ((i = 0; i < EREPEAT; i++)); do
        a=$(alone_ms)
        t=$(traced_workload_ms "$tool" "$prog")
        if [ "$t" = n/a ]; then say "   $tool: did not attach: $prog"; cat "$TMP"/tr.err >&2; echo n/a; return; fi
        ds+=("$(awk -v a="$a" -v t="$t" -v n="$N" 'BEGIN { printf "%.2f\n", (t - a) * 1e6 / n }')")
    done
    say "   $tool: $prog: ns/event per run: ${ds[*]}"
    case $check in
        count) say "   $tool count: $(grep -h -v -e Attaching -e '^$' "$TMP"/tr.out | tr -s ' \n' ' ' | cut -c1-80)" ;;
        # Our output without -q is "CPU ID FUNCTION:NAME pid" (blank line after each):
        # count lines ending in a number. Drops: "dtrace: N drops on CPU C" per CPU.
        lines) say "   $tool ${DOPTS[*]} printf (last run): $(grep -cE '(^|[[:space:]])[0-9]+$' "$TMP"/tr.out) lines;" \
                   "drops: $(sed -n 's/^dtrace: \([0-9]*\) drops.*/\1/p' "$TMP"/tr.err | awk '{ s += $1 } END { print s + 0 }');" \
                   "$(grep -h -i -e lost -e drop "$TMP"/tr.out "$TMP"/tr.err "$TMP"/tr.stdout | head -3 | tr '\n' ' ')" ;;
    esac
    printf '%s\n' "${ds[@]}" | median | awk '{ printf "%.1f\n", $1 }'
}

B_EMPTY=$(per_event bpftrace 'tracepoint:syscalls:sys_enter_getppid {}' none)
row "(b) empty program ns/event" "n/a" "$B_EMPTY"

B_FALSE=$(per_event bpftrace 'tracepoint:syscalls:sys_enter_getppid /pid == 0/ {}' none)
D_FALSE=n/a
[ $HAVE_DTRACE = 1 ] && D_FALSE=$(per_event dtrace 'syscall::getppid:entry /pid == 0/ {}' none)
row "(b) false predicate ns/event" "$D_FALSE" "$B_FALSE"

B_COUNT=$(per_event bpftrace 'tracepoint:syscalls:sys_enter_getppid { @ = count(); }' count)
D_COUNT=n/a
[ $HAVE_DTRACE = 1 ] && D_COUNT=$(per_event dtrace 'syscall::getppid:entry { @ = count(); }' count)
row "(b) @ = count() ns/event" "$D_COUNT" "$B_COUNT"

B_PRINTF=$(per_event bpftrace 'tracepoint:syscalls:sys_enter_getppid { printf("%d\n", pid); }' lines)
D_PRINTF=n/a
[ $HAVE_DTRACE = 1 ] && D_PRINTF=$(per_event dtrace 'syscall::getppid:entry { printf("%d\n", pid); }' lines)
row "(b) printf(\"%d\\n\", pid) ns/event" "$D_PRINTF" "$B_PRINTF"
# Our printf with larger buffers / faster draining / quiet output (DTrace's
# default bufsize may drop at this event rate; bpftrace slows the producer instead).
for opts in "-q" "-x bufsize=64m" "-x switchrate=100hz" "-x bufsize=64m -x switchrate=100hz" "-q -x bufsize=64m"; do
    read -r -a DOPTS <<<"$opts"
    v=n/a
    [ $HAVE_DTRACE = 1 ] && v=$(per_event dtrace 'syscall::getppid:entry { printf("%d\n", pid); }' lines)
    row "(b) printf, dtrace $opts" "$v" "$B_PRINTF"
done
DOPTS=()

# ---------------------------------------------------------------- (c) attach
if [ "${SKIP_ATTACH:-0}" != 1 ]; then
    say "(c) attach+detach of all syscall entry probes"
    attach_ms() { # ARGS... -> median wall ms over 3 runs
        local i r ms=()
        for ((i = 0; i < 3; i++)); do
            r=$(run_timed "$TMP/at" "$@")
            read -r m k c <<<"$r"
            [ "$c" = 0 ] || { say "   failed (status $c): $*"; head -5 "$TMP/at.err" >&2; echo n/a; return; }
            ms+=("$m")
        done
        printf '%s\n' "${ms[@]}" | median
    }
    B_ATT=$(attach_ms "$BPFTRACE" -e 'tracepoint:syscalls:sys_enter_* { @ = count(); } interval:ms:1 { exit(); }')
    say "   bpftrace: $(grep -h Attaching "$TMP"/at.out "$TMP"/at.err | head -1)"
    D_ATT=n/a
    if [ $HAVE_DTRACE = 1 ]; then
        D_ATT=$(attach_ms "$DTRACE" -q -n 'syscall:::entry { @ = count(); } tick-1ms { exit(0); }')
    fi
    row "(c) all syscall entries: attach+detach ms" "$D_ATT" "$B_ATT"
fi

# ---------------------------------------------------------------- table
echo
echo "dtrace vs bpftrace on $(uname -r), $(nproc) CPUs; $BPFTRACE_VERSION; N=$N getppid() calls on CPU $WCPU, workload alone $ALONE ms"
printf '%-48s %14s %14s %8s\n' "measure" "dtrace" "bpftrace" "ratio"
printf '%s\n' "${ROWS[@]}"
