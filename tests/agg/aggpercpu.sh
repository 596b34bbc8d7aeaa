# aggpercpu: after each entry's total, one "    [CPU n] value" line per
# online CPU up to the highest (Oracle's layout); the CPUs' counts add up
# to the total, min() shows its initial value (INT64_MAX) on CPUs where it
# never fired. The script checks that shape whatever the machine's CPUs.
ncpu=$(( $(tr ',-' '\n\n' < /sys/devices/system/cpu/online | sort -n | tail -1) + 1 ))
"$DTRACE" -x aggpercpu -q -n '
syscall::getppid:entry /pid == $target/ { @n = count(); @m = min(7); @k["getppid"] = sum(2); }' \
	-c "$WORKLOAD getppid 5" 2>/dev/null | awk -v ncpu="$ncpu" '
	/^ *$/ { next }
	/^    \[CPU / { cpu = $2 + 0; v = $3;
		if (cpu != want) print "cpu out of order:", $0;
		want++; if (agg == "n") sum += v; if (agg == "m" && v != 7 && v != "9223372036854775807") print "bad min:", $0;
		next }
	{ if (agg != "" && want != ncpu) print agg ": " want " CPU lines, expected " ncpu;
	  if (agg == "n" && sum != 5) print "counts add up to " sum;
	  agg = (agg == "") ? "n" : (agg == "n") ? "m" : "k"; want = 0; sum = 0; print agg, $NF }
	END { if (want != ncpu) print agg ": " want " CPU lines, expected " ncpu }'
echo "status ${PIPESTATUS[0]}"
