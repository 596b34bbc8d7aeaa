//! Code generation: checked D clauses to eBPF instructions.

pub mod insn;
pub mod asm;
pub mod codegen;
pub mod layout;
