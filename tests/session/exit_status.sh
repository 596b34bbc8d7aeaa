# exit(N) ends tracing and becomes dtrace's exit status, whether it is called
# in BEGIN or in a probe that fires later. (dtrace(1M) prints one "\n" when
# its consume loop ends, even in quiet mode.)
"$DTRACE" -q -n 'BEGIN { exit(7); }'
echo "BEGIN exit(7): status $?"
"$DTRACE" -q -n 'BEGIN { printf("begin\n"); } BEGIN { exit(0); } END { printf("end\n"); }'
echo "BEGIN exit(0): status $?"
"$DTRACE" -q -c "$WORKLOAD getppid 3" -n 'syscall::getppid:entry /pid == $target/ { exit(5); }' 2>/dev/null
echo "syscall exit(5): status $?"
