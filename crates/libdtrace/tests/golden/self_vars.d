/* Thread-local variables: set on entry, used and cleared on return. */
syscall::read:entry { self->ts = timestamp; self->fd = arg0; }
syscall::read:return /self->ts/ { @[self->fd] = sum(timestamp - self->ts); self->ts = 0; self->fd = 0; }
