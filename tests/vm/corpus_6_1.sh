# The D corpus's .d cases (types, spec, lang, agg, subr, printf) run again
# on Debian's 6.1 kernel, whose verifier is older and stricter than the
# host's: same output, same status. Cases with requirements are left out.
source ./lib.sh
cases="$CASE_TMP/cases"
mkdir -p "$cases"
for g in types spec lang agg subr printf; do
	for f in "$TESTDIR"/../$g/*.d; do
		n=$(basename "$f" .d)
		[ -f "$TESTDIR/../$g/$n.requires" ] && continue
		for ext in d out flags status; do
			[ -f "$TESTDIR/../$g/$n.$ext" ] && cp "$TESTDIR/../$g/$n.$ext" "$cases/${g}__$n.$ext"
		done
	done
done
cat > "$cases/run.sh" <<'RUN'
cd /guest/cases
pass=0
for d in *.d; do
	n=${d%.d}
	flags=""
	[ -f $n.flags ] && flags=$(grep -v '^#' $n.flags | tr '\n' ' ' | sed "s|@WORKLOAD@|$WORKLOAD|g")
	want=0; [ -f $n.status ] && want=$(cat $n.status)
	eval "\"$DTRACE\" -s $d $flags" > /tmp/o 2>/tmp/e
	st=$?
	if cmp -s /tmp/o $n.out && [ $st = $want ]; then pass=$((pass+1)); else echo "FAIL $n (status $st)"; head -3 /tmp/e; diff /tmp/o $n.out | head -6; fi
done
echo "passed: $pass"
RUN
n=$(ls "$cases"/*.d | wc -l)
vm_run linux 2 'sh /guest/cases/run.sh' -a "$cases:/guest/cases" | sed "s/^passed: $n\$/passed: all/"
