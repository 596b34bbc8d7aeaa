# -q suppresses the "matched N probes" notice (notice() in dtrace.c).
"$DTRACE" -q -n 'BEGIN { exit(0); }' 2>&1
echo "status $?"
