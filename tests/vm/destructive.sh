# copyout()/copyoutstr() on a kernel that lets BPF write user memory (this
# development machine's kernel is locked down, so tests/actions skips
# them): the workload's "hello" becomes "JELLo"; a write to an unmapped
# address is DTrace's invalid-address fault. Also raise() and stop() there.
source ./lib.sh
vm_run linux 1 '
dt copyout -wq -n "syscall::write:entry /pid == \$target && arg0 == 1/ { copyout(\"J\", arg1, 1); copyoutstr(\"ELLOW\", arg1 + 1, 3); }" -c "$WORKLOAD --say hello sleep 0"
dt copyout_fault -wq -c "$WORKLOAD getppid 1" -n "syscall::getppid:entry /pid == \$target/ { copyoutstr(\"x\", 16, 2); printf(\"not reached\\n\"); }"
dt raise -wq -c "$WORKLOAD getppid 1" -n "syscall::getppid:entry /pid == \$target/ { raise(SIGKILL); }" -n "END { printf(\"end\\n\"); }"
' | sed -e "s/BPF pc [0-9]*/BPF pc N/" -e "s/probe ID [0-9]* (/probe ID N (/"
