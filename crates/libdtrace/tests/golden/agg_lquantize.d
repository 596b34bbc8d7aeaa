/* lquantize(), keyless and keyed, two ranges. */
syscall::read:return { @ = lquantize(arg0, 0, 100, 10); @by[pid] = lquantize(arg0, -10, 10, 1); }
