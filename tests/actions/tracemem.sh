# tracemem(): DTrace's hex dump (offset, 16 bytes a row, ASCII column) of
# memory copied in from the workload's write(1, "abc...z\n", 27), with the
# optional dynamic size (smaller: fewer bytes; negative or larger: all;
# 0: nothing), and of kernel memory (the task's comm). The workload's own
# line is left out.
"$DTRACE" -q -c "$WORKLOAD --say abcdefghijklmnopqrstuvwxyz sleep 0" -s /dev/stdin <<'D' | grep -v '^abcdefghijklmnopqrstuvwxyz$'
syscall::write:entry
/pid == $target && arg0 == 1/
{
	tracemem(copyin(arg1, 27), 27);
	tracemem(copyin(arg1, 27), 27, 2);
	tracemem(copyin(arg1, 27), 27, -1);
	tracemem(copyin(arg1, 27), 27, 100);
	tracemem(copyin(arg1, 27), 27, 0);
	tracemem(copyin(arg1, 27), 27, arg2 - 10);
	tracemem(curthread->comm, 16);
}
D
echo "status ${PIPESTATUS[0]}"
