# A script file is read whole (as DTrace does), but at most 64 MB: an
# endless one (/dev/zero, or on standard input with -s -) is an error
# rather than unbounded memory, in the form of dtrace(1M)'s
# "failed to open FILE: <strerror>" (EFBIG), status 1.
"$DTRACE" -s /dev/zero 2>&1
echo "status $?"
"$DTRACE" -s - </dev/zero 2>&1
echo "status $?"
