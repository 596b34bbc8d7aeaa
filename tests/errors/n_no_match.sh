"$DTRACE" -n 'syscall::nosuchcall:entry' 2>&1
echo "status $?"
