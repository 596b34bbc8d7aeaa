# ftruncate() empties the current output file: a freopen()ed one, the -o
# file, or standard output when that is a regular file. Not destructive.
cd "$CASE_TMP"
prog='BEGIN { printf("dropped\n"); ftruncate(); printf("kept\n"); exit(0); }'
"$DTRACE" -q -o o.txt -n "$prog"
echo "-o: status $?"
cat o.txt
"$DTRACE" -q -n "$prog" > redirected.txt
echo "stdout: status $?"
cat redirected.txt
"$DTRACE" -wq -n 'BEGIN { freopen("f.txt"); printf("dropped\n"); ftruncate(); printf("kept\n"); freopen(""); printf("on stdout\n"); exit(0); }'
echo "freopen: status $?"
cat f.txt
"$DTRACE" -q -n 'BEGIN { ftruncate(1); }' 2>&1
echo "status $?"
