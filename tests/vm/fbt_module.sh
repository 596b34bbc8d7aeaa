# fbt on a loadable module's functions (vmrun -k loop loads loop.ko): the
# probes carry the module's name (fbt:loop:...), -l -f loop:FUNC lists them, and
# attaching by module works (busybox losetup: 3 ioctls, 1 release).
source ./lib.sh
vm_run linux 2 '
$DTRACE -l -f loop:lo_ioctl | sed "s/^ *[0-9][0-9]* /   ID /"
dd if=/dev/zero of=/tmp/img bs=1k count=64 2>/dev/null
dt loop_module -q -n "fbt:loop:lo_ioctl:entry, fbt:loop:lo_release:entry { @[probemod, probefunc] = count(); }
    END { printa(\"%s:%s %@d\\n\", @); }" -c "losetup /dev/loop0 /tmp/img"
losetup -d /dev/loop0
' -k loop
