# Checks of the actions (tags shown with -x errtags): destructive actions
# need -w, which DTrace checks when it enables tracing (Oracle's
# actions/system/err.system-destructive.r: "could not enable tracing:
# Destructive actions not allowed"; the program compiles); then, compiled
# only (-e), DTrace's argument counts and types (D_PROTO_LEN, D_PROTO_ARG),
# tracemem()'s and freopen()'s own checks, and breakpoint() and panic(),
# which Linux cannot offer.
check() {
	while read -r body; do
		"$DTRACE" -x errtags -q "$@" -n "BEGIN { $body }" 2>&1 | sed 's/^dtrace: invalid probe specifier .*}: /error: /'
		echo "status ${PIPESTATUS[0]}"
	done
}
echo "== without -w"
check <<'BODIES'
system("echo hi");
raise(9);
stop();
chill(1);
freopen("x");
freopen("");
BODIES
check -e <<'BODIES'
system("echo hi");
chill(1);
freopen(".");
ftruncate();
BODIES
echo "== with -w"
check -e -w <<'BODIES'
system();
system(1);
system("%d");
raise();
raise("x");
raise(1, 2);
stop(1);
chill("x");
chill(300000000);
copyout(0, 0);
copyout(0, "x", 1);
copyout(0, 0, "x");
copyout(0, 0, 5000);
copyoutstr(1, 0, 1);
tracemem();
tracemem(1);
tracemem(1, 2, 3, 4);
tracemem("x", 1);
tracemem(1, "x");
tracemem(1, 0);
tracemem(1, -1);
tracemem(1, 100000);
tracemem(1, 8, "x");
freopen(".");
freopen("", 1);
freopen();
ftruncate(1);
setopt();
setopt(1);
setopt("a", "b", "c");
setopt("quiet", probename);
breakpoint();
panic();
panic(1);
speculate(1); system("echo hi");
BODIES
