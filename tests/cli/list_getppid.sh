# -l -n: the header and one line per probe; the probe ID varies, so it is
# replaced by ID (format "%5d %10s %17s %33s %s", illumos dtrace.c).
"$DTRACE" -l -n 'syscall::getppid:entry' | sed -E '2,$s/^ *[0-9]+/   ID/'
echo "status ${PIPESTATUS[0]}"
