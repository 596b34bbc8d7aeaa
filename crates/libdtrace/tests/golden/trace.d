/* trace of integers, strings and built-in variables. */
syscall::read:entry { trace(pid); trace(execname); trace(arg0); trace(probefunc); trace("x"); }
