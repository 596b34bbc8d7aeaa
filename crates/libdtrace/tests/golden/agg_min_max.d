/* min() and max(), keyless and keyed. */
syscall::read:entry { @lo = min(arg2); @hi = max(arg2); @lok[tid] = min(arg2); @hik[tid] = max(arg2); }
