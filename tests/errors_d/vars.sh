# Variables, arrays, functions and aggregations. Messages: illumos libdtrace
# dt_parser.c (dt_node_func, dt_xcook_ident, dt_cook_op2 [ and =), dt_ident.c
# (dt_idcook_sign), dt_cg.c (D_CG_EXPR); cases after dtrace-utils
# test/unittest/{aggs,arrays,funcs,variables}/err.D_*.d.
. "$TESTDIR/lib.sh"
check 'BEGIN
{
	x = y;
}'
check 'BEGIN { x = 1; x[1] = 2; }'
check 'BEGIN { self->x = 1; self->x[1] = 2; }'
check 'BEGIN { this->x[1] = 2; }'
check 'BEGIN { a["x"] = 1; a["x", 2] = 1; }'
check 'BEGIN { nosuch(1); }'              # aggs/err.D_FUNC_UNDEF.badaggfunc.d
check 'BEGIN { pid(1); }'
check 'BEGIN { x = 1; x(); }'
check 'BEGIN { x = count(); }'            # aggs/err.D_CG_EXPR.from_expr.d
check 'BEGIN { @a = 1; }'                 # aggs/err.D_AGG_FUNC.bad.d
check 'BEGIN { @a = strlen("x"); }'       # aggs/err.D_AGG_FUNC.non_agg_func.d
check 'BEGIN { @a = nosuch(1); }'
check 'BEGIN { @a[1][2] = count(); }'     # aggs/err.D_AGG_MDIM.bad.d
check 'BEGIN
{
	@a = count();
}

END
{
	@a = sum(1);
}'                                        # aggs/err.D_AGG_REDEF.redef.d
check 'BEGIN { x = offsetof(int, a); }'
# A literal 0 deletes only dynamic variables (dt_parser.c, DT_TOK_ASGN):
# a global or clause-local string, or a nonzero value, is still refused.
check 'BEGIN { s = "a"; s = 0; }'
check 'BEGIN { this->s = "a"; this->s = 0; }'
check 'BEGIN { self->s = "a"; self->s = 1; }'
check 'BEGIN { a[1] = "a"; a[1] = 0; exit(0); }'
check 'BEGIN { self->s = "a"; self->s += 0; }'
