# A -c command starts with SIGPIPE at its default action, as from a shell:
# dtrace itself runs with SIGPIPE ignored (Rust's runtime does that), and
# an ignored signal stays ignored across exec, so `dtrace -c 'cmd | ...'`
# style commands would otherwise never die of a closed pipe.
"$DTRACE" -q -n 'BEGIN {}' -c "grep ^SigIgn: /proc/self/status" >"$CASE_TMP/out" 2>"$CASE_TMP/err"
echo "dtrace: status $?"
mask=$(awk '/^SigIgn:/ { print $2 }' "$CASE_TMP/out")
echo "SIGPIPE ignored in the command: $(( (0x$mask >> 12) & 1 ? 1 : 0 ))"
