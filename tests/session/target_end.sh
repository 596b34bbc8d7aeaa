# How a -c command ended, as dtrace(1M)'s prochandler() says it (illumos
# cmd/dtrace/dtrace.c): "pid N terminated by SIGNAME" when a signal killed
# it, "pid N exited with status S" for a non-zero status, else "pid N has
# exited". These are notice()s: -q silences them.
printf '#!/bin/sh\nkill -SEGV $$\n' >"$CASE_TMP/segv"
printf '#!/bin/sh\nexit 3\n' >"$CASE_TMP/three"
chmod +x "$CASE_TMP/segv" "$CASE_TMP/three"
for cmd in "$CASE_TMP/segv" "$CASE_TMP/three" "$WORKLOAD getppid 1"; do
	for q in "" -q; do
		echo "-- $(basename "${cmd%% *}") ${q:-(not quiet)}"
		"$DTRACE" $q -n 'BEGIN { printf("begin\n"); }' -c "$cmd" 2>&1 >/dev/null | sed 's/pid [0-9]*/pid N/'
		echo "status ${PIPESTATUS[0]}"
	done
done
