//! Semantic analysis: macro expansion (macros.rs), variable and
//! aggregation declarations (decls.rs: D infers a variable's type from its
//! first assignment in program order), the type of every expression
//! (typeck.rs, which checks calls of built-ins against lang/builtins.rs)
//! and constant evaluation (consteval.rs).

use super::ast::Expr;
use super::ctypes::TypeEnv;
use super::diag::CompileError;
use crate::lang::types::Type;
use std::collections::HashMap;

mod consteval;
mod decls;
mod macros;
mod typeck;

pub use decls::{AggFunc, AggVar, Symbols, Var, VarClass};
pub use macros::{expand_macros, MacroEnv};
pub use typeck::{builtin_type, int_literal_type, is_builtin_array, is_lvalue, STACKFRAMES, USTACKFRAMES};

type R<T> = Result<T, CompileError>;

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
}
