//! Consumer of a BPF ring buffer (BPF_MAP_TYPE_RINGBUF, kernel ≥ 5.8).
//!
//! The kernel exposes the map through mmap(2) at three places:
//! offset 0, one page holding `consumer_pos` (ours to write);
//! offset one page, one page holding `producer_pos` (read-only), followed
//! by the data area mapped twice in a row, so a record that wraps around
//! the end is still contiguous in our address space.
//!
//! Every record starts with an 8-byte header: a u32 length whose bit 31
//! (BUSY) is set while the producer is still writing it and bit 30
//! (DISCARD) when it was discarded, then a u32 page offset used by the
//! kernel. Records are padded to 8 bytes. Positions are free-running byte
//! counters; `pos & (size - 1)` is the offset into the data area.

use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use super::sys;
use crate::bpf::consts;

const BUSY: u32 = 1 << 31;
const DISCARD: u32 = 1 << 30;
const HDR: u64 = 8;

/// A mapped BPF ring buffer, read from one thread.
pub struct RingBuf {
    fd: OwnedFd,
    page: usize,
    size: u64,
    cons: *mut u8,
    prod: *mut u8,
}

// SAFETY: the mappings belong to this value alone; nothing is shared with
// other threads of this process except through &mut / & methods.
unsafe impl Send for RingBuf {}

fn mmap(fd: BorrowedFd<'_>, len: usize, prot: i32, off: usize) -> io::Result<*mut u8> {
    // SAFETY: a fresh shared mapping of the map fd; checked below.
    let p =
        unsafe { libc::mmap(std::ptr::null_mut(), len, prot, libc::MAP_SHARED, fd.as_raw_fd(), off as libc::off_t) };
    if p == libc::MAP_FAILED {
        Err(io::Error::last_os_error())
    } else {
        Ok(p as *mut u8)
    }
}

impl RingBuf {
    /// Maps the ring buffer behind `map_fd` (which is duplicated: the
    /// caller may close its own copy).
    pub fn new(map_fd: BorrowedFd<'_>) -> io::Result<RingBuf> {
        let info = sys::map_info(map_fd)?;
        if info.map_type != consts::BPF_MAP_TYPE_RINGBUF {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "not a BPF ring buffer map"));
        }
        let size = info.max_entries as u64;
        // SAFETY: sysconf has no preconditions.
        let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) } as usize;
        let fd = map_fd.try_clone_to_owned()?;
        let cons = mmap(fd.as_fd(), page, libc::PROT_READ | libc::PROT_WRITE, 0)?;
        let prod = match mmap(fd.as_fd(), page + 2 * size as usize, libc::PROT_READ, page) {
            Ok(p) => p,
            Err(e) => {
                // SAFETY: unmapping what we just mapped.
                unsafe { libc::munmap(cons as *mut libc::c_void, page) };
                return Err(e);
            }
        };
        Ok(RingBuf { fd, page, size, cons, prod })
    }

    fn consumer_pos(&self) -> &AtomicU64 {
        // SAFETY: page-aligned, mapped for our lifetime; the kernel reads it
        // concurrently, hence atomic access.
        unsafe { &*(self.cons as *const AtomicU64) }
    }

    fn producer_pos(&self) -> &AtomicU64 {
        // SAFETY: as above; written by the kernel.
        unsafe { &*(self.prod as *const AtomicU64) }
    }

    fn data(&self) -> *const u8 {
        // SAFETY: the data area starts one page into the producer mapping.
        unsafe { self.prod.add(self.page) }
    }

    /// The map's descriptor, to wait on (kernel/wakeup.rs).
    pub fn fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }

    /// Size of the data area in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Bytes written by producers and not yet consumed (committed, busy or
    /// discarded alike).
    pub fn avail(&self) -> u64 {
        let p = self.producer_pos().load(Ordering::Acquire);
        let c = self.consumer_pos().load(Ordering::Acquire);
        p.saturating_sub(c)
    }

    /// Waits up to `timeout_ms` (-1: forever, 0: just check) for data.
    /// Returns whether the buffer is readable; an interrupted wait
    /// (EINTR, e.g. a signal) returns `Ok(false)`. (The session waits
    /// through kernel/wakeup.rs instead, which also watches other events.)
    pub fn wait(&self, timeout_ms: i32) -> io::Result<bool> {
        if self.avail() > 0 {
            return Ok(true);
        }
        let mut pfd = libc::pollfd { fd: self.fd.as_raw_fd(), events: libc::POLLIN, revents: 0 };
        // SAFETY: one valid pollfd.
        let r = unsafe { libc::poll(&mut pfd, 1, timeout_ms) };
        if r < 0 {
            let e = io::Error::last_os_error();
            return if e.raw_os_error() == Some(libc::EINTR) { Ok(false) } else { Err(e) };
        }
        Ok(r > 0 && pfd.revents & libc::POLLIN != 0)
    }

    /// Hands every committed record to `f`, in order, and releases its
    /// space to producers. Discarded records are skipped; consumption stops
    /// at the first record still being written. Returns the number of
    /// records passed to `f`.
    pub fn drain(&mut self, mut f: impl FnMut(&[u8])) -> usize {
        let mask = self.size - 1;
        let mut n = 0;
        let mut cons = self.consumer_pos().load(Ordering::Acquire);
        loop {
            let prod = self.producer_pos().load(Ordering::Acquire);
            if cons >= prod {
                return n;
            }
            while cons < prod {
                // SAFETY: (cons & mask) < size and the record (≤ size bytes)
                // lies within the double mapping of the data area.
                let hdr = unsafe { self.data().add((cons & mask) as usize) };
                // SAFETY: headers are 8-aligned inside the mapping.
                let len = unsafe { &*(hdr as *const AtomicU32) }.load(Ordering::Acquire);
                if len & BUSY != 0 {
                    return n;
                }
                let body = (len & !(BUSY | DISCARD)) as u64;
                if len & DISCARD == 0 {
                    // SAFETY: the committed record body follows its header,
                    // contiguous thanks to the double mapping.
                    let rec = unsafe { std::slice::from_raw_parts(hdr.add(HDR as usize), body as usize) };
                    f(rec);
                    n += 1;
                }
                cons += (body + HDR + 7) & !7;
                self.consumer_pos().store(cons, Ordering::Release);
            }
        }
    }
}

impl Drop for RingBuf {
    fn drop(&mut self) {
        // SAFETY: unmapping our own mappings, once.
        unsafe {
            libc::munmap(self.cons as *mut libc::c_void, self.page);
            libc::munmap(self.prod as *mut libc::c_void, self.page + 2 * self.size as usize);
        }
    }
}
