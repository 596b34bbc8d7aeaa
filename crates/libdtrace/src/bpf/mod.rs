//! BPF itself: instruction encoding, an assembler with labels (used by the
//! code generator and by providers for their probes' code), helper ids, the
//! kernel's object constants and BTF (the BPF Type Format: the kernel's
//! types, which the front end reads, and the blobs programs carry). The base layer: every
//! other module may use it; it uses only [`crate::host`].

pub mod asm;
pub mod btf;
pub mod consts;
pub mod helpers;
pub mod insn;
