//! Semantic analysis: macro expansion, variable and aggregation
//! declarations (D infers a variable's type from its first assignment in
//! program order), and the type of every expression.

use super::ast::*;
use super::diag::CompileError;
use super::types::{arith_result, resolve_type_name, Type};
use std::collections::HashMap;

type R<T> = Result<T, CompileError>;

/// Values of `$1..$N`, `$target` and friends.
#[derive(Clone, Debug, Default)]
pub struct MacroEnv {
    /// `$0` is the script name, `$1..` the arguments after it.
    pub args: Vec<String>,
    pub target: Option<i32>,
    pub defaultargs: bool,
}

/// Replaces macro references by literals (or identifiers, for `$1` whose
/// value is an identifier), in expressions and probe descriptions.
pub fn expand_macros(p: &mut Program, env: &MacroEnv) -> R<()> {
    for item in &mut p.items {
        if let Item::Clause(c) = item {
            for d in &mut c.probes {
                for f in [&mut d.provider, &mut d.module, &mut d.function, &mut d.name] {
                    if f.contains('$') {
                        *f = expand_text(f, env, d.line)?;
                    }
                }
            }
            if let Some(pr) = &mut c.predicate {
                expand_expr(pr, env)?;
            }
            for s in &mut c.body {
                expand_stmt(s, env)?;
            }
        }
    }
    Ok(())
}

fn macro_value(name: &str, env: &MacroEnv, line: u32) -> R<Option<String>> {
    let v = match name {
        "target" => env.target.map(|t| t.to_string()).or(Some("0".into())),
        "pid" => Some(std::process::id().to_string()),
        "ppid" => Some(unsafe { libc::getppid() }.to_string()),
        "uid" => Some(unsafe { libc::getuid() }.to_string()),
        "gid" => Some(unsafe { libc::getgid() }.to_string()),
        "euid" => Some(unsafe { libc::geteuid() }.to_string()),
        "egid" => Some(unsafe { libc::getegid() }.to_string()),
        "pgid" => Some(unsafe { libc::getpgrp() }.to_string()),
        "sid" => Some(unsafe { libc::getsid(0) }.to_string()),
        n if n.bytes().all(|c| c.is_ascii_digit()) => {
            let i: usize = n.parse().map_err(|_| CompileError::new(line, "D_MACRO_UNDEF", format!("macro argument ${} is not defined", n)))?;
            match env.args.get(i) {
                Some(v) => Some(v.clone()),
                None if env.defaultargs => None,
                None => {
                    return Err(CompileError::new(line, "D_MACRO_UNDEF", format!("macro argument ${} is not defined", n)));
                }
            }
        }
        _ => return Err(CompileError::new(line, "D_MACRO_UNDEF", format!("macro variable ${} is not defined", name))),
    };
    Ok(v)
}

fn expand_text(s: &str, env: &MacroEnv, line: u32) -> R<String> {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let n = after.bytes().take_while(|c| c.is_ascii_alphanumeric() || *c == b'_').count();
        out.push_str(&macro_value(&after[..n], env, line)?.unwrap_or_default());
        rest = &after[n..];
    }
    out.push_str(rest);
    Ok(out)
}

fn expand_stmt(s: &mut Stmt, env: &MacroEnv) -> R<()> {
    match s {
        Stmt::Expr(e) => expand_expr(e, env),
        Stmt::If { cond, then, els, .. } => {
            expand_expr(cond, env)?;
            for s in then.iter_mut().chain(els.iter_mut()) {
                expand_stmt(s, env)?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

fn expand_expr(e: &mut Expr, env: &MacroEnv) -> R<()> {
    let line = e.line;
    match &mut e.kind {
        ExprKind::Macro(name) => {
            let v = macro_value(name, env, line)?;
            e.kind = match v {
                None => ExprKind::Int { value: 0, unsigned: false, long: 0, nondecimal: false },
                Some(v) => match parse_int_text(&v) {
                    Some(n) => ExprKind::Int { value: n, unsigned: false, long: 0, nondecimal: false },
                    None if is_ident(&v) => ExprKind::Ident(v),
                    None => {
                        return Err(CompileError::new(line, "D_MACRO_ARG", format!("macro argument ${} is not a valid integer or identifier", name)));
                    }
                },
            };
        }
        ExprKind::MacroStr(name) => {
            let v = macro_value(name, env, line)?.unwrap_or_default();
            e.kind = ExprKind::Str(v.into_bytes());
        }
        _ => {
            let mut r = Ok(());
            visit_children_mut(e, &mut |c| {
                if r.is_ok() {
                    r = expand_expr(c, env);
                }
            });
            r?;
        }
    }
    Ok(())
}

fn parse_int_text(s: &str) -> Option<u64> {
    let (neg, s) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s),
    };
    let v = if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        u64::from_str_radix(h, 16).ok()?
    } else if s.len() > 1 && s.starts_with('0') {
        u64::from_str_radix(&s[1..], 8).ok()?
    } else {
        s.parse().ok()?
    };
    Some(if neg { v.wrapping_neg() } else { v })
}

fn is_ident(s: &str) -> bool {
    let mut b = s.bytes();
    matches!(b.next(), Some(c) if c.is_ascii_alphabetic() || c == b'_') && b.all(|c| c.is_ascii_alphanumeric() || c == b'_')
}

/// Calls `f` on each direct sub-expression of `e`.
pub fn visit_children_mut(e: &mut Expr, f: &mut dyn FnMut(&mut Expr)) {
    match &mut e.kind {
        ExprKind::Index { base, keys } => {
            f(base);
            keys.iter_mut().for_each(f);
        }
        ExprKind::Call { args, .. } => args.iter_mut().for_each(f),
        ExprKind::Unary { expr, .. }
        | ExprKind::Cast { expr, .. }
        | ExprKind::SizeofExpr(expr)
        | ExprKind::Stringof(expr)
        | ExprKind::Member { expr, .. }
        | ExprKind::Arrow { expr, .. }
        | ExprKind::Xlate { expr, .. } => f(expr),
        ExprKind::Binary { lhs, rhs, .. } | ExprKind::Assign { lhs, rhs, .. } => {
            f(lhs);
            f(rhs);
        }
        ExprKind::AggAssign { keys, args, .. } => {
            keys.iter_mut().for_each(&mut *f);
            args.iter_mut().for_each(f);
        }
        ExprKind::Ternary { cond, then, els } => {
            f(cond);
            f(then);
            f(els);
        }
        _ => {}
    }
}

/// The aggregating functions: the consumer's description, shared so the
/// compiler and the printer cannot disagree.
pub use crate::consume::agg::AggKind as AggFunc;

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

/// The D built-in variables and their types.
pub fn builtin_type(name: &str) -> Option<Type> {
    Some(match name {
        "arg0" | "arg1" | "arg2" | "arg3" | "arg4" | "arg5" | "arg6" | "arg7" | "arg8" | "arg9" => Type::LONG,
        "pid" | "tid" | "ppid" | "cpu" | "errno" | "$target" => Type::INT,
        "uid" | "gid" | "id" | "epid" => Type::UINT,
        "timestamp" | "vtimestamp" | "walltimestamp" | "ipl" | "caller" | "ucaller" | "uregs" => Type::ULONG,
        "execname" | "probeprov" | "probemod" | "probefunc" | "probename" | "zonename" | "cwd" | "root" => Type::Str,
        "curthread" | "curpsinfo" | "curlwpsinfo" => Type::Ptr(Box::new(Type::Void)),
        _ => return None,
    })
}

/// Return types of the subroutines that produce values.
fn subroutine_type(name: &str) -> Option<Type> {
    Some(match name {
        "strlen" => Type::ULONG,
        "strjoin" | "copyinstr" | "stringof" | "lltostr" | "basename" | "dirname" | "substr" | "strchr"
        | "strrchr" | "strstr" | "strtok" | "toupper" | "tolower" | "cleanpath" | "inet_ntoa" | "inet_ntop" | "inet_ntoa6" => Type::Str,
        "bcopy" | "copyinto" => Type::Void,
        "copyin" | "alloca" => Type::Ptr(Box::new(Type::Void)),
        "rand" => Type::INT,
        "progenyof" | "index" | "rindex" => Type::INT,
        "strtoll" => Type::LONG,
        "speculation" => Type::INT,
        "htons" | "ntohs" => Type::Int { size: 2, signed: false },
        "htonl" | "ntohl" => Type::UINT,
        "htonll" | "ntohll" => Type::ULONG,
        _ => return None,
    })
}

/// The value of a name some subroutine arguments may use although D has no
/// such constant here yet: `strtok(NULL, ...)`, `inet_ntop(AF_INET6, ...)`.
pub fn subr_keyword_arg(subr: &str, i: usize, e: &Expr) -> Option<i64> {
    let ExprKind::Ident(n) = &e.kind else { return None };
    match (subr, i, n.as_str()) {
        ("strtok", 0, "NULL") => Some(0),
        ("inet_ntop", 0, "AF_INET") => Some(2),
        ("inet_ntop", 0, "AF_INET6") => Some(10),
        _ => None,
    }
}

/// Actions: calls that are statements and have no value.
pub fn is_action(name: &str) -> bool {
    matches!(
        name,
        "trace" | "printf" | "printa" | "exit" | "clear" | "trunc" | "normalize" | "denormalize" | "stack"
            | "ustack" | "tracemem" | "setopt" | "raise" | "stop" | "system" | "commit" | "discard"
            | "speculate" | "chill" | "copyout" | "copyoutstr" | "breakpoint" | "panic" | "freopen"
            | "ftruncate" | "print" | "jstack" | "func" | "sym" | "mod" | "ufunc" | "usym" | "umod" | "uaddr"
    )
}

pub struct Sema<'a> {
    pub syms: Symbols,
    /// Names of `inline` constants and their expressions.
    pub inlines: HashMap<String, Expr>,
    pub strsize: u32,
    _p: std::marker::PhantomData<&'a ()>,
}

impl<'a> Sema<'a> {
    pub fn new(strsize: u32) -> Sema<'a> {
        Sema { syms: Symbols::default(), inlines: HashMap::new(), strsize, _p: Default::default() }
    }

    /// Declares every variable and aggregation, in program order, checking
    /// each clause's expressions.
    pub fn declare_program(&mut self, p: &Program) -> R<()> {
        for item in &p.items {
            match item {
                Item::Clause(c) => {
                    if let Some(pr) = &c.predicate {
                        self.walk(pr)?;
                    }
                    for s in &c.body {
                        self.walk_stmt(s)?;
                    }
                }
                Item::Decl(d) => self.declare_decl(d)?,
                _ => {}
            }
        }
        Ok(())
    }

    fn declare_decl(&mut self, d: &Decl) -> R<()> {
        if d.class == StorageClass::Inline {
            if let (Some(n), Some(init)) = (d.names.first(), &d.init) {
                self.inlines.insert(n.name.clone(), init.clone());
            }
            return Ok(());
        }
        if d.class == StorageClass::Typedef || d.names.is_empty() {
            return Ok(());
        }
        let base = resolve_type_name(&d.ty)
            .ok_or_else(|| CompileError::new(d.line, "D_TYPE_ERR", format!("failed to resolve type {}", d.ty.base)))?;
        for n in &d.names {
            let mut t = base.clone();
            for _ in 0..n.pointers {
                t = Type::Ptr(Box::new(t));
            }
            let class = match d.class {
                StorageClass::SelfVar => VarClass::SelfVar,
                StorageClass::ThisVar => VarClass::ThisVar,
                _ if !n.assoc_keys.is_empty() => VarClass::Assoc,
                _ => VarClass::Global,
            };
            let mut keys = Vec::new();
            for k in &n.assoc_keys {
                keys.push(resolve_type_name(k).ok_or_else(|| {
                    CompileError::new(d.line, "D_TYPE_ERR", format!("failed to resolve type {}", k.base))
                })?);
            }
            self.syms.declare(class, &n.name, t, keys);
        }
        Ok(())
    }

    fn walk_stmt(&mut self, s: &Stmt) -> R<()> {
        match s {
            Stmt::Expr(e) => self.walk(e),
            Stmt::If { cond, then, els, .. } => {
                self.walk(cond)?;
                for s in then.iter().chain(els.iter()) {
                    self.walk_stmt(s)?;
                }
                Ok(())
            }
            Stmt::Decl(d) => self.declare_decl(d),
            Stmt::Empty => Ok(()),
        }
    }

    /// Declares what an expression assigns, then checks its type.
    fn walk(&mut self, e: &Expr) -> R<()> {
        match &e.kind {
            ExprKind::Assign { op, lhs, rhs } => {
                self.walk(rhs)?;
                let rt = self.type_of(rhs)?;
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
                            if n != "args" {
                                for k in keys {
                                    self.walk(k)?;
                                }
                                let kt = keys.iter().map(|k| self.type_of(k).map(|t| t.promoted_for_storage())).collect::<R<Vec<_>>>()?;
                                if self.syms.var(VarClass::Global, n).is_some() {
                                    return Err(CompileError::new(e.line, "D_OP_INCOMPAT", format!("{} is a scalar, not an associative array", n)));
                                }
                                self.syms.declare(VarClass::Assoc, n, rt.promoted_for_storage(), kt);
                            }
                        }
                    }
                    _ => {}
                }
                let _ = op;
                self.type_of(e)?;
                Ok(())
            }
            ExprKind::Unary { op: UnOp::PreInc | UnOp::PreDec | UnOp::PostInc | UnOp::PostDec, expr } => {
                // `i++` on a new variable declares it as an int, as in DTrace.
                let one = Expr::new(ExprKind::Int { value: 0, unsigned: false, long: 0, nondecimal: false }, e.line);
                let decl = Expr::new(ExprKind::Assign { op: None, lhs: expr.clone(), rhs: Box::new(one) }, e.line);
                if self.type_of(expr).is_err() {
                    self.walk(&decl)?;
                }
                self.type_of(e).map(|_| ())
            }
            ExprKind::AggAssign { name, keys, func, args } => {
                for k in keys.iter().chain(args.iter()) {
                    self.walk(k)?;
                }
                self.declare_agg(e.line, name, keys, func, args)
            }
            _ => {
                let mut r = Ok(());
                let mut kids = Vec::new();
                collect_children(e, &mut kids);
                for k in kids {
                    if r.is_ok() {
                        r = self.walk(k);
                    }
                }
                r?;
                self.type_of(e).map(|_| ())
            }
        }
    }

    fn declare_agg(&mut self, line: u32, name: &str, keys: &[Expr], func: &str, args: &[Expr]) -> R<()> {
        let nargs = |n: std::ops::RangeInclusive<usize>| -> R<()> {
            if n.contains(&args.len()) {
                Ok(())
            } else {
                Err(CompileError::new(
                    line,
                    "D_PROTO_LEN",
                    format!("{}( ) prototype mismatch: {} arg{} passed, {} expected", func, args.len(), if args.len() == 1 { "" } else { "s" }, n.start()),
                ))
            }
        };
        let konst = |i: usize| -> R<i64> {
            self.const_eval(&args[i]).ok_or_else(|| {
                CompileError::new(line, "D_LQUANT_BASETYPE", format!("{}( ) argument #{} must be an integer constant", func, i + 1))
            })
        };
        // The functions without parameters of their own: name, kind, how
        // many arguments (quantize takes an optional increment).
        let simple: &[(&str, AggFunc, std::ops::RangeInclusive<usize>)] = &[
            ("count", AggFunc::Count, 0..=0),
            ("sum", AggFunc::Sum, 1..=1),
            ("avg", AggFunc::Avg, 1..=1),
            ("min", AggFunc::Min, 1..=1),
            ("max", AggFunc::Max, 1..=1),
            ("stddev", AggFunc::Stddev, 1..=1),
            ("quantize", AggFunc::Quantize, 1..=2),
        ];
        let f = match simple.iter().find(|(n, _, _)| *n == func) {
            Some((_, kind, range)) => {
                nargs(range.clone())?;
                kind.clone()
            }
            None => match func {
            "lquantize" => {
                nargs(4..=5)?;
                let (base, limit, step) = (konst(1)?, konst(2)?, konst(3)?);
                if step <= 0 {
                    return Err(CompileError::new(line, "D_LQUANT_STEPVAL", "lquantize( ) step must be greater than zero"));
                }
                if limit <= base {
                    return Err(CompileError::new(line, "D_LQUANT_MISMATCH", "lquantize( ) limit must be greater than base"));
                }
                if (limit - base) / step > 65535 {
                    return Err(CompileError::new(line, "D_LQUANT_STEPLARGE", "lquantize( ) step too small for given range"));
                }
                AggFunc::Lquantize { base, limit, step }
            }
            "llquantize" => {
                nargs(5..=6)?;
                let (factor, low, high, nsteps) = (konst(1)?, konst(2)?, konst(3)?, konst(4)?);
                if !(2..=65535).contains(&factor) {
                    return Err(CompileError::new(line, "D_LLQUANT_FACTORVAL", "llquantize( ) factor must be greater than one"));
                }
                if high < low || high > 65535 || low < 0 {
                    return Err(CompileError::new(line, "D_LLQUANT_HIGHVAL", "llquantize( ) high magnitude must be greater than low magnitude"));
                }
                if nsteps <= 0 || nsteps > 65535 || (nsteps < factor && factor % nsteps != 0) || (nsteps >= factor && nsteps % factor != 0) {
                    return Err(CompileError::new(line, "D_LLQUANT_NSTEPMATCH", "llquantize( ) factor must evenly divide number of steps"));
                }
                AggFunc::Llquantize { factor: factor as u16, low: low as u16, high: high as u16, nsteps: nsteps as u16 }
            }
            _ => {
                return Err(CompileError::new(line, "D_AGG_FUNC", format!("failed to resolve {}: Unknown aggregating function", func)));
            }
            },
        };
        for a in args.iter().take(1) {
            let t = self.type_of(a)?;
            if f != AggFunc::Count && !t.is_scalar() {
                return Err(CompileError::new(line, "D_PROTO_ARG", format!("{}( ) argument #1 is incompatible with prototype:\n\tprototype: int64_t\n\t argument: {}", func, t)));
            }
        }
        let kt = keys.iter().map(|k| self.type_of(k).map(|t| t.promoted_for_storage())).collect::<R<Vec<_>>>()?;
        let disp = if name.is_empty() { "@".to_string() } else { format!("@{}", name) };
        if let Some(a) = self.syms.agg(name) {
            if a.func.name() != f.name() || a.func != f {
                return Err(CompileError::new(line, "D_AGG_REDEF", format!("{} redefined as {}( ): previously defined as {}( )", disp, func, a.func.name())));
            }
            if a.keys != kt {
                return Err(CompileError::new(line, "D_AGG_REDEF", format!("{} redefined with different key signature", disp)));
            }
            return Ok(());
        }
        let id = self.syms.aggs.len();
        self.syms.aggs.push(AggVar { name: name.to_string(), id, keys: kt, func: f });
        self.syms.agg_index.insert(name.to_string(), id);
        Ok(())
    }

    /// Evaluates an integer constant expression, if it is one.
    pub fn const_eval(&self, e: &Expr) -> Option<i64> {
        Some(match &e.kind {
            ExprKind::Int { value, .. } => *value as i64,
            ExprKind::Char(c) => *c,
            ExprKind::Ident(n) => return self.inlines.get(n).and_then(|e| self.const_eval(e)),
            ExprKind::Unary { op: UnOp::Neg, expr } => self.const_eval(expr)?.wrapping_neg(),
            ExprKind::Unary { op: UnOp::Plus, expr } => self.const_eval(expr)?,
            ExprKind::Unary { op: UnOp::BitNot, expr } => !self.const_eval(expr)?,
            ExprKind::Cast { expr, .. } => self.const_eval(expr)?,
            ExprKind::Binary { op, lhs, rhs } => {
                let (a, b) = (self.const_eval(lhs)?, self.const_eval(rhs)?);
                match op {
                    BinOp::Add => a.wrapping_add(b),
                    BinOp::Sub => a.wrapping_sub(b),
                    BinOp::Mul => a.wrapping_mul(b),
                    BinOp::Div if b != 0 => a.wrapping_div(b),
                    BinOp::Mod if b != 0 => a.wrapping_rem(b),
                    BinOp::Shl => a.wrapping_shl(b as u32),
                    BinOp::Shr => a.wrapping_shr(b as u32),
                    BinOp::BitAnd => a & b,
                    BinOp::BitOr => a | b,
                    BinOp::BitXor => a ^ b,
                    _ => return None,
                }
            }
            _ => return None,
        })
    }

    /// The type of an expression (variables must be declared already).
    pub fn type_of(&self, e: &Expr) -> R<Type> {
        let line = e.line;
        let err = |tag: &'static str, m: String| Err(CompileError::new(line, tag, m));
        match &e.kind {
            ExprKind::Int { value, unsigned, long, nondecimal } => Ok(int_literal_type(*value, *unsigned, *long, *nondecimal)),
            ExprKind::Char(_) => Ok(Type::CHAR),
            ExprKind::Str(_) => Ok(Type::Str),
            ExprKind::Ident(n) => {
                if let Some(t) = builtin_type(n) {
                    return Ok(t);
                }
                if let Some(v) = self.syms.var(VarClass::Global, n) {
                    return Ok(v.ty.clone());
                }
                if let Some(i) = self.inlines.get(n) {
                    return self.type_of(i);
                }
                if self.syms.var(VarClass::Assoc, n).is_some() {
                    return err("D_OP_INCOMPAT", format!("{} is an associative array and must be indexed", n));
                }
                err("D_IDENT_UNDEF", format!("failed to resolve {}: Unknown variable name", n))
            }
            ExprKind::Macro(n) | ExprKind::MacroStr(n) => err("D_MACRO_UNDEF", format!("macro variable ${} is not defined", n)),
            ExprKind::SelfVar(n) => match self.syms.var(VarClass::SelfVar, n) {
                Some(v) => Ok(v.ty.clone()),
                None => err("D_IDENT_UNDEF", format!("failed to resolve self->{}: Unknown variable name", n)),
            },
            ExprKind::ThisVar(n) => match self.syms.var(VarClass::ThisVar, n) {
                Some(v) => Ok(v.ty.clone()),
                None => err("D_IDENT_UNDEF", format!("failed to resolve this->{}: Unknown variable name", n)),
            },
            ExprKind::Agg(n) => err("D_AGG_SCALAR", format!("aggregation @{} cannot be used as a value", n)),
            ExprKind::Index { base, keys } => match &base.kind {
                ExprKind::Ident(n) if n == "args" => {
                    if keys.len() != 1 {
                        return err("D_ARGS_MULTI", "args[ ] may not be referenced using a tuple".into());
                    }
                    Ok(Type::LONG)
                }
                ExprKind::Ident(n) => {
                    for k in keys {
                        self.type_of(k)?;
                    }
                    match self.syms.var(VarClass::Assoc, n) {
                        Some(v) => {
                            if v.keys.len() != keys.len() {
                                return err(
                                    "D_ARR_BADREF",
                                    format!("{}[ ] used with {} key{} but declared with {}", n, keys.len(), if keys.len() == 1 { "" } else { "s" }, v.keys.len()),
                                );
                            }
                            for (i, (k, kt)) in keys.iter().zip(&v.keys).enumerate() {
                                let t = self.type_of(k)?;
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
                _ => err("D_UNKNOWN", "indexing of this expression is not supported".into()),
            },
            ExprKind::Call { name, args } => {
                for (i, a) in args.iter().enumerate() {
                    if !matches!(a.kind, ExprKind::Agg(_)) && subr_keyword_arg(name, i, a).is_none() {
                        self.type_of(a)?;
                    }
                }
                if is_action(name) {
                    return Ok(Type::Void);
                }
                match subroutine_type(name) {
                    Some(t) => Ok(t),
                    None => err("D_IDENT_UNDEF", format!("failed to resolve {}: Unknown function name", name)),
                }
            }
            ExprKind::Unary { op, expr } => {
                let t = self.type_of(expr)?;
                match op {
                    UnOp::Not => {
                        if !t.is_scalar() {
                            return err("D_OP_SCALAR", format!("operator ! requires an operand of scalar type"));
                        }
                        Ok(Type::INT)
                    }
                    UnOp::Neg | UnOp::Plus | UnOp::BitNot => {
                        if !t.is_int() {
                            let o = match op {
                                UnOp::Neg => "-",
                                UnOp::Plus => "+",
                                _ => "~",
                            };
                            return err("D_OP_INT", format!("operator {} requires an operand of integral type", o));
                        }
                        Ok(t.promoted())
                    }
                    UnOp::PreInc | UnOp::PreDec | UnOp::PostInc | UnOp::PostDec => {
                        if !t.is_scalar() {
                            return err("D_OP_SCALAR", "operator ++ or -- requires an operand of scalar type".into());
                        }
                        Ok(t)
                    }
                    UnOp::Deref => match t {
                        Type::Ptr(p) if *p != Type::Void => Ok(*p),
                        _ => err("D_DEREF_NONPTR", "operator * requires an operand of pointer type".into()),
                    },
                    UnOp::AddrOf => Ok(Type::Ptr(Box::new(t))),
                }
            }
            ExprKind::Binary { op, lhs, rhs } => {
                let (a, b) = (self.type_of(lhs)?, self.type_of(rhs)?);
                match op {
                    BinOp::Comma => Ok(b),
                    BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                        if a.is_str() != b.is_str() {
                            return err("D_OP_INCOMPAT", format!("operands have incompatible types: \"{}\" {} \"{}\"", a, binop_text(*op), b));
                        }
                        Ok(Type::INT)
                    }
                    BinOp::LogAnd | BinOp::LogOr | BinOp::LogXor => {
                        if !a.is_scalar() || !b.is_scalar() {
                            return err("D_OP_SCALAR", format!("operator {} requires operands of scalar type", binop_text(*op)));
                        }
                        Ok(Type::INT)
                    }
                    _ => {
                        if !a.is_scalar() || !b.is_scalar() {
                            return err("D_OP_INCOMPAT", format!("operands have incompatible types: \"{}\" {} \"{}\"", a, binop_text(*op), b));
                        }
                        if matches!(op, BinOp::Shl | BinOp::Shr) {
                            return Ok(a.promoted());
                        }
                        Ok(arith_result(&a, &b))
                    }
                }
            }
            ExprKind::Assign { op, lhs, rhs } => {
                let (a, b) = (self.type_of(lhs)?, self.type_of(rhs)?);
                if !is_lvalue(lhs) {
                    return err("D_OP_LVAL", "operator = requires a writable variable as its left-hand operand".into());
                }
                if a.is_str() != b.is_str() || (op.is_some() && a.is_str()) {
                    return err("D_OP_INCOMPAT", format!("operands have incompatible types: \"{}\" = \"{}\"", a, b));
                }
                Ok(a)
            }
            ExprKind::AggAssign { .. } => Ok(Type::Void),
            ExprKind::Ternary { cond, then, els } => {
                let c = self.type_of(cond)?;
                if !c.is_scalar() {
                    return err("D_OP_SCALAR", "operator ?: requires a scalar as its first operand".into());
                }
                let (a, b) = (self.type_of(then)?, self.type_of(els)?);
                if a.is_str() != b.is_str() {
                    return err("D_OP_INCOMPAT", format!("operator ?: operands must have compatible types"));
                }
                if a.is_str() {
                    Ok(Type::Str)
                } else {
                    Ok(arith_result(&a, &b))
                }
            }
            ExprKind::Cast { ty, expr } => {
                let from = self.type_of(expr)?;
                let to = resolve_type_name(ty).ok_or_else(|| CompileError::new(line, "D_TYPE_ERR", format!("failed to resolve type {}", ty.base)))?;
                if from.is_str() != to.is_str() && to != Type::Void {
                    return err("D_CAST_INVAL", format!("invalid cast expression: \"{}\" to \"{}\"", from, to));
                }
                Ok(to)
            }
            ExprKind::SizeofType(_) | ExprKind::SizeofExpr(_) | ExprKind::Offsetof { .. } => Ok(Type::ULONG),
            ExprKind::Stringof(x) => {
                self.type_of(x)?;
                Ok(Type::Str)
            }
            ExprKind::Member { .. } | ExprKind::Arrow { .. } | ExprKind::Xlate { .. } => {
                err("D_TYPE_MEMBER", "struct and union member access needs kernel types, not supported yet".into())
            }
        }
    }

    /// `sizeof(type)` / `sizeof expr`.
    pub fn sizeof(&self, e: &Expr) -> R<u64> {
        match &e.kind {
            ExprKind::SizeofType(t) => {
                let ty = resolve_type_name(t).ok_or_else(|| CompileError::new(e.line, "D_TYPE_ERR", format!("failed to resolve type {}", t.base)))?;
                let n: u64 = t.dims.iter().product::<u64>().max(1);
                Ok(ty.size(self.strsize) * n)
            }
            ExprKind::SizeofExpr(x) => Ok(self.type_of(x)?.size(self.strsize)),
            _ => Ok(0),
        }
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

pub fn is_lvalue(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Ident(n) => builtin_type(n).is_none(),
        ExprKind::SelfVar(_) | ExprKind::ThisVar(_) => true,
        ExprKind::Index { base, .. } => matches!(&base.kind, ExprKind::Ident(n) if n != "args"),
        _ => false,
    }
}

pub fn binop_text(op: BinOp) -> &'static str {
    match op {
        BinOp::Add => "+",
        BinOp::Sub => "-",
        BinOp::Mul => "*",
        BinOp::Div => "/",
        BinOp::Mod => "%",
        BinOp::Shl => "<<",
        BinOp::Shr => ">>",
        BinOp::BitAnd => "&",
        BinOp::BitOr => "|",
        BinOp::BitXor => "^",
        BinOp::Eq => "==",
        BinOp::Ne => "!=",
        BinOp::Lt => "<",
        BinOp::Le => "<=",
        BinOp::Gt => ">",
        BinOp::Ge => ">=",
        BinOp::LogAnd => "&&",
        BinOp::LogOr => "||",
        BinOp::LogXor => "^^",
        BinOp::Comma => ",",
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

fn collect_children<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
    match &e.kind {
        ExprKind::Index { base, keys } => {
            if !matches!(base.kind, ExprKind::Ident(_)) {
                out.push(base);
            }
            out.extend(keys.iter());
        }
        ExprKind::Call { name, args } => out.extend(
            args.iter().enumerate().filter(|(i, a)| !matches!(a.kind, ExprKind::Agg(_)) && subr_keyword_arg(name, *i, a).is_none()).map(|(_, a)| a),
        ),
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
