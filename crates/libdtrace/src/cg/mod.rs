//! Code generation: checked D clauses to eBPF instructions.

pub mod codegen;
pub mod funcs;
