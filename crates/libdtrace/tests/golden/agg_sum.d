/* sum(), keyless and keyed by a string. */
syscall::write:entry { @ = sum(arg2); @byname[execname] = sum(arg2); }
