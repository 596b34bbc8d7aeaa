//! Code generation: checked D clauses to eBPF instructions.

pub mod asm;
pub mod codegen;
pub mod funcs;
