/* A faulting load, and an ERROR clause reading the fault's arguments. */
BEGIN { trace(*(int *)8); }
ERROR { printf("%d %d %d\n", arg3, arg4, arg5); exit(0); }
