/* llquantize(), keyless and keyed. */
syscall::read:return { @ = llquantize(arg0, 10, 0, 6, 20); @by[pid] = llquantize(arg0, 2, 0, 10, 4); }
