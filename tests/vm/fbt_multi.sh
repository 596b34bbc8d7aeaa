# fbt through kprobe.multi links (one link per entry/return program for
# all its functions, probe ids as cookies) on Debian's 6.12 kernel, which
# has them: exact counts, entry/return pairs with self->ts latency,
# return values, typed args[], probefunc/probemod from the shared program,
# ipl, and the automatic choice (fentry for a few functions, kprobe.multi
# for many, as -v says).
source ./lib.sh
kernel=$(vm_kernel_6_12) || { echo "no 6.12 kernel"; exit 1; }
vm_run linux 2 '
echo "kernel $(uname -r | cut -d. -f1,2)"
dt count -q -x fbtbackend=kprobe.multi -n "fbt::vfs_read:entry /pid == \$target && arg2 == 1/ { @ = count(); }
    END { printa(\"%@d\\n\", @); }" -c "$WORKLOAD read 50"
dt return_value -q -x fbtbackend=kprobe.multi -n "fbt::vfs_read:entry /pid == \$target && arg2 == 1/ { self->ts = timestamp; }
    fbt::vfs_read:return /self->ts/ { @r[arg1] = count(); @lat[timestamp - self->ts > 0] = count(); self->ts = 0; }
    END { printa(\"returned %d: %@d times\\n\", @r); printa(\"positive latency %d: %@d\\n\", @lat); }" -c "$WORKLOAD read 20"
dt names -q -x fbtbackend=kprobe.multi -x aggsortkey -n "fbt::vfs_read:entry,fbt::vfs_write:entry /pid == \$target/ { @[probeprov, probemod, probefunc, probename] = count(); }
    END { printa(\"%s:%s:%s:%s\\n\", @); }" -c "$WORKLOAD write 3"
dt typed_args -q -x fbtbackend=kprobe.multi -n "fbt::vfs_read:entry /pid == \$target && args[2] == 1/ { @[stringof(args[0]->f_path.dentry->d_name.name), args[2]] = count(); }
    END { printa(\"%s %d %@d\\n\", @); }" -c "$WORKLOAD read 30"
dt ipl -q -x fbtbackend=kprobe.multi -n "fbt::vfs_read:entry /pid == \$target/ { @ = max(ipl); } END { printa(\"thread %@d\\n\", @); }" -c "$WORKLOAD read 3"
dt auto_few -v -q -n "fbt::vfs_read:entry /pid == \$target && arg2 == 1/ { @ = count(); }
    END { printa(\"%@d\\n\", @); }" -c "$WORKLOAD read 3"
dt auto_many -v -q -n "fbt::vfs_*:entry /pid == \$target && probefunc == \"vfs_read\" && arg2 == 1/ { @ = count(); }
    END { printa(\"%@d\\n\", @); }" -c "$WORKLOAD read 7"
' --kernel "$kernel" | sed -E -e 's/(attached|detached) in [0-9.]+ s/\1 in T s/' -e 's/\(([0-9]+) probes\)/(N probes)/'
