/* copyinstr of a syscall argument, with and without a length. */
syscall::openat:entry { printf("%s %s\n", copyinstr(arg1), copyinstr(arg1, 8)); }
