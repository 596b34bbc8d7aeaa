//! The signals that end a session (SIGINT, SIGTERM, SIGHUP): their handler
//! sets a flag and pokes an eventfd, so that the consumer's wait ends even
//! when the signal is taken by another of our threads.

use std::os::fd::{AsFd, AsRawFd, RawFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

use super::wakeup::EventFd;

static STOP: AtomicBool = AtomicBool::new(false);
/// None: no eventfd could be made (then only the flag is set).
static SIGNAL: OnceLock<Option<EventFd>> = OnceLock::new();

extern "C" fn on_signal(_: libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
    // OnceLock::get is one atomic load: async-signal-safe.
    if let Some(Some(e)) = SIGNAL.get() {
        e.poke();
    }
}

/// Installs the handlers that ask the session to stop.
pub fn install_stop_handlers() {
    SIGNAL.get_or_init(|| EventFd::new().ok());
    // SAFETY: a zeroed sigaction is valid; `on_signal` is async-signal-safe.
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = on_signal as *const () as usize;
        sa.sa_flags = 0;
        libc::sigemptyset(&mut sa.sa_mask);
        libc::sigaction(libc::SIGINT, &sa, std::ptr::null_mut());
        libc::sigaction(libc::SIGTERM, &sa, std::ptr::null_mut());
        libc::sigaction(libc::SIGHUP, &sa, std::ptr::null_mut());
    }
}

/// Whether one of the signals arrived.
pub fn stop_requested() -> bool {
    STOP.load(Ordering::SeqCst)
}

/// The eventfd the handler pokes, once installed.
pub fn stop_fd() -> Option<RawFd> {
    SIGNAL.get()?.as_ref().map(|e| e.as_fd().as_raw_fd())
}
