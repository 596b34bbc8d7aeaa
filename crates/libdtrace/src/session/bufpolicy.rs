//! The principal buffer's policy (`-x bufpolicy`), as the Dynamic Tracing
//! Guide's "Buffers and Buffering" defines it:
//!
//! * `switch`: records are shown as they are read;
//! * `fill`: records are kept until `bufsize` is used up; the next record
//!   that does not fit is a drop and stops tracing; what was kept is shown
//!   at the end;
//! * `ring`: the most recent records that fit in `bufsize` are kept
//!   (older ones make room for them) and shown only when tracing stops.
//!
//! The BPF ring buffer is read continuously whatever the policy: the
//! probes cannot overwrite its oldest records, so `ring` and `fill` keep
//! their `bufsize` bytes of records here. Once tracing stops, kept records
//! are shown, then every later record (END's) goes straight through.

use std::collections::VecDeque;
use std::ops::{Deref, DerefMut};

use crate::kernel::ringbuf::RingBuf;
use crate::options::{BufPolicy, Options};

/// The space a record takes in the buffer: its 8-byte header and body,
/// padded to 8 bytes (the BPF ring buffer's accounting).
fn footprint(rec: &[u8]) -> u64 {
    (rec.len() as u64 + 8 + 7) & !7
}

/// The CPU a record was written on (the word at offset 8 of every record).
fn cpu_of(rec: &[u8]) -> usize {
    rec.get(8..12).map_or(0, |b| u32::from_le_bytes(b.try_into().unwrap()) as usize)
}

/// The records `fill` and `ring` keep while tracing.
struct Kept {
    policy: BufPolicy,
    /// `bufsize`: the bytes of records kept at most.
    capacity: u64,
    recs: VecDeque<Vec<u8>>,
    bytes: u64,
    /// `fill`: a record did not fit.
    full: bool,
    /// Records dropped, per CPU (principal buffer drops).
    drops: Vec<u64>,
}

impl Kept {
    fn new(policy: BufPolicy, capacity: u64) -> Kept {
        Kept { policy, capacity, recs: VecDeque::new(), bytes: 0, full: false, drops: Vec::new() }
    }

    /// Keeps `rec` if it fits; `ring` first forgets the oldest records
    /// to make room, `fill` drops it and every later one.
    fn keep(&mut self, rec: &[u8]) {
        let size = footprint(rec);
        if self.policy == BufPolicy::Ring {
            while self.bytes + size > self.capacity {
                match self.recs.pop_front() {
                    Some(old) => self.bytes -= footprint(&old),
                    None => break,
                }
            }
        }
        if self.full || self.bytes + size > self.capacity {
            self.full = self.policy == BufPolicy::Fill;
            let cpu = cpu_of(rec);
            if self.drops.len() <= cpu {
                self.drops.resize(cpu + 1, 0);
            }
            self.drops[cpu] += 1;
            return;
        }
        self.bytes += size;
        self.recs.push_back(rec.to_vec());
    }

    fn take_all(&mut self) -> VecDeque<Vec<u8>> {
        self.bytes = 0;
        std::mem::take(&mut self.recs)
    }
}

/// The BPF ring buffer behind the session's output, with its policy.
pub struct PrincipalBuffer {
    ring: RingBuf,
    kept: Kept,
    /// Tracing has stopped: records are no longer kept.
    stopped: bool,
}

impl PrincipalBuffer {
    pub fn new(ring: RingBuf, opts: &Options) -> PrincipalBuffer {
        PrincipalBuffer { ring, kept: Kept::new(opts.bufpolicy, opts.bufsize), stopped: false }
    }

    /// Reads every record in the BPF buffer: `seen` gets each one as it is
    /// read, `show` each one to be shown now (once tracing stopped, the
    /// kept records first).
    pub fn consume(&mut self, mut seen: impl FnMut(&[u8]), mut show: impl FnMut(&[u8])) {
        if self.stopped {
            for rec in self.kept.take_all() {
                show(&rec);
            }
        }
        let keep = !self.stopped && self.kept.policy != BufPolicy::Switch;
        let kept = &mut self.kept;
        self.ring.drain(|rec| {
            seen(rec);
            if keep {
                kept.keep(rec);
            } else {
                show(rec);
            }
        });
    }

    /// `fill`: the buffer is full, so tracing should stop.
    pub fn filled(&self) -> bool {
        self.kept.full
    }

    /// Tracing has stopped: the next [`consume`](Self::consume) shows what
    /// was kept.
    pub fn stop(&mut self) {
        self.stopped = true;
    }

    /// Records dropped here so far, per CPU.
    pub fn drops(&self) -> &[u64] {
        &self.kept.drops
    }
}

/// The session waits on and maps the ring buffer as before.
impl Deref for PrincipalBuffer {
    type Target = RingBuf;
    fn deref(&self) -> &RingBuf {
        &self.ring
    }
}

impl DerefMut for PrincipalBuffer {
    fn deref_mut(&mut self) -> &mut RingBuf {
        &mut self.ring
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A record of `len` bytes (header words included) from `cpu`, its
    /// first byte `tag`.
    fn rec(tag: u8, cpu: u32, len: usize) -> Vec<u8> {
        let mut r = vec![0u8; len];
        r[0] = tag;
        r[8..12].copy_from_slice(&cpu.to_le_bytes());
        r
    }

    fn tags(k: &Kept) -> Vec<u8> {
        k.recs.iter().map(|r| r[0]).collect()
    }

    #[test]
    fn ring_keeps_the_most_recent_records_that_fit() {
        // 24-byte records take 32 bytes: three fit in 100.
        let mut k = Kept::new(BufPolicy::Ring, 100);
        for t in 1..=5 {
            k.keep(&rec(t, 0, 24));
        }
        assert_eq!(tags(&k), [3, 4, 5]);
        assert!(!k.full);
        // One record larger than the whole buffer is a drop.
        k.keep(&rec(6, 1, 200));
        assert_eq!(k.drops, [0, 1]);
        assert!(k.recs.is_empty());
    }

    #[test]
    fn fill_keeps_the_first_records_and_drops_the_rest() {
        let mut k = Kept::new(BufPolicy::Fill, 100);
        for t in 1..=5 {
            k.keep(&rec(t, 1, 24));
        }
        // A smaller record arriving after the buffer filled is dropped too.
        k.keep(&rec(6, 0, 16));
        assert_eq!(tags(&k), [1, 2, 3]);
        assert!(k.full);
        assert_eq!(k.drops, [1, 2]);
        assert_eq!(k.take_all().len(), 3);
        assert_eq!(k.bytes, 0);
    }
}
