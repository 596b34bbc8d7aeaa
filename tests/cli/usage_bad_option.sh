# An unknown option is a usage error: status 2, nothing on stdout.
"$DTRACE" -Q 2>/dev/null
echo "status $?"
