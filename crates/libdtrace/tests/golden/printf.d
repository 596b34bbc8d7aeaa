/* printf with integers of several widths, a string and a character. */
BEGIN { printf("%d %u %x %5.2d %-10s %c %lld\n", 1, 2, 255, 3, "str", 'a', 1LL << 40); exit(0); }
