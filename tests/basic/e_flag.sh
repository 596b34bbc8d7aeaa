# -e: compile the program, then exit without enabling any probe.
# A valid program exits 0 and prints nothing on stdout (its BEGIN never runs);
# one that does not compile exits 1.
"$DTRACE" -q -e -n 'BEGIN { printf("not printed\n"); exit(0); }'
echo "valid: status $?"
"$DTRACE" -q -e -n 'BEGIN { x = ; }' 2>/dev/null
echo "syntax error: status $?"
