# -x quiet is the same as -q.
"$DTRACE" -x quiet -n 'BEGIN { printf("x\n"); exit(0); }' 2>&1
echo "status $?"
