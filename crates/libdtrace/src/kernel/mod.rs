//! Kernel access: bpf(2), perf_event_open(2), tracefs, BPF ring buffers,
//! and the rest of the operating system dtrace needs.
//!
//! A thin layer over the system calls and the C library through `libc`,
//! nothing more, and the only code of the crate with `unsafe`: everything
//! above it calls the safe functions here.
//! - [`sys`]: maps, program load (with the verifier log), raw tracepoint
//!   attach, perf-event links, BPF_PROG_TEST_RUN, object info/enumeration;
//! - [`perf`]: perf events (cpu clock, tracepoints, uprobes, kprobes) and
//!   attaching programs to them;
//! - [`ringbuf`]: the consumer side of BPF_MAP_TYPE_RINGBUF;
//! - [`tracefs`]: tracepoint ids, lists and record formats;
//! - [`wakeup`]: what the consumer sleeps on between reads;
//! - [`signal`]: the signals that end a session;
//! - [`process`]: this process's ids and limits, the `-c`/`-p` targets;
//! - [`kallsyms`]: the kernel's symbols;
//! - [`features`]: what the kernel lets BPF programs do;
//! - [`time`], [`locale`], [`file`]: the clocks and time zone, digit
//!   grouping, truncating standard output.
//!
//! Every call returns the kernel's errno as a plain `io::Error`
//! (`raw_os_error()` works); [`explain`] turns one into words for users.

pub mod features;
pub mod file;
pub mod kallsyms;
pub mod locale;
pub mod perf;
pub mod process;
pub mod ringbuf;
pub mod signal;
pub mod sys;
pub mod time;
pub mod tracefs;
pub mod wakeup;

#[cfg(test)]
mod tests;

use std::io;

use crate::host::strerror;

/// What DTrace says when the kernel refuses us for lack of privileges.
pub const PRIVILEGE_MESSAGE: &str = "DTrace requires additional privileges";

/// Whether dtrace runs with root's effective uid.
pub fn is_root() -> bool {
    // SAFETY: geteuid cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// Whether `e` means "you are not privileged enough" (EPERM without root;
/// root can get EPERM for other reasons, see [`explain`]).
pub fn is_privilege_error(e: &io::Error) -> bool {
    e.raw_os_error() == Some(libc::EPERM) && !is_root()
}

/// A user-facing explanation of a bpf(2) / perf_event_open(2) failure.
pub fn explain(e: &io::Error) -> String {
    let Some(errno) = e.raw_os_error() else { return e.to_string() };
    match errno {
        libc::EPERM if !is_root() => PRIVILEGE_MESSAGE.to_string(),
        libc::EPERM => "the kernel refused the operation (EPERM): kernel lockdown, a security \
                        module, an attach type this kernel does not allow, or (Linux before 5.11) \
                        an RLIMIT_MEMLOCK too low for BPF maps"
            .to_string(),
        libc::EACCES if !is_root() => PRIVILEGE_MESSAGE.to_string(),
        libc::ENOMEM => "not enough memory for BPF maps or programs (check the memory cgroup \
                         limit; before Linux 5.11, RLIMIT_MEMLOCK)"
            .to_string(),
        libc::E2BIG => "BPF program or map too large for this kernel".to_string(),
        libc::ENOSYS => "this kernel does not support bpf(2) or perf_event_open(2)".to_string(),
        libc::EOPNOTSUPP => "operation not supported by this kernel".to_string(),
        libc::ENOENT => "no such probe point in this kernel".to_string(),
        libc::EBUSY => "probe point already in use".to_string(),
        _ => strerror(e),
    }
}
