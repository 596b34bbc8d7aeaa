# A long fbt attach shows progress on stderr and stops cleanly on Ctrl-C
# (SIGINT) before it finishes: a clear message, status 1, the probes that
# were attached are removed again (kprobe_events stays empty; the kprobe
# PMU's probes are listed in kprobe/list while they exist).
source ./lib.sh
vm_run linux 2 '
$DTRACE -q -n "fbt::s*:entry { @ = count(); }" 2>/tmp/err &
pid=$!
i=0
while ! grep -q "attached 500 of" /tmp/err && [ $i -lt 600 ]; do sleep 0.5; i=$((i+1)); done
kill -INT $pid
wait $pid
echo "status $?"
grep -c "attached 500 of" /tmp/err
grep -v "attached [0-9]* of" /tmp/err
echo "kprobes left: $(cat /sys/kernel/debug/kprobes/list 2>/dev/null | wc -l)"
'
