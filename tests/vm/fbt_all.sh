# fbt::: (every probe-able kernel function, entry and return) attached at
# once, run under a mixed workload (fork/exec, file writes and reads,
# /proc reads, sleep), detached, exit 0: in linux mode with 1, 2 and 4
# vCPUs and as a Xen PV dom0 with 2, with no oops, BUG, RCU stall or lockup
# in the kernel log and nothing left enabled in ftrace afterwards. (With
# QEMU's multi-threaded TCG the 4-vCPU guest oopsed in ftrace's text
# patching; with single-threaded TCG, which vm_run uses, it has not:
# tcg-single/ says why.) In linux mode, then, Ctrl-C (SIGINT) in the middle
# of the attach: a clear message, status 1, nothing left in ftrace. This
# needs kprobe.multi (one fprobe registration for all functions: seconds
# under TCG, where single kprobes take ~40 minutes for as many), so it
# boots Debian's 6.12 kernel (vm_kernel_6_12); the 6.1 kernel's kprobe
# path is covered by fbt_stress and fbt_interrupt. The attach and detach
# times and the firings go to stderr.
source ./lib.sh
kernel=$(vm_kernel_6_12) || { echo "no 6.12 kernel"; exit 1; }
run='
cat >/tmp/mix.sh <<MIX
$WORKLOAD exec 3
$WORKLOAD write 100
$WORKLOAD read 100
ls -R /proc/self >/dev/null 2>&1
$WORKLOAD sleep 50
MIX
n=$($DTRACE -l -P fbt | wc -l)
echo "probes: $(( n > 30000 ? 30000 : 0 )) or more"
$DTRACE -v -q -n "fbt::: { @ = count(); } END { printa(\"%@d\\n\", @); }" -c "sh /tmp/mix.sh" >/tmp/out 2>/tmp/err
echo "status $?"
grep -o "kprobe.multi backend" /tmp/err
awk "\$1 > 1000 { print \"fired: more than 1000 times\" }" /tmp/out
echo "firings: $(cat /tmp/out)" >&2
grep -E "attached in|detached in|missed" /tmp/err >&2
grep -v -E "has exited|attached [0-9]* of|attached in|detached in|missed|backend" /tmp/err
echo "enabled in ftrace after exit: $(wc -l < /sys/kernel/tracing/enabled_functions)"
'
# /tmp/err is emptied first: the wait must not see the progress line of
# the run before. A SIGINT sent before dtrace has installed its handler is
# ignored (a background job of a non-interactive shell starts with SIGINT
# ignored), and that dtrace then ran on, attached, until the case's timeout.
interrupt='
: >/tmp/err
$DTRACE -q -n "fbt::: { @ = count(); }" >/tmp/out 2>/tmp/err &
pid=$!
i=0
while ! grep -q "attached 0 of" /tmp/err && [ $i -lt 300 ]; do sleep 1; i=$((i + 1)); done
kill -INT $pid
wait $pid
echo "interrupted during attach: status $?"
grep -v "attached [0-9]* of" /tmp/err
echo "enabled in ftrace after exit: $(wc -l < /sys/kernel/tracing/enabled_functions)"
'
check='
echo "kernel log problems: $(dmesg | grep -E -c "BUG|Oops|RCU stall|stall on CPU|soft lockup|hard LOCKUP")"
'
for m in "linux 1" "linux 2" "linux 4"; do
	echo "=== $m"
	vm_run $m "$run$interrupt$check" --kernel "$kernel"
done
echo "=== xen 2"
# As dom0 the 6.12 kernel has the hvc0 console, whose tty ends lines with
# CR LF.
vm_run xen 2 "$run$check" --kernel "$kernel" | tr -d '\r'
