# PENDING (kernel crash, cause not yet found): in the Xen PV guest (6.1,
# 2 vCPUs), probing the page-table and TLB functions with the kprobe backend
# while fork/exec runs crashed the guest once in three runs:
#   BUG ... CR2: ffffffffffffffd6 ... Kernel panic - not syncing: Attempted
#   to kill the idle task!
# The same CR2 was seen once in linux mode while attaching fbt::s*:entry.
source ../../vm/lib.sh
vm_run xen 2 '
$DTRACE -q -n "fbt::*pte*:entry,fbt::*pmd*:entry,fbt::*tlb*:entry { n++; }
    END { printf(\"fired: %d\\n\", n > 0); }" -c "$WORKLOAD exec 5"
echo "status $?"
'
