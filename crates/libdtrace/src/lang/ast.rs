//! The abstract syntax tree of a D program, as the parser produces it.
//! Names are resolved and types assigned later, in `sema`.

use super::types::Type;
use std::cell::OnceCell;

/// A whole D program: the clauses and declarations of every `-s` file and
/// `-n` description, in command-line order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Program {
    pub items: Vec<Item>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    Clause(Clause),
    /// `#pragma D option name[=value]` (other pragmas are kept for sema to judge).
    Pragma { words: Vec<String>, line: u32 },
    /// A declaration at file scope: `int x;`, `self int y;`, `this int z;`,
    /// `typedef ...`, `struct s { ... };`, `inline type name = expr;`.
    Decl(Decl),
    /// `translator OUT < IN ident > { member = expr; ... };` (added by the
    /// parser: a translator definition, as in DTrace's `.d` libraries).
    Translator(Translator),
    /// `provider name { probe p(types) [: (types)]; ... };` (added by the
    /// parser: a USDT provider definition, for `dtrace -h` / `-G`).
    Provider(ProviderDef),
}

/// A translator definition: `translator struct out < struct in *P > { m = e; };`.
#[derive(Clone, Debug, PartialEq)]
pub struct Translator {
    /// The output type (`struct out`, ...).
    pub to: TypeName,
    /// The input type and the name by which members' expressions refer to it.
    pub from: TypeName,
    pub param: String,
    /// `member = expression` in the order written.
    pub members: Vec<(String, Expr)>,
    pub line: u32,
}

/// A provider definition for user-level statically defined tracing.
#[derive(Clone, Debug, PartialEq)]
pub struct ProviderDef {
    pub name: String,
    pub probes: Vec<ProviderProbe>,
    pub line: u32,
}

/// `probe name(native types) [: (translated types)];` inside a provider
/// definition. The name is as written (`__` is not yet turned into `-`);
/// parameter names, if written, are dropped.
#[derive(Clone, Debug, PartialEq)]
pub struct ProviderProbe {
    pub name: String,
    pub args: Vec<TypeName>,
    /// The `: (...)` list, empty when absent.
    pub xargs: Vec<TypeName>,
    pub line: u32,
}

/// `probe-descriptions /predicate/ { statements }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Clause {
    pub probes: Vec<ProbeDesc>,
    pub predicate: Option<Expr>,
    pub body: Vec<Stmt>,
    pub line: u32,
}

/// One probe description as written, e.g. `syscall::read:entry` or `BEGIN`.
/// Missing leading fields are empty (match anything), as in DTrace:
/// `read:entry` is provider="" module="" function="read" name="entry".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProbeDesc {
    pub provider: String,
    pub module: String,
    pub function: String,
    pub name: String,
    /// The text exactly as written (for messages).
    pub text: String,
    pub line: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Stmt {
    /// An expression statement (assignments, calls of actions, ...).
    Expr(Expr),
    /// `if (cond) { ... } else { ... }` (Oracle DTrace 2 extension).
    If { cond: Expr, then: Vec<Stmt>, els: Vec<Stmt>, line: u32 },
    /// A local declaration inside a clause: `this int x;` etc.
    Decl(Decl),
    /// `;` alone.
    Empty,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Decl {
    pub class: StorageClass,
    pub ty: TypeName,
    /// Declarators: each a name plus array dimensions and pointer depth
    /// beyond `ty`. Empty for `struct s { ... };` alone.
    pub names: Vec<Declarator>,
    /// `inline type name = expr;`
    pub init: Option<Expr>,
    pub line: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Declarator {
    pub name: String,
    pub pointers: u32,
    /// `[N]` dimensions; an associative array declaration `int a[string, int]`
    /// lists key types in `assoc_keys` instead.
    pub dims: Vec<u64>,
    pub assoc_keys: Vec<TypeName>,
    /// A struct member's bit-field width (`int x : 3`); 0 otherwise.
    pub bits: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StorageClass {
    None,
    SelfVar,
    ThisVar,
    Typedef,
    Inline,
    Extern,
    Static,
    /// `register` or `auto`: not appropriate in D.
    Register,
}

/// A type as written: `int`, `unsigned long long`, `char *`, `struct foo`,
/// `string`, `uint64_t`, a typedef name, with pointer depth and array dims.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeName {
    /// The base words, normalised with single spaces: "unsigned int",
    /// "struct task_struct", "string", "uint64_t".
    pub base: String,
    /// Members, when written inline: `struct s { int a; char b[4]; }`.
    /// For an enum written inline (`enum e { A, B = 5 }`), one `Decl` per
    /// enumerator, in order: class `None`, `ty` base "int", one declarator
    /// naming the enumerator, and `init` holding its `= value` when written.
    pub members: Option<Vec<Decl>>,
    pub pointers: u32,
    pub dims: Vec<u64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub line: u32,
    /// What sema has found about this node.
    pub(super) memo: Memo,
}

/// What sema has recorded about a node: set once by sema's check of the
/// clause (each node of a deep tree is typed once, not again at every
/// level above it), read by the code generator through [`Expr::ty`] and
/// the like. Not part of the tree: a clone starts empty, and memos never
/// make two trees unequal.
#[derive(Default)]
pub struct Memo {
    pub(super) ty: OnceCell<Type>,
    /// The value of an integer constant expression, None for any other.
    pub(super) value: OnceCell<Option<i64>>,
    /// For `x op= y`, `x++` and the like: the type of `x op y` (of `x + 1`,
    /// `x - 1`), the value stored once converted to x's type.
    pub(super) op_ty: OnceCell<Type>,
}

impl Clone for Memo {
    fn clone(&self) -> Memo {
        Memo::default()
    }
}

impl PartialEq for Memo {
    fn eq(&self, _: &Memo) -> bool {
        true
    }
}

impl std::fmt::Debug for Memo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Memo")
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// Integer literal with its C suffix and whether it was written in
    /// octal/hex (which affects its type in C's rules).
    Int { value: u64, unsigned: bool, long: u8, nondecimal: bool },
    /// Character constant `'a'`.
    Char(i64),
    /// String literal (escapes already processed).
    Str(Vec<u8>),
    /// An identifier: a global variable, a built-in (`pid`, `arg0`, ...), an
    /// enum constant or an inline.
    Ident(String),
    /// `$1`, `$target`, `$pid`, ... (name without `$`); `$$1` is `MacroStr`.
    Macro(String),
    MacroStr(String),
    /// `self->name`
    SelfVar(String),
    /// `this->name`
    ThisVar(String),
    /// `@name` or `@` (name ""), when used as a value: `printa(@a)`,
    /// `clear(@a)`, `@a[k]` is not allowed as a value in D.
    Agg(String),
    /// `base[keys...]`: associative array element, `args[N]`, array index.
    Index { base: Box<Expr>, keys: Vec<Expr> },
    /// `name(args...)`: a subroutine or action call.
    Call { name: String, args: Vec<Expr> },
    Unary { op: UnOp, expr: Box<Expr> },
    Binary { op: BinOp, lhs: Box<Expr>, rhs: Box<Expr> },
    /// `lhs op= rhs` (op None for plain `=`).
    Assign { op: Option<BinOp>, lhs: Box<Expr>, rhs: Box<Expr> },
    /// `@name[keys] = func(args)`
    AggAssign { name: String, keys: Vec<Expr>, func: String, args: Vec<Expr> },
    Ternary { cond: Box<Expr>, then: Box<Expr>, els: Box<Expr> },
    Cast { ty: TypeName, expr: Box<Expr> },
    SizeofType(TypeName),
    SizeofExpr(Box<Expr>),
    /// `offsetof(type, member)`
    Offsetof { ty: TypeName, member: String },
    /// `stringof expr` (also written `stringof(expr)`).
    Stringof(Box<Expr>),
    /// `expr.member`
    Member { expr: Box<Expr>, member: String },
    /// `expr->member`
    Arrow { expr: Box<Expr>, member: String },
    /// `xlate <type> (expr)`
    Xlate { ty: TypeName, expr: Box<Expr> },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnOp {
    Neg,
    Plus,
    Not,
    BitNot,
    Deref,
    AddrOf,
    PreInc,
    PreDec,
    PostInc,
    PostDec,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Shl,
    Shr,
    BitAnd,
    BitOr,
    BitXor,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    LogAnd,
    LogOr,
    LogXor,
    /// The comma operator.
    Comma,
}

impl Expr {
    pub fn new(kind: ExprKind, line: u32) -> Expr {
        Expr { kind, line, memo: Memo::default() }
    }

    /// The type sema recorded for this node (None: not typed).
    pub fn ty(&self) -> Option<&Type> {
        self.memo.ty.get()
    }

    /// The constant value sema recorded: `Some(None)` for a node that is
    /// not an integer constant expression, None if sema recorded nothing.
    pub fn value(&self) -> Option<Option<i64>> {
        self.memo.value.get().copied()
    }

    /// For `x op= y`, `x++` and the like, the type of the value computed
    /// before it is stored (see [`Memo`]), as sema recorded it.
    pub fn op_ty(&self) -> Option<&Type> {
        self.memo.op_ty.get()
    }

    /// Calls `f` on each direct sub-expression, in source order.
    pub fn for_each_child<'e>(&'e self, f: &mut dyn FnMut(&'e Expr)) {
        match &self.kind {
            ExprKind::Index { base, keys } => {
                f(base);
                keys.iter().for_each(f);
            }
            ExprKind::Call { args, .. } => args.iter().for_each(f),
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
                keys.iter().for_each(&mut *f);
                args.iter().for_each(f);
            }
            ExprKind::Ternary { cond, then, els } => {
                f(cond);
                f(then);
                f(els);
            }
            ExprKind::Int { .. }
            | ExprKind::Char(_)
            | ExprKind::Str(_)
            | ExprKind::Ident(_)
            | ExprKind::Macro(_)
            | ExprKind::MacroStr(_)
            | ExprKind::SelfVar(_)
            | ExprKind::ThisVar(_)
            | ExprKind::Agg(_)
            | ExprKind::SizeofType(_)
            | ExprKind::Offsetof { .. } => {}
        }
    }

    /// [`for_each_child`](Self::for_each_child), mutably (keep the two in step).
    pub fn for_each_child_mut(&mut self, f: &mut dyn FnMut(&mut Expr)) {
        match &mut self.kind {
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

    /// The token that names this node in a message: its operator, or the
    /// operand itself.
    pub fn token(&self) -> String {
        match &self.kind {
            ExprKind::Int { value, .. } => value.to_string(),
            ExprKind::Char(c) => c.to_string(),
            ExprKind::Str(s) => format!("\"{}\"", String::from_utf8_lossy(s)),
            ExprKind::Ident(n) => n.clone(),
            ExprKind::Macro(n) => format!("${}", n),
            ExprKind::MacroStr(n) => format!("$${}", n),
            ExprKind::SelfVar(_) => "self".into(),
            ExprKind::ThisVar(_) => "this".into(),
            ExprKind::Agg(n) => format!("@{}", n),
            ExprKind::Index { .. } => "[".into(),
            ExprKind::Call { .. } | ExprKind::Cast { .. } => "(".into(),
            ExprKind::Unary { op, .. } => op.text().into(),
            ExprKind::Binary { op, .. } => op.text().into(),
            ExprKind::Assign { op: None, .. } | ExprKind::AggAssign { .. } => "=".into(),
            ExprKind::Assign { op: Some(op), .. } => format!("{}=", op.text()),
            ExprKind::Ternary { .. } => "?".into(),
            ExprKind::SizeofType(_) | ExprKind::SizeofExpr(_) => "sizeof".into(),
            ExprKind::Offsetof { .. } => "offsetof".into(),
            ExprKind::Stringof(_) => "stringof".into(),
            ExprKind::Member { .. } => ".".into(),
            ExprKind::Arrow { .. } => "->".into(),
            ExprKind::Xlate { .. } => "xlate".into(),
        }
    }
}

impl UnOp {
    /// The operator as written.
    pub fn text(self) -> &'static str {
        match self {
            UnOp::Neg => "-",
            UnOp::Plus => "+",
            UnOp::Not => "!",
            UnOp::BitNot => "~",
            UnOp::Deref => "*",
            UnOp::AddrOf => "&",
            UnOp::PreInc | UnOp::PostInc => "++",
            UnOp::PreDec | UnOp::PostDec => "--",
        }
    }
}

impl BinOp {
    /// The operator as written.
    pub fn text(self) -> &'static str {
        match self {
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
}
