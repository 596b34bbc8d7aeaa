/*
 * Networking constants of Oracle Linux DTrace's net.d, Linux values;
 * compiled into dtrace. inet_ntop() takes an address family, link_ntop()
 * a hardware type.
 */
inline int AF_INET = 2;
inline int AF_INET6 = 10;

inline int ARPHRD_ETHER = 1;
inline int ARPHRD_INFINIBAND = 32;

/* Whether a network provider's probe is on the sending or receiving side. */
inline int NET_PROBE_OUTBOUND = 0x00;
inline int NET_PROBE_INBOUND = 0x01;
