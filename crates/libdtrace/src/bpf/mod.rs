//! BPF itself: instruction encoding, helper ids and the kernel's object
//! constants. The base layer: every other module may use it, it uses none
//! of them.

pub mod consts;
pub mod helpers;
pub mod insn;
