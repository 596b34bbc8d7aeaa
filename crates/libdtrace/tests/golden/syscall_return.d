/* A syscall return probe using its return value and errno. */
syscall::read:return /arg0 < 0/ { printf("%d %d\n", arg1, errno); }
