/*
 * fileinfo_t, the description of an open file that fds[] gives (and the
 * io provider's args[2]), with open(2)'s flag names; compiled into dtrace.
 * The members follow the Dynamic Tracing Guide's fileinfo_t; F == NULL
 * (no such file descriptor) gives "<none>" and 0, as in DTrace.
 */
typedef struct fileinfo {
	string fi_name;		/* the last component of fi_pathname */
	string fi_dirname;	/* the directory part of fi_pathname */
	string fi_pathname;	/* the absolute path, as d_path() writes it */
	loff_t fi_offset;	/* the file offset */
	string fi_fs;		/* the file system type */
	string fi_mount;	/* where that file system is mounted */
	int fi_oflags;		/* open(2) flags of the open file */
} fileinfo_t;

translator fileinfo_t < struct file *F > {
	fi_name = F == NULL ? "<none>" : basename(d_path(&F->f_path));
	fi_dirname = F == NULL ? "<none>" : dirname(d_path(&F->f_path));
	fi_pathname = F == NULL ? "<none>" : d_path(&F->f_path);
	fi_offset = F == NULL ? 0 : F->f_pos;
	fi_fs = F == NULL ? "<none>" : stringof(F->f_path.mnt->mnt_sb->s_type->name);
	fi_mount = F == NULL ? "<none>" : __mount_point(&F->f_path);
	fi_oflags = F == NULL ? 0 : F->f_flags;
};

/* open(2) flags, Linux x86-64 values. */
inline int O_ACCMODE = 0003;
inline int O_RDONLY = 00;
inline int O_WRONLY = 01;
inline int O_RDWR = 02;
inline int O_CREAT = 0100;
inline int O_EXCL = 0200;
inline int O_NOCTTY = 0400;
inline int O_TRUNC = 01000;
inline int O_APPEND = 02000;
inline int O_NONBLOCK = 04000;
inline int O_NDELAY = 04000;
inline int O_DSYNC = 010000;
inline int O_ASYNC = 020000;
inline int O_DIRECT = 040000;
inline int O_LARGEFILE = 0100000;
inline int O_DIRECTORY = 0200000;
inline int O_NOFOLLOW = 0400000;
inline int O_NOATIME = 01000000;
inline int O_CLOEXEC = 02000000;
inline int O_SYNC = 04010000;
inline int O_RSYNC = 04010000;
inline int O_PATH = 010000000;
inline int O_TMPFILE = 020200000;

/* The io provider's b_flags bits (bufinfo_t). */
inline int B_BUSY = 0x000001;
inline int B_DONE = 0x000002;
inline int B_ERROR = 0x000004;
inline int B_PAGEIO = 0x000010;
inline int B_PHYS = 0x000020;
inline int B_READ = 0x000040;
inline int B_WRITE = 0x000100;
inline int B_ASYNC = 0x000400;

/* From <linux/blk_types.h> (4.10 and later): a bio flag bit, op flags. */
inline int BIO_USER_MAPPED = 6;
inline int REQ_WRITE = 0x01;
inline int REQ_SYNC = 0x800;
