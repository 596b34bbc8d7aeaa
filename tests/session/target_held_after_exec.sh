# -c CMD holds the command stopped right after its exec (as DTrace does with
# a process it creates): what the child does before and during exec is not
# traced, and its first traced system call is its own. The workload makes
# exactly 3 read(fd, buf, 1) calls; nothing else of the child's may count
# (the child's exec and any wait before it are invisible).
"$DTRACE" -q -c "$WORKLOAD read 3" -n '
syscall::execve:entry, syscall::execve:return /pid == $target/ { n++; }
syscall::read:entry /pid == $target && arg2 == 1/ { r++; }
END { printf("execve %d read %d\n", n, r); }' 2>/dev/null
echo "status $?"
