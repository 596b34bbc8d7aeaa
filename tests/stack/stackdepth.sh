# stackdepth and ustackdepth count the frames stack() and ustack() show
# (given room for all of them), at a system call's entry and return and
# in BEGIN.
"$DTRACE" -q -c "$WORKLOAD getppid 1" -n '
BEGIN
{
	printf("BEGIN kernel %d", stackdepth); stack(127); printf("\nend\n");
}
syscall::getppid:entry, syscall::getppid:return
/pid == $target/
{
	printf("%s kernel %d", probename, stackdepth); stack(127); printf("\nend\n");
	printf("%s user %d", probename, ustackdepth); ustack(127); printf("\nend\n");
}' | awk '
/ (kernel|user) [0-9]+$/ { what = $1 " " $2; want = $3; n = 0; next }
/^end$/ { print what ": " (n == want ? "same" : "differs: " want " vs " n) " (" (n > 0 ? "some" : "no") " frames)"; next }
NF > 0 { n++ }'
echo "status ${PIPESTATUS[0]}"
