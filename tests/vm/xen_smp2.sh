# The same smoke script with the 6.1 kernel as a Xen PV dom0 (Xen 4.17 under
# QEMU TCG), 2 vCPUs: paravirtualised timers, IPIs and MMU under our probes.
source ./lib.sh
vm_run xen 2 'sh /guest/smoke.guest' -f "$TESTDIR/smoke.guest:/guest/smoke.guest"
