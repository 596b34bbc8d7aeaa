//! How deeply a D program may nest, and the stack that makes every pass
//! safe up to that depth.
//!
//! The parser and the passes after it (translator expansion, type
//! checking, code generation, even dropping the tree) recurse once per
//! level of nesting. DTrace's yacc parser refuses a program that fills its
//! stack with `memory exhausted`; here one limit, [`MAX_NESTING`], is
//! enforced twice: by the parser as it descends (parentheses, operands,
//! statements and struct bodies each count), and on the tree it built
//! ([`check`]), which also bounds what the parser builds by iteration
//! (`1 + 1 + ... + 1`) and what translator expansion adds. Every pass then
//! runs on a thread with [`COMPILER_STACK`] bytes of stack
//! ([`on_compiler_stack`]), enough for that depth whatever the machine.

use super::ast::*;
use super::diag::CompileError;
use super::lexer::near_text;
use std::cell::Cell;

/// The deepest nesting a program may have: bison's default stack depth
/// (YYMAXDEPTH), which DTrace's parser runs with.
pub const MAX_NESTING: usize = 10_000;

/// Stack for the compiler thread: what the deepest pass needs at
/// [`MAX_NESTING`] levels, with room to spare (unoptimised builds use
/// several times more stack per level). Only the pages used are touched.
pub const COMPILER_STACK: usize = if cfg!(debug_assertions) { 1 << 30 } else { 256 << 20 };

/// DTrace's message when its parser's stack is full, at the token where it
/// filled.
pub fn too_deep(line: u32, token: &str) -> CompileError {
    CompileError::new(line, "D_SYNTAX", near_text("memory exhausted", token))
}

thread_local! {
    static ON_COMPILER_STACK: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` on a thread with [`COMPILER_STACK`] of stack (directly when
/// already on one).
pub fn on_compiler_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    if ON_COMPILER_STACK.with(Cell::get) {
        return f();
    }
    let mut f = Some(f);
    let done = std::thread::scope(|s| {
        let spawned =
            std::thread::Builder::new().name("d-compiler".into()).stack_size(COMPILER_STACK).spawn_scoped(s, || {
                ON_COMPILER_STACK.with(|c| c.set(true));
                f.take().map(|f| f())
            });
        match spawned {
            Ok(h) => match h.join() {
                Ok(r) => r,
                Err(p) => std::panic::resume_unwind(p),
            },
            Err(_) => None,
        }
    });
    // No thread to be had: the caller's stack will have to do.
    match (done, f) {
        (Some(r), _) => r,
        (None, Some(f)) => f(),
        (None, None) => unreachable!("the compiler thread ran but returned nothing"),
    }
}

/// Fails with DTrace's error at the first place where `p` nests more than
/// [`MAX_NESTING`] deep. Iterative: safe on any tree.
pub fn check(p: &Program) -> Result<(), CompileError> {
    p.items.iter().try_for_each(check_item)
}

/// [`check`] for one item of a program.
pub fn check_item(item: &Item) -> Result<(), CompileError> {
    let mut work: Vec<(Node, usize)> = Vec::new();
    match item {
        Item::Clause(c) => {
            work.extend(c.predicate.iter().map(|e| (Node::Expr(e), 1)));
            work.extend(c.body.iter().map(|s| (Node::Stmt(s), 1)));
        }
        Item::Decl(d) => work.push((Node::Decl(d), 1)),
        Item::Translator(t) => work.extend(t.members.iter().map(|(_, e)| (Node::Expr(e), 1))),
        Item::Pragma { .. } | Item::Provider(_) => {}
    }
    while let Some((n, depth)) = work.pop() {
        let (before, d) = (work.len(), depth + 1);
        match n {
            Node::Expr(e) => e.for_each_child(&mut |c| work.push((Node::Expr(c), d))),
            Node::Stmt(Stmt::Expr(e)) => work.push((Node::Expr(e), d)),
            Node::Stmt(Stmt::If { cond, then, els, .. }) => {
                work.push((Node::Expr(cond), d));
                work.extend(then.iter().chain(els).map(|s| (Node::Stmt(s), d)));
            }
            Node::Stmt(Stmt::Decl(decl)) | Node::Decl(decl) => {
                work.extend(decl.init.iter().map(|e| (Node::Expr(e), d)));
                work.extend(decl.ty.members.iter().flatten().map(|m| (Node::Decl(m), d)));
            }
            Node::Stmt(Stmt::Empty) => {}
        }
        // The node whose operands would be one level too deep.
        if d > MAX_NESTING && work.len() > before {
            let (line, token) = n.token();
            return Err(too_deep(line, &token));
        }
    }
    Ok(())
}

/// How deep `e` nests once each identifier is replaced by what it stands
/// for, `named(identifier)` levels deep (an inline's own expansion).
pub fn expanded_depth(e: &Expr, named: &dyn Fn(&str) -> usize) -> usize {
    let (mut work, mut deepest) = (vec![(e, 1)], 0);
    while let Some((e, depth)) = work.pop() {
        let below = match &e.kind {
            ExprKind::Ident(n) => named(n),
            _ => 0,
        };
        deepest = deepest.max(depth + below);
        e.for_each_child(&mut |c| work.push((c, depth + 1)));
    }
    deepest
}

#[derive(Clone, Copy)]
enum Node<'p> {
    Expr(&'p Expr),
    Stmt(&'p Stmt),
    Decl(&'p Decl),
}

impl Node<'_> {
    /// Where a node is, and the token that begins or names it (what DTrace
    /// shows after `near`).
    fn token(self) -> (u32, String) {
        match self {
            Node::Expr(e) => (e.line, e.token()),
            Node::Stmt(Stmt::If { line, .. }) => (*line, "if".into()),
            Node::Stmt(Stmt::Expr(e)) => (e.line, e.token()),
            Node::Stmt(Stmt::Decl(d)) | Node::Decl(d) => (d.line, d.names.first().map_or("{", |n| &n.name).into()),
            Node::Stmt(Stmt::Empty) => (0, ";".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::parser::parse_program;

    #[test]
    fn the_tree_is_measured_whatever_the_parser_allowed() {
        // A left-associative chain nests only in the tree.
        let src = format!("BEGIN {{ x = 1{}; }}", " + 1".repeat(MAX_NESTING));
        let e = parse_program(&src).unwrap_err();
        assert_eq!(e.to_string(), "line 1: memory exhausted near \"+\"");
        let src = format!("BEGIN {{ x = 1{}; }}", " + 1".repeat(MAX_NESTING - 3));
        let p = parse_program(&src).unwrap();
        assert!(check(&p).is_ok());
        on_compiler_stack(move || drop(p));
    }

    #[test]
    fn inlines_count_at_their_full_depth() {
        let p = parse_program("BEGIN { x = -(a + b); }").unwrap();
        let Item::Clause(c) = &p.items[0] else { panic!() };
        let Stmt::Expr(e) = &c.body[0] else { panic!() };
        assert_eq!(expanded_depth(e, &|_| 0), 4);
        assert_eq!(expanded_depth(e, &|n| if n == "b" { 10 } else { 0 }), 14);
    }

    #[test]
    fn a_thread_is_spawned_once() {
        let outer =
            on_compiler_stack(|| (std::thread::current().id(), on_compiler_stack(|| std::thread::current().id())));
        assert_eq!(outer.0, outer.1);
        assert_ne!(outer.0, std::thread::current().id());
    }
}
