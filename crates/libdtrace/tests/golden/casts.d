/* Casts between integer types, signed and unsigned. */
syscall::read:entry { trace((char)arg0); trace((unsigned char)arg0); trace((short)arg2); trace((uint32_t)arg2); trace((int64_t)(int)arg2); }
