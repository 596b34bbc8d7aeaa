/* A clause on several syscalls, entry and return, using probefunc and probename. */
syscall::read:entry, syscall::pread64:entry, syscall::write:return { @[probefunc, probename] = count(); }
