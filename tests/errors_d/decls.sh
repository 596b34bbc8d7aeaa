# Declarations. Messages: illumos libdtrace dt_parser.c dt_node_decl(),
# dt_decl.c (dt_decl_check, dt_decl_spec, dt_decl_class, dt_decl_array,
# dt_decl_sou, dt_decl_enum, dt_decl_enumerator, dt_decl_member); cases after
# dtrace-utils test/unittest/types/err.D_DECL_*.d and arrays/err.D_DECL_*.d.
. "$TESTDIR/lib.sh"
check 'register x;'                       # types/err.D_DECL_BADCLASS.bad.d
check 'static int x;'
check 'extern register int x;'
check 'BEGIN
{
	i = (char long)0;
}'                                        # types/err.D_DECL_CHARATTR.badtype3.d
check 'BEGIN { i = (char int)0; }'        # types/err.D_DECL_COMBO.badtype4.d
check 'int int x;'
check 'unsigned void *p;'
check 'unsigned string s;'
check 'long string s;'
check 'enum e { TAG = "i am not an integer constant!" };'                                       # types/err.D_DECL_ENCONST.badeval.d
check 'enum e { toobig = 2147483648 };'   # types/err.D_DECL_ENOFLOW.enoflow.d
check 'enum e { small = -2147483649 };'   # types/err.D_DECL_ENOFLOW.enuflow.d
check 'enum foo { x = 3, x = 4 };'                                       # types/err.D_DECL_IDRED.dupenum.d
check 'enum e { pid };'
check 'enum e { A }; enum e { B };'
check 'struct s { int a; }; struct s { int b; };'
check '

int `xyz;'                                # types/err.D_DECL_SCOPE.scopeop.d
check 'extern int;'                       # types/err.D_DECL_USELESS.baddec.d
check 'typedef int;'
check 'int x; char x;'
check 'int pid;'
check 'void v;'
check 'this int a[int];'
check 'int a[];'                          # arrays/err.D_DECL_ARRNULL.bad.d
check 'int a[0];'                         # arrays/err.D_DECL_ARRSUB.bad.d
check 'int a[-1];'
check 'int a[8589934592];'                # arrays/err.D_DECL_ARRBIG.toobig.d
check 'inline int;'
check 'inline int x;'
check 'inline int x = y;'
check 'inline string s = 1;'
check 'int x; inline int x = 2;'
check 'struct s { int a : 99; };'
check 'struct s { int a : 0; };'
check 'struct s { string a : 3; };'
