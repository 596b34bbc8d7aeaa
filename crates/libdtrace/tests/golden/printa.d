/* printa with and without a format, of several aggregations. */
syscall::read:entry { @a[execname] = count(); @b[execname] = sum(arg2); }
END { printa(@a); printa("%-20s %@8d %@8d\n", @a, @b); }
