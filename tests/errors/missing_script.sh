"$DTRACE" -s /nonexistent/script.d 2>&1
echo "status $?"
