# func()/sym() and mod(): a kernel address printed as module`function (no
# offset) and as its module, as actions and as aggregation keys (several
# addresses inside one function are one symbol but stay distinct keys, as
# in DTrace). vfs_read is in every kernel.
addr=$(awk '$3 == "vfs_read" && NF == 3 { print "0x" $1; exit }' /proc/kallsyms)
"$DTRACE" -q -n 'BEGIN
{
	func($1 + 8);
	printf("\n");
	mod($1);
	printf("\n");
	@[sym($1)] = count();
	@[sym($1)] = count();
	@m[mod($1 + 1)] = count();
	exit(0);
}' "$addr"
echo "status $?"
