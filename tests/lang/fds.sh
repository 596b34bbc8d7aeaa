# fds[]: the target's open files as fileinfo_t, checked against what the
# kernel says of the same descriptors (/proc/PID/fd links and findmnt):
# a file, a directory, /dev/null (another mount), a pipe, an unlinked
# file, a file in /proc; and an fd that is not open.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo data > "$tmp/file"
mkdir "$tmp/dir"
cat > "$tmp/target.sh" <<SH
exec 3<"$tmp/file" 4<"$tmp/dir" 5</dev/null 6< <(sleep 0) 7>"$tmp/gone" 8</proc/self/stat
rm "$tmp/gone"
read -r _ <&3
for fd in 0 1 2 3 4 5 6 7 8; do
	echo "fd \$fd: \$(readlink /proc/\$\$/fd/\$fd)" >> "$tmp/kernel"
done
for p in "$tmp/file" /dev/null /proc/self/stat; do
	findmnt -n -o FSTYPE,TARGET --target "\$p" | awk '{ print \$1 " on " \$2 }'
done >> "$tmp/kernel"
$WORKLOAD getppid 1
SH
"$DTRACE" -q -o "$tmp/dtrace" -c "bash $tmp/target.sh" -n '
syscall::getppid:entry
/progenyof($target) && execname == "dtrace-workload"/
{
	printf("fd 0: %s\nfd 1: %s\nfd 2: %s\n", fds[0].fi_pathname, fds[1].fi_pathname, fds[2].fi_pathname);
	printf("fd 3: %s\nfd 4: %s\nfd 5: %s\n", fds[3].fi_pathname, fds[4].fi_pathname, fds[5].fi_pathname);
	printf("fd 6: %s\nfd 7: %s\nfd 8: %s\n", fds[6].fi_pathname, fds[7].fi_pathname, fds[8].fi_pathname);
	printf("%s on %s\n", fds[3].fi_fs, fds[3].fi_mount);
	printf("%s on %s\n", fds[5].fi_fs, fds[5].fi_mount);
	printf("%s on %s\n", fds[8].fi_fs, fds[8].fi_mount);
	printf("name %s, dirname %s, offset %d, read-only %d\n", fds[3].fi_name, fds[3].fi_dirname,
	    fds[3].fi_offset, (fds[3].fi_oflags & O_ACCMODE) == O_RDONLY);
	printf("write-only %d\n", (fds[7].fi_oflags & O_ACCMODE) == O_WRONLY);
	printf("not open: %s %s %d %d\n", fds[9].fi_pathname, fds[-1].fi_name, fds[100000].fi_offset, fds[9].fi_oflags);
}'
echo "status $?"
if diff <(head -12 "$tmp/dtrace") "$tmp/kernel"; then
	echo "paths, file systems and mounts are the kernel's"
fi
# The rest, with the temporary directory's name left out.
tail -n +13 "$tmp/dtrace" | sed "s|$tmp|TMP|g"
