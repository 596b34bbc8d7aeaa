# User stacks: ustack() as an action, as an aggregation key and through
# printf's %k, and %A of a user address ($target's). Frames are
# object`symbol+offset: libc by its soname, the executable by its base name,
# symbols as stored (Rust's mangled names; the hash varies by build and is
# replaced by HASH, offsets by +OFF). Without frame pointers the walk past
# libc's syscall() is garbage, so only the first frame is kept there.
# --delay-ms gives dtrace time to read the target's mappings after the
# dynamic linker has loaded libc: the getppid calls follow at once by exit.
norm() { sed -e 's/+0x[0-9a-f]*/+OFF/' -e 's/17h[0-9a-f]\{16\}E/17hHASHE/'; }
"$DTRACE" -q -c "$WORKLOAD --delay-ms 300 getppid 3" -n '
syscall::getppid:entry /pid == $target/ { @[ustack(1)] = count(); }
syscall::getppid:entry /pid == $target && ++n == 1/ { ustack(1); printf("%4k|\n", ustack(1)); }' 2>/dev/null | norm
echo "status ${PIPESTATUS[0]}"
# A user pc from profile's arg1: the spin loop is in main (other samples
# land in libc, the vDSO, ...: only main's are kept).
"$DTRACE" -q -c "$WORKLOAD spin 300" -n '
profile-997 /pid == $target && arg1/ { printf("%A\n", arg1); @[ustack(1)] = count(); }' 2>/dev/null |
	norm | grep -E '^ *dtrace-workload`_ZN15dtrace_workload4main' | sed 's/^ *//' | sort -u
echo "status ${PIPESTATUS[0]}"
