/* Aggregation actions: normalize, trunc, clear, denormalize, printa. */
tick-1s { normalize(@c, 2); trunc(@s, 3); printa(@c); printa("%s %@d\n", @s); clear(@c); }
syscall::read:entry { @c[execname] = count(); @s[execname] = sum(arg2); }
