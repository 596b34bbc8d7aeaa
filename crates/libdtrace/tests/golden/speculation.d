/* Speculation: create, speculate, commit and discard. */
syscall::openat:entry { self->spec = speculation(); speculate(self->spec); printf("%s\n", execname); }
syscall::openat:return /self->spec && arg0 < 0/ { commit(self->spec); self->spec = 0; }
syscall::openat:return /self->spec/ { discard(self->spec); self->spec = 0; }
