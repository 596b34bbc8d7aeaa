# Issue 8: an interrupting probe must not corrupt the clause it interrupts.
# A profile-4999 clause builds a string key (strjoin) on every CPU while an
# fbt clause counts the -c workload's 20,000 one-byte reads keyed by
# execname, with the kprobe and with the fentry backend (6.1 guest): the
# count is exact and no key but the workload's appears (before scratch
# state was kept per nesting level, profile's "...xyz" string leaked into
# the fbt clause's key and firings were lost silently).
source ./lib.sh
vm_run linux 2 '
for be in kprobe fentry; do
dt $be -q -x fbtbackend=$be -n "fbt::vfs_read:entry /pid == \$target && arg2 == 1/ { @n = count(); @k[execname] = count(); }
    profile-4999 { this->s = strjoin(execname, \"xyz\"); @p[this->s] = count(); }
    END { printa(\"n %@d\\n\", @n); printa(\"k %s %@d\\n\", @k); trunc(@p); }" -c "$WORKLOAD read 20000"
done
'
