# ipl in BEGIN, at a system call and in a tick probe (ipl.dscript); the
# command makes one getppid() call, then waits for dtrace to exit.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '%s getppid 1\nsleep 10\n' "$WORKLOAD" > "$tmp/target.sh"
"$DTRACE" -s ipl.dscript -c "sh $tmp/target.sh" 2>/dev/null
echo "status $?"
