/*
 * The Guide's struct example: struct-valued associative array elements,
 * self-> and global variables, members assigned one by one (=, ++, +=),
 * read back; a missing element reads as zeros. The workload makes exactly
 * 4 one-byte writes.
 */
#pragma D option quiet

struct callinfo {
	uint64_t ts;		/* timestamp of last syscall entry */
	uint64_t elapsed;	/* total elapsed time in nanoseconds */
	uint64_t calls;		/* number of calls made */
	size_t maxbytes;	/* maximum byte count argument */
};

struct callinfo i[string];
self struct callinfo s;
struct callinfo g;

syscall::write:entry
/pid == $target && arg2 == 1/
{
	i[probefunc].ts = timestamp;
	i[probefunc].calls++;
	i[probefunc].maxbytes = arg2 > i[probefunc].maxbytes ? arg2 : i[probefunc].maxbytes;
	self->s.calls += 2;
	g.calls++;
}

syscall::write:return
/pid == $target && i[probefunc].ts/
{
	i[probefunc].elapsed += timestamp - i[probefunc].ts;
	i[probefunc].ts = 0;
	printf("self %d\n", self->s.calls);
}

END
{
	printf("write calls %d maxbytes %d elapsed>0 %d\n", i["write"].calls, i["write"].maxbytes, i["write"].elapsed > 0);
	printf("missing %d %d global %d sizeof %d\n", i["read"].calls, i["nosuch"].maxbytes, g.calls, sizeof(struct callinfo));
}
