# BEGIN runs before any other probe's clauses (the Dynamic Tracing Guide:
# "The BEGIN probe fires before any other probe"): probes stay inactive
# until BEGIN has run. Checked under Xen, where the race showed.
if [ -f lib.sh ]; then source ./lib.sh; else source ../../vm/lib.sh; fi
vm_run xen 2 '
for i in 1 2 3; do
dt run$i -q -n "BEGIN { begun = 1; } profile-997 /begun == 0/ { early++; } tick-200ms { exit(0); } END { printf(\"firings before BEGIN: %d\\n\", early); }"
done
'
