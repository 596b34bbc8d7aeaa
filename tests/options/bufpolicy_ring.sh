# -x bufpolicy=ring (Dynamic Tracing Guide, "Buffers and Buffering";
# DTRACEBUF_RING in illumos dtrace.c): the most recent records that fit in
# the buffer are kept, older ones make room, and they are shown only when
# tracing stops, then END's. 300 records do not fit in 1k: the lines must
# be the last ones, N..299 without a gap. With 512k all five fit (after
# dtrace-utils test/unittest/buffering/tst.ring2.d).
ring() {
	cat > "$CASE_TMP/ring.d" <<D
#pragma D option bufpolicy=ring
#pragma D option bufsize=$1
#pragma D option quiet

int i;

tick-1ms
/i < $2/
{
	printf("%d\n", i++);
}

tick-1ms
/i == $2/
{
	exit(0);
}

END
{
	printf("end\n");
}
D
	"$DTRACE" -s "$CASE_TMP/ring.d" >"$CASE_TMP/out"
	echo "status $?"
}
ring 1k 300
awk '/^[0-9]+$/ { if (NR > 1 && $1 != last + 1) bad = 1; if (NR == 1) first = $1; last = $1; next }
	$0 == "end" { print (first > 0 ? "records N.." : "all records: 0..") last, (bad ? "with gaps" : "in order"), "then end"; next }
	NF { print "unexpected: " $0 }' "$CASE_TMP/out"
ring 512k 5
cat "$CASE_TMP/out"
