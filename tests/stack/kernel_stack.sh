# stack() as an action (DTrace's layout: a newline, then one frame per line
# indented by 14 spaces, module`function+offset), as an aggregation key
# (frames, then the count), and printf's %k with a width as the indent.
# The syscall probe's stack starts where the kernel reports the syscall
# (our program and the tracepoint glue are skipped). Offsets vary by
# build: they are replaced by +OFF.
"$DTRACE" -q -c "$WORKLOAD getppid 2" -n '
syscall::getppid:entry /pid == $target/ { @[stack()] = count(); }
syscall::getppid:entry /pid == $target && ++n == 1/ { stack(2); printf("%4k|\n", stack(1)); }' 2>/dev/null | sed 's/+0x[0-9a-f]*/+OFF/'
echo "status ${PIPESTATUS[0]}"
