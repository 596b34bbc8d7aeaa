# The exit status is the value of the last exit() consumed, as dtrace(1M)'s
# chewrec() keeps it: exit(0) in END overrides exit(1) in BEGIN (Oracle's
# actions/exit/tst.end-exit.d expects status 0). The blank lines are
# dtrace's closing newline, printed with -q too (codegen/err.deref_0.r).
"$DTRACE" -q -n 'BEGIN { exit(1); } END { exit(0); }'
echo "status $?"
"$DTRACE" -q -n 'BEGIN { exit(0); } END { exit(3); }'
echo "status $?"
"$DTRACE" -q -n 'BEGIN { exit(2); } END { }'
echo "status $?"
