# PENDING (dtrace bug): when dtrace gives up before tracing starts, the -c
# command must not run. Real DTrace kills a process it created when it fails
# (dfatal() -> dtrace_close() -> dt_proc_destroy()).
# Ours forks the -c child early; the child blocks reading a pipe and then
# calls execvp() whatever the read returned -- also on EOF, i.e. when dtrace
# exits or closes the pipe without releasing it. So:
#  - "failed to open output file" (-o) returns without killing the child:
#    the command always runs after dtrace has exited;
#  - on a verifier/attach failure, Child::kill() closes the pipe *before*
#    sending SIGKILL, so the child can win the race and exec (not seen in 60
#    runs; kept here as a regression check).
#   expected: "RAN lines: 0" twice     actual: "RAN lines: 1" for -o.
"$DTRACE" -q -o "$CASE_TMP/no/such/dir/out" -c "$WORKLOAD --say RAN getppid 1" \
    -n 'BEGIN { exit(0); }' >"$CASE_TMP/out1" 2>/dev/null
echo "-o failure: status $?"
sleep 0.5 # an orphaned child prints RAN to out1 after dtrace has exited
grep -c RAN "$CASE_TMP/out1" | sed 's/^/RAN lines: /'

# Verifier error: strjoin() of 4 KB strings in END ("The sequence of 8193
# jumps is too complex"), 20 times.
fails=0
for ((i = 0; i < 20; i++)); do
	"$DTRACE" -q -x strsize=4096 -c "$WORKLOAD --say RAN getppid 1" -n '
	    syscall::getppid:entry { @c = count(); }
	    END { s = strjoin(execname, execname); t = strjoin(s, s);
	          printf("%d %d\n", strlen(t), strlen(s)); }' >>"$CASE_TMP/out2" 2>/dev/null
	[ $? = 1 ] || fails=$((fails + 1))
done
echo "verifier error: $fails runs without status 1"
sleep 0.5
grep -c RAN "$CASE_TMP/out2" | sed 's/^/RAN lines: /'
