# curcpu (cpuinfo_t *): the CPU BEGIN ran on, its physical package and
# NUMA node as sysfs gives them, and processor set 0.
out=$("$DTRACE" -qn 'BEGIN {
	printf("%d %d %d %d %d\n", cpu, curcpu->cpu_id, curcpu->cpu_pset, curcpu->cpu_chip, curcpu->cpu_lgrp);
	exit(0);
}')
echo "status $?"
read -r cpu id pset chip lgrp <<<"$out"
dir=/sys/devices/system/cpu/cpu$cpu
node=$(ls -d "$dir"/node* 2>/dev/null | sed 's/.*node//')
echo "cpu_id is cpu: $([ "$id" = "$cpu" ] && echo yes || echo "no: $id vs $cpu")"
echo "cpu_pset: $pset"
echo "cpu_chip is the package: $([ "$chip" = "$(cat $dir/topology/physical_package_id)" ] && echo yes || echo "no: $chip")"
echo "cpu_lgrp is the node: $([ "$lgrp" = "${node:-0}" ] && echo yes || echo "no: $lgrp")"
