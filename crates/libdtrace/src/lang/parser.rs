//! The D parser: a hand-written recursive-descent parser producing
//! [`ast::Program`].
//!
//! Entry points:
//! * [`parse_program`] for `-s` scripts: errors carry line numbers, and a
//!   probe description must be followed by a predicate and/or actions;
//! * [`parse_probe_spec`] for `-n` (and `-P`/`-m`/`-f`/`-i`) text: the same
//!   grammar, but a clause may have no body (`dtrace -n BEGIN`), and errors
//!   carry no line number (DTrace prints none for them).
//!
//! Macro arguments (`$1`, `$target`, `$$1`) are not expanded here: they become
//! [`ExprKind::Macro`] / [`ExprKind::MacroStr`], and stay as text inside probe
//! descriptions.
//!
//! Type names: where C needs to know whether an identifier names a type (in
//! casts, `sizeof`, declarations), the parser knows D's built-in type names
//! ([`BUILTIN_TYPES`]) and the names declared by `typedef` earlier in the
//! program. In a parenthesised cast an unknown identifier is also taken as a
//! type when the parenthesised form cannot be anything else (`(foo_t)x`,
//! `(foo *)p`), or when its name ends in `_t` and an operand follows
//! (`(foo_t)-1`). `sizeof(name)` with an unknown, non-`_t` name is
//! `SizeofExpr(Ident(name))`: sema may reinterpret it as a type.

use std::collections::{HashSet, VecDeque};

use super::ast::*;
use super::diag::CompileError;
use super::lexer::{near, Lexer, Outer, Tok, Token};
use super::nesting::{self, on_compiler_stack, too_deep, MAX_NESTING};

/// Type names known without declaration: D's built-in types and typedefs.
pub const BUILTIN_TYPES: &[&str] = &[
    "int8_t", "int16_t", "int32_t", "int64_t", "uint8_t", "uint16_t", "uint32_t", "uint64_t",
    "intptr_t", "uintptr_t", "intmax_t", "uintmax_t", "size_t", "ssize_t", "off_t", "off64_t",
    "pid_t", "uid_t", "gid_t", "id_t", "processorid_t", "psetid_t", "zoneid_t", "caddr_t",
    "hrtime_t", "taskid_t", "projid_t", "poolid_t", "ctid_t", "dev_t", "ino_t", "mode_t",
    "nlink_t", "time_t", "clock_t", "timer_t", "key_t", "daddr_t", "blkcnt_t", "blksize_t",
    "loff_t", "ptrdiff_t", "wchar_t", "u_char", "u_short", "u_int", "u_long", "uchar_t",
    "ushort_t", "uint_t", "ulong_t", "longlong_t", "u_longlong_t", "boolean_t", "bool", "_Bool",
    "__u8", "__u16", "__u32", "__u64", "__s8", "__s16", "__s32", "__s64", "u8", "u16", "u32",
    "u64", "s8", "s16", "s32", "s64", "uintptr", "dtrace_id_t", "dtrace_epid_t",
    // typedefs of the built-in library (lang/dlib), which scripts use unannounced
    "chipid_t", "lgrp_id_t", "lwpid_t", "cpuinfo_t", "psinfo_t", "lwpsinfo_t", "fileinfo_t", "ipaddr_t",
];

const TYPE_KEYWORDS: &[&str] = &[
    "char", "short", "int", "long", "signed", "unsigned", "float", "double", "void", "string",
];
const QUALIFIERS: &[&str] = &["const", "volatile", "restrict"];
const CLASS_KEYWORDS: &[&str] =
    &["self", "this", "typedef", "inline", "extern", "static", "register", "auto"];

/// Parse a D program (the contents of a `-s` script).
pub fn parse_program(src: &str) -> Result<Program, CompileError> {
    run_parser(src, false)
}

/// Parse the text of a `-n` argument: a D program whose clauses may lack a
/// body (`dtrace -n syscall::read:entry`). Errors have no line number, as
/// DTrace reports none for them.
pub fn parse_probe_spec(src: &str) -> Result<Program, CompileError> {
    run_parser(src, true).map_err(|mut e| {
        e.line = None;
        e
    })
}

/// The parser is recursive: it runs on the compiler's stack, and refuses
/// input nested more than `MAX_NESTING` deep, as it reads and in the tree
/// it builds.
fn run_parser(src: &str, spec: bool) -> Result<Program, CompileError> {
    on_compiler_stack(|| {
        let p = Parser::new(src, spec).program()?;
        nesting::check(&p)?;
        Ok(p)
    })
}

/// Split a probe description into its four fields; missing leading fields are
/// empty. Fails (with DTrace's message) on more than four fields.
pub fn split_probe_desc(text: &str, line: u32) -> Result<ProbeDesc, CompileError> {
    let parts: Vec<&str> = text.split(':').collect();
    if parts.len() > 4 {
        return Err(CompileError::new(
            line,
            "D_PDESC_INVAL",
            format!("invalid probe description \"{}\": Overspecified probe description", text),
        ));
    }
    let mut f = [""; 4];
    let skip = 4 - parts.len();
    for (i, p) in parts.iter().enumerate() {
        f[skip + i] = p;
    }
    Ok(ProbeDesc {
        provider: f[0].to_string(),
        module: f[1].to_string(),
        function: f[2].to_string(),
        name: f[3].to_string(),
        text: text.to_string(),
        line,
    })
}

struct Parser<'a> {
    lx: Lexer<'a>,
    buf: VecDeque<Token>,
    /// A `-n` argument rather than a script.
    spec: bool,
    typedefs: HashSet<String>,
    /// How deeply the construct being parsed nests (see [`Parser::nested`]).
    depth: usize,
    items: Vec<Item>,
    pragmas_taken: usize,
}

type PResult<T> = Result<T, CompileError>;

pub fn is_builtin_type(name: &str) -> bool {
    BUILTIN_TYPES.contains(&name)
}

impl<'a> Parser<'a> {
    fn new(src: &'a str, spec: bool) -> Parser<'a> {
        Parser {
            lx: Lexer::new(src),
            buf: VecDeque::new(),
            spec,
            typedefs: HashSet::new(),
            depth: 0,
            items: Vec::new(),
            pragmas_taken: 0,
        }
    }

    // ----- token access -------------------------------------------------

    fn fill(&mut self, n: usize) -> PResult<()> {
        while self.buf.len() <= n {
            if matches!(self.buf.back(), Some(t) if t.is_eof()) {
                let t = self.buf.back().cloned();
                if let Some(t) = t {
                    self.buf.push_back(t);
                }
                continue;
            }
            let t = self.lx.next_token()?;
            self.buf.push_back(t);
        }
        Ok(())
    }

    fn peek(&mut self) -> PResult<&Token> {
        self.peek_n(0)
    }

    fn peek_n(&mut self, n: usize) -> PResult<&Token> {
        self.fill(n)?;
        Ok(&self.buf[n])
    }

    fn next(&mut self) -> PResult<Token> {
        self.fill(0)?;
        match self.buf.pop_front() {
            Some(t) => Ok(t),
            None => Err(CompileError::new(self.lx.line(), "D_SYNTAX", near(""))),
        }
    }

    fn peek_is_op(&mut self, op: &str) -> PResult<bool> {
        Ok(self.peek()?.is_op(op))
    }

    fn peek_is_kw(&mut self, kw: &str) -> PResult<bool> {
        Ok(self.peek()?.is_kw(kw))
    }

    fn eat_op(&mut self, op: &str) -> PResult<bool> {
        if self.peek_is_op(op)? {
            self.next()?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    fn expect_op(&mut self, op: &str) -> PResult<Token> {
        let t = self.next()?;
        if t.is_op(op) {
            Ok(t)
        } else {
            Err(t.syntax_error())
        }
    }

    fn error_here(&mut self) -> CompileError {
        match self.peek() {
            Ok(t) => t.syntax_error(),
            Err(e) => e,
        }
    }

    /// Go back to outer mode: forget buffered tokens, rewinding the lexer to
    /// the first of them.
    fn unbuffer(&mut self) {
        if let Some(t) = self.buf.front() {
            let st = t.before;
            self.lx.restore(st);
            self.buf.clear();
        }
    }

    /// Parses a nested construct with `f`: each operand, parenthesis,
    /// statement and struct body is one level deeper than what contains it.
    /// Fails, as DTrace's parser does when its stack is full, beyond
    /// `MAX_NESTING` levels.
    fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> PResult<T>) -> PResult<T> {
        if self.depth >= MAX_NESTING {
            let t = self.peek()?;
            return Err(too_deep(t.line, &t.text));
        }
        self.depth += 1;
        let r = f(self);
        self.depth -= 1;
        r
    }

    fn take_pragmas(&mut self) {
        while self.pragmas_taken < self.lx.pragmas.len() {
            let p = self.lx.pragmas[self.pragmas_taken].clone();
            self.pragmas_taken += 1;
            self.items.push(Item::Pragma { words: p.words, line: p.line });
        }
    }

    fn is_known_type(&self, name: &str) -> bool {
        is_builtin_type(name) || self.typedefs.contains(name)
    }

    // ----- program structure ----------------------------------------------

    fn program(&mut self) -> PResult<Program> {
        loop {
            self.unbuffer();
            let typedefs = self.typedefs.clone();
            let is_type =
                move |s: &str| is_builtin_type(s) || typedefs.contains(s) || s.ends_with("_t");
            let o = self.lx.outer(&is_type)?;
            self.take_pragmas();
            match o {
                Outer::Eof => break,
                Outer::Decl => self.outer_decl()?,
                Outer::PSpec { text, line } => self.clause(text, line)?,
                Outer::Other(t) => return Err(t.syntax_error()),
            }
        }
        self.take_pragmas();
        Ok(Program { items: std::mem::take(&mut self.items) })
    }

    fn clause(&mut self, text: String, line: u32) -> PResult<()> {
        let mut probes = vec![split_probe_desc(&text, line)?];
        let no_types = |_: &str| false;
        loop {
            let st = self.lx.state();
            let o = self.lx.outer(&no_types)?;
            match o {
                Outer::Other(t) if t.is_op(",") => match self.lx.pspec()? {
                    Some((text, line)) => probes.push(split_probe_desc(&text, line)?),
                    None => {
                        let t = self.lx.next_token()?;
                        return Err(t.syntax_error());
                    }
                },
                Outer::Other(t) if matches!(t.tok, Tok::Slash { .. }) => {
                    let pred = self.expr()?;
                    let t = self.next()?;
                    if !matches!(t.tok, Tok::Slash { epred: true }) {
                        return Err(t.syntax_error());
                    }
                    if !self.peek_is_op("{")? {
                        return Err(CompileError::new(
                            pred.line,
                            "D_SYNTAX",
                            "expected actions { } following probe description and predicate",
                        ));
                    }
                    self.next()?;
                    let body = self.block_body()?;
                    self.items.push(Item::Clause(Clause { probes, predicate: Some(pred), body, line }));
                    return Ok(());
                }
                Outer::Other(t) if t.is_op("{") => {
                    let body = self.block_body()?;
                    self.items.push(Item::Clause(Clause { probes, predicate: None, body, line }));
                    return Ok(());
                }
                _ => {
                    if !self.spec {
                        return Err(CompileError::new(
                            probes[0].line,
                            "D_SYNTAX",
                            "expected predicate and/or actions following probe description",
                        ));
                    }
                    // `dtrace -n BEGIN`: a clause without a body; whatever
                    // follows is read as the next item.
                    self.lx.restore(st);
                    self.items.push(Item::Clause(Clause { probes, predicate: None, body: Vec::new(), line }));
                    return Ok(());
                }
            }
        }
    }

    /// Statements up to and including the closing `}`.
    fn block_body(&mut self) -> PResult<Vec<Stmt>> {
        let mut out = Vec::new();
        loop {
            if self.peek_is_op("}")? {
                self.next()?;
                break;
            }
            if self.peek()?.is_eof() {
                let e = self.error_here();
                return Err(e);
            }
            self.statement(&mut out)?;
        }
        Ok(out)
    }

    /// One statement, appended to `out` (a nested `{ }` block is flattened).
    /// In a block, the `;` after the last expression may be omitted.
    fn statement(&mut self, out: &mut Vec<Stmt>) -> PResult<()> {
        self.nested(|p| p.statement_inner(out))
    }

    fn statement_inner(&mut self, out: &mut Vec<Stmt>) -> PResult<()> {
        let t = self.peek()?.clone();
        if t.is_op(";") {
            self.next()?;
            out.push(Stmt::Empty);
        } else if t.is_op("{") {
            self.next()?;
            let mut inner = self.block_body()?;
            out.append(&mut inner);
        } else if t.is_kw("if") {
            self.next()?;
            self.expect_op("(")?;
            let cond = self.expr()?;
            self.expect_op(")")?;
            let mut then = Vec::new();
            self.statement(&mut then)?;
            let mut els = Vec::new();
            if self.peek_is_kw("else")? {
                self.next()?;
                self.statement(&mut els)?;
            }
            out.push(Stmt::If { cond, then, els, line: t.line });
        } else if self.stmt_is_decl()? {
            let d = self.declaration()?;
            out.push(Stmt::Decl(d));
        } else {
            let e = self.expr()?;
            let n = self.peek()?;
            if n.is_op(";") {
                self.next()?;
            } else if !n.is_op("}") {
                return Err(n.syntax_error());
            }
            out.push(Stmt::Expr(e));
        }
        Ok(())
    }

    fn stmt_is_decl(&mut self) -> PResult<bool> {
        let t = self.peek()?.clone();
        match &t.tok {
            Tok::Kw("self") | Tok::Kw("this") => Ok(!self.peek_n(1)?.is_op("->")),
            Tok::Kw(k) => Ok(TYPE_KEYWORDS.contains(k)
                || QUALIFIERS.contains(k)
                || CLASS_KEYWORDS.contains(k)
                || matches!(*k, "struct" | "union" | "enum")),
            Tok::Ident(name) => {
                let n1 = self.peek_n(1)?.clone();
                if self.is_known_type(name) {
                    Ok(matches!(n1.tok, Tok::Ident(_)) || n1.is_op("*"))
                } else if name.ends_with("_t") {
                    Ok(matches!(n1.tok, Tok::Ident(_)))
                } else {
                    Ok(false)
                }
            }
            _ => Ok(false),
        }
    }

    /// A declaration or definition at file scope.
    fn outer_decl(&mut self) -> PResult<()> {
        let t = self.peek()?.clone();
        if t.is_kw("translator") {
            let x = self.translator()?;
            self.items.push(Item::Translator(x));
        } else if t.is_kw("provider") {
            let p = self.provider()?;
            self.items.push(Item::Provider(p));
        } else if t.is_kw("counter") || t.is_kw("import") {
            return Err(t.syntax_error());
        } else {
            let d = self.declaration()?;
            self.items.push(Item::Decl(d));
        }
        Ok(())
    }

    // ----- declarations -----------------------------------------------------

    /// `[class] type declarator[, declarator...] [= init];`
    fn declaration(&mut self) -> PResult<Decl> {
        let line = self.peek()?.line;
        let mut class = StorageClass::None;
        loop {
            let t = self.peek()?.clone();
            let c = match t.tok {
                Tok::Kw("self") => StorageClass::SelfVar,
                Tok::Kw("this") => StorageClass::ThisVar,
                Tok::Kw("typedef") => StorageClass::Typedef,
                Tok::Kw("inline") => StorageClass::Inline,
                Tok::Kw("extern") => StorageClass::Extern,
                Tok::Kw("static") => StorageClass::Static,
                Tok::Kw("register") | Tok::Kw("auto") => StorageClass::Register,
                _ => break,
            };
            if class != StorageClass::None {
                return Err(CompileError::new(t.line, "D_DECL_CLASS", "only one storage class allowed in a declaration"));
            }
            class = c;
            self.next()?;
        }
        // `register x;`: a declaration without type specifiers is an int.
        let implicit_int = class != StorageClass::None
            && matches!(self.peek()?.tok.clone(), Tok::Ident(n) if !self.is_known_type(&n))
            && !matches!(self.peek_n(1)?.tok, Tok::Ident(_));
        let ty = if implicit_int {
            TypeName { base: "int".into(), members: None, pointers: 0, dims: Vec::new() }
        } else {
            self.type_specifiers(false)?
        };
        let mut names = Vec::new();
        let mut init = None;
        if !self.peek_is_op(";")? {
            loop {
                names.push(self.declarator()?);
                if class == StorageClass::Inline {
                    self.expect_op("=")?;
                    init = Some(self.assign()?);
                }
                if !self.eat_op(",")? {
                    break;
                }
            }
        }
        self.expect_op(";")?;
        if class == StorageClass::Typedef {
            for d in &names {
                self.typedefs.insert(d.name.clone());
            }
        }
        Ok(Decl { class, ty, names, init, line })
    }

    /// `*... name [dims or key types]...`
    fn declarator(&mut self) -> PResult<Declarator> {
        let mut pointers = 0;
        loop {
            if self.eat_op("*")? {
                pointers += 1;
            } else if matches!(self.peek()?.tok, Tok::Kw(k) if QUALIFIERS.contains(&k)) {
                self.next()?;
            } else {
                break;
            }
        }
        let t = self.next()?;
        let name = match t.tok {
            Tok::Ident(n) => n,
            _ => return Err(t.syntax_error()),
        };
        let mut dims = Vec::new();
        let mut assoc_keys = Vec::new();
        while self.peek_is_op("[")? {
            self.next()?;
            if self.peek_is_op("]")? {
                // `int a[];`: no dimension (an error for a variable).
                dims.push(0);
            } else if self.peek_starts_type(0)? {
                loop {
                    assoc_keys.push(self.type_name()?);
                    if !self.eat_op(",")? {
                        break;
                    }
                }
            } else {
                dims.push(self.const_dim()?);
            }
            self.expect_op("]")?;
        }
        Ok(Declarator { name, pointers, dims, assoc_keys, bits: 0 })
    }

    /// An array dimension: an integer constant expression.
    fn const_dim(&mut self) -> PResult<u64> {
        let t = self.peek()?.clone();
        let e = self.ternary()?;
        match fold_const(&e) {
            Some(v) if v > i64::MAX as u64 || v == 0 || matches!(e.kind, ExprKind::Unary { op: UnOp::Neg, .. }) => Err(CompileError::new(
                t.line,
                "D_DECL_ARRSUB",
                "positive integral constant expression or tuple signature expected as array declaration subscript",
            )),
            Some(v) if v > u32::MAX as u64 => Err(CompileError::new(t.line, "D_DECL_ARRBIG", "array dimension too big")),
            Some(v) => Ok(v),
            None => Err(CompileError::new(
                t.line,
                "D_DECL_ARRSUB",
                "positive integral constant expression or tuple signature expected as array declaration subscript",
            )),
        }
    }

    /// Does a type name begin at lookahead position `n`?
    fn peek_starts_type(&mut self, n: usize) -> PResult<bool> {
        let t = self.peek_n(n)?.clone();
        Ok(match &t.tok {
            Tok::Kw(k) => {
                TYPE_KEYWORDS.contains(k) || QUALIFIERS.contains(k) || matches!(*k, "struct" | "union" | "enum")
            }
            Tok::Ident(name) => self.is_known_type(name),
            _ => false,
        })
    }

    /// Type specifiers and qualifiers: `unsigned long long`, `struct foo`,
    /// `struct s { ... }`, `enum e { ... }`, a typedef name. With
    /// `force_ident`, a leading identifier is taken as a type name even if it
    /// is not known to be one.
    fn type_specifiers(&mut self, force_ident: bool) -> PResult<TypeName> {
        self.nested(|p| p.type_specifiers_inner(force_ident))
    }

    fn type_specifiers_inner(&mut self, force_ident: bool) -> PResult<TypeName> {
        let line0 = self.peek()?.line;
        let mut words: Vec<String> = Vec::new();
        let mut members = None;
        let mut sou = false;
        loop {
            let t = self.peek()?.clone();
            match &t.tok {
                Tok::Kw(k) if QUALIFIERS.contains(k) => {
                    self.next()?;
                }
                Tok::Kw(k) if TYPE_KEYWORDS.contains(k) && !sou => {
                    self.next()?;
                    words.push(k.to_string());
                }
                Tok::Kw(k @ ("struct" | "union" | "enum")) if words.is_empty() && !sou => {
                    self.next()?;
                    sou = true;
                    let mut base = k.to_string();
                    if let Tok::Ident(n) = &self.peek()?.tok {
                        base.push(' ');
                        base.push_str(n);
                        self.next()?;
                    }
                    if self.peek_is_op("{")? {
                        self.next()?;
                        members = Some(if *k == "enum" { self.enum_body()? } else { self.sou_body()? });
                    } else if base == *k {
                        let e = self.error_here();
                        return Err(e);
                    }
                    words.push(base);
                }
                Tok::Ident(n) if words.is_empty() && !sou && (force_ident || self.is_known_type(n)) => {
                    self.next()?;
                    words.push(n.clone());
                    sou = true; // nothing else may follow a typedef name
                }
                _ => break,
            }
        }
        if words.is_empty() {
            let e = self.error_here();
            return Err(e);
        }
        if let Some((tag, msg)) = check_type_words(&words) {
            return Err(CompileError::new(line0, tag, msg));
        }
        Ok(TypeName { base: words.join(" "), members, pointers: 0, dims: Vec::new() })
    }

    /// `{ member-declarations }` of a struct or union, after the `{`.
    fn sou_body(&mut self) -> PResult<Vec<Decl>> {
        let mut v = Vec::new();
        loop {
            if self.eat_op("}")? {
                break;
            }
            let line = self.peek()?.line;
            let ty = self.type_specifiers(false)?;
            let mut names = Vec::new();
            if !self.peek_is_op(";")? {
                loop {
                    let mut d = self.declarator()?;
                    if self.peek_is_op(":")? {
                        let colon = self.next()?;
                        d.bits = self.bitfield(&ty, &d.name, colon.line)?;
                    }
                    names.push(d);
                    if !self.eat_op(",")? {
                        break;
                    }
                }
            }
            self.expect_op(";")?;
            v.push(Decl { class: StorageClass::None, ty, names, init: None, line });
        }
        Ok(v)
    }

    /// `name : width` in a struct: the width, with DTrace's checks.
    fn bitfield(&mut self, ty: &TypeName, name: &str, line: u32) -> PResult<u32> {
        let e = self.ternary()?;
        let width = fold_const(&e).filter(|&v| v != 0 && v <= i64::MAX as u64 && !matches!(e.kind, ExprKind::Unary { op: UnOp::Neg, .. }));
        let Some(width) = width else {
            return Err(CompileError::new(line, "D_DECL_BFCONST", "positive integral constant expression expected as bit-field size"));
        };
        let bits = match super::types::base_type(&ty.base) {
            Some(super::types::Type::Int { size, .. }) if ty.pointers == 0 => size as u64 * 8,
            _ => return Err(CompileError::new(line, "D_DECL_BFTYPE", format!("invalid type for bit-field: {}", name))),
        };
        if width > bits {
            return Err(CompileError::new(line, "D_DECL_BFSIZE", format!("bit-field too big for type: {}", name)));
        }
        Ok(width as u32)
    }

    /// `{ A, B = 5, ... }` of an enum, after the `{` (see `TypeName::members`).
    fn enum_body(&mut self) -> PResult<Vec<Decl>> {
        let mut v = Vec::new();
        loop {
            if self.eat_op("}")? {
                break;
            }
            let t = self.next()?;
            let name = match t.tok {
                Tok::Ident(n) => n,
                _ => return Err(t.syntax_error()),
            };
            let init = if self.eat_op("=")? { Some(self.ternary()?) } else { None };
            v.push(Decl {
                class: StorageClass::None,
                ty: TypeName { base: "int".into(), members: None, pointers: 0, dims: Vec::new() },
                names: vec![Declarator { name, pointers: 0, dims: Vec::new(), assoc_keys: Vec::new(), bits: 0 }],
                init,
                line: t.line,
            });
            if !self.eat_op(",")? {
                self.expect_op("}")?;
                break;
            }
        }
        Ok(v)
    }

    /// A type name as in a cast: specifiers, then `*`s and `[N]`s.
    fn type_name(&mut self) -> PResult<TypeName> {
        self.type_name_ext(false)
    }

    fn type_name_ext(&mut self, force_ident: bool) -> PResult<TypeName> {
        let mut ty = self.type_specifiers(force_ident)?;
        loop {
            if self.eat_op("*")? {
                ty.pointers += 1;
            } else if matches!(self.peek()?.tok, Tok::Kw(k) if QUALIFIERS.contains(&k)) {
                self.next()?;
            } else {
                break;
            }
        }
        while self.peek_is_op("[")? {
            self.next()?;
            ty.dims.push(self.const_dim()?);
            self.expect_op("]")?;
        }
        Ok(ty)
    }

    /// `translator OUT < IN name > { member = expr; ... };`
    fn translator(&mut self) -> PResult<Translator> {
        let t = self.next()?; // translator
        let to = self.type_name_ext(true)?;
        self.expect_op("<")?;
        let from = self.type_name_ext(true)?;
        let n = self.next()?;
        let param = match n.tok {
            Tok::Ident(s) => s,
            _ => return Err(n.syntax_error()),
        };
        self.expect_op(">")?;
        self.expect_op("{")?;
        let mut members = Vec::new();
        loop {
            if self.eat_op("}")? {
                break;
            }
            let m = self.next()?;
            let name = match m.tok {
                Tok::Ident(s) => s,
                _ => return Err(m.syntax_error()),
            };
            self.expect_op("=")?;
            let e = self.expr()?;
            members.push((name, e));
            if !self.eat_op(";")? {
                self.expect_op("}")?;
                break;
            }
        }
        self.expect_op(";")?;
        Ok(Translator { to, from, param, members, line: t.line })
    }

    /// `provider name { probe p(types) [: (types)]; ... };`
    fn provider(&mut self) -> PResult<ProviderDef> {
        let t = self.next()?; // provider
        let n = self.next()?;
        let name = match n.tok {
            Tok::Ident(s) => s,
            _ => return Err(n.syntax_error()),
        };
        self.expect_op("{")?;
        let mut probes = Vec::new();
        loop {
            if self.eat_op("}")? {
                break;
            }
            let p = self.next()?;
            if !p.is_kw("probe") {
                return Err(p.syntax_error());
            }
            let n = self.next()?;
            let pname = match n.tok {
                Tok::Ident(s) => s,
                _ => return Err(n.syntax_error()),
            };
            let args = self.param_types()?;
            let xargs = if self.eat_op(":")? { self.param_types()? } else { Vec::new() };
            self.expect_op(";")?;
            probes.push(ProviderProbe { name: pname, args, xargs, line: p.line });
        }
        self.expect_op(";")?;
        Ok(ProviderDef { name, probes, line: t.line })
    }

    /// `( [type [name] {, type [name]}] )`; `(void)` is an empty list.
    fn param_types(&mut self) -> PResult<Vec<TypeName>> {
        self.expect_op("(")?;
        let mut v = Vec::new();
        if self.eat_op(")")? {
            return Ok(v);
        }
        loop {
            let ty = self.type_name_ext(true)?;
            if matches!(self.peek()?.tok, Tok::Ident(_)) {
                self.next()?;
            }
            v.push(ty);
            if !self.eat_op(",")? {
                break;
            }
        }
        self.expect_op(")")?;
        if v.len() == 1 && v[0].base == "void" && v[0].pointers == 0 {
            v.clear();
        }
        Ok(v)
    }

    // ----- expressions ------------------------------------------------------

    /// A full expression, comma operator included.
    fn expr(&mut self) -> PResult<Expr> {
        let mut e = self.assign()?;
        while self.peek_is_op(",")? {
            let t = self.next()?;
            let r = self.assign()?;
            e = Expr::new(ExprKind::Binary { op: BinOp::Comma, lhs: Box::new(e), rhs: Box::new(r) }, t.line);
        }
        Ok(e)
    }

    fn assign(&mut self) -> PResult<Expr> {
        let lhs = self.ternary()?;
        let t = self.peek()?.clone();
        let op = match t.tok {
            Tok::Op("=") => Some(None),
            Tok::Op("+=") => Some(Some(BinOp::Add)),
            Tok::Op("-=") => Some(Some(BinOp::Sub)),
            Tok::Op("*=") => Some(Some(BinOp::Mul)),
            Tok::Op("/=") => Some(Some(BinOp::Div)),
            Tok::Op("%=") => Some(Some(BinOp::Mod)),
            Tok::Op("&=") => Some(Some(BinOp::BitAnd)),
            Tok::Op("|=") => Some(Some(BinOp::BitOr)),
            Tok::Op("^=") => Some(Some(BinOp::BitXor)),
            Tok::Op("<<=") => Some(Some(BinOp::Shl)),
            Tok::Op(">>=") => Some(Some(BinOp::Shr)),
            _ => None,
        };
        let Some(op) = op else {
            return Ok(lhs);
        };
        self.next()?;
        let rhs = self.nested(Self::assign)?;
        // `@name[keys] = func(args)`
        if op.is_none() {
            let agg = match &lhs.kind {
                ExprKind::Agg(name) => Some((name.clone(), Vec::new())),
                ExprKind::Index { base, keys } => match &base.kind {
                    ExprKind::Agg(name) => Some((name.clone(), keys.clone())),
                    _ => None,
                },
                _ => None,
            };
            if let ExprKind::Index { base, .. } = &lhs.kind {
                if let ExprKind::Index { base: inner, .. } = &base.kind {
                    if let ExprKind::Agg(name) = &inner.kind {
                        return Err(CompileError::new(
                            lhs.line,
                            "D_AGG_MDIM",
                            format!("improper attempt to reference @{} as a multi-dimensional array", name),
                        ));
                    }
                }
            }
            match (agg, &rhs.kind) {
                (Some((name, keys)), ExprKind::Call { name: func, args }) => {
                    return Ok(Expr::new(
                        ExprKind::AggAssign { name, keys, func: func.clone(), args: args.clone() },
                        lhs.line,
                    ));
                }
                (Some((name, _)), _) => {
                    return Err(CompileError::new(
                        lhs.line,
                        "D_AGG_FUNC",
                        format!("@{} must be assigned the result of an aggregating function", name),
                    ));
                }
                _ => {}
            }
        }
        Ok(Expr::new(ExprKind::Assign { op, lhs: Box::new(lhs), rhs: Box::new(rhs) }, t.line))
    }

    fn ternary(&mut self) -> PResult<Expr> {
        let cond = self.binary(1)?;
        if !self.peek_is_op("?")? {
            return Ok(cond);
        }
        let t = self.next()?;
        let then = self.nested(Self::expr)?;
        self.expect_op(":")?;
        let els = self.nested(Self::ternary)?;
        Ok(Expr::new(
            ExprKind::Ternary { cond: Box::new(cond), then: Box::new(then), els: Box::new(els) },
            t.line,
        ))
    }

    fn binop(t: &Token) -> Option<(u8, BinOp)> {
        Some(match t.tok {
            Tok::Op("||") => (1, BinOp::LogOr),
            Tok::Op("^^") => (2, BinOp::LogXor),
            Tok::Op("&&") => (3, BinOp::LogAnd),
            Tok::Op("|") => (4, BinOp::BitOr),
            Tok::Op("^") => (5, BinOp::BitXor),
            Tok::Op("&") => (6, BinOp::BitAnd),
            Tok::Op("==") => (7, BinOp::Eq),
            Tok::Op("!=") => (7, BinOp::Ne),
            Tok::Op("<") => (8, BinOp::Lt),
            Tok::Op("<=") => (8, BinOp::Le),
            Tok::Op(">") => (8, BinOp::Gt),
            Tok::Op(">=") => (8, BinOp::Ge),
            Tok::Op("<<") => (9, BinOp::Shl),
            Tok::Op(">>") => (9, BinOp::Shr),
            Tok::Op("+") => (10, BinOp::Add),
            Tok::Op("-") => (10, BinOp::Sub),
            Tok::Op("*") => (11, BinOp::Mul),
            Tok::Slash { epred: false } => (11, BinOp::Div),
            Tok::Op("%") => (11, BinOp::Mod),
            _ => return None,
        })
    }

    /// Binary operators of precedence `min` and above (left-associative).
    fn binary(&mut self, min: u8) -> PResult<Expr> {
        let mut lhs = self.unary()?;
        loop {
            let t = self.peek()?.clone();
            let Some((prec, op)) = Self::binop(&t) else { break };
            if prec < min {
                break;
            }
            self.next()?;
            let rhs = self.binary(prec + 1)?;
            lhs = Expr::new(ExprKind::Binary { op, lhs: Box::new(lhs), rhs: Box::new(rhs) }, t.line);
        }
        Ok(lhs)
    }

    fn unary(&mut self) -> PResult<Expr> {
        self.nested(Self::unary_inner)
    }

    fn unary_inner(&mut self) -> PResult<Expr> {
        let t = self.peek()?.clone();
        let op = match t.tok {
            Tok::Op("-") => Some(UnOp::Neg),
            Tok::Op("+") => Some(UnOp::Plus),
            Tok::Op("!") => Some(UnOp::Not),
            Tok::Op("~") => Some(UnOp::BitNot),
            Tok::Op("*") => Some(UnOp::Deref),
            Tok::Op("&") => Some(UnOp::AddrOf),
            Tok::Op("++") => Some(UnOp::PreInc),
            Tok::Op("--") => Some(UnOp::PreDec),
            _ => None,
        };
        if let Some(op) = op {
            self.next()?;
            let e = self.unary()?;
            return Ok(Expr::new(ExprKind::Unary { op, expr: Box::new(e) }, t.line));
        }
        if t.is_kw("sizeof") {
            self.next()?;
            if self.peek_is_op("(")? && self.paren_type_follows(true)? {
                self.next()?;
                let ty = self.type_name_ext(true)?;
                self.expect_op(")")?;
                return Ok(Expr::new(ExprKind::SizeofType(ty), t.line));
            }
            let e = self.unary()?;
            return Ok(Expr::new(ExprKind::SizeofExpr(Box::new(e)), t.line));
        }
        if t.is_kw("stringof") {
            self.next()?;
            let e = self.unary()?;
            return Ok(Expr::new(ExprKind::Stringof(Box::new(e)), t.line));
        }
        if t.is_op("(") && self.paren_type_follows(false)? {
            self.next()?;
            let ty = self.type_name_ext(true)?;
            self.expect_op(")")?;
            let e = self.unary()?;
            return Ok(Expr::new(ExprKind::Cast { ty, expr: Box::new(e) }, t.line));
        }
        self.postfix()
    }

    /// With `(` at the lookahead: is it the start of a parenthesised type
    /// name (a cast, or `sizeof(type)`)?
    fn paren_type_follows(&mut self, for_sizeof: bool) -> PResult<bool> {
        let t1 = self.peek_n(1)?.clone();
        let name = match &t1.tok {
            Tok::Kw(k) => {
                return Ok(TYPE_KEYWORDS.contains(k)
                    || QUALIFIERS.contains(k)
                    || matches!(*k, "struct" | "union" | "enum"))
            }
            Tok::Ident(n) => n.clone(),
            _ => return Ok(false),
        };
        if self.is_known_type(&name) {
            return Ok(true);
        }
        // `( name * ... )` can only be a type.
        let mut i = 2;
        while self.peek_n(i)?.is_op("*") {
            i += 1;
            if i > 64 {
                return Ok(false);
            }
        }
        if !self.peek_n(i)?.is_op(")") {
            return Ok(false);
        }
        if i > 2 {
            return Ok(true);
        }
        // `( name )`
        if for_sizeof {
            return Ok(name.ends_with("_t"));
        }
        let after = self.peek_n(3)?.clone();
        let operand_start = matches!(
            after.tok,
            Tok::Ident(_) | Tok::Int { .. } | Tok::Char(_) | Tok::Str(_) | Tok::Macro(_) | Tok::MacroStr(_)
        ) || after.is_op("(")
            || after.is_op("!")
            || after.is_op("~")
            || matches!(after.tok, Tok::Kw("sizeof" | "stringof" | "offsetof" | "xlate" | "self" | "this"));
        if operand_start {
            return Ok(true);
        }
        let ambiguous_operand = after.is_op("-") || after.is_op("+") || after.is_op("*") || after.is_op("&");
        Ok(name.ends_with("_t") && ambiguous_operand)
    }

    fn postfix(&mut self) -> PResult<Expr> {
        let mut e = self.primary()?;
        loop {
            let t = self.peek()?.clone();
            if t.is_op("[") {
                self.next()?;
                let keys = self.arg_list("]")?;
                e = Expr::new(ExprKind::Index { base: Box::new(e), keys }, t.line);
            } else if t.is_op("->") || t.is_op(".") {
                self.next()?;
                let member = self.member_name()?;
                e = if t.is_op("->") {
                    Expr::new(ExprKind::Arrow { expr: Box::new(e), member }, t.line)
                } else {
                    Expr::new(ExprKind::Member { expr: Box::new(e), member }, t.line)
                };
            } else if t.is_op("++") || t.is_op("--") {
                self.next()?;
                let op = if t.is_op("++") { UnOp::PostInc } else { UnOp::PostDec };
                e = Expr::new(ExprKind::Unary { op, expr: Box::new(e) }, t.line);
            } else {
                break;
            }
        }
        Ok(e)
    }

    /// A member name after `->` or `.`: any identifier, keywords included.
    fn member_name(&mut self) -> PResult<String> {
        let t = self.next()?;
        match t.tok {
            Tok::Ident(s) => Ok(s),
            Tok::Kw(k) => Ok(k.to_string()),
            _ => Err(t.syntax_error()),
        }
    }

    /// Comma-separated assignment expressions up to the closing `close`
    /// (consumed). Empty lists are allowed only for `)`.
    fn arg_list(&mut self, close: &str) -> PResult<Vec<Expr>> {
        let mut v = Vec::new();
        if close == ")" && self.eat_op(")")? {
            return Ok(v);
        }
        loop {
            v.push(self.assign()?);
            if !self.eat_op(",")? {
                break;
            }
        }
        self.expect_op(close)?;
        Ok(v)
    }

    fn primary(&mut self) -> PResult<Expr> {
        let t = self.next()?;
        let line = t.line;
        let kind = match t.tok {
            Tok::Ident(name) => {
                if self.peek_is_op("(")? {
                    self.next()?;
                    let args = self.arg_list(")")?;
                    ExprKind::Call { name, args }
                } else {
                    ExprKind::Ident(name)
                }
            }
            Tok::Int { value, unsigned, long, nondecimal } => ExprKind::Int { value, unsigned, long, nondecimal },
            Tok::Char(c) => ExprKind::Char(c),
            Tok::Str(s) => ExprKind::Str(s),
            Tok::Macro(m) => ExprKind::Macro(m),
            Tok::MacroStr(m) => ExprKind::MacroStr(m),
            Tok::Agg(a) => ExprKind::Agg(a),
            Tok::Op("(") => {
                let e = self.expr()?;
                self.expect_op(")")?;
                return Ok(e);
            }
            Tok::Kw(k @ ("self" | "this")) => {
                self.expect_op("->")?;
                let m = self.member_name()?;
                if k == "self" {
                    ExprKind::SelfVar(m)
                } else {
                    ExprKind::ThisVar(m)
                }
            }
            Tok::Kw("offsetof") => {
                self.expect_op("(")?;
                let ty = self.type_name_ext(true)?;
                self.expect_op(",")?;
                let member = self.member_name()?;
                self.expect_op(")")?;
                ExprKind::Offsetof { ty, member }
            }
            Tok::Kw("xlate") => {
                self.expect_op("<")?;
                let ty = self.type_name_ext(true)?;
                self.expect_op(">")?;
                self.expect_op("(")?;
                let e = self.expr()?;
                self.expect_op(")")?;
                ExprKind::Xlate { ty, expr: Box::new(e) }
            }
            _ => return Err(t.syntax_error()),
        };
        Ok(Expr::new(kind, line))
    }
}

/// Fold an integer constant expression (for array dimensions).
/// DTrace's checks on combined type words (`char long`, `int int`, ...).
fn check_type_words(words: &[String]) -> Option<(&'static str, &'static str)> {
    let attr = |w: &str| matches!(w, "short" | "long" | "signed" | "unsigned");
    let names: Vec<&str> = words.iter().map(|w| w.as_str()).filter(|w| !attr(w)).collect();
    if names.len() > 1 {
        return Some(("D_DECL_COMBO", "invalid type combination"));
    }
    let has = |a: &str| words.iter().any(|w| w == a);
    let sized = has("short") || has("long");
    let signed = has("signed") || has("unsigned");
    let name = names.first().copied();
    if name == Some("char") && sized {
        return Some(("D_DECL_CHARATTR", "invalid type declaration: short and long may not be used with char type"));
    }
    if name == Some("void") && (sized || signed) {
        return Some(("D_DECL_VOIDATTR", "invalid type declaration: attributes may not be used with void type"));
    }
    let integer = matches!(name, None | Some("char" | "int"));
    if !integer && signed {
        return Some(("D_DECL_SIGNINT", "invalid type declaration: signed and unsigned may only be used with integer type"));
    }
    if !integer && !matches!(name, Some("float" | "double")) && sized {
        return Some(("D_DECL_LONGINT", "invalid type declaration: long and long long may only be used with integer or floating-point type"));
    }
    None
}

fn fold_const(e: &Expr) -> Option<u64> {
    match &e.kind {
        ExprKind::Int { value, .. } => Some(*value),
        ExprKind::Char(c) => Some(*c as u64),
        ExprKind::Unary { op: UnOp::Plus, expr } => fold_const(expr),
        ExprKind::Binary { op, lhs, rhs } => {
            let (a, b) = (fold_const(lhs)?, fold_const(rhs)?);
            match op {
                BinOp::Add => a.checked_add(b),
                BinOp::Sub => a.checked_sub(b),
                BinOp::Mul => a.checked_mul(b),
                BinOp::Div => a.checked_div(b),
                BinOp::Mod => a.checked_rem(b),
                BinOp::Shl => a.checked_shl(u32::try_from(b).ok()?),
                BinOp::Shr => a.checked_shr(u32::try_from(b).ok()?),
                BinOp::BitAnd => Some(a & b),
                BinOp::BitOr => Some(a | b),
                BinOp::BitXor => Some(a ^ b),
                _ => None,
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A compact rendering of an expression, for assertions.
    fn sx(e: &Expr) -> String {
        fn ty(t: &TypeName) -> String {
            let mut s = t.base.clone();
            for _ in 0..t.pointers {
                s.push('*');
            }
            for d in &t.dims {
                s.push_str(&format!("[{}]", d));
            }
            s
        }
        fn list(v: &[Expr]) -> String {
            v.iter().map(sx).collect::<Vec<_>>().join(" ")
        }
        match &e.kind {
            ExprKind::Int { value, .. } => value.to_string(),
            ExprKind::Char(c) => format!("'{}'", c),
            ExprKind::Str(s) => format!("{:?}", String::from_utf8_lossy(s)),
            ExprKind::Ident(n) => n.clone(),
            ExprKind::Macro(m) => format!("${}", m),
            ExprKind::MacroStr(m) => format!("$${}", m),
            ExprKind::SelfVar(n) => format!("self->{}", n),
            ExprKind::ThisVar(n) => format!("this->{}", n),
            ExprKind::Agg(n) => format!("@{}", n),
            ExprKind::Index { base, keys } => format!("(index {} {})", sx(base), list(keys)),
            ExprKind::Call { name, args } => {
                if args.is_empty() {
                    format!("({})", name)
                } else {
                    format!("({} {})", name, list(args))
                }
            }
            ExprKind::Unary { op, expr } => format!("({:?} {})", op, sx(expr)),
            ExprKind::Binary { op, lhs, rhs } => format!("({:?} {} {})", op, sx(lhs), sx(rhs)),
            ExprKind::Assign { op: None, lhs, rhs } => format!("(= {} {})", sx(lhs), sx(rhs)),
            ExprKind::Assign { op: Some(op), lhs, rhs } => format!("({:?}= {} {})", op, sx(lhs), sx(rhs)),
            ExprKind::AggAssign { name, keys, func, args } => {
                format!("(agg @{} [{}] {} [{}])", name, list(keys), func, list(args))
            }
            ExprKind::Ternary { cond, then, els } => format!("(? {} {} {})", sx(cond), sx(then), sx(els)),
            ExprKind::Cast { ty: t, expr } => format!("(cast {} {})", ty(t), sx(expr)),
            ExprKind::SizeofType(t) => format!("(sizeof-type {})", ty(t)),
            ExprKind::SizeofExpr(e) => format!("(sizeof {})", sx(e)),
            ExprKind::Offsetof { ty: t, member } => format!("(offsetof {} {})", ty(t), member),
            ExprKind::Stringof(e) => format!("(stringof {})", sx(e)),
            ExprKind::Member { expr, member } => format!("(. {} {})", sx(expr), member),
            ExprKind::Arrow { expr, member } => format!("(-> {} {})", sx(expr), member),
            ExprKind::Xlate { ty: t, expr } => format!("(xlate {} {})", ty(t), sx(expr)),
        }
    }

    fn prog(src: &str) -> Program {
        match parse_program(src) {
            Ok(p) => p,
            Err(e) => panic!("parse of {:?} failed: {}", src, e),
        }
    }

    fn clauses(p: &Program) -> Vec<&Clause> {
        p.items
            .iter()
            .filter_map(|i| match i {
                Item::Clause(c) => Some(c),
                _ => None,
            })
            .collect()
    }

    /// The statements of `BEGIN { <src> }`, rendered.
    fn stmts(src: &str) -> Vec<String> {
        let p = prog(&format!("BEGIN {{ {} }}", src));
        fn render(s: &Stmt) -> String {
            match s {
                Stmt::Expr(e) => sx(e),
                Stmt::Empty => ";".into(),
                Stmt::Decl(d) => format!("decl {:?} {}", d.class, d.ty.base),
                Stmt::If { cond, then, els, .. } => format!(
                    "(if {} [{}] [{}])",
                    sx(cond),
                    then.iter().map(render).collect::<Vec<_>>().join(", "),
                    els.iter().map(render).collect::<Vec<_>>().join(", ")
                ),
            }
        }
        clauses(&p)[0].body.iter().map(render).collect()
    }

    /// One expression statement, rendered.
    fn ex(src: &str) -> String {
        let v = stmts(&format!("{};", src));
        assert_eq!(v.len(), 1, "{:?}", v);
        v[0].clone()
    }

    fn err(src: &str) -> CompileError {
        match parse_program(src) {
            Ok(p) => panic!("parse of {:?} succeeded: {:?}", src, p),
            Err(e) => e,
        }
    }

    fn err_s(src: &str) -> String {
        err(src).to_string()
    }

    #[test]
    fn precedence() {
        assert_eq!(ex("1 + 2 * 3"), "(Add 1 (Mul 2 3))");
        assert_eq!(ex("1 * 2 + 3"), "(Add (Mul 1 2) 3)");
        assert_eq!(ex("1 - 2 - 3"), "(Sub (Sub 1 2) 3)");
        assert_eq!(ex("a || b && c"), "(LogOr a (LogAnd b c))");
        assert_eq!(ex("a && b || c"), "(LogOr (LogAnd a b) c)");
        assert_eq!(ex("a ^^ b"), "(LogXor a b)");
        assert_eq!(ex("a || b ^^ c && d"), "(LogOr a (LogXor b (LogAnd c d)))");
        assert_eq!(ex("a | b ^ c & d"), "(BitOr a (BitXor b (BitAnd c d)))");
        assert_eq!(ex("a & b == c"), "(BitAnd a (Eq b c))");
        assert_eq!(ex("a == b < c"), "(Eq a (Lt b c))");
        assert_eq!(ex("a < b << c"), "(Lt a (Shl b c))");
        assert_eq!(ex("a << b + c"), "(Shl a (Add b c))");
        assert_eq!(ex("a % b / c"), "(Div (Mod a b) c)");
        assert_eq!(ex("x = y = 3"), "(= x (= y 3))");
        assert_eq!(ex("x += y -= 3"), "(Add= x (Sub= y 3))");
        assert_eq!(ex("x <<= 1"), "(Shl= x 1)");
        assert_eq!(ex("x >>= 1"), "(Shr= x 1)");
        assert_eq!(ex("x %= 1, y ^= 2, z |= 3, w &= 4, v *= 5, u /= 6"),
            "(Comma (Comma (Comma (Comma (Comma (Mod= x 1) (BitXor= y 2)) (BitOr= z 3)) (BitAnd= w 4)) (Mul= v 5)) (Div= u 6))");
        assert_eq!(ex("-a[1]"), "(Neg (index a 1))");
        assert_eq!(ex("*p->q"), "(Deref (-> p q))");
        assert_eq!(ex("&p->q.r"), "(AddrOf (. (-> p q) r))");
        assert_eq!(ex("(int)x + 1"), "(Add (cast int x) 1)");
        assert_eq!(ex("!a == ~b"), "(Eq (Not a) (BitNot b))");
        assert_eq!(ex("+a - -b"), "(Sub (Plus a) (Neg b))");
        assert_eq!(ex("a ? b : c ? d : e"), "(? a b (? c d e))");
        assert_eq!(ex("x = a || b ? 1 : 2"), "(= x (? (LogOr a b) 1 2))");
        assert_eq!(ex("a ? b, c : d"), "(? a (Comma b c) d)");
        assert_eq!(ex("x++ + ++y"), "(Add (PostInc x) (PreInc y))");
        assert_eq!(ex("x-- - --y"), "(Sub (PostDec x) (PreDec y))");
        assert_eq!(ex("a >= b != c <= d"), "(Ne (Ge a b) (Le c d))");
        assert_eq!(ex("a > b >> c"), "(Gt a (Shr b c))");
        assert_eq!(ex("(a + b) * c"), "(Mul (Add a b) c)");
        assert_eq!(ex("a, b, c"), "(Comma (Comma a b) c)");
    }

    #[test]
    fn postfix_and_primary() {
        assert_eq!(ex("self->x"), "self->x");
        assert_eq!(ex("this->x"), "this->x");
        assert_eq!(ex("self->x->y[1].z"), "(. (index (-> self->x y) 1) z)");
        assert_eq!(ex("self->ts[pid]"), "(index self->ts pid)");
        assert_eq!(ex("args[0]"), "(index args 0)");
        assert_eq!(ex("args[1]->b_bcount"), "(-> (index args 1) b_bcount)");
        assert_eq!(ex("a[k1, k2]"), "(index a k1 k2)");
        assert_eq!(ex("a[k1, k2] = 1"), "(= (index a k1 k2) 1)");
        assert_eq!(ex("x->y"), "(-> x y)");
        assert_eq!(ex("x.y"), "(. x y)");
        assert_eq!(ex("p->string"), "(-> p string)");
        assert_eq!(ex("self->this"), "self->this");
        assert_eq!(ex("trace(1)"), "(trace 1)");
        assert_eq!(ex("exit(0)"), "(exit 0)");
        assert_eq!(ex("f()"), "(f)");
        assert_eq!(ex("printf(\"%d %s\\n\", a, b)"), "(printf \"%d %s\\n\" a b)");
        assert_eq!(ex("copyinstr(arg0)[0]"), "(index (copyinstr arg0) 0)");
        assert_eq!(ex("vmlinux`jiffies"), "vmlinux`jiffies");
        assert_eq!(ex("`max_pfn"), "`max_pfn");
        assert_eq!(ex("$1 + $target"), "(Add $1 $target)");
        assert_eq!(ex("$$1"), "$$1");
        assert_eq!(ex("pid == $target"), "(Eq pid $target)");
        assert_eq!(ex("'a'"), "'97'");
        assert_eq!(ex("stringof(x)"), "(stringof x)");
        assert_eq!(ex("stringof x + 1"), "(Add (stringof x) 1)");
        assert_eq!(ex("stringof args[0]->name"), "(stringof (-> (index args 0) name))");
        assert_eq!(ex("xlate <struct psinfo *> (curthread)"), "(xlate struct psinfo* curthread)");
        assert_eq!(ex("xlate<psinfo_t>(p)->pr_pid"), "(-> (xlate psinfo_t p) pr_pid)");
        assert_eq!(ex("offsetof(struct foo, bar)"), "(offsetof struct foo bar)");
        assert_eq!(ex("offsetof(foo_t, bar)"), "(offsetof foo_t bar)");
    }

    #[test]
    fn casts_and_sizeof() {
        assert_eq!(ex("(char *)arg0"), "(cast char* arg0)");
        assert_eq!(ex("(struct foo *)p"), "(cast struct foo* p)");
        assert_eq!(ex("(struct foo **)p"), "(cast struct foo** p)");
        assert_eq!(ex("(unsigned long long)x"), "(cast unsigned long long x)");
        assert_eq!(ex("(uint64_t)x"), "(cast uint64_t x)");
        assert_eq!(ex("(uint64_t)-1"), "(cast uint64_t (Neg 1))");
        assert_eq!(ex("(const char *)arg1"), "(cast char* arg1)");
        assert_eq!(ex("(string)arg0"), "(cast string arg0)");
        assert_eq!(ex("(void)x"), "(cast void x)");
        assert_eq!(ex("(int)(char)x"), "(cast int (cast char x))");
        assert_eq!(ex("(int)x->y"), "(cast int (-> x y))");
        assert_eq!(ex("(int)-x"), "(cast int (Neg x))");
        // Unknown identifiers: a cast only where nothing else is possible.
        assert_eq!(ex("(foo)x"), "(cast foo x)");
        assert_eq!(ex("(foo *)x"), "(cast foo* x)");
        assert_eq!(ex("(foo)(x)"), "(cast foo x)");
        assert_eq!(ex("(foo) - x"), "(Sub foo x)");
        assert_eq!(ex("(foo) * x"), "(Mul foo x)");
        assert_eq!(ex("(bar_t) - x"), "(cast bar_t (Neg x))");
        assert_eq!(ex("(a) ? (b) : (c)"), "(? a b c)");
        assert_eq!(ex("(a)++"), "(PostInc a)");
        assert_eq!(ex("sizeof(int)"), "(sizeof-type int)");
        assert_eq!(ex("sizeof(struct task_struct)"), "(sizeof-type struct task_struct)");
        assert_eq!(ex("sizeof(char *)"), "(sizeof-type char*)");
        assert_eq!(ex("sizeof(uint64_t)"), "(sizeof-type uint64_t)");
        assert_eq!(ex("sizeof(foo_t)"), "(sizeof-type foo_t)");
        assert_eq!(ex("sizeof(x)"), "(sizeof x)");
        assert_eq!(ex("sizeof x"), "(sizeof x)");
        assert_eq!(ex("sizeof x + 1"), "(Add (sizeof x) 1)");
        assert_eq!(ex("sizeof (x) + 1"), "(Add (sizeof x) 1)");
        assert_eq!(ex("sizeof(x + 1)"), "(sizeof (Add x 1))");
        // A typedef declared in the program is a type.
        let p = prog("typedef unsigned long foo;\nBEGIN { x = (foo)-1; y = sizeof(foo); }");
        let c = clauses(&p)[0];
        match &c.body[0] {
            Stmt::Expr(e) => assert_eq!(sx(e), "(= x (cast foo (Neg 1)))"),
            s => panic!("{:?}", s),
        }
        match &c.body[1] {
            Stmt::Expr(e) => assert_eq!(sx(e), "(= y (sizeof-type foo))"),
            s => panic!("{:?}", s),
        }
    }

    #[test]
    fn literals() {
        let p = prog("BEGIN { x = 0x10UL; y = 017; z = 5ll; w = 0; }");
        let vals: Vec<ExprKind> = clauses(&p)[0]
            .body
            .iter()
            .map(|s| match s {
                Stmt::Expr(Expr { kind: ExprKind::Assign { rhs, .. }, .. }) => rhs.kind.clone(),
                s => panic!("{:?}", s),
            })
            .collect();
        assert_eq!(
            vals,
            vec![
                ExprKind::Int { value: 16, unsigned: true, long: 1, nondecimal: true },
                ExprKind::Int { value: 15, unsigned: false, long: 0, nondecimal: true },
                ExprKind::Int { value: 5, unsigned: false, long: 2, nondecimal: false },
                ExprKind::Int { value: 0, unsigned: false, long: 0, nondecimal: true },
            ]
        );
        let p = prog(r#"BEGIN { s = "a\n\t\\\"\0\a\b\f\r\v\101\x41z"; c = '\n'; d = '\0'; e = '\x41'; f = 'ab'; }"#);
        let vals: Vec<ExprKind> = clauses(&p)[0]
            .body
            .iter()
            .map(|s| match s {
                Stmt::Expr(Expr { kind: ExprKind::Assign { rhs, .. }, .. }) => rhs.kind.clone(),
                s => panic!("{:?}", s),
            })
            .collect();
        assert_eq!(
            vals,
            vec![
                ExprKind::Str(b"a\n\t\\\"\0\x07\x08\x0c\r\x0bAAz".to_vec()),
                ExprKind::Char(10),
                ExprKind::Char(0),
                ExprKind::Char(65),
                ExprKind::Char(0x6162),
            ]
        );
    }

    #[test]
    fn aggregations() {
        assert_eq!(ex("@a[execname] = count()"), "(agg @a [execname] count [])");
        assert_eq!(ex("@[pid, execname] = sum(arg0)"), "(agg @ [pid execname] sum [arg0])");
        assert_eq!(ex("@ = count()"), "(agg @ [] count [])");
        assert_eq!(ex("@name = quantize(x)"), "(agg @name [] quantize [x])");
        assert_eq!(ex("@q = lquantize(x, 0, 100, 10)"), "(agg @q [] lquantize [x 0 100 10])");
        assert_eq!(ex("printa(@a)"), "(printa @a)");
        assert_eq!(ex("printa(\"%s %@d\\n\", @a)"), "(printa \"%s %@d\\n\" @a)");
        assert_eq!(ex("clear(@a)"), "(clear @a)");
        assert_eq!(ex("trunc(@a, 10)"), "(trunc @a 10)");
        assert_eq!(ex("normalize(@a, 1000)"), "(normalize @a 1000)");
        assert_eq!(ex("printa(@)"), "(printa @)");
        // Not an aggregating call (dt_cook_op2's D_AGG_FUNC).
        assert_eq!(err("BEGIN { @a = 1; }").tag, "D_AGG_FUNC");
        assert_eq!(ex("@a[1] += f()"), "(Add= (index @a 1) (f))");
        let p = prog("BEGIN { @c[probefunc] = count(); }");
        match &clauses(&p)[0].body[0] {
            Stmt::Expr(Expr { kind: ExprKind::AggAssign { name, keys, func, args }, line, .. }) => {
                assert_eq!(name, "c");
                assert_eq!(keys.len(), 1);
                assert_eq!(func, "count");
                assert!(args.is_empty());
                assert_eq!(*line, 1);
            }
            s => panic!("{:?}", s),
        }
    }

    fn pd(p: &ProbeDesc) -> (String, String, String, String) {
        (p.provider.clone(), p.module.clone(), p.function.clone(), p.name.clone())
    }

    fn t4(a: &str, b: &str, c: &str, d: &str) -> (String, String, String, String) {
        (a.into(), b.into(), c.into(), d.into())
    }

    #[test]
    fn probe_descriptions() {
        type Fields<'s> = (&'s str, &'s str, &'s str, &'s str);
        let cases: &[(&str, Fields)] = &[
            ("syscall::read:entry", ("syscall", "", "read", "entry")),
            ("syscall:::entry", ("syscall", "", "", "entry")),
            ("profile-97", ("", "", "", "profile-97")),
            ("tick-1s", ("", "", "", "tick-1s")),
            ("BEGIN", ("", "", "", "BEGIN")),
            ("END", ("", "", "", "END")),
            ("ERROR", ("", "", "", "ERROR")),
            ("fbt:ext4:ext4_*:return", ("fbt", "ext4", "ext4_*", "return")),
            ("syscall::*read*:entry", ("syscall", "", "*read*", "entry")),
            ("pid$target:libc.so.6:malloc:entry", ("pid$target", "libc.so.6", "malloc", "entry")),
            ("pid$1::*:entry", ("pid$1", "", "*", "entry")),
            ("read:entry", ("", "", "read", "entry")),
            ("vmlinux:do_sys_open:entry", ("", "vmlinux", "do_sys_open", "entry")),
            ("profile:::profile-1001hz", ("profile", "", "", "profile-1001hz")),
            ("sched:::on-cpu", ("sched", "", "", "on-cpu")),
            ("syscall::[rw]*:entry", ("syscall", "", "[rw]*", "entry")),
            ("syscall::?ead:entry", ("syscall", "", "?ead", "entry")),
            ("syscall::[!r]ead:entry", ("syscall", "", "[!r]ead", "entry")),
            (":::", ("", "", "", "")),
            ("fbt:::", ("fbt", "", "", "")),
            ("fbt:vmlinux`foo::", ("fbt", "vmlinux`foo", "", "")),
            ("syscall", ("", "", "", "syscall")),
        ];
        for (text, want) in cases {
            let p = prog(&format!("{} {{ }}", text));
            let c = clauses(&p)[0];
            assert_eq!(c.probes.len(), 1, "{}", text);
            assert_eq!(pd(&c.probes[0]), t4(want.0, want.1, want.2, want.3), "{}", text);
            assert_eq!(c.probes[0].text, *text);
            assert!(c.predicate.is_none());
            assert!(c.body.is_empty());
        }
        // Several descriptions, across lines.
        let p = prog("syscall::read:entry,\nsyscall::write:entry ,\n  BEGIN\n{ x = 1; }");
        let c = clauses(&p)[0];
        assert_eq!(c.probes.len(), 3);
        assert_eq!(pd(&c.probes[1]), t4("syscall", "", "write", "entry"));
        assert_eq!(c.probes.iter().map(|p| p.line).collect::<Vec<_>>(), vec![1, 2, 3]);
        assert_eq!(c.line, 1);
        // Comments around descriptions.
        let p = prog("/* hi */ BEGIN /* a */ , /* b */ END /* c */ { }");
        assert_eq!(clauses(&p)[0].probes.len(), 2);
        // Overspecified.
        assert_eq!(
            err_s("a:b:c:d:e { }"),
            "line 1: invalid probe description \"a:b:c:d:e\": Overspecified probe description"
        );
        assert_eq!(err("a:b:c:d:e { }").tag, "D_PDESC_INVAL");
    }

    #[test]
    fn clauses_and_predicates() {
        let p = prog("BEGIN\n{\n}\n\nsyscall::read:entry\n/pid == 1/\n{\n\ttrace(arg0);\n}\nEND{exit(0)}");
        let cs = clauses(&p);
        assert_eq!(cs.len(), 3);
        assert_eq!(cs[1].line, 5);
        assert_eq!(sx(cs[1].predicate.as_ref().unwrap()), "(Eq pid 1)");
        assert_eq!(cs[1].predicate.as_ref().unwrap().line, 6);
        assert_eq!(cs[1].body.len(), 1);
        assert_eq!(cs[2].body.len(), 1);
        // Division in predicates.
        let p = prog("BEGIN /x / 2 > 1/ { }");
        assert_eq!(sx(clauses(&p)[0].predicate.as_ref().unwrap()), "(Gt (Div x 2) 1)");
        let p = prog("BEGIN / (a / b) > 1 / { }");
        assert_eq!(sx(clauses(&p)[0].predicate.as_ref().unwrap()), "(Gt (Div a b) 1)");
        let p = prog("BEGIN/x/{}");
        assert_eq!(sx(clauses(&p)[0].predicate.as_ref().unwrap()), "x");
        let p = prog("BEGIN /x/\n\n{}");
        assert_eq!(sx(clauses(&p)[0].predicate.as_ref().unwrap()), "x");
        let p = prog("BEGIN /self->ts && (timestamp - self->ts) / 1000 > 5/ /* c */ { }");
        assert_eq!(
            sx(clauses(&p)[0].predicate.as_ref().unwrap()),
            "(LogAnd self->ts (Gt (Div (Sub timestamp self->ts) 1000) 5))"
        );
        let p = prog("BEGIN /execname == \"a/b\"/ { }");
        assert_eq!(sx(clauses(&p)[0].predicate.as_ref().unwrap()), "(Eq execname \"a/b\")");
        let p = prog("BEGIN /a[1, 2] == 3/ { }");
        assert_eq!(sx(clauses(&p)[0].predicate.as_ref().unwrap()), "(Eq (index a 1 2) 3)");
        // Statements: last `;` optional, empty statements, nested blocks.
        assert_eq!(stmts("a = 1; b = 2"), vec!["(= a 1)", "(= b 2)"]);
        assert_eq!(stmts("a = 1; ; b = 2;"), vec!["(= a 1)", ";", "(= b 2)"]);
        assert_eq!(stmts(";"), vec![";"]);
        assert_eq!(stmts("{ a = 1; } b = 2;"), vec!["(= a 1)", "(= b 2)"]);
        assert!(stmts("").is_empty());
    }

    #[test]
    fn if_else() {
        assert_eq!(stmts("if (x) { a = 1; }"), vec!["(if x [(= a 1)] [])"]);
        assert_eq!(stmts("if (x) a = 1; else b = 2;"), vec!["(if x [(= a 1)] [(= b 2)])"]);
        assert_eq!(
            stmts("if (x) { a = 1; b = 2 } else if (y) { c = 3; } else { d = 4; } e = 5"),
            vec!["(if x [(= a 1), (= b 2)] [(if y [(= c 3)] [(= d 4)])])", "(= e 5)"]
        );
        assert_eq!(stmts("if (x > 1 && y) trace(1)"), vec!["(if (LogAnd (Gt x 1) y) [(trace 1)] [])"]);
        assert_eq!(stmts("if (x) {} else {}"), vec!["(if x [] [])"]);
        assert_eq!(stmts("if (x) ;"), vec!["(if x [;] [])"]);
        let p = prog("BEGIN\n{\n  if (x)\n    y = 1;\n}");
        match &clauses(&p)[0].body[0] {
            Stmt::If { line, .. } => assert_eq!(*line, 3),
            s => panic!("{:?}", s),
        }
        assert_eq!(err_s("BEGIN { if x { } }"), "line 1: syntax error near \"x\"");
        assert_eq!(err_s("BEGIN { else { } }"), "line 1: syntax error near \"else\"");
    }

    #[test]
    fn pragmas() {
        let p = prog(
            "#!/usr/sbin/dtrace -s\n#pragma D option quiet\n#pragma D option bufsize=16m\n BEGIN {\n#pragma D option switchrate=10hz\n}\n#pragma ident \"x\"\n",
        );
        // Items come in source order (a pragma inside a clause follows it).
        let want = vec![
            Item::Pragma { words: vec!["D".into(), "option".into(), "quiet".into()], line: 2 },
            Item::Pragma { words: vec!["D".into(), "option".into(), "bufsize=16m".into()], line: 3 },
        ];
        assert_eq!(p.items[..2].to_vec(), want);
        assert!(matches!(p.items[2], Item::Clause(ref c) if c.line == 4));
        assert_eq!(
            p.items[3],
            Item::Pragma { words: vec!["D".into(), "option".into(), "switchrate=10hz".into()], line: 5 }
        );
        assert_eq!(p.items[4], Item::Pragma { words: vec!["ident".into(), "\"x\"".into()], line: 7 });
        assert_eq!(p.items.len(), 5);
        // Pragma between clauses keeps its place.
        let p = prog("BEGIN {}\n#pragma D option quiet\nEND {}");
        assert!(matches!(p.items[0], Item::Clause(_)));
        assert!(matches!(p.items[1], Item::Pragma { line: 2, .. }));
        assert!(matches!(p.items[2], Item::Clause(_)));
        // Indented pragma, and cpp line markers.
        let p = prog("  #pragma D option flowindent\n# 20 \"foo.d\"\nBEGIN { }");
        assert!(matches!(p.items[0], Item::Pragma { line: 1, .. }));
        assert_eq!(clauses(&p)[0].line, 20);
        assert_eq!(err_s("#foo bar\nBEGIN { }"), "line 1: invalid control directive: #foo");
        assert_eq!(err("#foo bar\n").tag, "D_PRAGCTL_INVAL");
        assert_eq!(err_s("\n#error stop here\n"), "line 2: #error: stop here ");
        // A `#!` line anywhere is ignored; an empty `#` line too.
        let p = prog("BEGIN { }\n#!/bin/foo\n#\nEND { }");
        assert_eq!(clauses(&p).len(), 2);
    }

    fn decls(src: &str) -> Vec<Decl> {
        prog(src)
            .items
            .into_iter()
            .filter_map(|i| match i {
                Item::Decl(d) => Some(d),
                _ => None,
            })
            .collect()
    }

    fn tn(base: &str) -> TypeName {
        TypeName { base: base.into(), members: None, pointers: 0, dims: vec![] }
    }

    fn dn(name: &str) -> Declarator {
        Declarator { name: name.into(), pointers: 0, dims: vec![], assoc_keys: vec![], bits: 0 }
    }

    #[test]
    fn declarations() {
        let d = decls("int x;");
        assert_eq!(d, vec![Decl { class: StorageClass::None, ty: tn("int"), names: vec![dn("x")], init: None, line: 1 }]);
        let d = decls("int x, y;");
        assert_eq!(d[0].names, vec![dn("x"), dn("y")]);
        let d = decls("string s;");
        assert_eq!(d[0].ty.base, "string");
        let d = decls("self int x;\nthis int y;");
        assert_eq!(d[0].class, StorageClass::SelfVar);
        assert_eq!(d[1].class, StorageClass::ThisVar);
        assert_eq!(d[1].line, 2);
        let d = decls("int a[5];");
        assert_eq!(d[0].names[0].dims, vec![5]);
        let d = decls("int a[2][3];");
        assert_eq!(d[0].names[0].dims, vec![2, 3]);
        let d = decls("int a[4 * 2];");
        assert_eq!(d[0].names[0].dims, vec![8]);
        let d = decls("int assoc[int, string];");
        assert_eq!(d[0].names[0].assoc_keys, vec![tn("int"), tn("string")]);
        assert!(d[0].names[0].dims.is_empty());
        let d = decls("char *p, **q;");
        assert_eq!(d[0].names[0].pointers, 1);
        assert_eq!(d[0].names[1].pointers, 2);
        let d = decls("unsigned long long x;");
        assert_eq!(d[0].ty.base, "unsigned long long");
        let d = decls("const char *p;");
        assert_eq!(d[0].ty.base, "char");
        let d = decls("uint64_t x;\nstruct task_struct *t;");
        assert_eq!(d[0].ty.base, "uint64_t");
        assert_eq!(d[1].ty.base, "struct task_struct");
        assert_eq!(d[1].names[0].pointers, 1);
        let d = decls("typedef unsigned long foo_t;\nfoo_t v;\nfoo_t*w;");
        assert_eq!(d[0].class, StorageClass::Typedef);
        assert_eq!(d[0].ty.base, "unsigned long");
        assert_eq!(d[0].names, vec![dn("foo_t")]);
        assert_eq!(d[1].ty.base, "foo_t");
        assert_eq!(d[2].names[0].pointers, 1);
        let d = decls("typedef int myint;\nmyint z;");
        assert_eq!(d[1].ty.base, "myint");
        let d = decls("struct s { int a; char b[4]; };");
        assert_eq!(d[0].names, vec![]);
        assert_eq!(d[0].ty.base, "struct s");
        let m = d[0].ty.members.as_ref().unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].names, vec![dn("a")]);
        assert_eq!(m[1].ty.base, "char");
        assert_eq!(m[1].names[0].dims, vec![4]);
        let d = decls("struct s { int a; } x, *y;");
        assert_eq!(d[0].names.len(), 2);
        let d = decls("inline int MAX = 10;");
        assert_eq!(d[0].class, StorageClass::Inline);
        assert_eq!(d[0].names, vec![dn("MAX")]);
        assert_eq!(sx(d[0].init.as_ref().unwrap()), "10");
        let d = decls("inline string NAME = \"x\" ;");
        assert_eq!(sx(d[0].init.as_ref().unwrap()), "\"x\"");
        let d = decls("enum e { A, B = 5, C };");
        assert_eq!(d[0].ty.base, "enum e");
        let m = d[0].ty.members.as_ref().unwrap();
        assert_eq!(m.iter().map(|d| d.names[0].name.as_str()).collect::<Vec<_>>(), vec!["A", "B", "C"]);
        assert!(m[0].init.is_none());
        assert_eq!(sx(m[1].init.as_ref().unwrap()), "5");
        let d = decls("extern int x;\nstatic int y;");
        assert_eq!(d[0].class, StorageClass::Extern);
        assert_eq!(d[1].class, StorageClass::Static);
        // Declarations and clauses interleave.
        let p = prog("int x;\nBEGIN { x = 1; }\nself int y;\nEND { }");
        assert_eq!(p.items.len(), 4);
        assert!(matches!(p.items[2], Item::Decl(_)));
        // Declarations inside clauses.
        assert_eq!(
            stmts("this int x; self string s; int y; this->x = 1;"),
            vec!["decl ThisVar int", "decl SelfVar string", "decl None int", "(= this->x 1)"]
        );
        assert_eq!(err_s("int x = 5;"), "line 1: syntax error near \"=\"");
    }

    #[test]
    fn translators_and_providers() {
        let p = prog(
            "translator psinfo_t < struct task_struct *T > {\n  pr_pid = T->pid;\n  pr_fname = stringof(T->comm);\n};",
        );
        match &p.items[0] {
            Item::Translator(t) => {
                assert_eq!(t.to.base, "psinfo_t");
                assert_eq!(t.from.base, "struct task_struct");
                assert_eq!(t.from.pointers, 1);
                assert_eq!(t.param, "T");
                assert_eq!(t.members.len(), 2);
                assert_eq!(t.members[0].0, "pr_pid");
                assert_eq!(sx(&t.members[0].1), "(-> T pid)");
            }
            i => panic!("{:?}", i),
        }
        let p = prog("provider myapp {\n probe query__start(char *, int);\n probe done();\n probe x(int a) : (long);\n};");
        match &p.items[0] {
            Item::Provider(pv) => {
                assert_eq!(pv.name, "myapp");
                assert_eq!(pv.probes.len(), 3);
                assert_eq!(pv.probes[0].name, "query__start");
                assert_eq!(pv.probes[0].args.len(), 2);
                assert_eq!(pv.probes[0].args[0].pointers, 1);
                assert_eq!(pv.probes[0].line, 2);
                assert!(pv.probes[1].args.is_empty());
                assert_eq!(pv.probes[2].xargs, vec![tn("long")]);
            }
            i => panic!("{:?}", i),
        }
    }

    #[test]
    fn probe_spec_mode() {
        let p = parse_probe_spec("syscall::read:entry").unwrap();
        let c = clauses(&p)[0];
        assert_eq!(pd(&c.probes[0]), t4("syscall", "", "read", "entry"));
        assert!(c.body.is_empty() && c.predicate.is_none());
        let p = parse_probe_spec("BEGIN").unwrap();
        assert_eq!(clauses(&p).len(), 1);
        let p = parse_probe_spec("syscall::read:entry,syscall::write:entry").unwrap();
        assert_eq!(clauses(&p)[0].probes.len(), 2);
        let p = parse_probe_spec("syscall::read:entry { @[execname] = count(); }").unwrap();
        assert_eq!(clauses(&p)[0].body.len(), 1);
        let p = parse_probe_spec("BEGIN { trace(1) } END { exit(0) }").unwrap();
        assert_eq!(clauses(&p).len(), 2);
        let p = parse_probe_spec("tick-1s /i++ >= 5/ { exit(0); }").unwrap();
        assert_eq!(sx(clauses(&p)[0].predicate.as_ref().unwrap()), "(Ge (PostInc i) 5)");
        // Without a comma, a second description begins another clause.
        let p = parse_probe_spec("BEGIN END { }").unwrap();
        let cs = clauses(&p);
        assert_eq!(cs.len(), 2);
        assert!(cs[0].body.is_empty() && cs[1].probes[0].name == "END");
        let p = parse_probe_spec("pid$target::malloc:entry { @[ustack()] = count(); }").unwrap();
        assert_eq!(clauses(&p)[0].probes[0].provider, "pid$target");
        // Errors carry no line number.
        let e = parse_probe_spec("BEGIN;").unwrap_err();
        assert_eq!(e.to_string(), "syntax error near \";\"");
        let e = parse_probe_spec("BEGIN\n{ x = ; }").unwrap_err();
        assert_eq!(e.line, None);
        assert_eq!(e.to_string(), "syntax error near \";\"");
        let e = parse_probe_spec("BEGIN /x/").unwrap_err();
        assert_eq!(e.msg, "expected actions { } following probe description and predicate");
        // In a script a body is required.
        assert_eq!(
            err_s("BEGIN"),
            "line 1: expected predicate and/or actions following probe description"
        );
        assert_eq!(
            err_s("\nBEGIN\n"),
            "line 2: expected predicate and/or actions following probe description"
        );
    }

    #[test]
    fn errors_and_lines() {
        assert_eq!(err_s("BEGIN { x = ; }"), "line 1: syntax error near \";\"");
        assert_eq!(err_s("BEGIN\n{\n  x = 1\n  y = 2;\n}"), "line 4: syntax error near \"y\"");
        assert_eq!(err_s("BEGIN {\n  x = 1;\n"), "line 3: syntax error near end of input");
        assert_eq!(err_s("BEGIN {\n  x = 1;"), "line 2: syntax error near end of input");
        assert_eq!(err_s("/* a\n b\n c */ BEGIN { x = \"s\" \"t\"; }"), "line 3: syntax error near \"\"t\"\"");
        assert_eq!(err_s("BEGIN { x = 1.5; }"), "line 1: floating-point constants are not permitted");
        assert_eq!(err_s("BEGIN {\n x = \"abc\n\"; }"), "line 3: newline encountered in string literal");
        assert_eq!(err_s("BEGIN { x = \"abc"), "line 1: syntax error near \"\"\"");
        assert_eq!(err_s("BEGIN { x = 1 ` }"), "line 1: syntax error near \"`\"");
        assert_eq!(err_s("BEGIN { x = 1 ¤ }"), "line 1: syntax error near \"¤\"");
        assert_eq!(err_s("BEGIN { x = 1 # }"), "line 1: syntax error near \"#\"");
        assert_eq!(err_s("BEGIN { x = (1; }"), "line 1: syntax error near \";\"");
        assert_eq!(err_s("BEGIN { x = 1); }"), "line 1: extra ) in input stream");
        assert_eq!(err_s("BEGIN { x = 1; }}"), "line 1: syntax error near \"}\"");
        assert_eq!(err_s("BEGIN /(x/ { }"), "line 1: closing ) expected in predicate before /");
        assert_eq!(err_s("BEGIN /x/ trace(1);"), "line 1: syntax error near \";\"");
        assert_eq!(err_s("{ }"), "line 1: syntax error near \"{\"");
        assert_eq!(err_s("123 { }"), "line 1: syntax error near \"123\"");
        assert_eq!(err_s("BEGIN, { }"), "line 1: syntax error near \"{\"");
        assert_eq!(err_s("BEGIN { self = 1; }"), "line 1: syntax error near \"=\"");
        assert_eq!(err_s("BEGIN { x = y z; }"), "line 1: syntax error near \"z\"");
        assert_eq!(err_s("BEGIN { @a[1 = count(); }"), "line 1: syntax error near \";\"");
        assert_eq!(err_s("BEGIN { f(1,); }"), "line 1: syntax error near \")\"");
        assert_eq!(err_s("BEGIN { x = $; }"), "line 1: syntax error near \"$\"");
        assert_eq!(err_s("BEGIN { x = 08; }"), "line 1: constant 08 contains invalid digit 8");
        assert_eq!(err("BEGIN { x = 08; }").tag, "D_INT_DIGIT");
        assert_eq!(err_s("BEGIN { x = ''; }"), "line 1: empty character constant");
        assert_eq!(err_s("BEGIN {\n/* x"), "line 2: end-of-file encountered before matching */");
        assert_eq!(err("BEGIN { x = ; }").tag, "D_SYNTAX");
        assert_eq!(err_s("int x"), "line 1: syntax error near end of input");
        assert_eq!(err_s("BEGIN { x = 1 }\n}"), "line 2: syntax error near \"}\"");
    }

    #[test]
    fn whole_scripts() {
        let src = r#"#!/usr/sbin/dtrace -qs

#pragma D option quiet

/*
 * Count reads by process.
 */
syscall::read:entry
/execname != "dtrace"/
{
        self->ts = timestamp;
        @reads[execname] = count();
}

syscall::read:return
/self->ts/
{
        @lat["read", probefunc] = quantize(timestamp - self->ts);
        self->ts = 0;
}

profile:::tick-1sec
{
        printa("%-16s %@d\n", @reads);
        trunc(@reads);
        normalize(@lat, 1000);
        printf("%Y\n", walltimestamp);
}

END
{
        exit(0)
}
"#;
        let p = prog(src);
        assert_eq!(p.items.len(), 5);
        let cs = clauses(&p);
        assert_eq!(cs.len(), 4);
        assert_eq!(cs[0].line, 8);
        assert_eq!(cs[1].line, 15);
        assert_eq!(cs[2].line, 22);
        assert_eq!(cs[3].line, 30);
        assert_eq!(cs[2].body.len(), 4);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let n = 200_000;
        let deep = [
            format!("BEGIN {{ x = {}1{}; }}", "(".repeat(n), ")".repeat(n)),
            format!("BEGIN {{ x = {}1; }}", "-".repeat(n)),
            format!("BEGIN {{ x = {}1; }}", "a ? b : ".repeat(n)),
            format!("BEGIN {{ x = {}1; }}", "a = ".repeat(n)),
            format!("BEGIN {{ {} }}", "if (x) ".repeat(n)),
            format!("BEGIN {{ {} }}", "{".repeat(n)),
            format!("BEGIN {{ x = {}1{}; }}", "f(".repeat(n), ")".repeat(n)),
            format!("BEGIN {{ x = {}1{}; }}", "a[".repeat(n), "]".repeat(n)),
            format!("struct s {{ {} }};", "struct t { ".repeat(n)),
        ];
        let near = ["(", "--", "b", "a", "x", "{", "f", "a", "struct"];
        for (src, near) in deep.iter().zip(near) {
            let e = parse_program(src).unwrap_err();
            assert_eq!(e.msg, format!("memory exhausted near \"{}\"", near), "{}", &src[..40]);
        }
        // Nesting up to the limit is fine.
        let n = MAX_NESTING - 10;
        let src = format!("BEGIN {{ x = {}1{}; }}", "(".repeat(n), ")".repeat(n));
        assert!(parse_program(&src).is_ok());
        let src = format!("BEGIN {{ x = {}1; }}", "a ? b : ".repeat(n));
        on_compiler_stack(|| drop(parse_program(&src).unwrap()));
    }

    /// Feed every prefix (and some mutations) of several programs to the
    /// parser: it must never panic.
    #[test]
    fn no_panic_on_truncated_or_mangled_input() {
        let progs = [
            "#!/usr/sbin/dtrace -s\n#pragma D option quiet\nsyscall::read:entry /pid == $target && arg2 > 0/ { self->ts[arg0, \"x\\n\"] = timestamp; @a[execname] = quantize(arg2); }\n",
            "typedef unsigned long foo_t; struct s { int a; char b[4]; }; enum e { A, B = 5 }; inline int M = 1 << 3; self int x; int a[int, string];\n",
            "BEGIN { x = (foo_t)-1; y = sizeof(struct s) + offsetof(struct s, b); z = xlate <psinfo_t *> (curthread)->pr_pid; if (x) { trace(x); } else if (y) z++; else { w = 'ab' ^^ $$1; } }\n",
            "profile-97, tick-1s /x / 2 > 1/ { printa(\"%s %@d\\n\", @a); trunc(@a, 10); exit(0) }\nEND { @[pid] = count(); printf(\"%d\", 0x1fULL + 07 - '\\x41'); }\n",
            "translator psinfo_t < struct task_struct *T > { pr_pid = T->pid; }; provider p { probe q__r(int, char *) : (long); };\n",
            "/* comment */ // line\nBEGIN /* x */ { a = b ? c : d, e; }\n# 3 \"f.d\"\n#pragma D option bufsize=16m\n",
        ];
        let mut n = 0;
        for src in progs.iter() {
            let bytes = src.as_bytes();
            for end in 0..=bytes.len() {
                if let Ok(s) = std::str::from_utf8(&bytes[..end]) {
                    let _ = parse_program(s);
                    let _ = parse_probe_spec(s);
                    n += 1;
                }
                for start in [1usize, 3, 7] {
                    if start < end {
                        if let Ok(s) = std::str::from_utf8(&bytes[start..end]) {
                            let _ = parse_program(s);
                        }
                    }
                }
            }
            // Delete each character in turn; replace each with a few others.
            for i in 0..bytes.len() {
                let mut v = bytes.to_vec();
                v.remove(i);
                if let Ok(s) = std::str::from_utf8(&v) {
                    let _ = parse_program(s);
                }
                for c in [b'(', b')', b'{', b'}', b'/', b'*', b'"', b'\'', b'\\', b'#', b'@', b'$', b'\n', b',', b':', 0u8] {
                    let mut v = bytes.to_vec();
                    v[i] = c;
                    if let Ok(s) = std::str::from_utf8(&v) {
                        let _ = parse_program(s);
                        let _ = parse_probe_spec(s);
                    }
                }
            }
        }
        assert!(n > 100);
        // Pseudo-random token soup.
        let atoms = [
            "BEGIN", "{", "}", "(", ")", "[", "]", "/", "*", "x", "1", "\"s\"", "'c'", "@a", "=", "?", ":", ",", ";",
            "self", "->", "int", "struct", "sizeof", "xlate", "<", ">", "if", "else", "#pragma D\n", "\n", "$1",
            "typedef", "enum", "inline", "this", "-", "++", "syscall::read:entry", "0x", "08", "/*", "*/",
        ];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..3000 {
            let mut s = String::new();
            let len = (seed % 24) as usize;
            for _ in 0..len {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                s.push_str(atoms[(seed % atoms.len() as u64) as usize]);
                if seed & 0x100 != 0 {
                    s.push(' ');
                }
            }
            let _ = parse_program(&s);
            let _ = parse_probe_spec(&s);
            seed = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        }
    }
}
