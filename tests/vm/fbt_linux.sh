# fbt on the 6.1 kernel (kprobes and fentry work there), 2 vCPUs:
# exact counts with both backends, entry/return pairs (self->ts latency
# with quantize), the return value, arguments, probefunc/probemod from a
# shared kprobe program, and -l.
source ./lib.sh
vm_run linux 2 '
echo "kernel $(uname -r | cut -d. -f1,2), mode $VMRUN_MODE, $(nproc) cpus"
dt vfs_read_fentry -q -n "fbt::vfs_read:entry /pid == \$target && arg2 == 1/ { @ = count(); }
    END { printa(\"%@d\\n\", @); }" -c "$WORKLOAD read 50"
dt vfs_read_kprobe -x fbtbackend=kprobe -q -n "fbt::vfs_read:entry /pid == \$target && arg2 == 1/ { @ = count(); }
    END { printa(\"%@d\\n\", @); }" -c "$WORKLOAD read 50"
dt return_value -q -n "fbt::vfs_read:entry /pid == \$target && arg2 == 1/ { self->ts = timestamp; }
    fbt::vfs_read:return /self->ts/ { @r[arg1] = count(); @lat[timestamp - self->ts > 0] = count(); self->ts = 0; }
    END { printa(\"returned %d: %@d times\\n\", @r); printa(\"positive latency %d: %@d\\n\", @lat); }" -c "$WORKLOAD read 20"
dt kprobe_names -x fbtbackend=kprobe -x aggsortkey -q -n "fbt::vfs_read:entry,fbt::vfs_write:entry /pid == \$target/ { @[probeprov, probemod, probefunc, probename] = count(); }
    END { printa(\"%s:%s:%s:%s\\n\", @); }" -c "$WORKLOAD write 3"
echo "== list"
$DTRACE -l -n "fbt::vfs_read:" | sed "s/^ *[0-9][0-9]* /   ID /"
'
