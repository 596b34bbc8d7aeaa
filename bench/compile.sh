#!/usr/bin/env bash
# Compile + load time of our dtrace against bpftrace, versus the number of
# clauses, on this machine, in one run.
#
#   bench/compile.sh        (as root; installs bpftrace with apt-get if missing)
#
# For each N in $NS (default "1 10 100") it generates two equivalent programs:
#
#   D:        BEGIN { printf("ready\n"); exit(0); }
#             syscall::NAME:entry { @[probefunc] = quantize(arg0); }       x N
#   bpftrace: BEGIN { printf("ready\n"); exit(); }
#             tracepoint:syscalls:sys_enter_NAME { @[probe] = hist(args->FIRST_ARG); }  x N
#
# NAME runs over the first N syscall entry probes listed by `dtrace -l -P syscall`
# (alphabetical) that have a tracepoint whose first argument is an integer (bpftrace's
# hist() takes integers only; D's arg0 always is one) and no enum field (bpftrace
# 0.17 cannot compile those tracepoints' argument structs). Each clause is on its own
# probe, so both tools attach N + 1 probes. Both are run with -q.
#
# Measured, median of $REPEAT runs, the two tools alternating:
#   exit     start-to-exit wall time: compile, load, attach, BEGIN, exit, detach,
#            print the (mostly empty) aggregations;
#   ready    start until the "ready" line of BEGIN is read from the tool's stdout;
#            both tools fire BEGIN only after attaching every probe, so this is
#            compile + load + attach (dtrace writes its buffered stdout at exit,
#            so its ready is an upper bound, a fraction of a millisecond early);
#   compile  compile only, nothing loaded: `dtrace -e` (parse, resolve, generate
#            the eBPF instructions) and `bpftrace --emit-elf FILE` (its dry run:
#            parse, clang, LLVM, write the ELF);
#   RSS      peak RSS (`/usr/bin/time -f %M`) of the exit run and of the compile run.
# Then, unless STRACE=0, one `strace -f -T` run per tool and N (not timed, strace
# slows the tool) sums the kernel time of the syscalls that load (BPF_PROG_LOAD:
# mostly the verifier), attach (perf_event_open of the tracepoints, PERF_EVENT_IOC_*,
# BPF_RAW_TRACEPOINT_OPEN / BPF_LINK_CREATE) and detach (close()).
#
# Environment: NS ("1 10 100"), REPEAT (5), STRACE (1), DTRACE (default:
# target/release/dtrace, not rebuilt), BPFTRACE (bpftrace).
# A run takes about 2 minutes on the dev machine, most of it bpftrace at N = 100.
# Never run it inside the VMs (TCG timings mean nothing).
set -uo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
NS=${NS:-1 10 100}
REPEAT=${REPEAT:-5}
STRACE=${STRACE:-1}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
DTRACE=${DTRACE:-$TARGET_DIR/release/dtrace}
BPFTRACE=${BPFTRACE:-bpftrace}
TMP=$(mktemp -d /tmp/dtrace-bench-compile.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

say() { echo "== $*" >&2; }
die() { echo "bench: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (BPF)"
command -v python3 >/dev/null || die "needs python3 (timing wrapper)"

# ---------------------------------------------------------------- setup
if ! command -v "$BPFTRACE" >/dev/null 2>&1 || [ ! -x /usr/bin/time ]; then
    say "installing bpftrace and time with apt-get"
    apt-get update -qq >/dev/null && apt-get install -y -qq bpftrace time >/dev/null \
        || die "apt-get install bpftrace failed"
fi
if [ "$STRACE" = 1 ] && ! command -v strace >/dev/null 2>&1; then
    apt-get install -y -qq strace >/dev/null 2>&1 || { say "no strace: skipping the syscall split"; STRACE=0; }
fi
if ! grep -q " /sys/kernel/tracing " /proc/mounts; then
    mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null || true
fi
ulimit -l unlimited 2>/dev/null || true
EVENTS=/sys/kernel/tracing/events/syscalls
[ -d "$EVENTS" ] || die "no $EVENTS (tracefs, syscall tracepoints)"

HAVE_DTRACE=0
if [ -x "$DTRACE" ] &&
    [ "$(timeout 60 "$DTRACE" -q -n 'BEGIN { printf("ok\n"); exit(0); }' 2>/dev/null)" = ok ]; then
    HAVE_DTRACE=1
else
    say "our dtrace ($DTRACE) cannot run BEGIN { printf; exit } yet: its figures are n/a"
fi
BPFTRACE_VERSION=$("$BPFTRACE" --version 2>/dev/null)
say "bpftrace: $BPFTRACE_VERSION; $("$DTRACE" -V 2>&1); kernel $(uname -r); $(nproc) CPUs"

# ---------------------------------------------------------------- helpers
# timed.py PREFIX CMD... : runs CMD under /usr/bin/time, stdout to PREFIX.out,
# stderr to PREFIX.err; prints "ready_ms exit_ms peak_rss_kb status" (ready_ms:
# when a line "ready" was first read from its stdout, n/a if never).
cat >"$TMP/timed.py" <<'EOF'
import os, subprocess, sys, time
prefix, cmd = sys.argv[1], sys.argv[2:]
rssf = prefix + ".rss"
with open(prefix + ".err", "wb") as err, open(prefix + ".out", "wb") as out:
    t0 = time.monotonic_ns()
    p = subprocess.Popen(["timeout", "300", "/usr/bin/time", "-f", "%M", "-o", rssf] + cmd,
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err)
    fd, seen, ready = p.stdout.fileno(), b"\n", None
    while True:
        b = os.read(fd, 65536)
        if not b:
            break
        if ready is None:
            seen += b
            if b"\nready\n" in seen:
                ready = time.monotonic_ns()
        out.write(b)
    rc = p.wait()
    t1 = time.monotonic_ns()
try:
    rss = open(rssf).read().split()[-1]
except (OSError, IndexError):
    rss = "n/a"
ms = lambda t: "n/a" if t is None else "%.3f" % ((t - t0) / 1e6)
print(ms(ready), ms(t1), rss, rc)
EOF
timed() { python3 "$TMP/timed.py" "$@"; }

median() { # numbers on stdin -> median (middle value; mean of the two middle ones)
    grep -v '^n/a$' | sort -g | awk '{ v[NR] = $1 } END {
        if (NR == 0) { print "n/a"; exit }
        if (NR % 2) print v[(NR + 1) / 2]; else printf "%.6g\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
fmt() { awk -v v="$1" -v f="${2:-%.1f}" 'BEGIN { if (v == "n/a" || v == "") print "n/a"; else printf f "\n", v }'; }
mib() { awk -v v="$1" 'BEGIN { if (v == "n/a" || v == "") print "n/a"; else printf "%.1f\n", v / 1024 }'; }
ratio() { # ours theirs
    awk -v a="$1" -v b="$2" 'BEGIN {
        if (a == "n/a" || b == "n/a" || b + 0 == 0) print "n/a"; else printf "%.3f\n", a / b }'
}
diffms() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "n/a" || b == "n/a") print "n/a"; else printf "%.1f\n", a - b }'; }

# ---------------------------------------------------------------- probe list
# "NAME FIELD" lines: syscalls in `dtrace -l -P syscall` order (or tracefs order
# if our dtrace cannot list), with an integer first argument and no enum field.
if [ $HAVE_DTRACE = 1 ]; then
    "$DTRACE" -l -P syscall 2>/dev/null | awk '$NF == "entry" { print $(NF - 1) }' >"$TMP/names"
fi
[ -s "$TMP/names" ] || ls "$EVENTS" | sed -n 's/^sys_enter_//p' >"$TMP/names"
INT='(const )?(int|unsigned|unsigned int|long|unsigned long|u32|u64|size_t|pid_t|uid_t|gid_t|clockid_t|timer_t|mqd_t|key_t|aio_context_t|key_serial_t|qid_t|umode_t)'
while read -r name; do
    f=$EVENTS/sys_enter_$name/format
    [ -f "$f" ] || continue
    grep -q enum "$f" && continue
    # first argument: the field at offset 16 (after the common fields and __syscall_nr)
    line=$(grep -m1 -P '\toffset:16;' "$f") || continue
    decl=$(sed -E 's/^[[:space:]]*field:([^;]*);.*/\1/' <<<"$line")
    field=${decl##*[ *]}
    type=${decl%"$field"}
    type=${type% }
    [[ $type =~ ^$INT$ ]] && echo "$name $field"
done <"$TMP/names" >"$TMP/probes"
MAXN=$(wc -l <"$TMP/probes")
say "$MAXN syscalls usable by both tools"

gen() { # N -> $TMP/N.d, $TMP/N.bt
    local n=$1
    { echo 'BEGIN { printf("ready\n"); exit(0); }'
      head -n "$n" "$TMP/probes" | awk '{ printf "syscall::%s:entry { @[probefunc] = quantize(arg0); }\n", $1 }'
    } >"$TMP/$n.d"
    { echo 'BEGIN { printf("ready\n"); exit(); }'
      head -n "$n" "$TMP/probes" | awk '{ printf "tracepoint:syscalls:sys_enter_%s { @[probe] = hist(args->%s); }\n", $1, $2 }'
    } >"$TMP/$n.bt"
}

# strace_split PREFIX CMD... -> "progs load_ms attach_ms close_ms" (kernel time per class)
strace_split() {
    local p=$1; shift
    timeout 300 strace -f -T -qq -o "$p.st" -e trace=bpf,perf_event_open,ioctl,close "$@" >/dev/null 2>&1
    awk '
        { if (!match($0, /<[0-9.]+>$/)) next; t = substr($0, RSTART + 1, RLENGTH - 2) * 1000 }
        /bpf\(BPF_PROG_LOAD/ { progs++; load += t; next }
        /perf_event_open\(\{type=PERF_TYPE_TRACEPOINT/ || /ioctl\([0-9]+, PERF_EVENT_IOC_(SET_BPF|ENABLE)/ ||
            /bpf\(BPF_(RAW_TRACEPOINT_OPEN|LINK_CREATE)/ { attach += t; next }
        /close\(/ { closet += t }
        END { printf "%d %.1f %.1f %.1f\n", progs, load, attach, closet }' "$p.st"
}

# ---------------------------------------------------------------- runs
ROWS=() SPLIT=() SYS=()
for n in $NS; do
    if [ "$n" -gt "$MAXN" ]; then say "N=$n > $MAXN usable syscalls: skipped"; continue; fi
    gen "$n"
    # One untimed run each, not quiet: check that all N + 1 probes are enabled.
    if [ $HAVE_DTRACE = 1 ]; then
        timeout 300 "$DTRACE" -s "$TMP/$n.d" >/dev/null 2>"$TMP/chk.err"
        say "N=$n dtrace: $(grep -h matched "$TMP/chk.err" | head -1) (expected $((n + 1)))"
    fi
    timeout 300 "$BPFTRACE" "$TMP/$n.bt" >"$TMP/chk.out" 2>"$TMP/chk.err"
    say "N=$n bpftrace: $(grep -h Attaching "$TMP/chk.out" "$TMP/chk.err" | head -1) (expected $((n + 1)))"

    d_ready=() d_exit=() d_rss=() d_c=() d_crss=()
    b_ready=() b_exit=() b_rss=() b_c=() b_crss=()
    for ((i = 0; i < REPEAT; i++)); do
        if [ $HAVE_DTRACE = 1 ]; then
            read -r r e k c < <(timed "$TMP/d" "$DTRACE" -q -s "$TMP/$n.d")
            if [ "$c" = 0 ] && [ "$r" != n/a ]; then d_ready+=("$r") d_exit+=("$e") d_rss+=("$k")
            else say "dtrace N=$n failed (status $c, ready $r)"; head -5 "$TMP/d.err" >&2; fi
            read -r r e k c < <(timed "$TMP/dc" "$DTRACE" -e -s "$TMP/$n.d")
            if [ "$c" = 0 ]; then d_c+=("$e") d_crss+=("$k"); else say "dtrace -e N=$n failed ($c)"; head -5 "$TMP/dc.err" >&2; fi
        fi
        read -r r e k c < <(timed "$TMP/b" "$BPFTRACE" -q "$TMP/$n.bt")
        if [ "$c" = 0 ] && [ "$r" != n/a ]; then b_ready+=("$r") b_exit+=("$e") b_rss+=("$k")
        else say "bpftrace N=$n failed (status $c, ready $r)"; head -5 "$TMP/b.err" >&2; fi
        read -r r e k c < <(timed "$TMP/bc" "$BPFTRACE" --emit-elf "$TMP/out.elf" "$TMP/$n.bt")
        if [ "$c" = 0 ]; then b_c+=("$e") b_crss+=("$k"); else say "bpftrace --emit-elf N=$n failed ($c)"; head -5 "$TMP/bc.err" >&2; fi
    done
    say "N=$n exit ms per run: dtrace ${d_exit[*]:-}; bpftrace ${b_exit[*]:-}"
    med() { printf '%s\n' "$@" | median; }
    DE=$(med "${d_exit[@]:-n/a}") DR=$(med "${d_ready[@]:-n/a}") DC=$(med "${d_c[@]:-n/a}")
    DK=$(mib "$(med "${d_rss[@]:-n/a}")") DCK=$(mib "$(med "${d_crss[@]:-n/a}")")
    BE=$(med "${b_exit[@]:-n/a}") BR=$(med "${b_ready[@]:-n/a}") BC=$(med "${b_c[@]:-n/a}")
    BK=$(mib "$(med "${b_rss[@]:-n/a}")") BCK=$(mib "$(med "${b_crss[@]:-n/a}")")
    ROWS+=("$(printf '%5s %12s %12s %8s %12s %12s %8s %10s %10s' "$n" \
        "$(fmt "$DE")" "$(fmt "$BE")" "$(ratio "$DE" "$BE")" \
        "$(fmt "$DR")" "$(fmt "$BR")" "$(ratio "$DR" "$BR")" "$DK" "$BK")")
    SPLIT+=("$(printf '%5s %-9s %10s %10s %10s %14s %14s %10s' "$n" dtrace \
        "$(fmt "$DC")" "$(fmt "$DR")" "$(fmt "$DE")" "$(diffms "$DR" "$DC")" "$(diffms "$DE" "$DR")" "$DCK")")
    SPLIT+=("$(printf '%5s %-9s %10s %10s %10s %14s %14s %10s' "$n" bpftrace \
        "$(fmt "$BC")" "$(fmt "$BR")" "$(fmt "$BE")" "$(diffms "$BR" "$BC")" "$(diffms "$BE" "$BR")" "$BCK")")
    SPLIT+=("$(printf '%5s %-9s %10s' "$n" ratio "$(ratio "$DC" "$BC")")")

    if [ "$STRACE" = 1 ]; then
        if [ $HAVE_DTRACE = 1 ]; then
            SYS+=("$(printf '%5s %-9s %6s %12s %12s %12s' "$n" dtrace $(strace_split "$TMP/sd" "$DTRACE" -q -s "$TMP/$n.d"))")
        fi
        SYS+=("$(printf '%5s %-9s %6s %12s %12s %12s' "$n" bpftrace $(strace_split "$TMP/sb" "$BPFTRACE" -q "$TMP/$n.bt"))")
    fi
done

# ---------------------------------------------------------------- tables
echo
echo "compile + load vs number of clauses: dtrace vs bpftrace on $(uname -r), $(nproc) CPUs;"
echo "$BPFTRACE_VERSION; $("$DTRACE" -V 2>&1); median of $REPEAT runs; times in ms, RSS in MiB"
echo
printf '%5s %12s %12s %8s %12s %12s %8s %10s %10s\n' N "dtrace" "bpftrace" "ratio" \
    "dtrace" "bpftrace" "ratio" "dtrace" "bpftrace"
printf '%5s %12s %12s %8s %12s %12s %8s %10s %10s\n' "" "exit" "exit" "d/b" \
    "ready" "ready" "d/b" "RSS" "RSS"
printf '%s\n' "${ROWS[@]}"
echo
echo "split (ms): compile = dtrace -e / bpftrace --emit-elf; load+attach = ready - compile;"
echo "teardown = exit - ready (detach, aggregation printing); compile RSS in MiB"
printf '%5s %-9s %10s %10s %10s %14s %14s %10s\n' N tool compile ready exit "load+attach" teardown "cRSS"
printf '%s\n' "${SPLIT[@]}"
if [ ${#SYS[@]} -gt 0 ]; then
    echo
    echo "kernel time in syscalls, one strace -f -T run (ms): BPF_PROG_LOAD (verifier), attach, close (detach)"
    printf '%5s %-9s %6s %12s %12s %12s\n' N tool progs load attach close
    printf '%s\n' "${SYS[@]}"
fi
