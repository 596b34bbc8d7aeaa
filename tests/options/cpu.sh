# -x cpu=N: clauses run only on CPU N. A profile probe fires on every CPU;
# with cpu=0 every record comes from CPU 0 (and there are some).
"$DTRACE" -q -x cpu=0 -n 'profile-199 { @[cpu] = count(); } tick-300ms { exit(0); }' -o "$CASE_TMP/out" 2>/dev/null
echo "status $?"
awk 'NF == 2 { print "cpu " $1 (($2 > 0) ? " fired" : " none") }' "$CASE_TMP/out"
