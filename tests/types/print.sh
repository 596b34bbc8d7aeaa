# print(): type-aware output as Oracle's DTrace for Linux prints it — a
# pointer to a struct as "ADDR = *" and the struct's non-zero members one
# level deeper each, indented from the probe-line width; scalars as
# (type)value. Kernel memory read through a D struct; the pid and the
# address vary, so they are masked.
"$DTRACE" -q -n '
struct pids { int pid; int tgid; };
BEGIN
{
	print((struct pids *)&curthread->pid);
	print(1 + 1);
	print("abc");
	print((char)65);
	exit(0);
}' | sed -e 's/^0x[0-9a-f]* = \*$/ADDR = */' -e 's/(int)[0-9][0-9]*,$/(int)N,/'
echo "status ${PIPESTATUS[0]}"
