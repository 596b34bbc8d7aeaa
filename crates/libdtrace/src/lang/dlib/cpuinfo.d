/*
 * cpuinfo_t, what curcpu points to, as Oracle Linux defines it; compiled
 * into dtrace. Its translator (from a CPU number) is generated when dtrace
 * starts, from this machine's topology: cpu_chip is the CPU's physical
 * package, cpu_lgrp its NUMA node; Linux has no processor sets, so
 * cpu_pset is 0.
 */
typedef int processorid_t;
typedef int psetid_t;
typedef int chipid_t;
typedef int lgrp_id_t;

typedef struct cpuinfo {
	processorid_t cpu_id;	/* the CPU's number */
	psetid_t cpu_pset;	/* processor set (always 0) */
	chipid_t cpu_chip;	/* physical package */
	lgrp_id_t cpu_lgrp;	/* NUMA node */
} cpuinfo_t;
