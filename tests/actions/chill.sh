# chill(ns) spins for ns nanoseconds in the probe. As in DTrace, more than
# 500 ms of chill per CPU within one second is an illegal operation (the
# third clause); so is more than 200 ms in one call (the fourth), the most
# a BPF program can spin in one firing.
"$DTRACE" -wq -n '
BEGIN { t = timestamp; chill(50000000); printf("waited 50 ms: %d\n", timestamp - t >= 50000000); }
BEGIN { n = 200000000; chill(n); chill(n); printf("chilled 450 ms\n"); }
BEGIN { chill(100000000); printf("not reached: 550 ms within a second\n"); }
BEGIN { n = 300000000; chill(n); printf("not reached: 300 ms in one call\n"); }
BEGIN { exit(0); }' 2>&1 | sed -e 's/BPF pc [0-9]*/BPF pc N/' -e 's/on CPU [0-9]*/on CPU N/'
echo "status ${PIPESTATUS[0]}"
