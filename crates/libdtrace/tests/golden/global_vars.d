/* Global scalars: integers and strings, written in one clause, read in another. */
int n;
string last;
syscall::read:entry { n++; last = execname; }
tick-1s { printf("%d %s\n", n, last); n = 0; }
