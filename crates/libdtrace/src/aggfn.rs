//! D's aggregating functions and the bucket layouts of the distributions:
//! what sema checks, the code generator reproduces in BPF and the consumer
//! decodes and prints, so it belongs to none of them.
//!
//! Layouts follow Oracle's DTrace for Linux (dt_aggregate.c, dt_consume.c);
//! for everything but `llquantize()` they are also illumos DTrace's.

use std::cmp::Ordering;

/// The aggregating function of an aggregation (with its parameters).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AggKind {
    Count,
    Sum,
    Avg,
    Min,
    Max,
    Stddev,
    Quantize,
    /// `lquantize(expr, base, limit, step)`.
    Lquantize {
        base: i64,
        limit: i64,
        step: i64,
    },
    /// `llquantize(expr, factor, low, high, nsteps)`.
    Llquantize {
        factor: u16,
        low: u16,
        high: u16,
        nsteps: u16,
    },
}

/// Number of `quantize()` buckets (DTRACE_QUANTIZE_NBUCKETS): 63 negative
/// power-of-two buckets, the zero bucket, 63 positive ones.
pub const QUANTIZE_NBUCKETS: usize = 127;
/// Index of the bucket holding 0 (DTRACE_QUANTIZE_ZEROBUCKET).
pub const QUANTIZE_ZERO_BUCKET: usize = 63;

/// The label (lower bound by magnitude) of `quantize()` bucket `i`
/// (DTRACE_QUANTIZE_BUCKETVAL): `-(2^(62-i))` below the zero bucket, 0, then
/// `2^(i-64)`.
pub fn quantize_bucket_value(i: usize) -> i64 {
    let z = QUANTIZE_ZERO_BUCKET;
    match i.cmp(&z) {
        Ordering::Less => -(1i64 << (z - 1 - i)),
        Ordering::Equal => 0,
        Ordering::Greater => 1i64 << (i - z - 1),
    }
}

/// The `quantize()` bucket of `v`.
///
/// * `v == 0` → 63.
/// * `v > 0` → `64 + floor(log2(v))`, i.e. `127 - clz64(v)` (1 → 64,
///   2..3 → 65, ..., ≥ 2^62 → 126).
/// * `v < 0` → `62 - floor(log2(-v))`, i.e. `clz64(-v as u64) - 1`, at
///   least 0 (-1 → 62, -2..-3 → 61, -4..-7 → 60, ≤ -2^62 → 0; `i64::MIN`
///   → 0).
///
/// Equivalently (the kernel's loop): negative values go to the first bucket
/// whose label is ≥ `v`, others to the last bucket whose label is ≤ `v`.
pub fn quantize_bucket(v: i64) -> usize {
    if v == 0 {
        QUANTIZE_ZERO_BUCKET
    } else if v > 0 {
        127 - (v as u64).leading_zeros() as usize
    } else {
        ((v.unsigned_abs().leading_zeros() as usize).max(1)) - 1
    }
}

/// The number of `lquantize()` levels: `(limit - base) / step`.
pub fn lquantize_levels(base: i64, limit: i64, step: i64) -> usize {
    if step <= 0 || limit <= base {
        return 0;
    }
    ((limit - base) / step) as usize
}

/// The number of `lquantize()` buckets: levels + 2 (underflow, the levels,
/// overflow).
pub fn lquantize_nbuckets(base: i64, limit: i64, step: i64) -> usize {
    lquantize_levels(base, limit, step) + 2
}

/// The `lquantize()` bucket of `v` (64-bit signed comparisons):
/// `v < base` → 0; else level `(v - base) / step`: `level + 1` when
/// `level < levels`, else `levels + 1` (overflow, labelled
/// `>= base + levels * step`).
pub fn lquantize_bucket(v: i64, base: i64, limit: i64, step: i64) -> usize {
    let levels = lquantize_levels(base, limit, step);
    if v < base {
        return 0;
    }
    let level = ((v as i128 - base as i128) / step.max(1) as i128) as u128;
    if level < levels as u128 {
        level as usize + 1
    } else {
        levels + 1
    }
}

pub(crate) fn upow(base: u128, exp: u32) -> u128 {
    let mut r: u128 = 1;
    for _ in 0..exp {
        r = r.saturating_mul(base);
    }
    r
}

/// Geometry of an `llquantize()` (Oracle's layout, which has negative
/// buckets).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Llq {
    pub(crate) factor: u32,
    pub(crate) low: u32,
    pub(crate) high: u32,
    pub(crate) steps: u32,
    /// steps / factor
    pub(crate) sf: u32,
    /// buckets per order of magnitude: steps - steps/factor
    pub(crate) per: usize,
    /// index of the bucket of |v| < factor^low
    pub(crate) bin0: usize,
    pub(crate) nbins: usize,
}

impl Llq {
    pub(crate) fn new(factor: u16, low: u16, high: u16, nsteps: u16) -> Llq {
        let (factor, low, high, steps) = (factor.max(2) as u32, low as u32, high.max(low) as u32, nsteps.max(1) as u32);
        let sf = steps / factor;
        let per = (steps - sf) as usize;
        let nmag = (high - low + 1) as usize;
        let bin0 = 1 + nmag * per;
        Llq { factor, low, high, steps, sf, per, bin0, nbins: 2 * nmag * per + 3 }
    }
}

/// The number of `llquantize()` buckets:
/// `2 * (high - low + 1) * (nsteps - nsteps / factor) + 3`.
pub fn llquantize_nbuckets(factor: u16, low: u16, high: u16, nsteps: u16) -> usize {
    Llq::new(factor, low, high, nsteps).nbins
}

/// The `llquantize()` bucket of `v` (Oracle's layout). With
/// `per = nsteps - nsteps/factor`, `bin0 = 1 + (high-low+1)*per`:
///
/// * bucket 0: `v <= -factor^(high+1)`;
/// * `bin0 - 1 - off`: `-factor^(high+1) < v <= -factor^low`;
/// * `bin0`: `|v| < factor^low`;
/// * `bin0 + 1 + off`: `factor^low <= v < factor^(high+1)`;
/// * the last: `v >= factor^(high+1)`;
///
/// where, for `a = |v|` in magnitude `m` (`factor^m <= a < factor^(m+1)`),
/// `off = (m - low) * per + a * nsteps / factor^(m+1) - nsteps/factor`
/// (integer division; each magnitude is cut in `nsteps` equal steps of
/// `[0, factor^(m+1))`, of which the first `nsteps/factor` lie below it).
pub fn llquantize_bucket(v: i64, factor: u16, low: u16, high: u16, nsteps: u16) -> usize {
    let g = Llq::new(factor, low, high, nsteps);
    let a = v.unsigned_abs() as u128;
    let f = g.factor as u128;
    if a < upow(f, g.low) {
        return g.bin0;
    }
    if a >= upow(f, g.high + 1) {
        return if v < 0 { 0 } else { g.nbins - 1 };
    }
    let mut m = g.low;
    while a >= upow(f, m + 1) {
        m += 1;
    }
    let off = (m - g.low) as usize * g.per + (a * g.steps as u128 / upow(f, m + 1)) as usize - g.sf as usize;
    if v < 0 {
        g.bin0 - 1 - off
    } else {
        g.bin0 + 1 + off
    }
}

impl AggKind {
    /// The number of buckets of a distribution (0 for scalar kinds).
    pub fn nbuckets(&self) -> usize {
        match *self {
            AggKind::Quantize => QUANTIZE_NBUCKETS,
            AggKind::Lquantize { base, limit, step } => lquantize_nbuckets(base, limit, step),
            AggKind::Llquantize { factor, low, high, nsteps } => llquantize_nbuckets(factor, low, high, nsteps),
            _ => 0,
        }
    }
}
