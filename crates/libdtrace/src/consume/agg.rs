//! Aggregations: values (over the kinds and bucket layouts of
//! [`crate::aggfn`]), merging of per-CPU data, DTrace's sort order, and the
//! printing of `printa()` and of the aggregations at exit.
//!
//! Layouts follow Oracle's DTrace for Linux (libdtrace/dt_consume.c,
//! dt_aggregate.c, dt_printf.c) and its test suite's expected output,
//! which for everything but `llquantize()` is also illumos DTrace's.

use std::cmp::Ordering;

use super::output::{self, PrintCtx};
use super::printf::{self, AsFormat};
use super::value::{self, Value};
use crate::aggfn::*;
use crate::printf_format::{Conv, Piece};

/// The value of one aggregation entry (one key tuple), for one CPU or
/// merged. Bucket counts are stored as DTrace stores them (64-bit words) but
/// read as signed when printed: `quantize(x, -1)` makes them negative.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AggValue {
    Count(u64),
    Sum(i64),
    Avg {
        count: u64,
        total: i64,
    },
    Min(i64),
    Max(i64),
    /// `total_sq` is the sum of the squares of the absolute values (128-bit,
    /// wrapping), as DTrace keeps it.
    Stddev {
        count: u64,
        total: i64,
        total_sq: u128,
    },
    Quantize(Vec<u64>),
    Lquantize(Vec<u64>),
    Llquantize(Vec<u64>),
}

// ---- values -------------------------------------------------------------

impl AggKind {
    /// The value before any data: the identity of [`AggValue::merge`]
    /// (`min()` starts at `i64::MAX`, `max()` at `i64::MIN`, as DTrace
    /// initializes them).
    pub fn identity(&self) -> AggValue {
        match self {
            AggKind::Min => AggValue::Min(i64::MAX),
            AggKind::Max => AggValue::Max(i64::MIN),
            _ => self.zero(),
        }
    }

    /// All-zero data: what DTrace prints for an aggregation that has no
    /// entry for a key in a multi-aggregation `printa()`, and what
    /// `clear()` leaves in counts, sums and distributions.
    pub fn zero(&self) -> AggValue {
        match self {
            AggKind::Count => AggValue::Count(0),
            AggKind::Sum => AggValue::Sum(0),
            AggKind::Avg => AggValue::Avg { count: 0, total: 0 },
            AggKind::Min => AggValue::Min(0),
            AggKind::Max => AggValue::Max(0),
            AggKind::Stddev => AggValue::Stddev { count: 0, total: 0, total_sq: 0 },
            AggKind::Quantize => AggValue::Quantize(vec![0; self.nbuckets()]),
            AggKind::Lquantize { .. } => AggValue::Lquantize(vec![0; self.nbuckets()]),
            AggKind::Llquantize { .. } => AggValue::Llquantize(vec![0; self.nbuckets()]),
        }
    }

    /// The value `clear()` leaves (Oracle's dt_aggregate_clear_one()):
    /// `min()`/`max()` back to their initial values, everything else zero.
    pub fn cleared(&self) -> AggValue {
        self.identity()
    }
}

impl AggValue {
    /// Apply one aggregating action: `@a = func(v)`, with `incr` the
    /// optional increment of the quantizations (1 otherwise). This is the
    /// reference semantics the generated BPF code implements: `count` adds
    /// 1, `sum` adds `v`, `avg` counts and sums, `stddev` also adds `|v|²`
    /// to a 128-bit sum, `min`/`max` keep the extreme, distributions add
    /// `incr` to the bucket of `v`.
    pub fn record(&mut self, kind: &AggKind, v: i64, incr: i64) {
        match (self, kind) {
            (AggValue::Count(c), _) => *c = c.wrapping_add(1),
            (AggValue::Sum(s), _) => *s = s.wrapping_add(v),
            (AggValue::Avg { count, total }, _) => {
                *count = count.wrapping_add(1);
                *total = total.wrapping_add(v);
            }
            (AggValue::Min(m), _) => *m = (*m).min(v),
            (AggValue::Max(m), _) => *m = (*m).max(v),
            (AggValue::Stddev { count, total, total_sq }, _) => {
                *count = count.wrapping_add(1);
                *total = total.wrapping_add(v);
                let a = v.unsigned_abs() as u128;
                *total_sq = total_sq.wrapping_add(a * a);
            }
            (AggValue::Quantize(b), _) => add_bucket(b, quantize_bucket(v), incr),
            (AggValue::Lquantize(b), AggKind::Lquantize { base, limit, step }) => {
                add_bucket(b, lquantize_bucket(v, *base, *limit, *step), incr)
            }
            (AggValue::Llquantize(b), AggKind::Llquantize { factor, low, high, nsteps }) => {
                add_bucket(b, llquantize_bucket(v, *factor, *low, *high, *nsteps), incr)
            }
            _ => {}
        }
    }

    /// Merge another CPU's value for the same key into this one: counts,
    /// sums, averages, standard deviations and buckets add (wrapping);
    /// `min`/`max` keep the extreme.
    pub fn merge(&mut self, other: &AggValue) {
        match (self, other) {
            (AggValue::Count(a), AggValue::Count(b)) => *a = a.wrapping_add(*b),
            (AggValue::Sum(a), AggValue::Sum(b)) => *a = a.wrapping_add(*b),
            (AggValue::Avg { count, total }, AggValue::Avg { count: c, total: t }) => {
                *count = count.wrapping_add(*c);
                *total = total.wrapping_add(*t);
            }
            (AggValue::Min(a), AggValue::Min(b)) => *a = (*a).min(*b),
            (AggValue::Max(a), AggValue::Max(b)) => *a = (*a).max(*b),
            (AggValue::Stddev { count, total, total_sq }, AggValue::Stddev { count: c, total: t, total_sq: q }) => {
                *count = count.wrapping_add(*c);
                *total = total.wrapping_add(*t);
                *total_sq = total_sq.wrapping_add(*q);
            }
            (AggValue::Quantize(a), AggValue::Quantize(b))
            | (AggValue::Lquantize(a), AggValue::Lquantize(b))
            | (AggValue::Llquantize(a), AggValue::Llquantize(b)) => {
                if a.len() < b.len() {
                    a.resize(b.len(), 0);
                }
                for (x, y) in a.iter_mut().zip(b) {
                    *x = x.wrapping_add(*y);
                }
            }
            _ => {}
        }
    }
}

fn add_bucket(b: &mut [u64], i: usize, incr: i64) {
    if let Some(x) = b.get_mut(i) {
        *x = x.wrapping_add(incr as u64);
    }
}

/// Bucket counts as signed values.
fn signed(b: &[u64]) -> Vec<i64> {
    b.iter().map(|&c| c as i64).collect()
}

/// Integer square root (floor) of a 128-bit value.
fn isqrt128(n: u128) -> u64 {
    if n == 0 {
        return 0;
    }
    let mut x = (n as f64).sqrt() as u128;
    // Correct the float estimate.
    while x * x > n {
        x -= 1;
    }
    while (x + 1).checked_mul(x + 1).is_some_and(|s| s <= n) {
        x += 1;
    }
    x as u64
}

/// `stddev()`'s printed value (dt_stddev()): the integer square root of
/// `total_sq / normal / count - (|total / normal / count|)²`, in unsigned
/// 128-bit arithmetic (the subtraction wraps as DTrace's does); 0 when
/// `count` is 0.
pub fn stddev(count: u64, total: i64, total_sq: u128, normal: u64) -> u64 {
    if count == 0 {
        return 0;
    }
    let normal = normal.max(1);
    let avg_sq = total_sq / normal as u128 / count as u128;
    let avg = (total.wrapping_div(normal as i64)).wrapping_div(count as i64).wrapping_abs() as u64 as u128;
    isqrt128(avg_sq.wrapping_sub(avg.wrapping_mul(avg)))
}

/// How a scalar aggregation value prints by default (dt_print_datum()
/// ends in `(long long)value / normal` with an unsigned `normal`, so the
/// division is unsigned; with `normal == 1` this is the plain value).
pub fn normalize_scalar(v: i64, normal: u64) -> i64 {
    ((v as u64) / normal.max(1)) as i64
}

// ---- sorting ------------------------------------------------------------

/// The aggregation sorting options.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SortOpts {
    /// `aggsortkey`: sort by key instead of by value.
    pub sortkey: bool,
    /// `aggsortrev`: reverse the order.
    pub sortrev: bool,
    /// `aggsortpos`: in a multi-aggregation `printa()`, which aggregation's
    /// value sorts first (out of range: 0).
    pub sortpos: usize,
    /// `aggsortkeypos`: which key element compares first (out of range: 0).
    pub sortkeypos: usize,
}

/// Another name of [`SortOpts`].
pub type AggSortOpts = SortOpts;

fn cmp_i128(a: i128, b: i128) -> Ordering {
    a.cmp(&b)
}

/// Weighted sum and "zero" weight of a distribution, as DTrace compares
/// them (dt_aggregate_quantizedcmp() and friends).
fn dist_weight(v: &AggValue, kind: &AggKind) -> (i128, i64) {
    match (v, kind) {
        (AggValue::Quantize(b), _) => {
            let mut total: i128 = 0;
            for (i, &c) in b.iter().enumerate() {
                total = total.saturating_add((quantize_bucket_value(i) as i128).saturating_mul(c as i64 as i128));
            }
            (total, b.get(QUANTIZE_ZERO_BUCKET).copied().unwrap_or(0) as i64)
        }
        (AggValue::Lquantize(b), AggKind::Lquantize { base, limit, step }) => {
            let levels = lquantize_levels(*base, *limit, *step);
            let at = |i: usize| b.get(i).copied().unwrap_or(0) as i64 as i128;
            let mut base_v = *base as i128;
            let mut total = at(0).saturating_mul(base_v - 1);
            for i in 0..levels {
                total = total.saturating_add(at(i + 1).saturating_mul(base_v));
                base_v += *step as i128;
            }
            total = total.saturating_add(at(levels + 1).saturating_mul(base_v + 1));
            // The weight at zero (dt_aggregate_lquantizedzero()).
            let zero = if *base - 1 == 0 {
                at(0)
            } else if let Some(i) = (0..levels).find(|&i| *base as i128 + (i as i128) * (*step as i128) == 0) {
                at(i + 1)
            } else if base_v + 1 == 0 {
                at(levels + 1)
            } else {
                0
            };
            (total, zero as i64)
        }
        (AggValue::Llquantize(b), AggKind::Llquantize { factor, low, high, nsteps }) => {
            let g = Llq::new(*factor, *low, *high, *nsteps);
            let at = |i: usize| b.get(i).copied().unwrap_or(0) as i64 as i128;
            let diff = |i: usize| at(g.bin0 + i).saturating_sub(if i <= g.bin0 { at(g.bin0 - i) } else { 0 });
            let f = g.factor as i128;
            let mut total = (upow(f as u128, g.low).min(i128::MAX as u128) as i128).saturating_mul(diff(1));
            let mut i = 1;
            let mut lmag = g.low;
            if g.low == 0 && g.steps > g.factor {
                for step in 2..=g.factor {
                    i += g.sf as usize;
                    total = total.saturating_add((step as i128).saturating_mul(diff(i)));
                }
                lmag = 1;
            }
            let mut scale = (upow(f as u128, lmag + 1) / g.steps as u128).min(i128::MAX as u128) as i128;
            for _ in lmag..=g.high {
                for step in (g.sf + 1)..=g.steps {
                    i += 1;
                    if i > g.bin0 {
                        break;
                    }
                    total = total.saturating_add((step as i128).saturating_mul(scale).saturating_mul(diff(i)));
                }
                scale = scale.saturating_mul(f);
            }
            (total, at(g.bin0) as i64)
        }
        _ => (0, 0),
    }
}

/// DTrace's comparison of two values of the same aggregation
/// (dt_aggregate_valcmp(), not reversed): counts, sums, minima and maxima as
/// signed 64-bit values; averages by their integer quotient; standard
/// deviations by value; distributions by their weighted sum (bucket label ×
/// count), then by the count of the zero bucket.
pub fn cmp_values(a: &AggValue, b: &AggValue, kind: &AggKind) -> Ordering {
    use AggValue::*;
    match (a, b) {
        (Count(x), Count(y)) => (*x as i64).cmp(&(*y as i64)),
        (Sum(x), Sum(y)) | (Min(x), Min(y)) | (Max(x), Max(y)) => x.cmp(y),
        (Avg { count: c1, total: t1 }, Avg { count: c2, total: t2 }) => {
            let q = |c: u64, t: i64| if c != 0 { t.wrapping_div(c as i64) } else { 0 };
            q(*c1, *t1).cmp(&q(*c2, *t2))
        }
        (Stddev { count: c1, total: t1, total_sq: q1 }, Stddev { count: c2, total: t2, total_sq: q2 }) => {
            stddev(*c1, *t1, *q1, 1).cmp(&stddev(*c2, *t2, *q2, 1))
        }
        _ => {
            let (wa, za) = dist_weight(a, kind);
            let (wb, zb) = dist_weight(b, kind);
            cmp_i128(wa, wb).then(za.cmp(&zb))
        }
    }
}

/// DTrace's order of two entries of one aggregation: by value, ties by key
/// (`aggsortkey`: by key only); `aggsortrev` reverses it.
pub fn cmp_entries(
    a: &(Vec<Value>, AggValue),
    b: &(Vec<Value>, AggValue),
    kind: &AggKind,
    opts: &SortOpts,
) -> Ordering {
    let o = if opts.sortkey {
        value::cmp_keys(&a.0, &b.0, opts.sortkeypos)
    } else {
        cmp_values(&a.1, &b.1, kind).then_with(|| value::cmp_keys(&a.0, &b.0, opts.sortkeypos))
    };
    if opts.sortrev {
        o.reverse()
    } else {
        o
    }
}

/// Sort entries into printing order.
pub fn sort_entries(entries: &mut [(Vec<Value>, AggValue)], kind: &AggKind, opts: &SortOpts) {
    entries.sort_by(|a, b| cmp_entries(a, b, kind, opts));
}

/// The entries in printing order, by reference.
pub fn sorted<'e>(
    entries: &'e [(Vec<Value>, AggValue)],
    kind: &AggKind,
    opts: &SortOpts,
) -> Vec<&'e (Vec<Value>, AggValue)> {
    let mut v: Vec<_> = entries.iter().collect();
    v.sort_by(|a, b| cmp_entries(a, b, kind, opts));
    v
}

// ---- printing -----------------------------------------------------------

const ATS: &str = "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@";
const SPACES: &str = "                                        ";

/// One row's bar and count (dt_print_quantline()). 40 columns of `@`, or
/// two 20-column half bars around a centre `|` when the data has both
/// positive and negative counts.
fn quantline(out: &mut Vec<u8>, val: i64, normal: u64, total: f64, positives: bool, negatives: bool) {
    let count = normalize_scalar(val, normal);
    let depth = |len: usize| -> usize {
        if total == 0.0 {
            return 0;
        }
        let f = (val.unsigned_abs() as f64 * len as f64) / total;
        ((f + 0.5) as usize).min(len)
    };
    let s = if !negatives {
        let d = if positives { depth(40) } else { 0 };
        format!("|{}{} {:<9}\n", &ATS[40 - d..], &SPACES[d..], count)
    } else if !positives {
        let d = depth(40);
        format!("{}{}| {:<9}\n", &SPACES[d..], &ATS[40 - d..], count)
    } else {
        let d = depth(20);
        if val <= 0 {
            format!("{}{}|{:20} {:<9}\n", &SPACES[20 + d..], &ATS[40 - d..], "", count)
        } else {
            format!("{:20}|{}{} {:<9}\n", "", &ATS[40 - d..], &SPACES[20 + d..], count)
        }
    };
    out.extend_from_slice(s.as_bytes());
}

fn dist_header(out: &mut Vec<u8>) {
    out.extend_from_slice(
        format!("\n{:>16} {:>41} {:<9}\n", "value", "------------- Distribution -------------", "count").as_bytes(),
    );
}

fn sign_total(data: &[i64], first: usize, last: usize) -> (bool, bool, f64) {
    let (mut pos, mut neg, mut total) = (false, false, 0.0f64);
    for &c in &data[first..=last] {
        pos |= c > 0;
        neg |= c < 0;
        total += c.unsigned_abs() as f64;
    }
    (pos, neg, total)
}

/// The rows shown: from one before the first non-zero bucket to one after
/// the last (within bounds); `empty` when all are zero.
fn row_range(data: &[i64], empty: (usize, usize)) -> (usize, usize) {
    let n = data.len();
    match data.iter().position(|&c| c != 0) {
        None => (empty.0.min(n - 1), empty.1.min(n - 1)),
        Some(first) => {
            let last = data.iter().rposition(|&c| c != 0).unwrap();
            (first.saturating_sub(1), (last + 1).min(n - 1))
        }
    }
}

/// A `quantize()` table (dt_print_quantize()):
///
/// ```text
/// \n           value  ------------- Distribution ------------- count    \n
///                1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@ 1        \n
/// ```
///
/// Rows from one bucket before the first non-zero one to one after the
/// last; with no data the rows -1, 0, 1.
pub fn print_quantize(out: &mut Vec<u8>, data: &[i64], normal: u64) {
    if data.is_empty() {
        return;
    }
    let z = QUANTIZE_ZERO_BUCKET;
    let (first, last) = row_range(data, (z - 1, z + 1));
    let (pos, neg, total) = sign_total(data, first, last);
    dist_header(out);
    for (i, &c) in data.iter().enumerate().take(last + 1).skip(first) {
        out.extend_from_slice(format!("{:>16} ", quantize_bucket_value(i)).as_bytes());
        quantline(out, c, normal, total, pos, neg);
    }
}

/// An `lquantize()` table (dt_print_lquantize()): labels `< base`, then
/// `base + (i-1)*step`, then `>= base + levels*step`; rows chosen as for
/// [`print_quantize`], buckets 0..2 with no data.
pub fn print_lquantize(out: &mut Vec<u8>, data: &[i64], base: i64, step: i64, normal: u64) {
    if data.is_empty() {
        return;
    }
    let levels = data.len().saturating_sub(2);
    let (first, last) = row_range(data, (0, 2));
    let (pos, neg, total) = sign_total(data, first, last);
    dist_header(out);
    for (i, &c) in data.iter().enumerate().take(last + 1).skip(first) {
        let label = if i == 0 {
            format!("< {}", base)
        } else if i == levels + 1 {
            format!(">= {}", base + levels as i64 * step)
        } else {
            format!("{}", base + (i as i64 - 1) * step)
        };
        out.extend_from_slice(format!("{:>16} ", label).as_bytes());
        quantline(out, c, normal, total, pos, neg);
    }
}

/// An `llquantize()` table (Oracle's dt_print_llquantize()): negative
/// buckets mirror the positive ones; the bucket around zero is labelled `0`
/// (low magnitude 0), `< N` (no negative data shown) or `abs() < N`; the
/// outermost `<= -N` and `>= N`. Buckets that no integer can reach (low
/// magnitude 0 with more steps than the factor) have no label and are not
/// printed; if the first or last row shown is such a bucket, it takes the
/// label of the nearest labelled bucket beyond it.
pub fn print_llquantize(out: &mut Vec<u8>, data: &[i64], factor: u16, low: u16, high: u16, nsteps: u16, normal: u64) {
    let g = Llq::new(factor, low, high, nsteps);
    if data.len() != g.nbins {
        return;
    }
    let (mut first, mut last) = match data.iter().position(|&c| c != 0) {
        None => (g.bin0 + 1, g.bin0 + 1),
        Some(f) => (f, data.iter().rposition(|&c| c != 0).unwrap()),
    };
    let (pos, neg, total) = sign_total(data, first, last);
    dist_header(out);
    first = first.saturating_sub(1);
    last = (last + 1).min(g.nbins - 1);
    let pad = if g.low == 0 && g.steps > g.factor { g.sf as usize } else { 0 };

    // Labels, in DTrace's order (later ones overwrite earlier ones).
    let mut label: Vec<Option<String>> = vec![None; g.nbins];
    let f = g.factor as u128;
    let scale0 = upow(f, g.low);
    label[g.bin0] = Some(if scale0 == 1 {
        "0".to_string()
    } else if first >= g.bin0 {
        format!("< {}", scale0)
    } else {
        format!("abs() < {}", scale0)
    });
    label[g.bin0 - 1] = Some(format!("-{}", scale0));
    label[g.bin0 + 1] = Some(format!("{}", scale0));
    let mut mag = g.low;
    let mut i = 1usize;
    let set = |label: &mut Vec<Option<String>>, i: usize, v: u128| {
        if i <= g.bin0 {
            label[g.bin0 - i] = Some(format!("-{}", v));
            label[g.bin0 + i] = Some(format!("{}", v));
        }
    };
    if g.low == 0 && g.steps > g.factor {
        for step in 2..=g.factor {
            i += g.sf as usize;
            set(&mut label, i, step as u128);
        }
        mag += 1;
    }
    let mut scale = upow(f, mag + 1) / g.steps as u128;
    while mag <= g.high {
        for step in (g.sf + 1)..=g.steps {
            i += 1;
            set(&mut label, i, step as u128 * scale);
        }
        scale = scale.saturating_mul(f);
        mag += 1;
    }
    let top = upow(f, g.high + 1);
    label[0] = Some(format!("<= -{}", top));
    label[g.nbins - 1] = Some(format!(">= {}", top));

    // Unreachable first/last rows borrow the nearest label beyond them.
    if pad > 0 {
        if label[first].is_none() {
            if let Some(j) = (1..pad).find(|&j| first >= j && label[first - j].is_some()) {
                label[first] = label[first - j].clone();
            }
        }
        if label[last].is_none() {
            if let Some(j) = (1..pad).find(|&j| last + j < g.nbins && label[last + j].is_some()) {
                label[last] = label[last + j].clone();
            }
        }
    }
    for i in first..=last {
        if let Some(l) = &label[i] {
            out.extend_from_slice(format!("{:>16} ", l).as_bytes());
            quantline(out, data[i], normal, total, pos, neg);
        }
    }
}

/// An aggregation value as the default output prints it (dt_print_datum()):
/// scalars `" %16lld"` (standard deviation `" %16llu"`), distributions as
/// tables.
pub fn print_value(out: &mut Vec<u8>, v: &AggValue, kind: &AggKind, normal: u64) {
    let normal = normal.max(1);
    match v {
        AggValue::Count(c) => out.extend_from_slice(format!(" {:>16}", normalize_scalar(*c as i64, normal)).as_bytes()),
        AggValue::Sum(s) | AggValue::Min(s) | AggValue::Max(s) => {
            out.extend_from_slice(format!(" {:>16}", normalize_scalar(*s, normal)).as_bytes())
        }
        AggValue::Avg { count, total } => {
            let a = if *count != 0 { total.wrapping_div(normal as i64).wrapping_div(*count as i64) } else { 0 };
            out.extend_from_slice(format!(" {:>16}", a).as_bytes())
        }
        AggValue::Stddev { count, total, total_sq } => {
            out.extend_from_slice(format!(" {:>16}", stddev(*count, *total, *total_sq, normal)).as_bytes())
        }
        AggValue::Quantize(b) => print_quantize(out, &signed(b), normal),
        AggValue::Lquantize(b) => {
            if let AggKind::Lquantize { base, step, .. } = kind {
                print_lquantize(out, &signed(b), *base, *step, normal)
            }
        }
        AggValue::Llquantize(b) => {
            if let AggKind::Llquantize { factor, low, high, nsteps } = kind {
                print_llquantize(out, &signed(b), *factor, *low, *high, *nsteps, normal)
            }
        }
    }
}

/// An aggregation key element as the default output prints it
/// (dt_print_datum()): integers by record size `" %3d"` (1 byte, as
/// unsigned), `" %5d"` (2, unsigned), `" %8d"` (4, signed), `" %16lld"` (8,
/// signed); strings and other buffers `"  %-50s"` (or a hex dump when not
/// printable); `sym()`-like keys `"  %-50s"`; stacks as by `trace()`.
pub fn print_key(out: &mut Vec<u8>, k: &Value, ctx: &PrintCtx) {
    match k {
        Value::Int { v, size, .. } => {
            let size = value::norm_size(*size);
            let s = match size {
                1 => format!(" {:>3}", value::truncate(*v, 1)),
                2 => format!(" {:>5}", value::truncate(*v, 2)),
                4 => format!(" {:>8}", value::sext(*v, 4)),
                _ => format!(" {:>16}", *v as i64),
            };
            out.extend_from_slice(s.as_bytes());
        }
        Value::Str(b) => {
            let mut buf = b.clone();
            if !buf.contains(&0) {
                buf.push(0);
            }
            output::print_bytes(out, &buf, 50, false);
        }
        Value::Chars(b) | Value::Bytes(b) => output::print_bytes(out, b, 50, false),
        Value::Float(f) => {
            let mut o = Vec::new();
            super::cfmt::fmt_float(&mut o, &super::cfmt::Spec::width(16), *f, b'g');
            out.push(b' ');
            out.extend_from_slice(&o);
        }
        other => output::trace_value(out, other, false, ctx),
    }
}

/// One entry of the default output: the keys, each value, `"\n"`
/// (dt_print_aggs()).
pub fn print_entry(out: &mut Vec<u8>, keys: &[Value], values: &[(&AggKind, u64, &AggValue)], ctx: &PrintCtx) {
    for k in keys {
        print_key(out, k, ctx);
    }
    for (kind, normal, v) in values {
        print_value(out, v, kind, *normal);
    }
    out.push(b'\n');
}

/// An aggregation in DTrace's default layout, entries in the order given
/// (sort them first with [`sort_entries`]), with nothing before it: what
/// `dtrace` prints for each aggregation at exit, after a single `"\n"`
/// printed once before all of them (aggregations with no entries print
/// nothing). E.g. `"               42\n"` for `@ = count()`, or `"  bash"` +
/// 62 blanks + `"5\n"` for `@[execname] = count()`. No symbols: see
/// [`print_aggregation_with`].
pub fn print_aggregation(out: &mut Vec<u8>, entries: &[(Vec<Value>, AggValue)], kind: &AggKind, normal: u64) {
    print_aggregation_with(out, entries, kind, normal, &[], &PrintCtx::default());
}

/// [`print_aggregation`] with symbols and options, and with `aggpercpu`
/// the entries' values on each CPU.
pub fn print_aggregation_with(
    out: &mut Vec<u8>,
    entries: &[(Vec<Value>, AggValue)],
    kind: &AggKind,
    normal: u64,
    percpu: &PerCpu,
    ctx: &PrintCtx,
) {
    for (keys, v) in entries {
        let Some((_, cpus)) = percpu.iter().find(|(k, _)| k == keys) else {
            print_entry(out, keys, &[(kind, normal, v)], ctx);
            continue;
        };
        // aggpercpu (Oracle's layout): each CPU's value after the total,
        // on lines of their own.
        for k in keys {
            print_key(out, k, ctx);
        }
        print_value(out, v, kind, normal);
        for (cpu, cv) in cpus.iter().enumerate() {
            out.extend_from_slice(format!("\n    [CPU {}]", cpu).as_bytes());
            print_value(out, cv, kind, normal);
        }
        out.push(b'\n');
    }
}

/// With `aggpercpu`: per entry (by keys), its value on CPU 0, 1, ...
pub type PerCpu = [(Vec<Value>, Vec<AggValue>)];

/// `printa(@a)` without a format (dt_printa()): `"\n"`, then the
/// aggregation as [`print_aggregation_with`] (entries in the order given).
pub fn printa(
    out: &mut Vec<u8>,
    entries: &[(Vec<Value>, AggValue)],
    kind: &AggKind,
    normal: u64,
    percpu: &PerCpu,
    ctx: &PrintCtx,
) {
    out.push(b'\n');
    print_aggregation_with(out, entries, kind, normal, percpu, ctx);
}

#[allow(clippy::too_many_arguments)]
/// Format one conversion of a printa() format that takes the aggregation
/// value (`%@...`; pfprint_average()/pfprint_stddev()/pfprint_*quantize()
/// or the integer conversions with `normal`).
fn format_agg_value(
    out: &mut Vec<u8>,
    c: &Conv,
    dw: Option<i64>,
    dp: Option<i64>,
    kind: &AggKind,
    normal: u64,
    v: &AggValue,
    ctx: &PrintCtx,
) {
    let normal = normal.max(1);
    match v {
        AggValue::Quantize(_) | AggValue::Lquantize(_) | AggValue::Llquantize(_) => print_value(out, v, kind, normal),
        AggValue::Avg { count, total } => {
            // pfprint_average(): unsigned 64-bit division.
            let r = ((*total as u64) / normal).checked_div(*count).unwrap_or(0);
            printf::format_conv(out, c, dw, dp, &Value::Int { v: r, size: 8, signed: true }, 1, ctx);
        }
        AggValue::Stddev { count, total, total_sq } => {
            let r = stddev(*count, *total, *total_sq, normal);
            printf::format_conv(out, c, dw, dp, &Value::Int { v: r, size: 8, signed: true }, 1, ctx);
        }
        // count() results are uint64_t (so %@d prints them unsigned), all
        // others int64_t.
        AggValue::Count(n) => printf::format_conv(out, c, dw, dp, &Value::uint(*n, 8), normal, ctx),
        AggValue::Sum(s) | AggValue::Min(s) | AggValue::Max(s) => {
            printf::format_conv(out, c, dw, dp, &Value::int(*s, 8), normal, ctx)
        }
    }
}

/// One aggregation's data for the joined (multi-aggregation) printa.
#[derive(Clone, Copy, Debug)]
pub struct AggData<'a> {
    pub kind: &'a AggKind,
    pub normal: u64,
    pub entries: &'a [(Vec<Value>, AggValue)],
}

/// Format one printa() line: key conversions take the keys in order
/// (`*` widths too), `%@` conversions take the values in order (once past
/// the last value, the last again) (dt_printf_format()).
fn format_line(
    out: &mut Vec<u8>,
    pieces: &[Piece],
    keys: &[Value],
    values: &[(&AggKind, u64, &AggValue)],
    ctx: &PrintCtx,
) {
    let mut kit = keys.iter();
    let mut cur = 0usize;
    for p in pieces {
        match p {
            Piece::Lit(l) => out.extend_from_slice(l),
            Piece::Conv(c) => {
                if c.conv == b'%' {
                    out.push(b'%');
                    continue;
                }
                let dw = if c.dyn_width { Some(kit.next().map(printf::dyn_int).unwrap_or(0)) } else { None };
                let dp = if c.dyn_prec { Some(kit.next().map(printf::dyn_int).unwrap_or(0)) } else { None };
                if c.agg {
                    if let Some((kind, normal, v)) = values.get(cur) {
                        format_agg_value(out, c, dw, dp, kind, *normal, v, ctx);
                    }
                    if cur + 1 < values.len() {
                        cur += 1;
                    }
                } else if let Some(k) = kit.next() {
                    printf::format_conv(out, c, dw, dp, k, 1, ctx);
                }
            }
        }
    }
}

/// `printa(format, @a)`: the format once per entry, in the order given
/// (sort them first), as if by `printf(format, key1, key2, ...)` with `%@`
/// conversions taking the value. Keys beyond the conversions are not
/// printed; a distribution under `%@` prints its table. Nothing for an
/// empty aggregation. `fmt` is a parsed format or the raw format bytes.
pub fn printa_format<F: AsFormat + ?Sized>(
    out: &mut Vec<u8>,
    fmt: &F,
    entries: &[(Vec<Value>, AggValue)],
    kind: &AggKind,
    normal: u64,
) {
    printa_format_with(out, fmt, entries, kind, normal, &PrintCtx::default());
}

/// [`printa_format`] with symbols and options.
pub fn printa_format_with<F: AsFormat + ?Sized>(
    out: &mut Vec<u8>,
    fmt: &F,
    entries: &[(Vec<Value>, AggValue)],
    kind: &AggKind,
    normal: u64,
    ctx: &PrintCtx,
) {
    let pieces = fmt.pieces();
    for (keys, v) in entries {
        format_line(out, &pieces, keys, &[(kind, normal, v)], ctx);
    }
}

/// The rows of a multi-aggregation printa: one per distinct key tuple (all
/// aggregations must have the same key signature), each with every
/// aggregation's value (its all-zero value where it has no entry), in
/// DTrace's order (dtrace_aggregate_walk_joined()): by the values starting
/// with aggregation `aggsortpos` (then the following ones), ties by key;
/// `aggsortkey` sorts by key first; `aggsortrev` reverses.
pub fn joined_rows<'a>(aggs: &[AggData<'a>], opts: &SortOpts) -> Vec<(&'a [Value], Vec<AggValue>)> {
    let n = aggs.len();
    let mut rows: Vec<(&'a [Value], Vec<AggValue>)> = Vec::new();
    // Gather every key tuple with its values.
    let mut all: Vec<&'a [Value]> = aggs.iter().flat_map(|a| a.entries.iter().map(|(k, _)| k.as_slice())).collect();
    all.sort_by(|a, b| value::cmp_keys(a, b, opts.sortkeypos));
    all.dedup_by(|a, b| value::cmp_keys(a, b, opts.sortkeypos) == Ordering::Equal);
    for k in all {
        let vals = aggs
            .iter()
            .map(|a| {
                a.entries
                    .iter()
                    .find(|(kk, _)| value::cmp_keys(kk, k, opts.sortkeypos) == Ordering::Equal)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_else(|| a.kind.zero())
            })
            .collect();
        rows.push((k, vals));
    }
    let pos = if opts.sortpos >= n { 0 } else { opts.sortpos };
    rows.sort_by(|a, b| {
        let keyc = || value::cmp_keys(a.0, b.0, opts.sortkeypos);
        let mut o = if opts.sortkey { keyc() } else { Ordering::Equal };
        if o == Ordering::Equal {
            for j in 0..n {
                let i = (j + pos) % n;
                o = cmp_values(&a.1[i], &b.1[i], aggs[i].kind);
                if o != Ordering::Equal {
                    break;
                }
            }
            if o == Ordering::Equal && !opts.sortkey {
                o = keyc();
            }
        }
        if opts.sortrev {
            o.reverse()
        } else {
            o
        }
    });
    rows
}

/// `printa(@a, @b, ...)` without a format: `"\n"`, then per row the keys and
/// every aggregation's value on one line.
pub fn printa_joined(out: &mut Vec<u8>, aggs: &[AggData], opts: &SortOpts, ctx: &PrintCtx) {
    out.push(b'\n');
    for (keys, vals) in joined_rows(aggs, opts) {
        let v: Vec<_> = aggs.iter().zip(&vals).map(|(a, v)| (a.kind, a.normal, v)).collect();
        print_entry(out, keys, &v, ctx);
    }
}

/// `printa(format, @a, @b, ...)`: the format per row; successive `%@`
/// conversions take successive aggregations' values.
pub fn printa_format_joined<F: AsFormat + ?Sized>(
    out: &mut Vec<u8>,
    fmt: &F,
    aggs: &[AggData],
    opts: &SortOpts,
    ctx: &PrintCtx,
) {
    let pieces = fmt.pieces();
    for (keys, vals) in joined_rows(aggs, opts) {
        let v: Vec<_> = aggs.iter().zip(&vals).map(|(a, v)| (a.kind, a.normal, v)).collect();
        format_line(out, &pieces, keys, &v, ctx);
    }
}

#[cfg(test)]
mod tests;
