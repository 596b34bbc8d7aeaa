# Without a script file (-n), DTrace names the region of the clause where
# the error is instead of a line (illumos dt_parser.c yylabel() and
# dt_cook_clause(); dt_subr.c dt_set_errmsg()).
"$DTRACE" -n 'BEGIN { x = y; }' 2>&1
echo "status $?"
"$DTRACE" -x errtags -n 'BEGIN /y/ { x = 1; }' 2>&1
echo "status $?"
"$DTRACE" -n 'BEGIN { x = 1 +; }' 2>&1
echo "status $?"
