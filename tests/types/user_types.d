/*
 * Types a script declares: enum (values, counting on), struct and union
 * layout as C does (sizeof, offsetof), typedefs, casts of kernel memory to
 * a declared struct, pointer arithmetic scaled by the pointee size, and a
 * kernel bitfield (sched_reset_on_fork is 0 for dtrace).
 */
#pragma D option quiet
enum color { RED, GREEN = 5, BLUE };
struct two { int a; int b; };
struct mixed { char c; long l; short s; };
union u { char c; long l; };
typedef struct task_struct task_t;
typedef unsigned long ulong_alias;
BEGIN
{
	printf("%d %d %d\n", RED, GREEN, BLUE);
	printf("%d %d %d\n", sizeof(struct two), sizeof(struct mixed), sizeof(union u));
	printf("%d %d %d\n", offsetof(struct mixed, c), offsetof(struct mixed, l), offsetof(struct mixed, s));
	printf("%d\n", ((struct two *)&curthread->pid)->a == pid);
	printf("%d\n", ((task_t *)curthread)->pid == pid);
	printf("%d %d\n", sizeof(ulong_alias), sizeof(task_t) == sizeof(struct task_struct));
	printf("%d %d\n", (char *)curthread + 8 - (char *)curthread, (int *)curthread + 2 - (int *)curthread);
	printf("%d\n", (long)((int *)0 + 2));
	printf("%d\n", curthread->sched_reset_on_fork);
	exit(0);
}
