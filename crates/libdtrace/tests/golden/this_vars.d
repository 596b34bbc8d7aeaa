/* Clause-local variables, integer and string. */
syscall::write:entry { this->n = arg2 * 2; this->s = execname; printf("%s %d\n", this->s, this->n); }
