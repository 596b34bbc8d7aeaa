/* stddev(), keyless and keyed. */
syscall::write:entry { @ = stddev(arg2); @by[uid] = stddev(arg2); }
