/* A predicate comparing strings. */
syscall::openat:entry /execname == "sshd" || execname != "bash"/ { trace(execname); }
