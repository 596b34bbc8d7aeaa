# The layer rules of crates/libdtrace (issue 9): each grep lists the imports
# (or unsafe code) that break one rule, so this prints nothing while they
# all hold.
S=$TESTDIR/../../crates/libdtrace/src
code() { grep -v '^[^:]*:[0-9]*: *//'; }
echo "bpf/ and host.rs use only bpf and host:"
grep -rn 'crate::' "$S/bpf" "$S/host.rs" | code | grep -v 'crate::\(bpf\|host\)::'
echo "host.rs, aggfn.rs and printf_format.rs use nothing else of the crate:"
grep -Hn 'crate::' "$S/host.rs" "$S/aggfn.rs" "$S/printf_format.rs" | code
echo "kernel/ uses only kernel, bpf and host:"
grep -rn 'crate::' "$S/kernel" | code | grep -v 'crate::\(kernel\|bpf\|host\)::\|crate::note!'
echo "the front end (lang/) uses only lang, bpf, host, aggfn and printf_format:"
grep -rn 'crate::' "$S/lang" | code | grep -v 'crate::\(lang\|bpf\|host\|aggfn\|printf_format\)::\|crate::note!'
echo "program.rs (the code generator's contract with the consumer) uses only bpf, lang and aggfn:"
grep -Hn 'crate::' "$S/program.rs" | code | grep -v 'crate::\(bpf\|lang\|aggfn\)::'
echo "the consumer imports neither the code generator nor the session:"
grep -rn 'crate::\(cg\|session\)' "$S/consume" | code
echo "the code generator imports neither the consumer nor the session, nor the kernel layer (it runs without a kernel; the session hands it kernel facts in CgEnv):"
grep -rn 'crate::\(consume\|session\|kernel\)' "$S/cg" | code
echo "providers import neither the code generator nor the consumer:"
grep -rn "crate::\(cg\|consume\)" "$S/provider" | code
echo "outside provider/, providers are reached through the Provider trait (the dtrace provider's BEGIN and END aside):"
grep -rn 'provider::\(syscall\|syscall_table\|profile\|fbt\)\b' "$S" --include=*.rs | code | grep -v "^$S/provider/"
echo "only the session imports the session:"
grep -rn 'crate::session' "$S" --include=*.rs | code | grep -v "^$S/session"
echo "no unsafe outside kernel/, nor in the command (crates/dtrace/src):"
grep -rnw 'unsafe' "$S" "$S/../../dtrace/src" --include=*.rs | code | grep -v "^$S/kernel/"
exit 0
