/* A simple and a compound predicate. */
syscall::read:entry /pid == 1/ { trace(arg0); }
syscall::write:entry /arg2 > 10 && (uid == 0 || !(tid & 1))/ { trace(arg2); }
