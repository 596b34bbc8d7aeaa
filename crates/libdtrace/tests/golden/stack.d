/* Kernel and user stacks as aggregation keys. */
syscall::read:entry { @[stack(), ustack(5)] = count(); }
