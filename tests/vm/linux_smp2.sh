# Debian's 6.1 kernel as a plain Linux guest (QEMU TCG), 2 vCPUs: the smoke
# script smoke.guest (BEGIN, syscall entry/return with exact counts and errno,
# tick-N, profile-N on every CPU, aggregations at exit). One VM boot.
source ./lib.sh
vm_run linux 2 'sh /guest/smoke.guest' -f "$TESTDIR/smoke.guest:/guest/smoke.guest"
