//! The D language front end: lexer, parser, AST, types, semantic checks.

pub mod ast;
pub mod builtins;
pub mod ctypes;
pub mod diag;
pub mod lexer;
pub mod nesting;
pub mod parser;
pub mod printf_check;
pub mod sema;
pub mod types;
pub mod xlate;
