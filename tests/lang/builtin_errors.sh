# Misuses of built-in variables (uregs[]) and one Linux lacks (zonename):
# a compile error naming the problem, exit status 1.
for e in 'trace(uregs)' 'trace(uregs[1, 2])' 'trace(uregs["pc"])' 'uregs[R_PC] = 0'; do
	"$DTRACE" -qn "BEGIN { $e; exit(0); }" 2>&1 | sed 's/^dtrace: invalid probe specifier BEGIN { .*; exit(0); }: /error: /'
	echo "status ${PIPESTATUS[0]}"
done
# zonename: Linux has no zones; the error says so.
"$DTRACE" -qn 'BEGIN { trace(zonename); exit(0); }' 2>&1 | sed 's/^dtrace: invalid probe specifier BEGIN { .*; exit(0); }: /error: /'
echo "status ${PIPESTATUS[0]}"
