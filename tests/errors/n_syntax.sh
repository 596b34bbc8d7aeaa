"$DTRACE" -n 'BEGIN { x = ; }' 2>&1
echo "status $?"
