//! libdtrace: the D compiler, the BPF code generator, the kernel access
//! layer, the providers and the consumer behind the `dtrace` command.
//!
//! Pure stages (lang, cg, consume) never touch the kernel; only `kernel`
//! and `provider` do. `kernel` is also the only code with `unsafe`: the
//! rest calls its safe wrappers of the system calls and the C library.

#![deny(unsafe_code)]

/// Writes a line to stderr, ignoring errors (a closed stderr must never
/// abort a tracing session the way eprintln!'s panic would).
#[macro_export]
macro_rules! note {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($t)*);
    }};
}

pub mod aggfn;
pub mod bpf;
pub mod cg;
pub mod consume;
#[allow(unsafe_code)]
pub mod kernel;
pub mod lang;
pub mod host;
pub mod options;
pub mod printf_format;
pub mod program;
pub mod provider;
pub mod session;
