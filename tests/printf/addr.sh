# %a: a kernel address as module`symbol, plus +0xoffset when it is not the
# symbol's start (dtrace_addr2str()); an address in no known symbol prints
# as 0x... . Symbols come from /proc/kallsyms (vfs_read is in every kernel).
addr=$(awk '$3 == "vfs_read" && NF == 3 { print "0x" $1; exit }' /proc/kallsyms)
"$DTRACE" -q -n 'BEGIN
{
	printf("%a\n%a\n[%-30a]\n[%30a]\n", $1, $1 + 0x10, $1 + 1, $1);
	printf("%a\n%a\n", 0x10, 0);
	exit(0);
}' "$addr"
