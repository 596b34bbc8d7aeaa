# -x bufpolicy=fill (Dynamic Tracing Guide, "Buffers and Buffering"; the
# kernel's DTRACEBUF_FILL in illumos dtrace.c): records are kept until the
# buffer is full; the first one that does not fit is a drop and stops
# tracing; the kept records are shown when tracing stops, then END's.
# How many fit depends on record sizes: the lines must be 0, 1, ... N-1
# without a gap (the first records), then "end".
cat > "$CASE_TMP/fill.d" <<'D'
#pragma D option bufpolicy=fill
#pragma D option bufsize=4k
#pragma D option quiet

int i;

tick-1ms
/i < 100000/
{
	printf("%d\n", i++);
}

END
{
	printf("end\n");
}
D
"$DTRACE" -s "$CASE_TMP/fill.d" >"$CASE_TMP/out" 2>"$CASE_TMP/err"
echo "status $?"
awk '/^[0-9]+$/ { if ($1 != n++) bad = 1; next }
	$0 == "end" { print (n > 10 ? "records 0.." : "too few records: ") (bad ? "with gaps" : "N-1 in order"), "then end"; next }
	NF { print "unexpected: " $0 }' "$CASE_TMP/out"
sed -E 's/[0-9]+ drops? on CPU [0-9]+$/N drops on CPU C/' "$CASE_TMP/err" | sort -u
