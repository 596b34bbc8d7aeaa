# cwd, root and d_path(): the target's working directory (a directory
# made for the test, through a symbolic link, which the kernel resolves),
# its root, and the path of its executable, as the kernel knows them.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/a/work dir"
ln -s "a/work dir" "$tmp/link"
exe=$(realpath "$WORKLOAD")
cd "$tmp/link" || exit 1
"$DTRACE" -q -c "$WORKLOAD getppid 1" -n '
syscall::getppid:entry
/pid == $target/
{
	printf("cwd %s\nroot %s\nexe %s\n", cwd, root, d_path(&curthread->mm->exe_file->f_path));
}' | sed -e "s|$tmp|TMP|" -e "s|$exe|WORKLOAD|"
echo "status ${PIPESTATUS[0]}"
# A path longer than strsize keeps its end.
"$DTRACE" -q -x strsize=16 -c "$WORKLOAD getppid 1" -n '
syscall::getppid:entry
/pid == $target/
{
	printf("cwd %s\n", cwd);
}'
echo "status $?"
