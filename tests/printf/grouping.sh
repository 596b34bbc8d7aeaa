# The ' flag groups digits by the locale's LC_NUMERIC rules, as printf(3)
# after DTrace's setlocale(LC_ALL, ""): nothing in the C locale, commas in
# en_US (test/unittest/printf/tst.grouping-LC_ALL.sh). The en_US locale is
# built into the case's scratch directory.
export LOCPATH="$CASE_TMP"
localedef -i en_US -f UTF-8 "$CASE_TMP/en_US.UTF-8" >/dev/null 2>&1
[ -d "$CASE_TMP/en_US.UTF-8" ] || echo "localedef could not build en_US.UTF-8"
for l in C en_US.UTF-8; do
	LC_ALL=$l "$DTRACE" -q -n 'BEGIN
	{
		printf("%'"'"'d %'"'"'u %'"'"'x %'"'"'5d|%'"'"'s\n", 123456789, 4000000000, 0x1234567, 1234, "12345");
		exit(0);
	}'
done
