# Type errors in member access, dereference and indexing: DTrace's
# "invalid probe specifier" line naming the problem, exit status 1.
for e in 'trace(curthread->nosuch)' 'trace(curthread.pid)' 'trace(pid->x)' \
	'trace(*(void *)curthread)' 'trace((struct nosuch *)0)' \
	'trace(curthread->comm[20])' 'trace(&pid)' 'trace(curthread->comm * 2)'; do
	"$DTRACE" -qn "BEGIN { $e; exit(0); }" 2>&1 | sed 's/^dtrace: invalid probe specifier BEGIN { .*; exit(0); }: /error: /'
	echo "status ${PIPESTATUS[0]}"
done
