#!/usr/bin/env bash
# conformance/run.sh [--update] [FILTER...]
#
# Runs Oracle's DTrace test suite (../shared/conformance: a snapshot of
# dtrace-utils' test/unittest and its runner, run-oracle.sh) against this
# project's dtrace, and compares the result with conformance/expected-failures.txt,
# one line per test that is known to fail: its path, then the reason.
#
# It fails (exit 1) on
#   - a test that fails and is not on the list (it is run a second time first,
#     alone, so that a test that failed only because the machine was busy does
#     not fail the run; such a test is named in the output);
#   - a test on the list that passes, unless its reason starts with "flaky:"
#     (take it off the list: the list must stay true);
#   - an entry naming no test of the suite (whole-suite runs only).
# It exits 0 with a notice when ../shared/conformance is absent.
#
#   FILTER...   run only tests whose path contains one of these substrings
#               (e.g. aggs/ funcs/tst.strjoin); the stale-entry check is off.
#   --update    rewrite the list from this run: passing entries leave it,
#               new failures join it with the runner's reason marked
#               "untriaged:", which a reader must then replace by the cause.
#
# Environment:
#   DTRACE           the binary to test (default target/release/dtrace,
#                    built if missing)
#   CONFORMANCE_DIR  the suite (default ../shared/conformance)
#   TIMEOUT          per test, passed to the runner
#   RETRY_MAX        most unexpected failures run again (40); past it the
#                    build is broken rather than the machine busy
#   REUSE=1          judge the last run's results again without running the
#                    suite (e.g. with --update)
# Results are kept in target/conformance/ (each failing test's output and
# diff in target/conformance/work/*/logs).
# Needs gcc (the suite's trigger programs) and gawk (its output filters);
# gawk is installed by package name through the machine's package manager
# when missing. The whole suite takes about 16-20 minutes on 2 cores.
set -uo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
suite="${CONFORMANCE_DIR:-$root/../shared/conformance}"
listfile="$root/conformance/expected-failures.txt"
out="$root/target/conformance"

update=0
filters=()
for a in "$@"; do
    case "$a" in
        --update) update=1 ;;
        -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        -*) echo "conformance/run.sh: unknown option $a" >&2; exit 2 ;;
        *) filters+=("$a") ;;
    esac
done

if [ ! -x "$suite/run-oracle.sh" ]; then
    echo "conformance: $suite/run-oracle.sh is not there; Oracle's suite not run"
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "conformance: needs root (the tests load BPF programs)" >&2
    exit 1
fi

# What the runner needs besides dtrace.
if ! command -v gawk >/dev/null; then
    echo "conformance: installing gawk"
    timeout 300 apt-get install -y -q gawk >/dev/null 2>&1 ||
        { timeout 300 apt-get update -q >/dev/null 2>&1 && timeout 300 apt-get install -y -q gawk >/dev/null 2>&1; } ||
        { echo "conformance: could not install gawk" >&2; exit 1; }
fi
command -v gcc >/dev/null || { echo "conformance: gcc is needed (the suite's trigger programs)" >&2; exit 1; }

dtrace="${DTRACE:-$root/target/release/dtrace}"
if [ -z "${DTRACE:-}" ] && [ ! -x "$dtrace" ]; then
    (cd "$root" && cargo build --release -q -p dtrace) || exit 1
fi
# Tests read execname: the binary must run under the name "dtrace".
mkdir -p "$out/bin"
cp -f "$dtrace" "$out/bin/dtrace" || exit 1

# The tests to run.
all="$out/all.list"
(cd "$suite/dtrace-utils" && find test/unittest -name '*.d' | grep -E '/(tst|err|drp)\.[^/]*\.d$' | LC_ALL=C sort) > "$all"
selected="$out/selected.list"
if [ ${#filters[@]} -gt 0 ]; then
    grep -F "${filters[@]/#/-e}" "$all" > "$selected" || true
else
    cp "$all" "$selected"
fi
echo "conformance: $(wc -l < "$selected") tests of Oracle's suite, $(date -u +%H:%M:%S)"

# The runner keeps its work directory (outputs, diffs) when a test failed:
# keep the last run's under target/conformance/work rather than in /tmp.
[ "${REUSE:-0}" = 1 ] || { rm -rf "$out/work" && mkdir -p "$out/work"; }
export TMPDIR="$out/work"
t0=$(date +%s)
if [ "${REUSE:-0}" = 1 ] && [ -s "$out/results.txt" ]; then
    echo "conformance: REUSE=1: judging the last run's results again"
else
    "$suite/run-oracle.sh" "$out/bin/dtrace" "$selected" > "$out/results.txt" 2> "$out/runner.err"
fi
echo "conformance: $(tail -n 1 "$out/results.txt") in $(( $(date +%s) - t0 )) s"

# A failure not on the list is run again, alone, before it counts.
awk 'NR == FNR { if ($0 !~ /^#/ && NF) listed[$1] = 1; next }
     $1 == "FAIL" && !($2 in listed) { print $2 }' "$listfile" "$out/results.txt" > "$out/retry.list"
[ "${REUSE:-0}" = 1 ] || : > "$out/retry.txt"
if [ "${REUSE:-0}" = 1 ]; then
    : # keep the last retry.txt
elif [ -s "$out/retry.list" ] && { [ "$update" = 1 ] || [ "$(wc -l < "$out/retry.list")" -le "${RETRY_MAX:-40}" ]; }; then
    echo "conformance: running $(wc -l < "$out/retry.list") unexpected failures again"
    "$suite/run-oracle.sh" "$out/bin/dtrace" "$out/retry.list" > "$out/retry.txt" 2>> "$out/runner.err"
fi

# Per-directory figures, then the verdict.
awk '$1 ~ /^(PASS|FAIL|SKIP)$/ { split($2, p, "/"); d = p[3]; n[d]++; c[d, $1]++; t[$1]++ }
     END { printf "%-20s %6s %6s %6s %6s\n", "directory", "tests", "pass", "fail", "skip"
           for (d in n) printf "%-20s %6d %6d %6d %6d\n", d, n[d], c[d, "PASS"], c[d, "FAIL"], c[d, "SKIP"] | "LC_ALL=C sort"
           close("LC_ALL=C sort")
           printf "%-20s %6d %6d %6d %6d\n", "total", t["PASS"] + t["FAIL"] + t["SKIP"], t["PASS"], t["FAIL"], t["SKIP"] }' \
    "$out/results.txt" > "$out/table.txt"
cat "$out/table.txt"

whole=$([ ${#filters[@]} -eq 0 ] && echo 1 || echo 0)
awk -v whole="$whole" -v update="$update" -v newlist="$out/expected-failures.new" '
    FILENAME == ARGV[1] { all[$0] = 1; next }
    FILENAME == ARGV[2] {
        if ($0 ~ /^#/ || !NF) { if (update) head[++nh] = $0; next }
        path = $1; reason = $0; sub(/^[^ \t]+[ \t]+/, "", reason)
        listed[path] = reason; order[++nl] = path; next }
    FILENAME == ARGV[3] { if ($1 ~ /^(PASS|FAIL|SKIP)$/) { res[$2] = $1; why[$2] = $0; sub(/^[A-Z]+ [^ ]+ ?/, "", why[$2]) } next }
    FILENAME == ARGV[4] { if ($1 == "PASS") retried[$2] = 1; next }
    END {
        bad = 0
        for (p in res) if (res[p] == "FAIL" && !(p in listed)) {
            if (p in retried) { print "flaky: " p " failed, then passed when run again alone"; continue }
            print "UNEXPECTED FAILURE: " p " " why[p]; bad++; newfail[p] = why[p]
        }
        for (p in listed) {
            if ((p in res) && res[p] == "PASS" && listed[p] !~ /^flaky:/) {
                print "UNEXPECTED PASS (take it off conformance/expected-failures.txt): " p; bad++; gone[p] = 1 }
            if (whole && !(p in all)) { print "STALE ENTRY (no such test): " p; bad++; gone[p] = 1 }
        }
        if (update) {
            for (i = 1; i <= nh; i++) print head[i] > newlist
            for (p in newfail) { listed[p] = "untriaged: " newfail[p]; order[++nl] = p }
            n = 0
            for (i = 1; i <= nl; i++) if (!(order[i] in gone)) keep[++n] = order[i]
            # Sorted by path, as the file is kept.
            for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (keep[j] < keep[i]) { t = keep[i]; keep[i] = keep[j]; keep[j] = t }
            for (i = 1; i <= n; i++) printf "%s  %s\n", keep[i], listed[keep[i]] > newlist
        }
        exit bad > 0
    }' "$all" "$listfile" "$out/results.txt" "$out/retry.txt"
verdict=$?

if [ "$update" = 1 ]; then
    mv "$out/expected-failures.new" "$listfile"
    echo "conformance: rewrote conformance/expected-failures.txt ($(grep -vc '^#' "$listfile") entries)"
    exit 0
fi
if [ "$verdict" != 0 ]; then
    echo "conformance: FAILED (outputs of failing tests: rerun with VERBOSE=1; results in $out/results.txt)"
    exit 1
fi
echo "conformance: ok, every failure is on conformance/expected-failures.txt"
