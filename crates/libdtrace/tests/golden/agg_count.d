/* count(), keyless and keyed. */
syscall::read:entry { @ = count(); @bypid[pid] = count(); }
