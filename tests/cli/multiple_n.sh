# Several -n options: the clauses run in command-line order.
"$DTRACE" -q -n 'BEGIN { printf("one\n"); }' -n 'BEGIN { printf("two\n"); exit(0); }'
echo "status $?"
