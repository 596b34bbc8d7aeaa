//! libdtrace: the D compiler, the BPF code generator, the kernel access
//! layer, the providers and the consumer behind the `dtrace` command.
//!
//! Pure stages (lang, cg, consume) never touch the kernel; only `kernel`
//! and `provider` do.

pub mod cg;
pub mod consume;
pub mod kernel;
pub mod lang;
pub mod options;
pub mod provider;
pub mod session;
