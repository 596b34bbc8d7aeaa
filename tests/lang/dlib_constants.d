/*
 * Constants and inlines of Oracle Linux DTrace's D library (libdtrace/
 * net.d, ip.d, tcp.d, unistd.d, procfs.d.in, io.d.in, sched.d), with the
 * values those files give, compiled into dtrace.
 */
#pragma D option quiet

BEGIN
{
	printf("net %d %d %d %d %d %d\n", AF_INET, AF_INET6, ARPHRD_ETHER,
	    ARPHRD_INFINIBAND, NET_PROBE_OUTBOUND, NET_PROBE_INBOUND);
	printf("ip %d %d %d %d %d %d %d %d\n", IPPROTO_IP, IPPROTO_ICMP,
	    IPPROTO_TCP, IPPROTO_UDP, IPPROTO_IPV6, IPPROTO_ICMPV6, IPPROTO_RAW,
	    TCP_MIN_HEADER_LENGTH);
	printf("ipaddr_t %d\n", sizeof (ipaddr_t));
	printf("tcp %x %x %x %x %d %d %d\n", TH_FIN, TH_SYN, TH_ACK, TH_CWR,
	    TCP_STATE_ESTABLISHED, TCP_STATE_LISTEN, TCP_STATE_CLOSING);
	printf("unistd %d %d %d %d\n", DTRACEFLT_UNKNOWN, DTRACEFLT_BADADDR,
	    DTRACEFLT_DIVZERO, DTRACEFLT_BADSTACK);
	printf("procfs %d %d %d %d %d %d %d %d\n", SIDL, SONPROC, SWAIT,
	    PR_IDLE, PIDTYPE_PGID, PIDTYPE_SID, CLD_EXITED, CLD_CONTINUED);
	printf("io %x %x %x %d %d %x\n", B_READ, B_WRITE, B_ASYNC,
	    BIO_USER_MAPPED, REQ_WRITE, REQ_SYNC);
	printf("sched %d %d %d\n", chip == curcpu->cpu_chip,
	    lgrp == curcpu->cpu_lgrp, pset);
}

BEGIN
{
	x = 0;
	x = 1 / x;
}

ERROR
{
	printf("fault %d\n", arg4 == DTRACEFLT_DIVZERO);
	exit(0);
}
