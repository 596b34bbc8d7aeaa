# copyout() needs a kernel that lets BPF programs write user memory. Where
# the kernel refuses bpf_probe_write_user (lockdown), dtrace says so at
# compile time with this text and status 1; elsewhere the program compiles
# silently (and actions/copyout runs it). Not a DTrace text: illumos and
# Oracle have no such kernel restriction to report.
out=$("$DTRACE" -w -e -n 'BEGIN { copyout(curthread, 0, 1); }' 2>&1)
status=$?
want="dtrace: invalid probe specifier BEGIN { copyout(curthread, 0, 1); }: copyout( ) is not available on this kernel: it refuses BPF programs the bpf_probe_write_user helper, as kernel lockdown (integrity or confidentiality mode) does"
if [ "$status" = 1 ] && [ "$out" = "$want" ]; then
    echo "ok"
elif [ "$status" = 0 ] && [ -z "$out" ]; then
    echo "ok" # the kernel allows it: nothing to say
else
    echo "status $status: $out"
fi
