# Without privileges (as user nobody, no capabilities) dtrace cannot trace:
# it exits 1 with one line on stderr saying "DTrace requires additional
# privileges" (no panic, no backtrace), and prints nothing on stdout.
# (The exact line real DTrace prints is checked by
# tests/pending/session/unprivileged_message.sh.)
cd /
setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
    "$DTRACE" -q -n 'syscall::getppid:entry { @ = count(); } BEGIN { exit(0); }' \
    >"$CASE_TMP/out" 2>"$CASE_TMP/err"
echo "status $?"
echo "stdout bytes: $(wc -c <"$CASE_TMP/out")"
echo "stderr lines: $(wc -l <"$CASE_TMP/err")"
grep -c '^dtrace: .*DTrace requires additional privileges$' "$CASE_TMP/err" | sed 's/^/privilege lines: /'
grep -ci 'panic' "$CASE_TMP/err" | sed 's/^/panic lines: /'
sed 's/^/  stderr: /' "$CASE_TMP/err" >&2
