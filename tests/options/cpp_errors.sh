# dt_preproc()'s errors: no preprocessor (EDT_CPPENT), one that fails
# (EDT_CPPERR, after cpp's own message); status 1.
printf 'BEGIN\n{\n\texit(0);\n}\n' > "$CASE_TMP/ok.d"
printf '#include "nonexistent.h"\nBEGIN\n{\n\texit(0);\n}\n' > "$CASE_TMP/bad.d"
cd "$CASE_TMP"
PATH=/nonexistent "$DTRACE" -C -s ok.d 2>&1
echo "status $?"
"$DTRACE" -x cpppath=/nonexistent/cpp -C -s ok.d 2>&1
echo "status $?"
"$DTRACE" -C -s bad.d 2>&1 | grep '^dtrace:'
echo "status ${PIPESTATUS[0]}"
"$DTRACE" -x cpppath=/bin/false -C -s ok.d 2>&1
echo "status $?"
