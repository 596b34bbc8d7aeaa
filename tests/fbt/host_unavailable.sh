# On a kernel without kprobes (this development machine), fbt says why and exits 1.
if [ -e /sys/bus/event_source/devices/kprobe ]; then
    echo "kernel has kprobes: case does not apply"; exit 0
fi
"$DTRACE" -l -P fbt 2>&1; echo "status $?"
"$DTRACE" -n 'fbt::vfs_read:entry { @ = count(); }' 2>&1; echo "status $?"
