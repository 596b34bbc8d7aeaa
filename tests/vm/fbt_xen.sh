# fbt in a Xen PV guest (dom0, 2 vCPUs), where the pv-ops/hypercall layer is
# live under the probes: exact counts with both backends, the xen layer
# excluded from the inventory, and a clean kernel log afterwards.
# (Probing the page-table/TLB functions under fork/exec crashed this guest
# once in three runs: tests/pending/vm/fbt_xen_mmu.sh.)
source ./lib.sh
vm_run xen 2 '
echo "kernel $(uname -r | cut -d. -f1,2), mode $VMRUN_MODE, $(nproc) cpus"
dt vfs_read_fentry -q -n "fbt::vfs_read:entry /pid == \$target && arg2 == 1/ { @ = count(); }
    END { printa(\"%@d\\n\", @); }" -c "$WORKLOAD read 50"
dt vfs_read_kprobe -x fbtbackend=kprobe -q -n "fbt::vfs_read:entry /pid == \$target && arg2 == 1/ { @ = count(); }
    END { printa(\"%@d\\n\", @); }" -c "$WORKLOAD read 50"
echo "== xen functions are excluded"
$DTRACE -l -n "fbt::xen_*:entry" 2>&1 | head -1
echo "== kernel log"
dmesg | grep -E "BUG:|rcu.*stall|soft lockup|hard LOCKUP|Oops|hung_task|Kernel panic|WARNING:" | head -5
echo "clean"
'
