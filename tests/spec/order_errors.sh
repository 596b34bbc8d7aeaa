# DTrace's rules on where speculate() and commit() may appear in a clause,
# with its messages and tags (-x errtags); compiled only (-e). The last
# clause, discard after data, is allowed.
while read -r body; do
	"$DTRACE" -e -x errtags -qn "BEGIN { s = speculation(); } BEGIN { $body }" 2>&1 | sed 's/^dtrace: invalid probe specifier .*}: /error: /'
	echo "status ${PIPESTATUS[0]}"
done <<'BODIES'
printf("x"); speculate(s);
speculate(s); speculate(s);
speculate(s); @a = count();
speculate(s); exit(0);
commit(s); commit(s);
printf("x"); commit(s);
commit(s); printf("x");
commit(s); speculate(s);
commit(s); @a = count();
speculate(s); printf("ok"); discard(s);
BODIES
