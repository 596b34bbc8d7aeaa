//! Semantic analysis: macro expansion (macros.rs), variable and
//! aggregation declarations (decls.rs: D infers a variable's type from its
//! first assignment in program order), the type of every expression
//! (typeck.rs, which checks calls of built-ins against lang/builtins.rs)
//! and constant evaluation (consteval.rs).
//!
//! Sema alone computes types. It checks the program item by item
//! ([`Sema::check_item`]), each clause with the types of its `args[]`
//! ([`Scope`], passed down to every function that types), and records in
//! each expression node of the clause its type and constant value (for
//! `x op= y` and `x++`, also the type of the value stored); the code
//! generator reads them ([`Expr::ty`], [`Expr::value`], [`Expr::op_ty`]).

use super::ast::Expr;
use super::ctypes::TypeEnv;
use super::diag::CompileError;
use std::collections::HashMap;

mod consteval;
mod decls;
mod macros;
mod typeck;

pub use decls::{AggFunc, AggVar, Symbols, Var, VarClass};
pub use macros::{expand_macros, MacroEnv};
pub use typeck::{
    agg_value, builtin_type, int_literal_type, is_builtin_array, is_lvalue, is_memory_lvalue, Scope, STACKFRAMES,
    USTACKFRAMES,
};

type R<T> = Result<T, CompileError>;

pub struct Sema<'a> {
    pub syms: Symbols,
    /// C types: D's, the script's and the kernel's (BTF).
    pub types: TypeEnv,
    /// Names of `inline` constants and their expressions (typed when a
    /// clause first uses them).
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
            inlines: HashMap::new(),
            inline_depths: HashMap::new(),
            strsize,
            null_strings: false,
            stackframes: STACKFRAMES,
            ustackframes: USTACKFRAMES,
            _p: Default::default(),
        }
    }
}
