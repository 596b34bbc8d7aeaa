# Drops in DTrace's words (dt_handle_cpudrop(), dt_handle_status()), with
# their [DTRACEDROP_*] tag under -x droptags. Counts and CPUs vary: they
# are masked.
mask() {
	sed -E 's/[0-9]+ ((aggregation |dynamic variable )?drop)s?/N \1(s)/; s/CPU [0-9]+$/CPU C/' | sort -u
}
# A record larger than the principal buffer is dropped; exit() still ends
# the session (as in DTrace, where exit() does not travel in the buffer).
big='printf("%s %s %s %s %s %s %s %s %s %s %s %s %s %s %s %s %s %s %s %s\n",
	"a","a","a","a","a","a","a","a","a","a","a","a","a","a","a","a","a","a","a","a")'
"$DTRACE" -q -b 4k -n "BEGIN { $big; exit(0); }" 2>&1 >/dev/null | mask
echo "status ${PIPESTATUS[0]}"
"$DTRACE" -q -b 4k -x droptags -n "BEGIN { $big; exit(0); }" 2>&1 >/dev/null | mask
echo "status ${PIPESTATUS[0]}"
# More keys than the aggregation buffer holds: aggregation drops, per CPU.
"$DTRACE" -q -x droptags -x aggsize=16k -n 'profile-997 { @[timestamp] = count(); } tick-1s { exit(0); }' \
	2>&1 >/dev/null | mask
echo "status ${PIPESTATUS[0]}"
# More dynamic variables than their space holds: dynamic variable drops.
"$DTRACE" -q -x droptags -x dynvarsize=1k -n 'profile-997 { a[timestamp] = 1; } tick-1s { exit(0); }' \
	2>&1 >/dev/null | mask
echo "status ${PIPESTATUS[0]}"
