# Drops in DTrace's words (dt_handle_cpudrop(), dt_handle_status()), with
# their [DTRACEDROP_*] tag under -x droptags. Counts and CPUs vary: they
# are masked.
mask() {
	sed -E 's/[0-9]+ ((aggregation |dynamic variable )?drop)s?/N \1(s)/; s/CPU [0-9]+$/CPU C/' | sort -u
}
# More records than the principal buffer holds: 8 records of 1 KB strings in
# a 4 KB buffer, written by BEGIN before the consumer reads any (Oracle's
# drops/drp.DTRACEDROP_PRINCIPAL.d does the same with 16 in 64 KB).
many=
for i in 1 2 3 4 5 6 7 8; do many="$many BEGIN { trace(\"$i\"); }"; done
"$DTRACE" -q -b 4k -x strsize=1k -n "$many BEGIN { exit(0); }" 2>&1 >/dev/null | mask
echo "status ${PIPESTATUS[0]}"
"$DTRACE" -q -b 4k -x strsize=1k -x droptags -n "$many BEGIN { exit(0); }" 2>&1 >/dev/null | mask
echo "status ${PIPESTATUS[0]}"
# More keys than the aggregation buffer holds: aggregation drops, per CPU.
"$DTRACE" -q -x droptags -x aggsize=16k -n 'profile-997 { @[timestamp] = count(); } tick-1s { exit(0); }' \
	2>&1 >/dev/null | mask
echo "status ${PIPESTATUS[0]}"
# More dynamic variables than their space holds: dynamic variable drops.
"$DTRACE" -q -x droptags -x dynvarsize=1k -n 'profile-997 { a[timestamp] = 1; } tick-1s { exit(0); }' \
	2>&1 >/dev/null | mask
echo "status ${PIPESTATUS[0]}"
