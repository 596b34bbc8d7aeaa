# fbt on the 6.1 kernel (kprobes and fentry work there), 2 vCPUs:
# exact counts with both backends, entry/return pairs (self->ts latency
# with quantize), the return value, arguments (typed args[] from BTF:
# args[0]->f_path.dentry->d_name.name of vfs_read is the file read),
# caller (vfs_read is called from ksys_read), probefunc/probemod from a
# shared kprobe program, ipl (0 in a thread, 10 in the timer interrupt),
# and -l.
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
dt typed_args_fentry -q -n "fbt::vfs_read:entry /pid == \$target && args[2] == 1/ { @[stringof(args[0]->f_path.dentry->d_name.name), args[2]] = count(); }
    END { printa(\"%s %d %@d\\n\", @); }" -c "$WORKLOAD read 30"
dt typed_args_kprobe -x fbtbackend=kprobe -q -n "fbt::vfs_read:entry,fbt::vfs_write:entry /pid == \$target && args[2] == 1/ { @[probefunc, stringof(args[0]->f_path.dentry->d_name.name), args[2]] = count(); }
    END { printa(\"%s %s %d %@d\\n\", @); }" -c "$WORKLOAD read 30"
dt typed_return -q -n "fbt::vfs_read:entry /pid == \$target/ { self->one = args[2] == 1; }
    fbt::vfs_read:return /self->one/ { @[args[1] == 1 ? \"one byte\" : \"other\"] = count(); self->one = 0; }
    END { printa(\"%s %@d\\n\", @); }" -c "$WORKLOAD read 30"
dt caller_fentry -q -n "fbt::vfs_read:entry /pid == \$target && arg2 == 1/ { @[func(caller)] = count(); }" -c "$WORKLOAD read 5"
dt caller_kprobe -x fbtbackend=kprobe -q -n "fbt::vfs_read:entry /pid == \$target && arg2 == 1/ { @[func(caller)] = count(); }" -c "$WORKLOAD read 5"
for b in fentry kprobe; do
dt ipl_$b -x fbtbackend=$b -q -n "fbt::vfs_read:entry /pid == \$target/ { @ = max(ipl); } END { printa(\"thread %@d\\n\", @); }" -c "$WORKLOAD read 3"
dt ipl_interrupt_$b -x fbtbackend=$b -q -n "fbt::hrtimer_interrupt:entry { @ = max(ipl); } tick-200ms { exit(0); } END { printa(\"interrupt %@d\\n\", @); }"
done
echo "== list"
$DTRACE -l -n "fbt::vfs_read:" | sed "s/^ *[0-9][0-9]* /   ID /"
'
