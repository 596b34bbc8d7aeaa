/*
 * Kernel types from BTF: curthread is a struct task_struct *; members
 * through -> and ., nested pointers, char arrays used as strings
 * (comparison with a string, %s, trace(), stringof, array decay), array
 * elements, sizeof/offsetof of kernel types, & of a member, and *p;
 * char arrays passed to string subroutines.
 */
#pragma D option quiet

BEGIN
{
	printf("pid %d\n", curthread->pid == pid);
	printf("tgid-parent %d\n", curthread->real_parent->tgid == ppid);
	printf("comm %s|%s|%s\n", curthread->comm, stringof(curthread->comm), curthread->comm + 1);
	printf("compare %d %d\n", curthread->comm == "dtrace", "dtrace" != curthread->comm);
	printf("elem %c%c\n", curthread->comm[0], curthread->comm[5]);
	printf("sizes %d %d\n", sizeof(curthread->comm), sizeof(struct task_struct) > 1000);
	printf("addr %d\n", &curthread->pid == (int *)((char *)curthread + offsetof(struct task_struct, pid)));
	printf("deref %d\n", (*curthread).pid == pid);
	printf("nested %d\n", curthread->group_leader->pid == pid);
	printf("subr %d %s %s %d %s\n", strlen(curthread->comm), toupper(curthread->comm), strjoin(curthread->comm, "!"), index(curthread->comm, "r"), substr(curthread->comm, 2));
	trace(curthread->comm);
	printf("\n");
	exit(0);
}
