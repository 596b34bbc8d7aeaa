# Control lines. Messages: illumos libdtrace dt_pragma.c (dt_pragma,
# dt_pragma_option).
. "$TESTDIR/lib.sh"
check '#pragma D nosuch
BEGIN { }'
check '
#pragma D option'
check '#pragma D option nosuchoption
BEGIN { }'
check '#pragma D
#pragma
#pragma unknown things
BEGIN { exit(0); }'
