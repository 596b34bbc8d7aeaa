/* quantize(), keyless and keyed. */
syscall::read:return { @ = quantize(arg0); @by[execname] = quantize(arg0); }
