# A script with no clause and no declaration is an error (D_EMPTY) unless
# -x empty allows it; then it matches no probes, which is an error unless
# -Z. Texts from Oracle's test/unittest/options/err.no-errtags.r,
# err.D_EMPTY.errtags.r and err.empty.r: the line is the one after the last.
printf '/*\n * nothing here\n */\n' > "$CASE_TMP/empty.d"
printf '#pragma D option quiet\n' > "$CASE_TMP/pragma.d"
cd "$CASE_TMP"
"$DTRACE" -s empty.d 2>&1; echo "status $?"
"$DTRACE" -xerrtags -s pragma.d 2>&1; echo "status $?"
"$DTRACE" -xempty -s empty.d 2>&1; echo "status $?"
