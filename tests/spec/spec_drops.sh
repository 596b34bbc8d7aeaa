# specsize bounds what a speculation holds: with room for one record,
# the second speculative record of the same speculation is a speculative
# drop, reported in DTrace's words (with -x droptags, its tag); the first
# is committed.
"$DTRACE" -q -x specsize=300 -x droptags -n '
BEGIN { s = speculation(); }
BEGIN { speculate(s); printf("first %s\n", "kept"); }
BEGIN { speculate(s); printf("second %s\n", "dropped"); }
BEGIN { commit(s); }
BEGIN { exit(0); }'
echo "status $?"
