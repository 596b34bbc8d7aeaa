# raise() of a signal number Linux does not have is an illegal operation
# (nothing is sent; the rest of the clause does not run).
"$DTRACE" -wq -n 'BEGIN { raise(65); printf("not reached\n"); } BEGIN { exit(0); }' 2>&1 |
	sed -e 's/BPF pc [0-9]*/BPF pc N/' -e 's/on CPU [0-9]*/on CPU N/'
echo "status ${PIPESTATUS[0]}"
