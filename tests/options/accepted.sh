# Every DTrace option parses, in both forms, with DTrace's value syntax
# (sizes 4m/512k/0x10k, times 10hz/100ms/1sec/bare nanoseconds, toggles
# yes/no/on/off/numbers), including those that have nothing to do here.
"$DTRACE" -q -b 512k -x bufsize=4m -x aggsize=0x10k -x dynvarsize=2m -x switchrate=10hz \
	-x aggrate=100ms -x statusrate=1sec -x cleanrate=101hz -x bufpolicy=switch \
	-x bufresize=manual -x nspec=2 -x specsize=64k -x stackframes=10 -x ustackframes=30 \
	-x jstackframes=50 -x jstackstrsize=512 -x stackindent=8 -x strsize=128 \
	-x aggsortkey=yes -x aggsortkey=no -x aggsortrev=off -x aggsortpos=0 -x aggsortkeypos=0x0 \
	-x aggpercpu -x rawbytes=0 -x rawbytes=unset -x flowindent=disable -x defaultargs \
	-x errtags -x droptags -x zdefs -x linkmode=kernel -x evaltime=exec -x version=1.0 \
	-x amin=Unstable -x temporal -x noresolve -x maxframes=100 \
	-n 'BEGIN { printf("%s\n", $$1); exit(0); }' 2>&1
echo "status $?"
cat > "$CASE_TMP/p.d" <<'EOD'
#pragma D option quiet
#pragma D option bufsize=4m
#pragma D option switchrate=100ms
#pragma D option aggsortkey
#pragma D option aggsortrev=no
#pragma D option aggsortkeypos=1
#pragma D option nspec=4
#pragma D option cleanrate=50hz
#pragma D option strsize=64
BEGIN
{
	printf("pragmas ok\n");
	exit(0);
}
EOD
"$DTRACE" -s "$CASE_TMP/p.d" 2>&1
echo "status $?"
