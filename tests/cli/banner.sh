# Without -q: the notice goes to stderr.
"$DTRACE" -n 'BEGIN { exit(0); }' 2>&1 >/dev/null
echo "status $?"
