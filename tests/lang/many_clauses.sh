# 300 clauses on one probe: more than one BPF program can hold (jumps
# reach only +-32767 instructions), so the clauses are split over several
# programs attached to the same point, run in program order. Each clause
# counts, so 3 getppid() calls give 900; the BEGIN clauses run in order.
{
	for i in $(seq 1 300); do
		echo "syscall::getppid:entry /pid == \$target/ { @ = count(); }"
		echo "BEGIN { n++; }"
	done
	echo 'BEGIN { printf("BEGIN clauses %d\n", n); }'
	echo 'END { printa("count %@d\n", @); }'
} > "$CASE_TMP/many.d"
"$DTRACE" -q -s "$CASE_TMP/many.d" -c "$WORKLOAD getppid 3" 2>/dev/null
echo "status $?"
