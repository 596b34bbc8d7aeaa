/* Ternaries, integer and string. */
syscall::read:return { trace(arg0 < 0 ? -arg0 : arg0); trace(arg0 == 0 ? "eof" : "data"); }
