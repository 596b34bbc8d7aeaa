# cpp's line markers keep error lines those of the script, past the lines
# an #include adds.
printf '#define A 1\n#define B 2\n#define C 3\n' > "$CASE_TMP/abc.h"
printf '#include "abc.h"\n\nBEGIN\n{\n\tx = A +;\n}\n' > "$CASE_TMP/x.d"
cd "$CASE_TMP"
"$DTRACE" -C -s x.d 2>&1 | grep -o 'line [0-9]*'
echo "status ${PIPESTATUS[0]}"
