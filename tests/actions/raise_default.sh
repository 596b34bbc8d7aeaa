# raise() of a signal the process does not handle: its default action
# ends the process, as the shell's exit status shows (128 + SIGUSR2).
# The workload waits for SIGUSR1 (sent once dtrace is ready), then calls
# getppid(), where dtrace raises SIGUSR2 in it.
"$WORKLOAD" --wait-usr1 --say not-reached getppid 1 &
w=$!
"$DTRACE" -wq -p "$w" -n '
BEGIN { printf("ready\n"); }
syscall::getppid:entry /pid == $target/ { raise(SIGUSR2); }' >"$CASE_TMP/out" 2>"$CASE_TMP/err" &
d=$!
for _ in $(seq 200); do
	grep -q ready "$CASE_TMP/out" && break
	sleep 0.1
done
kill -USR1 "$w"
wait "$w"
echo "workload status $?"
wait "$d"
echo "dtrace status $?"
cat "$CASE_TMP/out"
