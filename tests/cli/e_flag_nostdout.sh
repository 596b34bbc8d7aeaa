# -e compiles only: nothing is traced, nothing is printed on stdout.
"$DTRACE" -q -e -n 'BEGIN { printf("no\n"); exit(0); }'
echo "status $?"
"$DTRACE" -e -n 'BEGIN { printf("no\n"); exit(0); }' 2>/dev/null
echo "status $?"
