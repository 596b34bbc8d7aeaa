/*
 * A script's own translator, used through xlate <T *> (e)->m and
 * xlate <T> (e).m; members cast to their declared types; errno and signal
 * names built in.
 */
#pragma D option quiet

struct out {
	int o_pid;
	char o_comm[16];
	short o_low;
};

translator struct out < struct task_struct *t > {
	o_pid = t->pid;
	o_comm = t->comm;
	o_low = 0x12345;
};

BEGIN
{
	printf("%d %s %d\n", xlate <struct out *> (curthread)->o_pid == tid, xlate <struct out> (curthread).o_comm, xlate <struct out *> (curthread)->o_low);
	printf("%d %d %d %d %d\n", EPERM, EINTR, EAGAIN, SIGINT, SIGKILL);
	exit(0);
}
