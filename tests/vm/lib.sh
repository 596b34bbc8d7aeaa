# Helpers for the VM cases in tests/vm/ (sourced by them; the runner does not
# treat a group's lib.sh as a case).
#
# A VM case is a NAME.sh with `vm` in NAME.requires: the runner gives it
# $VMRUN (../shared/vm/vmrun, or $VMRUN from .ci/run), $DTRACE, $WORKLOAD,
# $TESTDIR and $CASE_TIMEOUT (default 300 s for vm cases), or skips it when
# there is no vmrun. Each vm_run call boots one VM (linux: ~6 s, xen: ~12 s
# under TCG, before the commands run), so put several dtrace runs in one call.
#
#   vm_run MODE SMP 'COMMANDS' [VMRUN-OPTIONS...]
#
# boots the Debian 6.1 kernel (MODE linux) or Xen 4.17 with that kernel as the
# PV dom0 (MODE xen) with SMP vCPUs and runs COMMANDS with busybox sh in the
# guest. Our dtrace and dtrace-workload are copied in at their host paths
# (vmrun -b also copies their shared libraries: libc, libgcc_s and the loader
# from the host, so the dynamically linked release binaries run as they are);
# $DTRACE and $WORKLOAD are set in the guest. Extra options go to vmrun, e.g.
# `-f "$TESTDIR/x.guest:/guest/x.guest"` or `-a DIR` for test files.
# The guest's cwd is /guest; stdout and stderr come back separately.
# Returns the guest command's status; vmrun's own failures (124 timeout,
# 125 VM died, 126 harness error) are also explained on stderr.
#
# COMMANDS can use, in the guest:
#
#   dt TITLE DTRACE-ARGS...     (a command: works in scripts COMMANDS runs)
#
# prints `== TITLE`, then dtrace's stdout, then its stderr with each line
# prefixed by `stderr: ` and pids masked (`pid N`), then `-- status N`.
# Stdout and stderr are collected separately, so their order is fixed and
# the case's .out checks all of them.

# Guest-side prelude, prepended to COMMANDS: installs `dt` as a command
# (/guest/bin is on the guest's PATH), so that scripts COMMANDS runs see it too.
VM_PRELUDE='mkdir -p /guest/bin && cat >/guest/bin/dt <<'"'"'VM_DT_EOF'"'"' && chmod +x /guest/bin/dt
#!/bin/sh
echo "== $1"; shift
"$DTRACE" "$@" >/tmp/dt.out 2>/tmp/dt.err
st=$?
cat /tmp/dt.out
sed -e "s/pid [0-9][0-9]*/pid N/g" -e "s/^/stderr: /" /tmp/dt.err
echo "-- status $st"
VM_DT_EOF
'

# This file's directory (for tcg-single/).
VM_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

vm_run() {
    if [ $# -lt 3 ]; then
        echo "usage: vm_run MODE SMP 'COMMANDS' [VMRUN-OPTIONS...]" >&2
        return 2
    fi
    local mode=$1 smp=$2 cmds=$3
    shift 3
    local v
    for v in VMRUN DTRACE WORKLOAD; do
        if [ -z "${!v:-}" ]; then
            echo "vm_run: \$$v is not set (run this case through the test runner)" >&2
            return 126
        fi
    done
    # vmrun's own limit stays below the case's, so that on a hang vmrun kills
    # the VM, prints the console tail and cleans up its work directory before
    # the runner kills the whole process group.
    local limit=$(( ${CASE_TIMEOUT:-300} - 30 ))
    [ "$limit" -ge 30 ] || limit=30
    local st=0
    # The whole console, kept so that a crash shows from its first line (vmrun
    # itself prints only the tail).
    local console
    console=$(mktemp "${TMPDIR:-/tmp}/vm-console.XXXXXX")
    # Single-threaded TCG (tests/vm/tcg-single says why): multi-threaded TCG
    # hangs or crashes SMP guests while their kernel patches its own code,
    # which every probe we attach makes it do. VM_TCG=multi keeps vmrun's
    # multi-threaded TCG (for experiments).
    local path=$PATH
    [ "${VM_TCG:-single}" = multi ] || path=$VM_LIB_DIR/tcg-single:$PATH
    # VMRUN_TIMING: vmrun reports on stderr (shown when the case fails) the
    # guest uptime when the command started, so a hang at boot is told apart
    # from one in our commands.
    PATH=$path VMRUN_TIMING=1 "$VMRUN" --mode "$mode" --smp "$smp" --timeout "$limit" \
        -b "$DTRACE" -b "$WORKLOAD" \
        -e "DTRACE=$DTRACE" -e "WORKLOAD=$WORKLOAD" -e LC_ALL=C -e TZ=UTC \
        --log "$console" "$@" -c "$VM_PRELUDE$cmds" || st=$?
    case $st in
    124) echo "vm_run: vmrun: timeout after ${limit} s ($mode, $smp vCPUs)" >&2 ;;
    125) echo "vm_run: vmrun: the VM ended without reporting a status ($mode, $smp vCPUs)" >&2 ;;
    126) echo "vm_run: vmrun: harness or setup error ($mode, $smp vCPUs)" >&2 ;;
    esac
    if [ "$st" -ge 124 ] && [ "$st" -le 125 ]; then
        local at
        at=$(grep -n -m1 -E "BUG:|Oops|general protection|kernel BUG|Kernel panic|RCU stall|detected stalls|stall on CPU|lockup" "$console" | cut -d: -f1)
        if [ -n "$at" ]; then
            echo "vm_run: the console from the first sign of trouble:" >&2
            tail -n +"$((at > 5 ? at - 5 : 1))" "$console" | head -n 80 | sed 's/^/  | /' >&2
        fi
    fi
    rm -f "$console"
    return "$st"
}

# vm_kernel_6_12: prints the path of a Linux 6.12 kernel image for
# `vm_run ... --kernel PATH`: Debian bookworm-backports' newest 6.12 build
# for 64-bit PCs, which has kprobe.multi (CONFIG_FPROBE) and can boot as a
# Xen PV dom0 (the 6.1 cloud kernel has neither). Downloaded once with a
# private apt configuration (the system's sources are left alone) into
# $VMRUN_CACHE (default /var/cache/vmrun) and reused.
vm_kernel_6_12() {
    local cache=${VMRUN_CACHE:-/var/cache/vmrun}/dtrace-kernel-6.12
    mkdir -p "$cache" || return 1
    # One download at a time (cases may run in parallel).
    (
        flock 9
        k=$(ls "$cache"/vmlinuz-6.12.* 2>/dev/null | sort -V | tail -n1)
        if [ -n "$k" ]; then
            echo "$k"
            exit 0
        fi
        mkdir -p "$cache/apt/lists/partial" "$cache/apt/archives/partial" || exit 1
        echo "deb http://deb.debian.org/debian bookworm-backports main" >"$cache/apt/sources.list"
        o=(-o "Dir::Etc::SourceList=$cache/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
            -o "Dir::State::Lists=$cache/apt/lists" -o "Dir::Cache=$cache/apt" -o APT::Sandbox::User=root)
        apt-get "${o[@]}" update -qq >&2 || exit 1
        pkg=$(apt-cache "${o[@]}" pkgnames linux-image-6.12. |
            grep -E '^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$' | sort -V | tail -n1)
        [ -n "$pkg" ] || { echo "vm_kernel_6_12: no 6.12 kernel in bookworm-backports" >&2; exit 1; }
        tmp=$(mktemp -d "$cache/pkg.XXXXXX") || exit 1
        trap 'rm -rf "$tmp"' EXIT
        (cd "$tmp" && apt-get "${o[@]}" download "$pkg" >&2) || exit 1
        dpkg-deb -x "$tmp"/*.deb "$tmp/x" || exit 1
        k=$(ls "$tmp"/x/boot/vmlinuz-* | head -n1)
        cp "$k" "$cache/${k##*/}.tmp" && mv "$cache/${k##*/}.tmp" "$cache/${k##*/}" || exit 1
        echo "$cache/${k##*/}"
    ) 9>"$cache/lock"
}
