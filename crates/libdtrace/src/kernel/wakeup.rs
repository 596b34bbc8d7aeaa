//! What the consumer sleeps on between two reads of the output buffer.
//!
//! The consumer is itself a process on the machine it traces: every system
//! call it makes can fire the probes it serves, and every record those
//! probes write could wake it again. So it must not wake per record, nor
//! make a call that fails per wakeup (a failing read() is an event for
//! `syscall:::return /errno/`). It sleeps in one epoll_wait() until its next
//! deadline (switchrate, statusrate) unless something it must act on at
//! once happens:
//! - the ring buffer's explicit wakeups (BPF_RB_FORCE_WAKEUP: the buffer is
//!   filling up, or a record carries exit());
//! - the followed process's news (an eventfd or a pidfd);
//! - a signal (the handler writes to an eventfd: the signal may be taken by
//!   another thread of ours, and would then not interrupt the wait).
//!
//! Every descriptor is registered edge-triggered: a ring buffer polls
//! readable as long as it holds data, and an eventfd as long as its count is
//! not zero; edge-triggered, each reports only the wakeups that happen, so
//! nothing needs to be read back (no read that could fail with EAGAIN).

use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};

const TOKEN_RING: u64 = 1;
const TOKEN_TARGET: u64 = 2;
const TOKEN_SIGNAL: u64 = 3;

/// What ended a [`Wakeup::wait`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Woken {
    /// The ring buffer asked for a read.
    pub data: bool,
    /// The followed process has news.
    pub target: bool,
    /// A signal arrived.
    pub signal: bool,
}

pub struct Wakeup {
    epoll: OwnedFd,
}

impl Wakeup {
    /// An epoll set over the ring buffer `ring`, and `target` and `signal`
    /// where given.
    pub fn new(ring: RawFd, target: Option<RawFd>, signal: Option<RawFd>) -> io::Result<Wakeup> {
        // SAFETY: no pointers involved; the result is checked.
        let fd = unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: a new descriptor that we own.
        let w = Wakeup { epoll: unsafe { OwnedFd::from_raw_fd(fd) } };
        w.add(ring, TOKEN_RING)?;
        if let Some(t) = target {
            w.add(t, TOKEN_TARGET)?;
        }
        if let Some(s) = signal {
            w.add(s, TOKEN_SIGNAL)?;
        }
        Ok(w)
    }

    fn add(&self, fd: RawFd, token: u64) -> io::Result<()> {
        let mut ev = libc::epoll_event { events: (libc::EPOLLIN | libc::EPOLLET) as u32, u64: token };
        // SAFETY: `ev` is a valid epoll_event for the duration of the call.
        if unsafe { libc::epoll_ctl(self.epoll.as_raw_fd(), libc::EPOLL_CTL_ADD, fd, &mut ev) } < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    /// Sleeps up to `timeout_ms` milliseconds or until a wakeup; an
    /// interrupted wait (EINTR) counts as a signal.
    pub fn wait(&self, timeout_ms: i32) -> io::Result<Woken> {
        let mut evs = [libc::epoll_event { events: 0, u64: 0 }; 4];
        // SAFETY: `evs` has room for the 4 events we allow.
        let n = unsafe { libc::epoll_wait(self.epoll.as_raw_fd(), evs.as_mut_ptr(), evs.len() as i32, timeout_ms) };
        let mut w = Woken::default();
        if n < 0 {
            let e = io::Error::last_os_error();
            if e.raw_os_error() == Some(libc::EINTR) {
                w.signal = true;
                return Ok(w);
            }
            return Err(e);
        }
        for ev in &evs[..n as usize] {
            match ev.u64 {
                TOKEN_RING => w.data = true,
                TOKEN_TARGET => w.target = true,
                _ => w.signal = true,
            }
        }
        Ok(w)
    }
}

/// An eventfd that wakes a [`Wakeup`] each time it is poked (never read
/// back: the wait is edge-triggered).
pub struct EventFd(OwnedFd);

impl EventFd {
    pub fn new() -> io::Result<EventFd> {
        // SAFETY: no pointers involved; the result is checked.
        let fd = unsafe { libc::eventfd(0, libc::EFD_NONBLOCK | libc::EFD_CLOEXEC) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: a new descriptor that we own.
        Ok(EventFd(unsafe { OwnedFd::from_raw_fd(fd) }))
    }

    /// Adds 1 to the count (async-signal-safe: a signal handler's way to
    /// wake the consumer).
    pub fn poke(&self) {
        let one = 1u64;
        // SAFETY: write(2) of 8 bytes from a valid u64.
        unsafe { libc::write(self.0.as_raw_fd(), &one as *const u64 as *const _, 8) };
    }
}

impl AsFd for EventFd {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.0.as_fd()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Edge-triggered: each write wakes once, and an eventfd that is never
    /// read does not keep waking the waiter.
    #[test]
    fn each_poke_wakes_once() {
        let (ring, target, signal) = (EventFd::new().unwrap(), EventFd::new().unwrap(), EventFd::new().unwrap());
        let fd = |e: &EventFd| e.as_fd().as_raw_fd();
        let w = Wakeup::new(fd(&ring), Some(fd(&target)), Some(fd(&signal))).unwrap();
        assert_eq!(w.wait(0).unwrap(), Woken::default());
        target.poke();
        assert_eq!(w.wait(1000).unwrap(), Woken { target: true, ..Woken::default() });
        assert_eq!(w.wait(0).unwrap(), Woken::default());
        target.poke();
        signal.poke();
        ring.poke();
        assert_eq!(w.wait(1000).unwrap(), Woken { data: true, target: true, signal: true });
        assert_eq!(w.wait(10).unwrap(), Woken::default());
    }
}
