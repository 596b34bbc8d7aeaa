/* Several clauses on one probe share one program, in order. */
syscall::read:entry { self->n++; }
syscall::read:entry /self->n > 10/ { trace(self->n); }
syscall::read:entry /self->n > 10/ { self->n = 0; }
