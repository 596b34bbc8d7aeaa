# Values DTrace takes as options but that cannot work are refused with
# EDT_BADOPTVAL (dt_options.c), before anything is enabled:
# - stackindent beyond 65535 (each record's text is built in memory);
# - cpu naming no online CPU (nothing would ever fire);
# - strsize below 2 (dt_opt_strsize(): too small for DT_NULL_STRING;
#   test/unittest/options/err.strsize-min.r).
for x in stackindent=4294967295 stackindent=65536 cpu=4294967296 cpu=100000 strsize=1 strsize=0 strsize; do
	"$DTRACE" -x "$x" -n 'BEGIN { exit(0); }' 2>&1
	echo "status $?"
done
printf '#pragma D option cpu=100000\nBEGIN { exit(0); }\n' >"$CASE_TMP/cpu.d"
"$DTRACE" -s "$CASE_TMP/cpu.d" 2>&1 | sed "s|$CASE_TMP/||"
echo "status ${PIPESTATUS[0]}"
# What is in range works: the largest stackindent, the smallest strsize
# (test/unittest/options/tst.strsize-min.d), any online CPU, where BEGIN
# and END then run (test/unittest/options/tst.cpu-BEGIN.sh, tst.cpu-END.sh).
"$DTRACE" -q -x stackindent=65535 -x strsize=2 -n 'BEGIN { printf("in range\n"); exit(0); }'
echo "status $?"
last=$(sed 's/.*[-,]//' /sys/devices/system/cpu/online)
for c in 0 "$last"; do
	got=$("$DTRACE" -q -x cpu=$c -n 'BEGIN { printf("%d ", cpu); exit(0); } END { printf("%d", cpu); }')
	[ "$got" = "$c $c" ] && echo "BEGIN and END on the chosen CPU" || echo "cpu=$c: BEGIN, END on: $got"
done
