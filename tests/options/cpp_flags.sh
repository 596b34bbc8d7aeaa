# -C runs cpp(1) over script files with -D, -U and -I in command-line
# order (dt_preproc()); -H lists the included files on stderr (here GNU
# cpp's ". file" lines).
mkdir -p "$CASE_TMP/inc"
cat > "$CASE_TMP/inc/greet.h" <<'EOH'
#ifndef GREET_H
#define GREET_H
#define GREETING "hello"
#endif
EOH
cat > "$CASE_TMP/x.d" <<'EOD'
#!/usr/sbin/dtrace -Cs
#include "greet.h"
#pragma D option quiet

BEGIN
{
	printf("%s %d\n", GREETING, VAL);
#ifdef GONE
	printf("GONE is defined\n");
#endif
#ifdef KEPT
	printf("KEPT is defined\n");
#endif
	exit(0);
}
EOD
"$DTRACE" -C -I "$CASE_TMP/inc" -D VAL=42 -DGONE -UGONE -DKEPT -s "$CASE_TMP/x.d"
echo "status $?"
# The same with the option names (-x define, undef, incdir, cpphdrs).
"$DTRACE" -x cpp -x incdir="$CASE_TMP/inc" -x define=VAL=7 -x cpphdrs -s "$CASE_TMP/x.d" 2>&1 |
	sed "s|$CASE_TMP|TMP|g"
echo "status ${PIPESTATUS[0]}"
# Without -C the script is not preprocessed.
"$DTRACE" -s "$CASE_TMP/x.d" 2>&1 | sed "s|$CASE_TMP|TMP|g"
echo "status ${PIPESTATUS[0]}"
