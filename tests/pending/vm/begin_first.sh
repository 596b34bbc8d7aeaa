# Pending: BEGIN must run before any other probe's clauses (illumos: probes
# are ignored while the state is in WARMUP, until BEGIN has completed; the
# Dynamic Tracing Guide: "The BEGIN probe fires before any other probe").
#
# Our dtrace attaches every probe (attach::attach_all in session.rs) and only
# then runs the BEGIN program (attach::run_once, BPF_PROG_TEST_RUN), so a
# profile/tick/syscall probe that fires in between runs its clauses with
# BEGIN's work not done. Seen with the 6.1 kernel under QEMU TCG (slow guest,
# wide window): linux 2/3 runs, xen (PV dom0) 3/3 runs; e.g.
#   profile-997 fired before BEGIN 4 times on cpu 0 and 7 times on cpu 1.
# Not seen on the fast host (0/3), but the race is the same there.
# Move to tests/vm/ (with begin_first.requires/.out) once it passes.
if [ -f lib.sh ]; then source ./lib.sh; else source ../../vm/lib.sh; fi
vm_run xen 2 '
for i in 1 2 3; do
dt run$i -q -n "BEGIN { begun = 1; } profile-997 /begun == 0/ { early++; } tick-200ms { exit(0); } END { printf(\"firings before BEGIN: %d\\n\", early); }"
done
'
