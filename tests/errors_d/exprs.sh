# Operators and expressions. Messages: illumos libdtrace dt_parser.c
# (dt_node_op2, dt_cook_op1, dt_cook_op2, dt_cook_op3, dt_assign_common);
# cases after dtrace-utils test/unittest/{types,pointers,operators}/err.D_*.d.
. "$TESTDIR/lib.sh"
check 'BEGIN
{
	trace(1 / 0);
}'
check 'BEGIN { x = 10 % (2 - 2); }'
check 'BEGIN { x = 1; x /= 0; }'
check 'BEGIN { i = 1; x = i == 0 ? trace(0) : trace(1); }'   # types/err.D_OP_ACT.badcond.d
check 'BEGIN { x = (trace(1), 2); }'
check 'BEGIN { p = 123 + -trace(0); }'    # types/err.D_OP_ARITH.badoperand.d
check 'BEGIN { x = -"abc"; }'
check 'BEGIN { x = "a" * 2; }'
check 'BEGIN { x = ~"abc"; }'             # types/err.D_OP_INT.badbitop.d
check 'BEGIN { x = 1 << "a"; }'           # types/err.D_OP_INT.badshift.d
check 'BEGIN { x = "a" % 2; }'
check 'BEGIN { x = "a" ? 1 : 2; }'        # types/err.D_OP_SCALAR.badcond.d
check 'BEGIN { x = "a"; x++; }'           # types/err.D_OP_SCALAR.badincop.d
check 'BEGIN { x = "a" || 1; }'           # types/err.D_OP_SCALAR.badlogop.d
check 'BEGIN { x = !"a"; }'
check 'BEGIN { x = 1 ? "a" : 2; }'
check 'BEGIN { 1 = 2; }'
check 'BEGIN { 1 += 2; }'
check 'BEGIN { x = 1; x = "abc"; }'       # types/err.D_OP_INCOMPAT.badassign.d
check 'BEGIN { x = "a" < 1; }'
check 'BEGIN { x = *1; }'                 # pointers/err.D_DEREF_NONPTR.noptr.d
check 'BEGIN { x = (void *)0; y = *x; }'  # pointers/err.D_DEREF_VOID.VoidPointerDeref.d
check 'BEGIN { x = 1; y = &x; }'          # pointers/err.D_ADDROF_VAR.DynamicVar.d
check 'int a[5]; BEGIN { y = &a; }'       # pointers/err.D_ADDROF_VAR.ArrayVar.d
check 'BEGIN { @a = count(); y = &@a; }'  # pointers/err.D_ADDROF_VAR.agg.d
check 'BEGIN { y = &1; }'
check 'BEGIN { y = &(1 + 2); }'
check 'int a[5]; int b[5]; BEGIN { a = b; }'  # pointers/err.D_OP_ARRFUN.ArrayAssignment.d
check 'BEGIN { x = 1; y = x->a; }'        # pointers/err.D_OP_PTR.NonPointerAccess.d
check 'BEGIN { x = (int *)0; y = x->a; }' # pointers/err.D_OP_SOU.badpointer.d
check 'BEGIN { p = (void *)0; q = p + 1; }'  # pointers/err.D_OP_INCOMPAT.VoidPointerArith.d
check 'BEGIN { x = (int)"a"; }'           # types/err.D_CAST_INVAL.badcast.d
