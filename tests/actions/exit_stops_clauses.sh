# After exit(), the clauses that follow it for the same firing do not run,
# and END still does (Oracle's providers/tst.beginexit.d: status 0, nothing
# printed by the second clause; vars/tst.gid.d: the second BEGIN's exit(1)
# never runs).
"$DTRACE" -q -n 'BEGIN { exit(0); } BEGIN { printf("shouldn'"'"'t be here...\n"); here++; } END { exit(here); }'
echo "status $?"
"$DTRACE" -q -n 'BEGIN /1/ { exit(0); } BEGIN { printf("not reached\n"); exit(1); }'
echo "status $?"
# A clause before exit() runs; END's own clauses all run.
"$DTRACE" -q -n 'BEGIN { printf("first\n"); } BEGIN { exit(4); } END { printf("end 1\n"); } END { printf("end 2\n"); }'
echo "status $?"
