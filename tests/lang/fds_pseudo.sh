# fds[] of pseudo files, named as the kernel names them in /proc/PID/fd:
# a socket ("socket:[ino]") and an eventfd ("anon_inode:[eventfd]"), made
# by a Python target that then calls getsid() once.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/target.py" <<PY
import os, socket
a, b = socket.socketpair()
e = os.eventfd(0)
with open("$tmp/kernel", "w") as out:
    for fd in (a.fileno(), e):
        print(f"fd {fd}: {os.readlink(f'/proc/self/fd/{fd}')}", file=out)
with open("$tmp/fds", "w") as out:
    print(a.fileno(), e, file=out)
os.getsid(0)
PY
"$DTRACE" -q -o "$tmp/dtrace" -c "python3 $tmp/target.py" -n '
syscall::getsid:entry
/pid == $target/
{
	printf("fd %d: %s\nfd %d: %s\n", 3, fds[3].fi_pathname, 5, fds[5].fi_pathname);
	printf("%s %s\n", fds[3].fi_name, fds[3].fi_fs);
}'
echo "status $?"
# The descriptors must be the ones the script printed (3 and 5).
cat "$tmp/fds"
if diff <(head -2 "$tmp/dtrace") "$tmp/kernel"; then
	echo "names are the kernel's"
fi
tail -n +3 "$tmp/dtrace" | sed 's/[0-9][0-9]*/N/'
