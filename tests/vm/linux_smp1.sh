# The 6.1 kernel with a single vCPU (uniprocessor guest): an exact count.
source ./lib.sh
vm_run linux 1 '
echo "kernel $(uname -r | cut -d. -f1,2), mode $VMRUN_MODE, $(nproc) cpus"
dt getppid_count -q -n "syscall::getppid:entry /pid == \$target/ { @ = count(); }" \
    -c "$WORKLOAD getppid 100"
'
