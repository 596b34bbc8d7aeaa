# Bad values (EDT_BADOPTVAL, libdtrace/dt_options.c): sizes, times,
# numbers, choices, a value for a flag, and -b.
for x in bufsize=zz bufsize=4q bufsize=-1 strsize=1x switchrate=10parsecs aggrate=-1hz \
	aggsortpos=-1 aggsortkeypos=1x nspec=0x bufpolicy=bogus bufpolicy zdefs=1 \
	linkmode=elastic stdc=x; do
	"$DTRACE" -x "$x" -n 'BEGIN { exit(0); }' 2>&1
	echo "status $?"
done
"$DTRACE" -b 4q -n 'BEGIN { exit(0); }' 2>&1
echo "status $?"
