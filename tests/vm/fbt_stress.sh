# Many fbt probes under a mixed workload, in every mode the issue names:
# every vfs_* and do_* function, entry and return (about 670 probes,
# the shared kprobe program), while the guest forks and execs, reads and
# writes files and sleeps; dtrace runs to the end of the workload, detaches
# and exits 0, and the kernel log shows no oops, BUG, RCU stall or lockup.
# (The whole of fbt::: needs ~40 minutes per boot with single kprobes under
# TCG on 6.1; vm/fbt_all runs it on 6.12 with kprobe.multi.)
source ./lib.sh
mix='
cat >/tmp/mix.sh <<MIX
for i in 1 2 3 4 5; do
	$WORKLOAD exec 5
	$WORKLOAD write 200
	$WORKLOAD read 200
	ls -R /proc/self >/dev/null 2>&1
	$WORKLOAD sleep 50
done
MIX
n=$($DTRACE -l -n "fbt::vfs_*:,fbt::do_*:" | wc -l)
echo "probes: $(( n > 600 ? 600 : 0 )) or more"
$DTRACE -q -x fbtbackend=kprobe -n "fbt::vfs_*:, fbt::do_*: { @[probefunc] = count(); }" -c "sh /tmp/mix.sh" >/tmp/out 2>/tmp/err
echo "status $?"
grep -v "has exited\|attached [0-9]* of" /tmp/err
awk "NF == 2 && \$2 > 0 { n++ } END { print (n >= 5) ? \"5 or more functions fired\" : \"too few functions fired: \" n }" /tmp/out
dmesg | grep -E -c "BUG|Oops|RCU stall|stall on CPU|soft lockup|hard LOCKUP" || true
'
for m in "linux 1" "linux 2" "linux 4" "xen 2"; do
	echo "=== $m"
	vm_run $m "$mix"
done
