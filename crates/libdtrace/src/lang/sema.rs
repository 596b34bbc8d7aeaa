//! Semantic analysis: macro expansion, variable and aggregation
//! declarations (D infers a variable's type from its first assignment in
//! program order), and the type of every expression.

use super::ast::*;
use super::builtins::{self, is_action_call, Id, Kind, NULL_STRING};
use super::ctypes::TypeEnv;
use super::diag::CompileError;
use super::nesting;
use super::types::{arith_result, SymKind, Type};
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
            let i: usize = n.parse().map_err(|_| {
                CompileError::new(line, "D_MACRO_UNDEF", format!("macro argument ${} is not defined", n))
            })?;
            match env.args.get(i) {
                Some(v) => Some(v.clone()),
                None if env.defaultargs => None,
                None => {
                    return Err(CompileError::new(
                        line,
                        "D_MACRO_UNDEF",
                        format!("macro argument ${} is not defined", n),
                    ));
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
        // $$1 is the same as $1 in a probe description.
        let after = rest[i + 1..].strip_prefix('$').unwrap_or(&rest[i + 1..]);
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
                        return Err(CompileError::new(
                            line,
                            "D_MACRO_ARG",
                            format!("macro argument ${} is not a valid integer or identifier", name),
                        ));
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
            e.for_each_child_mut(&mut |c| {
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
    matches!(b.next(), Some(c) if c.is_ascii_alphabetic() || c == b'_')
        && b.all(|c| c.is_ascii_alphanumeric() || c == b'_')
}

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

/// The type of `stack(n)` / `ustack(n [, strsize])` (`user`), whose
/// arguments fit the prototype.
fn stack_type(name: &str, user: bool, args: &[Expr], s: &Sema) -> R<Type> {
    let default = if user { s.ustackframes } else { s.stackframes };
    let frames = match args.first() {
        None => default,
        Some(a) => match s.const_eval(a) {
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

pub struct Sema<'a> {
    pub syms: Symbols,
    /// C types: D's, the script's and the kernel's (BTF).
    pub types: TypeEnv,
    /// Types of `args[]` for the clause being checked or compiled (None:
    /// untyped, each an int64_t).
    pub clause_args: std::cell::RefCell<Option<Vec<Type>>>,
    /// Names of `inline` constants and their expressions.
    pub inlines: HashMap<String, Expr>,
    /// How deep each inline nests once expanded (see [`nesting`]).
    inline_depths: HashMap<String, usize>,
    pub strsize: u32,
    /// Whether the program calls a subroutine that can return a NULL
    /// string (then string stores keep NULL-ness; see json.rs).
    pub null_strings: bool,
    /// Frames of stack() and ustack() without an argument.
    pub stackframes: u32,
    pub ustackframes: u32,
    _p: std::marker::PhantomData<&'a ()>,
}

impl<'a> Sema<'a> {
    pub fn new(strsize: u32) -> Sema<'a> {
        Sema {
            syms: Symbols::default(),
            types: TypeEnv::default(),
            clause_args: Default::default(),
            inlines: HashMap::new(),
            inline_depths: HashMap::new(),
            strsize,
            null_strings: false,
            stackframes: STACKFRAMES,
            ustackframes: USTACKFRAMES,
            _p: Default::default(),
        }
    }

    /// Declares every variable and aggregation, in program order, checking
    /// each clause's expressions.
    pub fn declare_program(&mut self, p: &Program) -> R<()> {
        for item in &p.items {
            match item {
                Item::Clause(c) => {
                    if let Some(pr) = &c.predicate {
                        self.walk(pr).map_err(|e| e.in_region("predicate"))?;
                    }
                    for s in &c.body {
                        self.walk_stmt(s).map_err(|e| e.in_region("action list"))?;
                    }
                }
                Item::Decl(d) => self.declare_decl(d)?,
                _ => {}
            }
        }
        Ok(())
    }

    fn declare_decl(&mut self, d: &Decl) -> R<()> {
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
                let it = self.type_of(init)?;
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
                self.string_args_expr(&mut init)?;
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
                .declare(d, &|e| self.const_eval(e), &globals)
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
            let t = super::types::declarator_type(base.clone(), n);
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

    /// Reads as a string each `char []` or `char *` passed where a
    /// subroutine takes a string (D's string-compatible types): wraps it in
    /// `stringof`, in place, for code generation. For a checked clause.
    pub fn string_args(&self, item: &mut Item) -> R<()> {
        let Item::Clause(c) = item else { return Ok(()) };
        if let Some(p) = &mut c.predicate {
            self.string_args_expr(p)?;
        }
        c.body.iter_mut().try_for_each(|s| self.string_args_stmt(s))
    }

    fn string_args_stmt(&self, s: &mut Stmt) -> R<()> {
        match s {
            Stmt::Expr(e) => self.string_args_expr(e),
            Stmt::If { cond, then, els, .. } => {
                self.string_args_expr(cond)?;
                then.iter_mut().chain(els.iter_mut()).try_for_each(|s| self.string_args_stmt(s))
            }
            Stmt::Decl(_) | Stmt::Empty => Ok(()),
        }
    }

    fn string_args_expr(&self, e: &mut Expr) -> R<()> {
        let mut r = Ok(());
        e.for_each_child_mut(&mut |c| {
            if r.is_ok() {
                r = self.string_args_expr(c);
            }
        });
        r?;
        let ExprKind::Call { name, args } = &mut e.kind else { return Ok(()) };
        let Some(b) = builtins::lookup(name) else { return Ok(()) };
        for (i, a) in args.iter_mut().enumerate() {
            if !b.string_param(i) {
                continue;
            }
            let t = self.type_of(a)?;
            if t.is_strcompat() && !t.is_str() {
                let line = a.line;
                let arg = std::mem::replace(a, Expr::new(ExprKind::Ident(String::new()), line));
                *a = Expr::new(ExprKind::Stringof(Box::new(arg)), line);
            }
        }
        Ok(())
    }

    /// `*p`, `p->m`, `p[i]` (p a pointer) and their members: memory that
    /// an assignment may write when it is scratch space (alloca()'d).
    pub fn is_memory_lvalue(&self, e: &Expr) -> bool {
        match &e.kind {
            ExprKind::Unary { op: UnOp::Deref, .. } | ExprKind::Arrow { .. } => true,
            ExprKind::Index { base, .. } => match self.type_of(base) {
                Ok(Type::Ptr(_)) => true,
                Ok(Type::Array(..)) => self.is_memory_lvalue(base),
                _ => false,
            },
            ExprKind::Member { expr, .. } => self.is_memory_lvalue(expr),
            _ => false,
        }
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

    /// For `s == NULL` / `NULL == s` with a string s: that operand.
    pub fn null_comparison<'e>(&self, lhs: &'e Expr, rhs: &'e Expr) -> Option<&'e Expr> {
        let is_null = |e: &Expr| matches!(&e.kind, ExprKind::Ident(n) if n == "NULL" && self.inlines.contains_key(n));
        let is_str = |e: &Expr| self.type_of(e).is_ok_and(|t| t.is_str());
        if is_null(rhs) && is_str(lhs) {
            Some(lhs)
        } else if is_null(lhs) && is_str(rhs) {
            Some(rhs)
        } else {
            None
        }
    }

    /// What a global identifier already names, in DTrace's words, if anything.
    fn global_ident_kind(&self, n: &str) -> Option<&'static str> {
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
        if let ExprKind::Call { name, .. } = &e.kind {
            self.null_strings |= builtins::lookup(name).is_some_and(|b| b.has(NULL_STRING));
        }
        match &e.kind {
            ExprKind::Assign { op, lhs, rhs } => {
                self.walk(rhs)?;
                let rt = self.type_of(rhs)?;
                if let Ok(lt @ Type::Array(..)) = self.type_of(lhs) {
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
                                    self.walk(k)?;
                                }
                                let kt = keys
                                    .iter()
                                    .map(|k| self.type_of(k).map(|t| t.promoted_for_storage()))
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
        let konst = |i: usize| -> R<i64> {
            self.const_eval(&args[i]).ok_or_else(|| {
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
        b.check_args(line, args, |a| self.type_of(a), |_| false)?;
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
                AggFunc::Llquantize {
                    factor: factor as u16,
                    low: low as u16,
                    high: high as u16,
                    nsteps: nsteps as u16,
                }
            }
            _ => return Err(CompileError::new(line, "D_AGG_FUNC", format!("{} must be assigned the result of an aggregating function", disp))),
        };
        for a in args.iter().take(1) {
            let t = self.type_of(a)?;
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
        let kt = keys.iter().map(|k| self.type_of(k).map(|t| t.promoted_for_storage())).collect::<R<Vec<_>>>()?;
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

    /// Evaluates an integer constant expression, if it is one. The answer
    /// is kept once it is final: a value, or no value for a node that has
    /// been typed (its names are all resolved).
    pub fn const_eval(&self, e: &Expr) -> Option<i64> {
        if let Some(v) = e.memo.value.get() {
            return *v;
        }
        let v = self.const_eval_uncached(e);
        if v.is_some() || e.memo.ty.get().is_some() {
            let _ = e.memo.value.set(v);
        }
        v
    }

    fn const_eval_uncached(&self, e: &Expr) -> Option<i64> {
        Some(match &e.kind {
            ExprKind::Int { value, .. } => *value as i64,
            ExprKind::Char(c) => *c,
            ExprKind::Ident(n) => {
                if let Some(v) = self.types.enumerators.borrow().get(n) {
                    return Some(*v);
                }
                return self.inlines.get(n).and_then(|e| self.const_eval(e));
            }
            ExprKind::Unary { op: UnOp::Neg, expr } => self.const_eval(expr)?.wrapping_neg(),
            ExprKind::Unary { op: UnOp::Plus, expr } => self.const_eval(expr)?,
            ExprKind::Unary { op: UnOp::BitNot, expr } => !self.const_eval(expr)?,
            ExprKind::Cast { expr, .. } => self.const_eval(expr)?,
            ExprKind::SizeofType(_) | ExprKind::SizeofExpr(_) | ExprKind::Offsetof { .. } => {
                self.sizeof(e).ok()? as i64
            }
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

    /// The type of an expression (variables must be declared already),
    /// kept in the node once found.
    pub fn type_of(&self, e: &Expr) -> R<Type> {
        if let Some(t) = e.memo.ty.get() {
            return Ok(t.clone());
        }
        let t = self.type_uncached(e)?;
        let _ = e.memo.ty.set(t.clone());
        Ok(t)
    }

    fn type_uncached(&self, e: &Expr) -> R<Type> {
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
                    return self.type_of(i);
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
            ExprKind::Agg(n) => err("D_AGG_SCALAR", format!("aggregation @{} cannot be used as a value", n)),
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
                    Ok(self.arg_type(&keys[0]))
                }
                ExprKind::Ident(n) if n == "uregs" => {
                    if keys.len() != 1 {
                        return err("D_UREGS_MULTI", "uregs[ ] may not be referenced using a tuple".into());
                    }
                    if !self.type_of(&keys[0])?.is_int() {
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
                        self.type_of(k)?;
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
                _ => {
                    let bt = self.type_of(base)?;
                    let Some(elem) = bt.target().cloned() else {
                        return err("D_OP_INCOMPAT", format!("operator [ ] cannot be applied to type \"{}\"; must be applied to an array, a pointer or an associative array", bt));
                    };
                    if keys.len() != 1 {
                        return err(
                            "D_ARR_BADREF",
                            "operator [ ] may not be used with a tuple to index an array or pointer".into(),
                        );
                    }
                    if !self.type_of(&keys[0])?.is_int() {
                        return err("D_ARR_KEYTYPE", "operator [ ] requires an integer index".into());
                    }
                    // A zero-length (flexible) array member has no bound.
                    if let (Type::Array(_, n @ 1..), Some(i)) = (&bt, self.const_eval(&keys[0])) {
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
                        self.type_of(a)?;
                    }
                }
                let Some(b) = builtins::lookup(name) else {
                    return match self.global_ident_kind(name) {
                        Some(kind) => err("D_FUNC_IDKIND", format!("{} '{}' may not be referenced as a function", kind, name)),
                        None => err("D_FUNC_UNDEF", format!("undefined function name: {}", name)),
                    };
                };
                if b.kind == Kind::Aggregating {
                    return err("D_CG_EXPR", format!("aggregating function {}( ) may not be called from a D expression (D program context required)", name));
                }
                b.check_args(line, args, |a| self.type_of(a), |a| self.const_eval(a) == Some(0))?;
                match b.id {
                    Id::Stack | Id::Ustack => stack_type(name, b.id == Id::Ustack, args, self),
                    id => Ok(sym_kind(id).map_or_else(|| b.result_type(), Type::Sym)),
                }
            }
            ExprKind::Unary { op, expr } => {
                if *op == UnOp::AddrOf && matches!(expr.kind, ExprKind::Agg(_)) {
                    return err("D_ADDROF_VAR", "cannot take address of dynamic variable".into());
                }
                let t = self.type_of(expr)?;
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
                        ) && !matches!(&expr.kind, ExprKind::Index { base, .. } if self.type_of(base).map_or(false, |t| t.target().is_some()))
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
            ExprKind::Binary { op, lhs, rhs } => {
                let (a, b) = (self.type_of(lhs)?, self.type_of(rhs)?);
                if matches!(op, BinOp::Div | BinOp::Mod) && self.const_eval(rhs) == Some(0) {
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
            ExprKind::Assign { op, lhs, rhs } => {
                let (a, b) = (self.type_of(lhs)?, self.type_of(rhs)?);
                let optext = match op {
                    Some(o) => format!("{}=", o.text()),
                    None => "=".to_string(),
                };
                if !is_lvalue(lhs) && !self.is_memory_lvalue(lhs) {
                    return err("D_OP_LVAL", format!("operator {} requires modifiable lvalue as an operand", optext));
                }
                if matches!(op, Some(BinOp::Div | BinOp::Mod)) && self.const_eval(rhs) == Some(0) {
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
                Ok(a)
            }
            ExprKind::AggAssign { .. } => Ok(Type::Void),
            ExprKind::Ternary { cond, then, els } => {
                let c = self.type_of(cond)?;
                if !c.is_scalar() {
                    return err("D_OP_SCALAR", "operator ?: expression must be of scalar type".into());
                }
                let (a, b) = (self.type_of(then)?, self.type_of(els)?);
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
                let from = self.type_of(expr)?;
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
                self.sizeof(e)?;
                Ok(Type::ULONG)
            }
            ExprKind::Stringof(x) => {
                self.type_of(x)?;
                Ok(Type::Str)
            }
            ExprKind::Member { expr, member } => {
                let t = self.type_of(expr)?;
                match &t {
                    Type::Struct(_) => Ok(self.member_of(&t, member, line, ".")?.ty),
                    _ => err(
                        "D_OP_SOU",
                        format!("operator . cannot be applied to type \"{}\"; must be applied to a struct or union", t),
                    ),
                }
            }
            ExprKind::Arrow { expr, member } => {
                let t = self.type_of(expr)?;
                match &t {
                    Type::Ptr(p) if matches!(**p, Type::Struct(_)) => Ok(self.member_of(p, member, line, "->")?.ty),
                    Type::Ptr(p) => err("D_OP_SOU", format!("operator -> cannot be applied to pointer to type \"{}\"; must be applied to a struct or union pointer", p)),
                    _ => err("D_OP_PTR", "operator -> must be applied to a pointer".into()),
                }
            }
            ExprKind::Xlate { .. } => err("D_UNSUPPORTED", "translators are not supported yet".into()),
        }
    }

    /// `sizeof(type)` / `sizeof expr` / `offsetof(type, member)`.
    pub fn sizeof(&self, e: &Expr) -> R<u64> {
        match &e.kind {
            ExprKind::SizeofType(t) => Ok(self.resolve_type(t, e.line)?.size(self.strsize)),
            ExprKind::SizeofExpr(x) => Ok(self.type_of(x)?.size(self.strsize)),
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
    pub fn member_of(&self, t: &Type, member: &str, line: u32, op: &str) -> R<super::types::Field> {
        let Type::Struct(c) = t else {
            return Err(CompileError::new(line, "D_OP_SOU", format!("{} is not a struct or union", t)));
        };
        if c.src == super::types::CompositeSrc::Incomplete {
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

    /// `args[i]`'s type for the current clause.
    fn arg_type(&self, idx: &Expr) -> Type {
        let i = self.const_eval(idx);
        match (self.clause_args.borrow().as_ref(), i) {
            (Some(ts), Some(i)) if i >= 0 => ts.get(i as usize).cloned().unwrap_or(Type::LONG),
            _ => Type::LONG,
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
