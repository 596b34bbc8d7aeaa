# Deep nesting and inputs whose compilation could grow faster than their
# text (issue 8). DTrace's parser is bison's, with its default stack of
# YYMAXDEPTH = 10000 entries: a deeper program gets yyerror("memory
# exhausted"), which yyvwarn() (libdtrace/dt_parser.c) completes with
# ` near "TOKEN"`, tagged D_SYNTAX. Here one limit of 10000 levels holds for
# every pass; within it, deep programs compile or get their usual error.
. "$TESTDIR/lib.sh"
rep() { local i s=; for ((i = 0; i < $2; i++)); do s+=$1; done; printf '%s' "$s"; }
# `check` with long lines cut (they would echo the whole program).
short() { check "$1" | cut -c1-150; }
# -n: DTrace repeats the description; keep its start and the message.
spec() {
	"$DTRACE" -x errtags -e -n "$1" 2>&1 | sed -E 's/^(dtrace: invalid probe specifier .{20}).*(: \[D_)/\1...\2/'
	echo "status ${PIPESTATUS[0]}"
}
# The inputs of the issue, each once crashing the compiler.
short "BEGIN { x = 1$(rep ' + 1' 7499); }"
short "BEGIN { x = $(rep '!' 7800)1; }"
short "BEGIN { x = $(rep '(int)' 7800)1; }"
short "BEGIN { p = (int *)0; x = $(rep '*' 7800)p; }"
short "BEGIN { x = $(rep 'x = ' 7800)1; }"
short "BEGIN { x = 1$(rep ' && 1' 7799); }"
short "BEGIN { x = (1$(rep ', 1' 7799)); }"
short "BEGIN { x = $(rep 'strlen(' 10000)\"a\"$(rep ')' 10000); }"
short "BEGIN { x = $(rep 'a[' 10000)1$(rep ']' 10000); }"
spec "BEGIN { x = $(rep '!' 7800)1; }"
spec "BEGIN { x = $(rep 'strlen(' 10000)\"a\"$(rep ')' 10000); }"
# Past the limit, wherever the nesting is: in what the parser reads ...
short "BEGIN { x = $(rep '(' 10001)1$(rep ')' 10001); }"
short "BEGIN { x = $(rep '! ' 10001)1; }"
short "BEGIN {
	x = $(rep 'y ? 1 : ' 10001)1; }"
short "BEGIN { $(rep 'if (x) ' 10001) x = 1; }"
short "struct s { $(rep 'struct t { ' 10001)int a; $(rep '} m; ' 10001)};"
spec "BEGIN { x = $(rep '(' 10001)1$(rep ')' 10001); }"
# ... in the tree it builds from a left-associative chain ...
short "BEGIN { x = 1$(rep ' + 1' 10001); }"
short "BEGIN { x = 1$(rep ' || 1' 10001); }"
spec "BEGIN { x = 1$(rep ' + 1' 10001); }"
# ... or in an inline once expanded.
short "inline int i0 = 1;
$(for i in $(seq 1 5001); do echo "inline int i$i = i$((i - 1)) + 1;"; done)
BEGIN { x = i5001; }"
# Inlines that double at each level, a chain of 3000 kernel pointers: quick
# errors, whatever the size of the code they would need.
check "inline int i0 = 1;
$(for i in $(seq 1 30); do echo "inline int i$i = i$((i - 1)) + i$((i - 1));"; done)
BEGIN { x = i30; }"
check "inline int i0 = 1;
$(for i in $(seq 1 30); do echo "inline int i$i = (i$((i - 1)), i$((i - 1)));"; done)
BEGIN { x = i30; }"
check "BEGIN { x = curthread$(rep '->real_parent' 3000)->pid; }"
