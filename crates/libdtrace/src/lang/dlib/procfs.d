/*
 * D's standard process types and translators for Linux, compiled into
 * dtrace: psinfo_t (curpsinfo) and lwpsinfo_t (curlwpsinfo), translated
 * from the kernel's struct task_struct. A translator member is only
 * compiled where a script uses it, so a kernel lacking one member only
 * affects scripts that use that member.
 */
typedef int taskid_t;
typedef int projid_t;
typedef int poolid_t;
typedef int lwpid_t;

typedef struct psinfo {
	int	pr_nlwp;	/* threads in the process */
	pid_t	pr_pid;		/* process id (the kernel's tgid) */
	pid_t	pr_ppid;	/* parent's process id */
	pid_t	pr_pgid;	/* process group id */
	pid_t	pr_sid;		/* session id */
	uid_t	pr_uid;		/* real user id */
	uid_t	pr_euid;	/* effective user id */
	gid_t	pr_gid;		/* real group id */
	gid_t	pr_egid;	/* effective group id */
	uintptr_t pr_addr;	/* address of the task_struct */
	char	pr_fname[16];	/* name of the executable (comm) */
	char	pr_psargs[80];	/* the command line (the command name for
				   another process or a kernel thread) */
	char	pr_dmodel;	/* PR_MODEL_LP64 or PR_MODEL_ILP32 */
	taskid_t pr_taskid;
	projid_t pr_projid;
	poolid_t pr_poolid;
	zoneid_t pr_zoneid;
} psinfo_t;

typedef struct lwpsinfo {
	int	pr_flag;	/* the task's PF_* flags */
	lwpid_t	pr_lwpid;	/* thread id (the kernel's pid) */
	uintptr_t pr_addr;	/* address of the task_struct */
	uintptr_t pr_wchan;
	char	pr_stype;
	char	pr_state;	/* SRUN, SSLEEP, SSTOP or SZOMB */
	char	pr_sname;	/* R, S, T or Z */
	char	pr_nice;	/* nice value */
	short	pr_syscall;
	int	pr_pri;		/* the kernel's prio */
	char	pr_clname[8];
	int	pr_onpro;	/* CPU it last ran on */
	int	pr_bindpro;
	int	pr_bindpset;
} lwpsinfo_t;

inline char PR_MODEL_ILP32 = 1;
inline char PR_MODEL_LP64 = 2;
inline char SSLEEP = 1;
inline char SRUN = 2;
inline char SZOMB = 3;
inline char SSTOP = 4;
inline char SIDL = 5;
inline char SONPROC = 6;
inline char SWAIT = 7;

/* pr_flag bits. */
inline int PR_STOPPED = 0x00000001;
inline int PR_ISTOP = 0x00000002;
inline int PR_DSTOP = 0x00000004;
inline int PR_IDLE = 0x10000000;

/* The kernel's enum pid_type (4.19 and later). */
inline int PIDTYPE_PID = 0;
inline int PIDTYPE_TGID = 1;
inline int PIDTYPE_PGID = 2;
inline int PIDTYPE_SID = 3;

/* si_code of SIGCHLD, the proc provider's exit reasons. */
inline int CLD_EXITED = 1;
inline int CLD_KILLED = 2;
inline int CLD_DUMPED = 3;
inline int CLD_TRAPPED = 4;
inline int CLD_STOPPED = 5;
inline int CLD_CONTINUED = 6;

translator psinfo_t < struct task_struct *T > {
	pr_nlwp = T->signal->nr_threads;
	pr_pid = T->tgid;
	pr_ppid = T->real_parent->tgid;
	pr_pgid = T->signal->pids[2]->numbers[0].nr;
	pr_sid = T->signal->pids[3]->numbers[0].nr;
	pr_uid = T->cred->uid.val;
	pr_euid = T->cred->euid.val;
	pr_gid = T->cred->gid.val;
	pr_egid = T->cred->egid.val;
	pr_addr = (uintptr_t)T;
	pr_fname = T->comm;
	pr_psargs = T == curthread && T->mm != 0 ? __psargs(T->mm->arg_start, T->mm->arg_end) : stringof(T->comm);
	pr_dmodel = PR_MODEL_LP64;
	pr_taskid = 0;
	pr_projid = 0;
	pr_poolid = 0;
	pr_zoneid = 0;
};

translator lwpsinfo_t < struct task_struct *T > {
	pr_flag = T->flags;
	pr_lwpid = T->pid;
	pr_addr = (uintptr_t)T;
	pr_wchan = 0;
	pr_stype = 0;
	pr_state = T->exit_state != 0 ? SZOMB : T->__state == 0 ? SRUN : (T->__state & 4) != 0 ? SSTOP : SSLEEP;
	pr_sname = T->exit_state != 0 ? 'Z' : T->__state == 0 ? 'R' : (T->__state & 4) != 0 ? 'T' : 'S';
	pr_nice = T->static_prio - 120;
	pr_syscall = 0;
	pr_pri = T->prio;
	pr_clname = "";
	pr_onpro = T->on_cpu ? T->recent_used_cpu : T->recent_used_cpu;
	pr_bindpro = -1;
	pr_bindpset = -1;
};
