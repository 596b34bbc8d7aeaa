# -V prints the API version on stdout and exits 0.
"$DTRACE" -V >/dev/null
echo "status $?"
