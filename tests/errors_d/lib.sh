# Helper for the errors_d cases: `check 'D SNIPPET'` compiles the snippet as
# a script (t.d) with -e and -x errtags, and prints dtrace's stderr and exit
# status. Every expected message is DTrace's own text (the file it comes from
# is named in each case); tags are those of illumos/Oracle libdtrace.
check() {
	cd "$CASE_TMP" || exit 1
	printf '%s\n' "$1" > t.d
	"$DTRACE" -x errtags -e -s t.d 2>&1
	echo "status $?"
}
