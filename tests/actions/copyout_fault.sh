# copyout() to an address the process has not mapped is DTrace's invalid
# address fault (the clause's later actions do not run).
"$DTRACE" -wq -c "$WORKLOAD getppid 1" -n '
syscall::getppid:entry /pid == $target/ { copyoutstr("x", 16, 2); printf("not reached\n"); }
syscall::getppid:entry /pid == $target/ { copyout("x", 16, 1); printf("not reached\n"); }' 2>&1 |
	sed -e 's/BPF pc [0-9]*/BPF pc N/' -e 's/probe ID [0-9]* (/probe ID N (/' -e 's/pid [0-9]*/pid N/' -e 's/on CPU [0-9]*/on CPU N/'
