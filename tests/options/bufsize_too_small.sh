# A principal buffer that cannot hold one record of the program is refused
# before tracing starts, in Oracle's words (options/err.bufsize-too-low.r,
# buffering/err.zerobuf.d: bufsize=0 fails). Oracle's own threshold (59
# bytes in that test) follows its record layout, not ours: 16 bytes hold
# no record of ours.
"$DTRACE" -b 0 -n 'BEGIN { exit(0); }' 2>&1
echo "status $?"
"$DTRACE" -x bufsize=16 -n 'BEGIN { exit(0); }' 2>&1
echo "status $?"
"$DTRACE" -q -x bufsize=4k -n 'BEGIN { exit(0); }' 2>&1
echo "status $?"
