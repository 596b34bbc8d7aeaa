//! Declarations: every variable and aggregation of the program, declared
//! in program order (an assignment declares its variable with the value's
//! type), and D's declarations (`inline`, typedefs, typed variables).

use super::typeck::{builtin_type, is_builtin_array};
use super::{Scope, Sema, R};
use crate::lang::ast::*;
use crate::lang::builtins::{self, Id, Kind, NULL_STRING};
use crate::lang::diag::CompileError;
use crate::lang::nesting;
use crate::lang::types::Type;
use std::collections::HashMap;

/// The aggregating functions: the consumer's description, shared so the
/// compiler and the printer cannot disagree.
pub use crate::aggfn::AggKind as AggFunc;

impl AggFunc {
    /// The function's D name.
    pub fn name(&self) -> &'static str {
        match self {
            AggFunc::Count => "count",
            AggFunc::Sum => "sum",
            AggFunc::Avg => "avg",
            AggFunc::Min => "min",
            AggFunc::Max => "max",
            AggFunc::Stddev => "stddev",
            AggFunc::Quantize => "quantize",
            AggFunc::Lquantize { .. } => "lquantize",
            AggFunc::Llquantize { .. } => "llquantize",
        }
    }
}

#[derive(Clone, Debug)]
pub struct AggVar {
    pub name: String,
    pub id: usize,
    pub keys: Vec<Type>,
    pub func: AggFunc,
    /// Where the aggregation was first assigned.
    pub line: u32,
}

#[derive(Clone, Debug)]
pub struct Var {
    pub name: String,
    pub ty: Type,
    /// Key types of an associative array (empty for scalars).
    pub keys: Vec<Type>,
    /// Dense index within its class (globals: byte offset is assigned by codegen).
    pub id: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VarClass {
    Global,
    Assoc,
    SelfVar,
    ThisVar,
}

/// Every variable and aggregation of the program.
#[derive(Default, Debug)]
pub struct Symbols {
    pub globals: Vec<Var>,
    pub assocs: Vec<Var>,
    pub selfs: Vec<Var>,
    pub thises: Vec<Var>,
    pub aggs: Vec<AggVar>,
    index: HashMap<(VarClass, String), usize>,
    agg_index: HashMap<String, usize>,
}

impl Symbols {
    pub fn var(&self, class: VarClass, name: &str) -> Option<&Var> {
        let i = *self.index.get(&(class, name.to_string()))?;
        Some(&self.list(class)[i])
    }
    pub fn list(&self, class: VarClass) -> &Vec<Var> {
        match class {
            VarClass::Global => &self.globals,
            VarClass::Assoc => &self.assocs,
            VarClass::SelfVar => &self.selfs,
            VarClass::ThisVar => &self.thises,
        }
    }
    fn declare(&mut self, class: VarClass, name: &str, ty: Type, keys: Vec<Type>) -> usize {
        if let Some(&i) = self.index.get(&(class, name.to_string())) {
            return i;
        }
        let list = match class {
            VarClass::Global => &mut self.globals,
            VarClass::Assoc => &mut self.assocs,
            VarClass::SelfVar => &mut self.selfs,
            VarClass::ThisVar => &mut self.thises,
        };
        let id = list.len();
        list.push(Var { name: name.to_string(), ty, keys, id });
        self.index.insert((class, name.to_string()), id);
        id
    }
    pub fn agg(&self, name: &str) -> Option<&AggVar> {
        self.agg_index.get(name).map(|&i| &self.aggs[i])
    }
}

impl<'a> Sema<'a> {
    /// Checks the items of a program outside any clause (D's library),
    /// in order.
    pub fn declare_program(&mut self, p: &Program) -> R<()> {
        p.items.iter().try_for_each(|item| self.declare_item(item, Scope::FILE))
    }

    /// Checks the program's next item: declares what it declares, and
    /// types every expression of a clause, whose `args[]` have the types
    /// `args` (see [`Scope`]); then rewrites its string arguments.
    pub fn check_item(&mut self, item: &mut Item, args: Option<&[Type]>) -> R<()> {
        let sc = Scope { args };
        self.declare_item(item, sc)?;
        self.string_args(item, sc)
    }

    /// Declares every variable and aggregation of an item, checking a
    /// clause's expressions.
    fn declare_item(&mut self, item: &Item, sc: Scope) -> R<()> {
        match item {
            Item::Clause(c) => {
                if let Some(pr) = &c.predicate {
                    self.walk(pr, sc).map_err(|e| e.in_region("predicate"))?;
                }
                for s in &c.body {
                    self.walk_stmt(s, sc).map_err(|e| e.in_region("action list"))?;
                }
                Ok(())
            }
            Item::Decl(d) => self.declare_decl(d, sc),
            _ => Ok(()),
        }
    }

    fn declare_decl(&mut self, d: &Decl, sc: Scope) -> R<()> {
        let fail = |tag: &'static str, m: String| Err(CompileError::new(d.line, tag, m));
        if matches!(d.class, StorageClass::Static | StorageClass::Register) {
            return fail("D_DECL_BADCLASS", "specified storage class not appropriate in D".into());
        }
        if d.class == StorageClass::Inline {
            let Some(n) = d.names.first() else {
                return fail("D_DECL_USELESS", "inline declaration requires a name".into());
            };
            if let Some(kind) = self.global_ident_kind(&n.name) {
                return fail(
                    "D_DECL_IDRED",
                    format!(
                        "identifier redefined: {}\n\t current: inline definition\n\tprevious: {} {}",
                        n.name,
                        kind,
                        if self.inlines.contains_key(&n.name) { "inline" } else { "" }
                    ),
                );
            }
            if let Some(init) = &d.init {
                let it = self.type_of(init, sc)?;
                if n.assoc_keys.is_empty() {
                    let dt = self.resolve_type(&d.ty, d.line)?;
                    if dt == Type::Void && n.pointers == 0 {
                        return fail("D_DECL_VOIDOBJ", format!("cannot declare void inline: {}", n.name));
                    }
                    let dt = (0..n.pointers).fold(dt, |t, _| Type::Ptr(Box::new(t)));
                    let ok = if dt.is_str() || it.is_str() {
                        dt.is_str() && it.is_strcompat()
                    } else {
                        (dt.is_int() && it.is_int())
                            || (dt.decayed().is_scalar() && it.decayed().is_scalar() && !dt.is_int())
                            || dt == it
                    };
                    if !ok {
                        return fail(
                            "D_OP_INCOMPAT",
                            format!("inline {} definition uses incompatible types: \"{}\" = \"{}\"", n.name, dt, it),
                        );
                    }
                }
                // Code generation expands inlines in place: their depth
                // adds up.
                let depth = nesting::expanded_depth(init, &|i| self.inline_depths.get(i).copied().unwrap_or(0));
                if depth > nesting::MAX_NESTING {
                    return Err(nesting::too_deep(d.line, &n.name));
                }
                let mut init = init.clone();
                self.string_args_expr(&mut init, sc)?;
                self.inlines.insert(n.name.clone(), init);
                self.inline_depths.insert(n.name.clone(), depth);
            }
            return Ok(());
        }
        if d.names.is_empty()
            && d.ty.members.is_none()
            && !["struct ", "union ", "enum "].iter().any(|p| d.ty.base.starts_with(p))
        {
            return fail("D_DECL_USELESS", "useless declaration".into());
        }
        for n in &d.names {
            if n.name.contains('`') {
                return fail(
                    "D_DECL_SCOPE",
                    format!("D scoping operator may not be used in a declaration name ({})", n.name),
                );
            }
        }
        if d.class == StorageClass::Typedef || d.ty.members.is_some() {
            let globals = |n: &str| self.global_ident_kind(n).is_some();
            self.types
                .declare(d, &|e| self.const_eval(e, sc), &globals)
                .map_err(|(tag, m)| CompileError::new(d.line, tag, m))?;
        }
        if d.class == StorageClass::Typedef || d.names.is_empty() {
            return Ok(());
        }
        let base = self.resolve_type(&d.ty, d.line)?;
        for n in &d.names {
            if n.dims.contains(&0) {
                return fail(
                    "D_DECL_ARRNULL",
                    format!("array declaration requires array dimension or tuple signature: {}", n.name),
                );
            }
            if builtin_type(&n.name).is_some() {
                return fail("D_DECL_IDRED", format!("built-in identifier redeclared: {}", n.name));
            }
            if !n.assoc_keys.is_empty() && d.class == StorageClass::ThisVar {
                return fail(
                    "D_DECL_LOCASSC",
                    format!("associative arrays may not be declared as local variables: {}", n.name),
                );
            }
            if base == Type::Void && n.pointers == 0 {
                return fail("D_DECL_VOIDOBJ", format!("cannot have void object: {}", n.name));
            }
            let t = crate::lang::types::declarator_type(base.clone(), n);
            // Global arrays of scalars and of strings live in the globals
            // map; structs in any kind of variable (members are assigned
            // one by one).
            let scalar_array = d.class == StorageClass::None
                && matches!(&t, Type::Array(e, _) if e.decayed().is_scalar() || e.is_str());
            let struct_var = matches!(t, Type::Struct(_));
            if t.is_aggregate() && !scalar_array && !struct_var {
                return Err(CompileError::new(
                    d.line,
                    "D_DECL_TYPE",
                    format!("{}: variables of type {} are not supported yet", n.name, t),
                ));
            }
            let class = match d.class {
                StorageClass::SelfVar => VarClass::SelfVar,
                StorageClass::ThisVar => VarClass::ThisVar,
                _ if !n.assoc_keys.is_empty() => VarClass::Assoc,
                _ => VarClass::Global,
            };
            let mut keys = Vec::new();
            for k in &n.assoc_keys {
                keys.push(self.resolve_type(k, d.line)?);
            }
            let kind = |c: VarClass| {
                if c == VarClass::Assoc {
                    "associative array"
                } else {
                    "scalar"
                }
            };
            let prev = [VarClass::Global, VarClass::Assoc]
                .into_iter()
                .filter(|_| matches!(class, VarClass::Global | VarClass::Assoc))
                .chain(std::iter::once(class).filter(|c| matches!(c, VarClass::SelfVar | VarClass::ThisVar)))
                .find_map(|c| self.syms.var(c, &n.name).map(|v| (c, v.ty.clone(), v.keys.clone())));
            if let Some((pc, pt, pk)) = prev {
                if pc != class || pt != t || pk != keys {
                    return fail(
                        "D_DECL_IDRED",
                        format!(
                            "identifier redeclared: {}\n\t current: {} {}\n\tprevious: {} {}",
                            n.name,
                            kind(class),
                            t,
                            kind(pc),
                            pt
                        ),
                    );
                }
            }
            self.syms.declare(class, &n.name, t, keys);
        }
        Ok(())
    }

    /// What a global identifier already names, in DTrace's words, if anything.
    pub(super) fn global_ident_kind(&self, n: &str) -> Option<&'static str> {
        if builtin_type(n).is_some() || self.syms.var(VarClass::Global, n).is_some() || self.inlines.contains_key(n) {
            Some("scalar")
        } else if self.syms.var(VarClass::Assoc, n).is_some() {
            Some("associative array")
        } else if self.types.enumerators.borrow().contains_key(n) {
            Some("enumerator")
        } else {
            None
        }
    }

    fn walk_stmt(&mut self, s: &Stmt, sc: Scope) -> R<()> {
        match s {
            Stmt::Expr(e) => self.walk(e, sc),
            Stmt::If { cond, then, els, .. } => {
                self.walk(cond, sc)?;
                for s in then.iter().chain(els.iter()) {
                    self.walk_stmt(s, sc)?;
                }
                Ok(())
            }
            Stmt::Decl(d) => self.declare_decl(d, sc),
            Stmt::Empty => Ok(()),
        }
    }

    /// Declares what an expression assigns, then checks its type.
    fn walk(&mut self, e: &Expr, sc: Scope) -> R<()> {
        if let ExprKind::Call { name, .. } = &e.kind {
            self.null_strings |= builtins::lookup(name).is_some_and(|b| b.has(NULL_STRING));
        }
        match &e.kind {
            ExprKind::Assign { op, lhs, rhs } => {
                self.walk(rhs, sc)?;
                let rt = self.type_of(rhs, sc)?;
                if let Ok(lt @ Type::Array(..)) = self.type_of(lhs, sc) {
                    if !lt.is_str() {
                        let optext = op.map_or("=".to_string(), |o| format!("{}=", o.text()));
                        return Err(CompileError::new(
                            e.line,
                            "D_OP_ARRFUN",
                            format!("operator {} may not be applied to operand of type \"{}\"", optext, lt),
                        ));
                    }
                }
                // A char array is stored as a string; other arrays and
                // structs would need copies of kernel memory.
                let rt = match rt {
                    Type::Array(..) if rt.is_strcompat() => Type::Str,
                    t if t.is_aggregate() => {
                        return Err(CompileError::new(
                            e.line,
                            "D_OP_INCOMPAT",
                            format!("storing a value of type {} in a variable is not supported yet", t),
                        ));
                    }
                    t => t,
                };
                match &lhs.kind {
                    ExprKind::Ident(n) if builtin_type(n).is_none() && !self.inlines.contains_key(n) => {
                        self.syms.declare(VarClass::Global, n, rt.promoted_for_storage(), vec![]);
                    }
                    ExprKind::SelfVar(n) => {
                        self.syms.declare(VarClass::SelfVar, n, rt.promoted_for_storage(), vec![]);
                    }
                    ExprKind::ThisVar(n) => {
                        self.syms.declare(VarClass::ThisVar, n, rt.promoted_for_storage(), vec![]);
                    }
                    ExprKind::Index { base, keys } => {
                        if let ExprKind::Ident(n) = &base.kind {
                            let is_array = self
                                .syms
                                .var(VarClass::Global, n)
                                .is_some_and(|v| matches!(v.ty, Type::Array(..) | Type::Ptr(_)));
                            if !is_builtin_array(n) && !is_array {
                                for k in keys {
                                    self.walk(k, sc)?;
                                }
                                let kt = keys
                                    .iter()
                                    .map(|k| self.type_of(k, sc).map(|t| t.promoted_for_storage()))
                                    .collect::<R<Vec<_>>>()?;
                                if self.syms.var(VarClass::Global, n).is_some() {
                                    return Err(CompileError::new(
                                        e.line,
                                        "D_IDENT_BADREF",
                                        format!("scalar '{}' may not be referenced as associative array", n),
                                    ));
                                }
                                self.syms.declare(VarClass::Assoc, n, rt.promoted_for_storage(), kt);
                            }
                        }
                    }
                    _ => {}
                }
                let _ = op;
                self.type_of(e, sc)?;
                Ok(())
            }
            ExprKind::Unary { op: UnOp::PreInc | UnOp::PreDec | UnOp::PostInc | UnOp::PostDec, expr } => {
                // `i++` on a new variable declares it as an int, as in DTrace.
                let one = Expr::new(ExprKind::Int { value: 0, unsigned: false, long: 0, nondecimal: false }, e.line);
                let decl = Expr::new(ExprKind::Assign { op: None, lhs: expr.clone(), rhs: Box::new(one) }, e.line);
                if self.type_of(expr, sc).is_err() {
                    self.walk(&decl, sc)?;
                }
                self.type_of(e, sc).map(|_| ())
            }
            ExprKind::AggAssign { name, keys, func, args } => {
                for k in keys.iter().chain(args.iter()) {
                    self.walk(k, sc)?;
                }
                self.declare_agg(e.line, name, keys, func, args, sc)?;
                self.type_of(e, sc).map(|_| ())
            }
            _ => {
                let mut r = Ok(());
                let mut kids = Vec::new();
                collect_children(e, &mut kids);
                for k in kids {
                    if r.is_ok() {
                        r = self.walk(k, sc);
                    }
                }
                r?;
                self.type_of(e, sc).map(|_| ())
            }
        }
    }

    fn declare_agg(&mut self, line: u32, name: &str, keys: &[Expr], func: &str, args: &[Expr], sc: Scope) -> R<()> {
        let konst = |i: usize| -> R<i64> {
            self.const_eval(&args[i], sc).ok_or_else(|| {
                CompileError::new(
                    line,
                    "D_LQUANT_BASETYPE",
                    format!("{}( ) argument #{} must be an integer constant", func, i + 1),
                )
            })
        };
        let disp = if name.is_empty() { "@".to_string() } else { format!("@{}", name) };
        let b = match builtins::lookup(func) {
            Some(b) if b.kind == Kind::Aggregating => b,
            Some(_) => {
                return Err(CompileError::new(
                    line,
                    "D_AGG_FUNC",
                    format!("{} must be assigned the result of an aggregating function", disp),
                ))
            }
            None => return Err(CompileError::new(line, "D_FUNC_UNDEF", format!("undefined function name: {}", func))),
        };
        b.check_args(line, args, |a| self.type_of(a, sc), |_| false)?;
        let f = match b.id {
            Id::Count => AggFunc::Count,
            Id::Sum => AggFunc::Sum,
            Id::Avg => AggFunc::Avg,
            Id::Min => AggFunc::Min,
            Id::Max => AggFunc::Max,
            Id::Stddev => AggFunc::Stddev,
            Id::Quantize => AggFunc::Quantize,
            Id::Lquantize => {
                let (base, limit, step) = (konst(1)?, konst(2)?, konst(3)?);
                if step <= 0 {
                    return Err(CompileError::new(
                        line,
                        "D_LQUANT_STEPVAL",
                        "lquantize( ) step must be greater than zero",
                    ));
                }
                if limit <= base {
                    return Err(CompileError::new(
                        line,
                        "D_LQUANT_MISMATCH",
                        "lquantize( ) limit must be greater than base",
                    ));
                }
                if (limit - base) / step > 65535 {
                    return Err(CompileError::new(
                        line,
                        "D_LQUANT_STEPLARGE",
                        "lquantize( ) step too small for given range",
                    ));
                }
                AggFunc::Lquantize { base, limit, step }
            }
            Id::Llquantize => {
                let (factor, low, high, nsteps) = (konst(1)?, konst(2)?, konst(3)?, konst(4)?);
                if !(2..=65535).contains(&factor) {
                    return Err(CompileError::new(
                        line,
                        "D_LLQUANT_FACTORVAL",
                        "llquantize( ) factor must be greater than one",
                    ));
                }
                if high < low || high > 65535 || low < 0 {
                    return Err(CompileError::new(
                        line,
                        "D_LLQUANT_HIGHVAL",
                        "llquantize( ) high magnitude must be greater than low magnitude",
                    ));
                }
                if nsteps <= 0
                    || nsteps > 65535
                    || (nsteps < factor && factor % nsteps != 0)
                    || (nsteps >= factor && nsteps % factor != 0)
                {
                    return Err(CompileError::new(
                        line,
                        "D_LLQUANT_NSTEPMATCH",
                        "llquantize( ) factor must evenly divide number of steps",
                    ));
                }
                AggFunc::Llquantize { factor: factor as u16, low: low as u16, high: high as u16, nsteps: nsteps as u16 }
            }
            _ => {
                return Err(CompileError::new(
                    line,
                    "D_AGG_FUNC",
                    format!("{} must be assigned the result of an aggregating function", disp),
                ))
            }
        };
        for a in args.iter().take(1) {
            let t = self.type_of(a, sc)?;
            if f != AggFunc::Count && !t.is_scalar() {
                return Err(CompileError::new(
                    line,
                    "D_PROTO_ARG",
                    format!(
                        "{}( ) argument #1 is incompatible with prototype:\n\tprototype: int64_t\n\t argument: {}",
                        func, t
                    ),
                ));
            }
        }
        let kt = keys.iter().map(|k| self.type_of(k, sc).map(|t| t.promoted_for_storage())).collect::<R<Vec<_>>>()?;
        if let Some(a) = self.syms.agg(name) {
            if a.func.name() != f.name() || a.func != f {
                if a.func.name() != f.name() {
                    return Err(CompileError::new(
                        line,
                        "D_AGG_REDEF",
                        format!(
                            "aggregation redefined: {d}\n\t current: {d} = {}( )\n\tprevious: {d} = {}( ) : line {}",
                            func,
                            a.func.name(),
                            a.line,
                            d = disp
                        ),
                    ));
                }
                return Err(CompileError::new(
                    line,
                    "D_AGG_REDEF",
                    format!("{} redefined as {}( ): previously defined as {}( )", disp, func, a.func.name()),
                ));
            }
            if a.keys != kt {
                return Err(CompileError::new(
                    line,
                    "D_AGG_REDEF",
                    format!("{} redefined with different key signature", disp),
                ));
            }
            return Ok(());
        }
        let id = self.syms.aggs.len();
        self.syms.aggs.push(AggVar { name: name.to_string(), id, keys: kt, func: f, line });
        self.syms.agg_index.insert(name.to_string(), id);
        Ok(())
    }
}

impl Type {
    /// Variables hold at least an int (D stores char/short as declared, but
    /// inferring a `char` variable from `'a'` would surprise; keep C's
    /// promoted type for inferred variables).
    pub fn promoted_for_storage(&self) -> Type {
        self.clone()
    }
}

fn collect_children<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
    match &e.kind {
        ExprKind::Index { base, keys } => {
            if !matches!(base.kind, ExprKind::Ident(_)) {
                out.push(base);
            }
            out.extend(keys.iter());
        }
        ExprKind::Call { args, .. } => out.extend(args.iter().filter(|a| !matches!(a.kind, ExprKind::Agg(_)))),
        ExprKind::Unary { expr, .. }
        | ExprKind::Cast { expr, .. }
        | ExprKind::SizeofExpr(expr)
        | ExprKind::Stringof(expr)
        | ExprKind::Member { expr, .. }
        | ExprKind::Arrow { expr, .. }
        | ExprKind::Xlate { expr, .. } => out.push(expr),
        ExprKind::Binary { lhs, rhs, .. } | ExprKind::Assign { lhs, rhs, .. } => {
            out.push(lhs);
            out.push(rhs);
        }
        ExprKind::AggAssign { keys, args, .. } => {
            out.extend(keys.iter());
            out.extend(args.iter());
        }
        ExprKind::Ternary { cond, then, els } => {
            out.push(cond);
            out.push(then);
            out.push(els);
        }
        _ => {}
    }
}
