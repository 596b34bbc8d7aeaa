# curpsinfo / curlwpsinfo (psinfo_t, lwpsinfo_t from the built-in
# translators of struct task_struct), checked against ps(1) and the
# target's own ids; pr_psargs is the target's command line.
read -r pgid sid <<<"$(ps -o pgid=,sid= -p $$)"
"$DTRACE" -q -c "$WORKLOAD getppid 1" -n '
syscall::getppid:entry /pid == $target/ {
	printf("pid %d ppid %d lwpid %d\n", curpsinfo->pr_pid == pid, curpsinfo->pr_ppid == ppid, curlwpsinfo->pr_lwpid == tid);
	printf("pgid %d sid %d\n", curpsinfo->pr_pgid, curpsinfo->pr_sid);
	printf("uid %d euid %d gid %d egid %d\n", curpsinfo->pr_uid, curpsinfo->pr_euid, curpsinfo->pr_gid, curpsinfo->pr_egid);
	printf("fname %s nlwp %d model %d sname %c addr %d\n", curpsinfo->pr_fname, curpsinfo->pr_nlwp, curpsinfo->pr_dmodel, curlwpsinfo->pr_sname, curpsinfo->pr_addr == (uintptr_t)curthread);
	printf("psargs [%s]\n", curpsinfo->pr_psargs);
}' 2>/dev/null | sed -e "s/pgid $pgid sid $sid/pgid PGID sid SID/" -e "s|$WORKLOAD|WORKLOAD|"
echo "status ${PIPESTATUS[0]}"
