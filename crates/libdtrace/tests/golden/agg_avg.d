/* avg(), keyless and keyed by two keys. */
syscall::read:return { @ = avg(arg0); @by[execname, pid] = avg(arg0); }
