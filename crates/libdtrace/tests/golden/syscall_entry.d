/* A syscall entry probe using its arguments. */
syscall::write:entry { printf("%d %d %d\n", arg0, arg1 != 0, arg2); trace(args[0]); }
