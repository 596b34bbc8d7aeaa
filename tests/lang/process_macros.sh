# $pid, $ppid, $uid, $gid, $euid, $egid, $pgid and $sid: the ids of the
# dtrace process, as the shell that starts it knows them (Oracle's
# scripting/tst.{uid,gid,euid,egid,ppid,sid-valid}.sh pass them as $1 and
# compare the same way). The subshell's exec makes $BASHPID dtrace's pid.
read -r pgid sid <<<"$(ps -o pgid=,sid= -p $$)"
(exec "$DTRACE" -q -n '
BEGIN
{
	printf("pid %s\n", $pid == $1 ? "ok" : "wrong");
	printf("ppid %s\n", $ppid == $2 ? "ok" : "wrong");
	printf("uid %s\n", $uid == $3 ? "ok" : "wrong");
	printf("gid %s\n", $gid == $4 ? "ok" : "wrong");
	printf("euid %s\n", $euid == $5 ? "ok" : "wrong");
	printf("egid %s\n", $egid == $6 ? "ok" : "wrong");
	printf("pgid %s\n", $pgid == $7 ? "ok" : "wrong");
	printf("sid %s\n", $sid == $8 ? "ok" : "wrong");
	exit(0);
}' "$BASHPID" $$ "$(id -ru)" "$(id -rg)" "$(id -u)" "$(id -g)" "$pgid" "$sid")
echo "status $?"
