//! Type checking: the type of every expression, with DTrace's messages,
//! recorded in its node for the code generator; calls of built-ins are
//! checked against their prototypes (lang/builtins.rs). Also the rewriting
//! of string arguments for the code generator.

use super::{Sema, VarClass, R};
use crate::lang::ast::*;
use crate::lang::builtins::{self, is_action_call, Id, Kind};
use crate::lang::diag::CompileError;
use crate::lang::types::{arith_result, SymKind, Type};

/// The D built-in variables and their types.
pub fn builtin_type(name: &str) -> Option<Type> {
    Some(match name {
        "arg0" | "arg1" | "arg2" | "arg3" | "arg4" | "arg5" | "arg6" | "arg7" | "arg8" | "arg9" => Type::LONG,
        "pid" | "tid" | "ppid" | "cpu" | "errno" | "$target" => Type::INT,
        "uid" | "gid" | "id" | "epid" | "stackdepth" | "ustackdepth" | "ipl" => Type::UINT,
        "timestamp" | "vtimestamp" | "walltimestamp" | "caller" | "ucaller" | "uregs" => Type::ULONG,
        "execname" | "probeprov" | "probemod" | "probefunc" | "probename" | "zonename" | "cwd" | "root" => Type::Str,
        "curthread" | "curpsinfo" | "curlwpsinfo" | "curcpu" => Type::Ptr(Box::new(Type::Void)),
        _ => return None,
    })
}

/// The built-in arrays: indexed like arrays, never stored to.
pub fn is_builtin_array(name: &str) -> bool {
    matches!(name, "args" | "uregs")
}

/// Frames recorded by `stack()` and `ustack()` unless their first
/// argument says (DTrace's stackframes and ustackframes defaults).
pub const STACKFRAMES: u32 = 20;
pub const USTACKFRAMES: u32 = 20;
/// The most frames the kernel hands out (its perf_event_max_stack default).
const MAX_FRAMES: i64 = 127;

/// Where an expression is typed: what its type depends on besides the
/// program's declarations.
#[derive(Clone, Copy, Debug, Default)]
pub struct Scope<'t> {
    /// The types of `args[]` in the clause (None: untyped, or outside any
    /// clause: each an int64_t).
    pub args: Option<&'t [Type]>,
}

impl Scope<'_> {
    /// Outside any clause (declarations, D's library).
    pub const FILE: Scope<'static> = Scope { args: None };
}

/// The type of `stack(n)` / `ustack(n [, strsize])` (`user`), whose
/// arguments fit the prototype.
fn stack_type(name: &str, user: bool, args: &[Expr], s: &Sema, sc: Scope) -> R<Type> {
    let default = if user { s.ustackframes } else { s.stackframes };
    let frames = match args.first() {
        None => default,
        Some(a) => match s.const_eval(a, sc) {
            Some(n) if (1..=MAX_FRAMES).contains(&n) => n as u32,
            Some(_) => {
                return Err(CompileError::new(
                    a.line,
                    if user { "D_USTACK_FRAMES" } else { "D_STACK_SIZE" },
                    format!("{}( ) size must be greater than zero and at most {}", name, MAX_FRAMES),
                ))
            }
            None => {
                return Err(CompileError::new(
                    a.line,
                    if user { "D_USTACK_FRAMES" } else { "D_STACK_PROTO" },
                    format!("{}( ) argument #1 must be a non-zero positive integer constant", name),
                ))
            }
        },
    };
    Ok(Type::Stack { user, frames })
}

/// What a symbol-printing function records.
fn sym_kind(id: Id) -> Option<SymKind> {
    Some(match id {
        Id::Func | Id::Sym => SymKind::Sym,
        Id::Mod => SymKind::Mod,
        Id::Ufunc | Id::Usym => SymKind::USym,
        Id::Umod => SymKind::UMod,
        Id::Uaddr => SymKind::UAddr,
        _ => return None,
    })
}

impl<'a> Sema<'a> {
    /// Reads as a string each `char []` or `char *` passed where a
    /// subroutine takes a string (D's string-compatible types): wraps it in
    /// `stringof`, in place, for code generation. For a checked clause.
    pub(super) fn string_args(&self, item: &mut Item, sc: Scope) -> R<()> {
        let Item::Clause(c) = item else { return Ok(()) };
        if let Some(p) = &mut c.predicate {
            self.string_args_expr(p, sc)?;
        }
        c.body.iter_mut().try_for_each(|s| self.string_args_stmt(s, sc))
    }

    fn string_args_stmt(&self, s: &mut Stmt, sc: Scope) -> R<()> {
        match s {
            Stmt::Expr(e) => self.string_args_expr(e, sc),
            Stmt::If { cond, then, els, .. } => {
                self.string_args_expr(cond, sc)?;
                then.iter_mut().chain(els.iter_mut()).try_for_each(|s| self.string_args_stmt(s, sc))
            }
            Stmt::Decl(_) | Stmt::Empty => Ok(()),
        }
    }

    pub(super) fn string_args_expr(&self, e: &mut Expr, sc: Scope) -> R<()> {
        let mut r = Ok(());
        e.for_each_child_mut(&mut |c| {
            if r.is_ok() {
                r = self.string_args_expr(c, sc);
            }
        });
        r?;
        let ExprKind::Call { name, args } = &mut e.kind else { return Ok(()) };
        let Some(b) = builtins::lookup(name) else { return Ok(()) };
        for (i, a) in args.iter_mut().enumerate() {
            if !b.string_param(i) {
                continue;
            }
            let t = self.type_of(a, sc)?;
            if t.is_strcompat() && !t.is_str() {
                let line = a.line;
                let arg = std::mem::replace(a, Expr::new(ExprKind::Ident(String::new()), line));
                *a = Expr::new(ExprKind::Stringof(Box::new(arg)), line);
                self.type_of(a, sc)?;
            }
        }
        Ok(())
    }

    /// `self->x = 0` or `a[k] = 0` with a literal 0: deletes the dynamic
    /// variable, whatever its type (a string too), as in DTrace.
    pub fn deletes_dynvar(&self, lhs: &Expr, rhs: &Expr) -> bool {
        let dynamic = match &lhs.kind {
            ExprKind::SelfVar(_) => true,
            ExprKind::Index { base, .. } => {
                matches!(&base.kind, ExprKind::Ident(n) if self.syms.var(VarClass::Assoc, n).is_some())
            }
            _ => false,
        };
        dynamic && matches!(rhs.kind, ExprKind::Int { value: 0, .. })
    }

    /// For `s == NULL` / `NULL == s` with a string s: that operand (of
    /// typed operands).
    pub fn null_comparison<'e>(&self, lhs: &'e Expr, rhs: &'e Expr) -> Option<&'e Expr> {
        let is_null = |e: &Expr| matches!(&e.kind, ExprKind::Ident(n) if n == "NULL" && self.inlines.contains_key(n));
        let is_str = |e: &Expr| e.ty().is_some_and(|t| t.is_str());
        if is_null(rhs) && is_str(lhs) {
            Some(lhs)
        } else if is_null(lhs) && is_str(rhs) {
            Some(rhs)
        } else {
            None
        }
    }

    /// The type of an expression (variables must be declared already),
    /// recorded in the node once found, with its constant value.
    pub(super) fn type_of(&self, e: &Expr, sc: Scope) -> R<Type> {
        if let Some(t) = e.memo.ty.get() {
            return Ok(t.clone());
        }
        let t = self.type_uncached(e, sc)?;
        let _ = e.memo.ty.set(t.clone());
        self.const_eval(e, sc);
        Ok(t)
    }

    fn type_uncached(&self, e: &Expr, sc: Scope) -> R<Type> {
        let line = e.line;
        let err = |tag: &'static str, m: String| Err(CompileError::new(line, tag, m));
        match &e.kind {
            ExprKind::Int { value, unsigned, long, nondecimal } => {
                Ok(int_literal_type(*value, *unsigned, *long, *nondecimal))
            }
            ExprKind::Char(_) => Ok(Type::CHAR),
            ExprKind::Str(_) => Ok(Type::Str),
            ExprKind::Ident(n) => {
                if n == "curthread" {
                    return Ok(self.kernel_struct_ptr("task_struct"));
                }
                if let Some(t) = builtin_type(n) {
                    return Ok(t);
                }
                if self.types.enumerators.borrow().contains_key(n) {
                    return Ok(Type::INT);
                }
                if let Some(v) = self.syms.var(VarClass::Global, n) {
                    return Ok(v.ty.clone());
                }
                if let Some(i) = self.inlines.get(n) {
                    return self.type_of(i, sc);
                }
                if self.syms.var(VarClass::Assoc, n).is_some() {
                    return err("D_OP_INCOMPAT", format!("{} is an associative array and must be indexed", n));
                }
                err("D_IDENT_UNDEF", format!("failed to resolve {}: Unknown variable name", n))
            }
            ExprKind::Macro(n) | ExprKind::MacroStr(n) => {
                err("D_MACRO_UNDEF", format!("macro variable ${} is not defined", n))
            }
            ExprKind::SelfVar(n) => match self.syms.var(VarClass::SelfVar, n) {
                Some(v) => Ok(v.ty.clone()),
                None => err("D_IDENT_UNDEF", format!("failed to resolve self->{}: Unknown variable name", n)),
            },
            ExprKind::ThisVar(n) => match self.syms.var(VarClass::ThisVar, n) {
                Some(v) => Ok(v.ty.clone()),
                None => err("D_IDENT_UNDEF", format!("failed to resolve this->{}: Unknown variable name", n)),
            },
            ExprKind::Agg(n) => Err(agg_value(line, n)),
            ExprKind::Index { base, keys } => match &base.kind {
                ExprKind::ThisVar(n) if self.syms.var(VarClass::ThisVar, n).is_none_or(|v| v.ty.target().is_none()) => {
                    err("D_ARR_LOCAL", format!("local variables may not be used as associative arrays: {}", n))
                }
                ExprKind::SelfVar(n)
                    if self.syms.var(VarClass::SelfVar, n).is_some_and(|v| v.ty.target().is_none()) =>
                {
                    err("D_IDENT_BADREF", format!("scalar '{}' may not be referenced as associative array", n))
                }
                ExprKind::Ident(n) if n == "args" => {
                    if keys.len() != 1 {
                        return err("D_ARGS_MULTI", "args[ ] may not be referenced using a tuple".into());
                    }
                    Ok(self.arg_type(&keys[0], sc))
                }
                ExprKind::Ident(n) if n == "uregs" => {
                    if keys.len() != 1 {
                        return err("D_UREGS_MULTI", "uregs[ ] may not be referenced using a tuple".into());
                    }
                    if !self.type_of(&keys[0], sc)?.is_int() {
                        return err("D_UREGS_IDX", "uregs[ ] index must be of integral type".into());
                    }
                    Ok(Type::ULONG)
                }
                ExprKind::Ident(n)
                    if self
                        .syms
                        .var(VarClass::Global, n)
                        .is_none_or(|v| !matches!(v.ty, Type::Array(..) | Type::Ptr(_))) =>
                {
                    for k in keys {
                        self.type_of(k, sc)?;
                    }
                    match self.syms.var(VarClass::Assoc, n) {
                        Some(v) => {
                            if v.keys.len() != keys.len() {
                                return err(
                                    "D_PROTO_LEN",
                                    format!(
                                        "{}[ ] prototype mismatch: {} arg{} passed, {} expected",
                                        n,
                                        keys.len(),
                                        if keys.len() == 1 { "" } else { "s" },
                                        v.keys.len()
                                    ),
                                );
                            }
                            for (i, (k, kt)) in keys.iter().zip(&v.keys).enumerate() {
                                let t = self.type_of(k, sc)?;
                                if t.is_str() != kt.is_str() {
                                    return err(
                                        "D_ARR_KEYTYPE",
                                        format!("{}[ ] key #{} is incompatible with prototype:\n\tprototype: {}\n\t argument: {}", n, i + 1, kt, t),
                                    );
                                }
                            }
                            Ok(v.ty.clone())
                        }
                        None => err("D_IDENT_UNDEF", format!("failed to resolve {}: Unknown variable name", n)),
                    }
                }
                _ => {
                    let bt = self.type_of(base, sc)?;
                    let Some(elem) = bt.target().cloned() else {
                        return err("D_OP_INCOMPAT", format!("operator [ ] cannot be applied to type \"{}\"; must be applied to an array, a pointer or an associative array", bt));
                    };
                    if keys.len() != 1 {
                        return err(
                            "D_ARR_BADREF",
                            "operator [ ] may not be used with a tuple to index an array or pointer".into(),
                        );
                    }
                    if !self.type_of(&keys[0], sc)?.is_int() {
                        return err("D_ARR_KEYTYPE", "operator [ ] requires an integer index".into());
                    }
                    // A zero-length (flexible) array member has no bound.
                    if let (Type::Array(_, n @ 1..), Some(i)) = (&bt, self.const_eval(&keys[0], sc)) {
                        if i < 0 || i as u64 >= *n as u64 {
                            return err(
                                "D_ARR_BOUNDS",
                                format!("index {} is out of range for array of {} elements", i, n),
                            );
                        }
                    }
                    if elem == Type::Void {
                        return err("D_DEREF_VOID", "cannot dereference pointer to void".into());
                    }
                    Ok(elem)
                }
            },
            ExprKind::Call { name, args } => {
                for a in args {
                    if !matches!(a.kind, ExprKind::Agg(_)) {
                        self.type_of(a, sc)?;
                    }
                }
                let Some(b) = builtins::lookup(name) else {
                    return match self.global_ident_kind(name) {
                        Some(kind) => {
                            err("D_FUNC_IDKIND", format!("{} '{}' may not be referenced as a function", kind, name))
                        }
                        None => err("D_FUNC_UNDEF", format!("undefined function name: {}", name)),
                    };
                };
                if b.kind == Kind::Aggregating {
                    return err("D_CG_EXPR", format!("aggregating function {}( ) may not be called from a D expression (D program context required)", name));
                }
                b.check_args(line, args, |a| self.type_of(a, sc), |a| self.const_eval(a, sc) == Some(0))?;
                match b.id {
                    Id::Stack | Id::Ustack => stack_type(name, b.id == Id::Ustack, args, self, sc),
                    id => Ok(sym_kind(id).map_or_else(|| b.result_type(), Type::Sym)),
                }
            }
            ExprKind::Unary { op, expr } => {
                if *op == UnOp::AddrOf && matches!(expr.kind, ExprKind::Agg(_)) {
                    return err("D_ADDROF_VAR", "cannot take address of dynamic variable".into());
                }
                let t = self.type_of(expr, sc)?;
                match op {
                    UnOp::Not => {
                        if !t.is_scalar() {
                            return err("D_OP_SCALAR", format!("operator ! requires an operand of scalar type"));
                        }
                        Ok(Type::INT)
                    }
                    UnOp::Neg | UnOp::Plus => {
                        if !t.is_int() {
                            let o = if *op == UnOp::Neg { "-" } else { "+" };
                            return err("D_OP_ARITH", format!("operator {} requires an operand of arithmetic type", o));
                        }
                        Ok(t.promoted())
                    }
                    UnOp::BitNot => {
                        if !t.is_int() {
                            return err("D_OP_INT", "operator ~ requires an operand of integral type".into());
                        }
                        Ok(t.promoted())
                    }
                    UnOp::PreInc | UnOp::PreDec | UnOp::PostInc | UnOp::PostDec => {
                        let o = if matches!(op, UnOp::PreInc | UnOp::PostInc) { "++" } else { "--" };
                        if !t.is_scalar() {
                            return err("D_OP_SCALAR", format!("operator {} requires operand of scalar type", o));
                        }
                        if !is_lvalue(expr)
                            && !matches!(
                                expr.kind,
                                ExprKind::Unary { op: UnOp::Deref, .. }
                                    | ExprKind::Member { .. }
                                    | ExprKind::Arrow { .. }
                            )
                        {
                            return err(
                                "D_OP_LVAL",
                                format!("operator {} requires modifiable lvalue as an operand", o),
                            );
                        }
                        // The value stored: x + 1 or x - 1.
                        let one = ExprKind::Int { value: 1, unsigned: false, long: 0, nondecimal: false };
                        let one = Expr::new(one, line);
                        let bop = if matches!(op, UnOp::PreInc | UnOp::PostInc) { BinOp::Add } else { BinOp::Sub };
                        let _ = e.memo.op_ty.set(self.binary_type(line, bop, expr, &one, sc)?);
                        Ok(t)
                    }
                    UnOp::Deref => match t {
                        Type::Ptr(p) | Type::Array(p, _) if *p != Type::Void => Ok(*p),
                        Type::Ptr(_) => err("D_DEREF_VOID", "cannot dereference pointer to void".into()),
                        _ => err("D_DEREF_NONPTR", "cannot dereference non-pointer type".into()),
                    },
                    UnOp::AddrOf => {
                        let dynamic = match &expr.kind {
                            ExprKind::Ident(n) => !n.contains('`'),
                            ExprKind::SelfVar(_) | ExprKind::ThisVar(_) | ExprKind::Agg(_) => true,
                            ExprKind::Index { base, .. } => {
                                matches!(&base.kind, ExprKind::Ident(n) if !is_builtin_array(n) && self.syms.var(VarClass::Assoc, n).is_some())
                            }
                            _ => false,
                        };
                        if dynamic {
                            return err("D_ADDROF_VAR", "cannot take address of dynamic variable".into());
                        }
                        if matches!(
                            expr.kind,
                            ExprKind::Int { .. }
                                | ExprKind::Char(_)
                                | ExprKind::Str(_)
                                | ExprKind::Binary { .. }
                                | ExprKind::Call { .. }
                                | ExprKind::Cast { .. }
                                | ExprKind::Ternary { .. }
                                | ExprKind::Assign { .. }
                        ) || matches!(&expr.kind, ExprKind::Unary { op, .. } if *op != UnOp::Deref)
                        {
                            return err("D_ADDROF_LVAL", "unacceptable operand for unary & operator".into());
                        }
                        if !matches!(
                            expr.kind,
                            ExprKind::Member { .. } | ExprKind::Arrow { .. } | ExprKind::Unary { op: UnOp::Deref, .. }
                        ) && !matches!(&expr.kind, ExprKind::Index { base, .. } if self.type_of(base, sc).map_or(false, |t| t.target().is_some()))
                        {
                            return err(
                                "D_ADDROF_VAR",
                                "cannot take address of a D variable or an expression that is not in kernel memory"
                                    .into(),
                            );
                        }
                        Ok(Type::Ptr(Box::new(t)))
                    }
                }
            }
            ExprKind::Binary { op, lhs, rhs } => self.binary_type(line, *op, lhs, rhs, sc),
            ExprKind::Assign { op, lhs, rhs } => {
                let (a, b) = (self.type_of(lhs, sc)?, self.type_of(rhs, sc)?);
                let optext = match op {
                    Some(o) => format!("{}=", o.text()),
                    None => "=".to_string(),
                };
                if !is_lvalue(lhs) && !is_memory_lvalue(lhs) {
                    return err("D_OP_LVAL", format!("operator {} requires modifiable lvalue as an operand", optext));
                }
                if matches!(op, Some(BinOp::Div | BinOp::Mod)) && self.const_eval(rhs, sc) == Some(0) {
                    return err("D_DIV_ZERO", "expression contains division by zero".into());
                }
                if matches!(a, Type::Array(..)) && !a.is_str() {
                    return err(
                        "D_OP_ARRFUN",
                        format!("operator {} may not be applied to operand of type \"{}\"", optext, a),
                    );
                }
                if op.is_none() && self.deletes_dynvar(lhs, rhs) {
                    return Ok(a);
                }
                if (a.is_str() && !b.is_strcompat()) || (!a.is_str() && b.is_str()) || (op.is_some() && a.is_str()) {
                    return err(
                        "D_OP_INCOMPAT",
                        format!("operands have incompatible types: \"{}\" {} \"{}\"", a, optext, b),
                    );
                }
                // The value stored by `lhs op= rhs`: lhs op rhs.
                if let Some(op) = op {
                    let _ = e.memo.op_ty.set(self.binary_type(line, *op, lhs, rhs, sc)?);
                }
                Ok(a)
            }
            ExprKind::AggAssign { .. } => Ok(Type::Void),
            ExprKind::Ternary { cond, then, els } => {
                let c = self.type_of(cond, sc)?;
                if !c.is_scalar() {
                    return err("D_OP_SCALAR", "operator ?: expression must be of scalar type".into());
                }
                let (a, b) = (self.type_of(then, sc)?, self.type_of(els, sc)?);
                if a.is_str() != b.is_str() || a.is_aggregate() || b.is_aggregate() {
                    return err("D_OP_INCOMPAT", format!("operator ?: operands must have compatible types"));
                }
                if is_action_call(then) || is_action_call(els) {
                    return err("D_OP_ACT", "action cannot be used in a conditional context".into());
                }
                if a.is_str() {
                    Ok(Type::Str)
                } else {
                    Ok(arith_result(&a, &b))
                }
            }
            ExprKind::Cast { ty, expr } => {
                let from = self.type_of(expr, sc)?;
                let to = self.resolve_type(ty, line)?;
                if (from.is_str() != to.is_str() && to != Type::Void)
                    || to.is_aggregate()
                    || (from.is_aggregate() && !to.is_scalar())
                {
                    return err("D_CAST_INVAL", format!("invalid cast expression: \"{}\" to \"{}\"", from, to));
                }
                Ok(to)
            }
            ExprKind::SizeofType(_) | ExprKind::SizeofExpr(_) | ExprKind::Offsetof { .. } => {
                self.sizeof(e, sc)?;
                Ok(Type::ULONG)
            }
            ExprKind::Stringof(x) => {
                self.type_of(x, sc)?;
                Ok(Type::Str)
            }
            ExprKind::Member { expr, member } => {
                let t = self.type_of(expr, sc)?;
                match &t {
                    Type::Struct(_) => Ok(self.member_of(&t, member, line, ".")?.ty),
                    _ => err(
                        "D_OP_SOU",
                        format!("operator . cannot be applied to type \"{}\"; must be applied to a struct or union", t),
                    ),
                }
            }
            ExprKind::Arrow { expr, member } => {
                let t = self.type_of(expr, sc)?;
                match &t {
                    Type::Ptr(p) if matches!(**p, Type::Struct(_)) => Ok(self.member_of(p, member, line, "->")?.ty),
                    Type::Ptr(p) => err("D_OP_SOU", format!("operator -> cannot be applied to pointer to type \"{}\"; must be applied to a struct or union pointer", p)),
                    _ => err("D_OP_PTR", "operator -> must be applied to a pointer".into()),
                }
            }
            ExprKind::Xlate { .. } => err("D_UNSUPPORTED", "translators are not supported yet".into()),
        }
    }

    /// The type of `lhs op rhs`.
    fn binary_type(&self, line: u32, op: BinOp, lhs: &Expr, rhs: &Expr, sc: Scope) -> R<Type> {
        let err = |tag: &'static str, m: String| Err(CompileError::new(line, tag, m));
        let (a, b) = (self.type_of(lhs, sc)?, self.type_of(rhs, sc)?);
        if matches!(op, BinOp::Div | BinOp::Mod) && self.const_eval(rhs, sc) == Some(0) {
            return err("D_DIV_ZERO", "expression contains division by zero".into());
        }
        match op {
            BinOp::Comma => {
                if is_action_call(lhs) || is_action_call(rhs) {
                    return err("D_OP_ACT", "operator , operands cannot be actions".into());
                }
                Ok(b)
            }
            BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor | BinOp::Shl | BinOp::Shr | BinOp::Mod
                if !a.is_int() || !b.is_int() =>
            {
                err("D_OP_INT", format!("operator {} requires operands of integral type", op.text()))
            }
            BinOp::Mul | BinOp::Div if !a.is_int() || !b.is_int() => {
                err("D_OP_ARITH", format!("operator {} requires operands of arithmetic type", op.text()))
            }
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                // A string compares with a string, `char *` or
                // `char []` (D's "string-compatible" types), and
                // for equality with NULL.
                let strcmp = a.is_str() || b.is_str();
                if matches!(op, BinOp::Eq | BinOp::Ne) && self.null_comparison(lhs, rhs).is_some() {
                    return Ok(Type::INT);
                }
                if (strcmp && !(a.is_strcompat() && b.is_strcompat()))
                    || (!strcmp && (!a.decayed().is_scalar() || !b.decayed().is_scalar()))
                {
                    return err(
                        "D_OP_INCOMPAT",
                        format!("operands have incompatible types: \"{}\" {} \"{}\"", a, op.text(), b),
                    );
                }
                Ok(Type::INT)
            }
            BinOp::LogAnd | BinOp::LogOr | BinOp::LogXor => {
                if !a.is_scalar() || !b.is_scalar() {
                    return err(
                        "D_OP_SCALAR",
                        format!("operator {} requires operands of scalar type", op.text()),
                    );
                }
                Ok(Type::INT)
            }
            _ => {
                if !a.decayed().is_scalar() || !b.decayed().is_scalar() {
                    return err(
                        "D_OP_INCOMPAT",
                        format!("operands have incompatible types: \"{}\" {} \"{}\"", a, op.text(), b),
                    );
                }
                if matches!(op, BinOp::Shl | BinOp::Shr) {
                    return Ok(a.promoted());
                }
                let (pa, pb) = (a.decayed(), b.decayed());
                // No arithmetic on void pointers: the pointee has no size.
                let void_ptr = |t: &Type| matches!(t, Type::Ptr(p) if **p == Type::Void);
                if matches!(op, BinOp::Add | BinOp::Sub) && (void_ptr(&pa) || void_ptr(&pb)) {
                    return err(
                        "D_OP_INCOMPAT",
                        format!("operands have incompatible types: \"{}\" {} \"{}\"", a, op.text(), b),
                    );
                }
                match (op, &pa, &pb) {
                    (BinOp::Sub, Type::Ptr(_), Type::Ptr(_)) => Ok(Type::LONG),
                    (BinOp::Add | BinOp::Sub, Type::Ptr(_), _) | (BinOp::Add, _, Type::Ptr(_)) => {
                        Ok(arith_result(&pa, &pb))
                    }
                    (_, Type::Ptr(_), _) | (_, _, Type::Ptr(_))
                        if !matches!(op, BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor) =>
                    {
                        err(
                            "D_OP_INCOMPAT",
                            format!("operands have incompatible types: \"{}\" {} \"{}\"", a, op.text(), b),
                        )
                    }
                    _ => Ok(arith_result(&pa, &pb)),
                }
            }
        }
    }

    /// `sizeof(type)` / `sizeof expr` / `offsetof(type, member)`.
    pub(super) fn sizeof(&self, e: &Expr, sc: Scope) -> R<u64> {
        match &e.kind {
            ExprKind::SizeofType(t) => Ok(self.resolve_type(t, e.line)?.size(self.strsize)),
            ExprKind::SizeofExpr(x) => Ok(self.type_of(x, sc)?.size(self.strsize)),
            ExprKind::Offsetof { ty, member } => {
                let t = self.resolve_type(ty, e.line)?;
                if !matches!(t, Type::Struct(_)) {
                    return Err(CompileError::new(
                        e.line,
                        "D_OFFSETOF_TYPE",
                        "offsetof operand must be a struct or union type",
                    ));
                }
                let f = self.member_of(&t, member, e.line, "offsetof")?;
                if f.bits != 0 {
                    return Err(CompileError::new(
                        e.line,
                        "D_OFFSETOF_BITFIELD",
                        format!("cannot take offset of a bit-field: {}", member),
                    ));
                }
                Ok(f.offset_bits / 8)
            }
            _ => Ok(0),
        }
    }

    /// A written type, with DTrace's message when it cannot be resolved.
    pub fn resolve_type(&self, t: &TypeName, line: u32) -> R<Type> {
        self.types.resolve(t).map_err(|m| CompileError::new(line, "D_TYPE_ERR", m))
    }

    /// `struct NAME *` from the kernel's types (untyped when there is no BTF).
    pub fn kernel_struct_ptr(&self, name: &str) -> Type {
        let tn = TypeName { base: format!("struct {}", name), members: None, pointers: 1, dims: vec![] };
        self.types.resolve(&tn).unwrap_or(Type::Ptr(Box::new(Type::Void)))
    }

    /// A member of a struct or union type, or DTrace's error.
    pub fn member_of(&self, t: &Type, member: &str, line: u32, op: &str) -> R<crate::lang::types::Field> {
        let Type::Struct(c) = t else {
            return Err(CompileError::new(line, "D_OP_SOU", format!("{} is not a struct or union", t)));
        };
        if c.src == crate::lang::types::CompositeSrc::Incomplete {
            return Err(CompileError::new(
                line,
                "D_OP_INCOMPLETE",
                format!("operator {} cannot be applied to a forward declaration: no {} definition is available", op, t),
            ));
        }
        self.types
            .member(c, member)
            .ok_or_else(|| CompileError::new(line, "D_TYPE_MEMBER", format!("{} is not a member of {}", member, t)))
    }

    /// `args[i]`'s type in the clause. The index is not typed: its value
    /// is recorded for the code generator, which refuses one that is not
    /// a constant.
    fn arg_type(&self, idx: &Expr, sc: Scope) -> Type {
        let i = self.const_eval(idx, sc);
        let _ = idx.memo.value.set(i);
        match (sc.args, i) {
            (Some(ts), Some(i)) if i >= 0 => ts.get(i as usize).cloned().unwrap_or(Type::LONG),
            _ => Type::LONG,
        }
    }
}

/// `*p`, `p->m`, `p[i]` (p a pointer) and their members, of a typed
/// expression: memory that an assignment may write when it is scratch
/// space (alloca()'d).
pub fn is_memory_lvalue(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Unary { op: UnOp::Deref, .. } | ExprKind::Arrow { .. } => true,
        ExprKind::Index { base, .. } => match base.ty() {
            Some(Type::Ptr(_)) => true,
            Some(Type::Array(..)) => is_memory_lvalue(base),
            _ => false,
        },
        ExprKind::Member { expr, .. } => is_memory_lvalue(expr),
        _ => false,
    }
}

/// DTrace's error for an aggregation where a value is wanted.
pub fn agg_value(line: u32, name: &str) -> CompileError {
    CompileError::new(line, "D_AGG_SCALAR", format!("aggregation @{} cannot be used as a value", name))
}

pub fn is_lvalue(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Ident(n) => builtin_type(n).is_none(),
        ExprKind::SelfVar(_) | ExprKind::ThisVar(_) => true,
        ExprKind::Index { base, .. } => matches!(&base.kind, ExprKind::Ident(n) if !is_builtin_array(n)),
        // A member of a struct-valued D variable (never kernel memory).
        ExprKind::Member { expr, .. } => is_lvalue(expr),
        _ => false,
    }
}

/// C's rules for the type of an integer literal.
pub fn int_literal_type(v: u64, unsigned: bool, long: u8, nondecimal: bool) -> Type {
    let fits_int = v <= i32::MAX as u64;
    let fits_uint = v <= u32::MAX as u64;
    let fits_long = v <= i64::MAX as u64;
    if long == 0 {
        if unsigned {
            return if fits_uint { Type::UINT } else { Type::ULONG };
        }
        if fits_int {
            return Type::INT;
        }
        if nondecimal && fits_uint {
            return Type::UINT;
        }
    }
    if unsigned || !fits_long {
        Type::ULONG
    } else {
        Type::LONG
    }
}
