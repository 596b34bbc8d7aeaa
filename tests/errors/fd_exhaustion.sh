# Running out of file descriptors while maps and programs are created is
# reported as what it is, in DTrace's words ("failed to create BPF map
# 'NAME': Too many open files", "BPF program load for 'PROBE' failed: Too
# many open files", dt_bpf.c), never as a verifier rejection and never with
# Rust's "(os error N)". Each descriptor limit fails at a different step.
for n in $(seq 6 30); do
	(ulimit -n "$n"; "$DTRACE" -q -n 'BEGIN { @a[1] = count(); x["a"] = 1; exit(0); }' >/dev/null 2>>"$CASE_TMP/err")
	echo "$?" >>"$CASE_TMP/status"
done
grep -c 'Too many open files$' "$CASE_TMP/err" | sed 's/^0$/none/; s/^[0-9]*$/some/; s/^/failures with EMFILE: /'
grep -c -i 'verifier\|os error' "$CASE_TMP/err" | sed 's/^/verifier or os error messages: /'
grep -v 'Too many open files$' "$CASE_TMP/err" | sed 's/^/other: /'
sort -u "$CASE_TMP/status" | tr '\n' ' ' | sed 's/^/statuses: /; s/ $/\n/'
grep -o "BPF program load for '[^']*' failed" "$CASE_TMP/err" | sort -u
