//! What the code generator hands to the loader and the consumer: map
//! specifications, programs, and the layout of every record a clause writes
//! (records carry no self-description; the consumer keeps these). A
//! contract between the code generator, the provider's loader and the
//! consumer, so it lives outside all three: none of them imports another
//! for it.

use crate::bpf::insn::Insn;
use crate::lang::sema::AggFunc;
use crate::lang::types::Type;

/// Header of every record: epid (u32), probe discriminator (u32: the
/// syscall number for syscall programs, else the probe id), cpu (u32),
/// speculation id (u32, 0 when not speculative).
pub const REC_HDR: u32 = 16;
pub const REC_SPEC_OFF: u32 = 12;
/// The epid of a fault record (see `Fault`).
pub const ERROR_EPID: u32 = u32::MAX;

/// Fixed map slots; more follow (variables, aggregations).
pub const MAP_STATE: usize = 0;
pub const MAP_RINGBUF: usize = 1;
pub const MAP_REC: usize = 2;
pub const MAP_TMP: usize = 3;
pub const MAP_DROPS: usize = 4;
pub const MAP_GLOBALS: usize = 5;
pub const MAP_STRTAB: usize = 6;
pub const MAP_ZERO: usize = 7;
pub const MAP_SYSPROBE: usize = 8;
pub const MAP_PROBEINFO: usize = 9;
/// Speculation ids: one u64 per id, 0 free, 1 active.
pub const MAP_SPEC: usize = 10;
/// Per-CPU nesting depth (u64): how many of our programs are running on
/// this CPU, one inside the other (a profile or fbt probe that fires in
/// an interrupt taken while a syscall clause runs). Each depth has its own
/// record and scratch entry in `MAP_REC` and `MAP_TMP`, so an interrupting
/// clause never touches the strings, keys and record of the one it
/// interrupted.
pub const MAP_NEST: usize = 11;
pub const FIXED_MAPS: usize = 12;
/// Nesting depths with state of their own: a thread, a softirq, a hardirq
/// and an NMI. A firing deeper than that is skipped and counted as a drop.
pub const NEST_LEVELS: u32 = 4;
/// Most speculations a session may have (the nspec option's ceiling).
pub const MAX_NSPEC: u32 = 64;

/// Indices into the per-CPU drop counters (`MAP_DROPS` value, u64 each).
pub const DROP_PRINCIPAL: i16 = 0;
pub const DROP_AGG: i16 = 8;
pub const DROP_DYNVAR: i16 = 16;
pub const DROP_ERRORS: i16 = 24;
pub const DROP_SPECUNAVAIL: i16 = 32;
pub const DROP_SLOTS: u32 = 5;

/// Session states kept in `MAP_STATE` (u32 at offset 0; exit status at 4).
/// Probes other than BEGIN and END act only while ACTIVE, which the
/// session sets once BEGIN has run: BEGIN fires before any other probe.
pub const STATE_PREBEGIN: i32 = 0;
pub const STATE_EXITING: i32 = 1;
pub const STATE_ACTIVE: i32 = 2;

/// Fault codes, as DTrace numbers them.
pub const FLT_BADADDR: u32 = 1;
pub const FLT_BADALIGN: u32 = 2;
pub const FLT_ILLOP: u32 = 3;
pub const FLT_DIVZERO: u32 = 4;
pub const FLT_NOSCRATCH: u32 = 5;
pub const FLT_KPRIV: u32 = 6;

/// Value of `MAP_SYSPROBE` entries, keyed by the number a provider's
/// programs find at `SLOT_NR` (the syscall number; `provider::Disc::Number`):
/// the entry and return probe ids (u32 at 0 and 4), the function name.
pub const SYSPROBE_NAME_OFF: u32 = 8;
pub const SYSPROBE_VALUE: u32 = 64;

/// Value of `MAP_PROBEINFO` entries (keyed by probe id, for programs that
/// serve many probes identified by their BPF cookie): function name at 0,
/// module name at `PROBEINFO_MOD_OFF`.
pub const PROBEINFO_MOD_OFF: u32 = 64;
pub const PROBEINFO_VALUE: u32 = 128;

#[derive(Clone, Debug)]
pub struct MapSpec {
    pub name: String,
    pub map_type: u32,
    pub key_size: u32,
    pub value_size: u32,
    /// 0 when the space the options give it (aggsize, dynvarsize) holds
    /// no entry: the loader refuses such a map (DTrace's EDT_BUFTOOSMALL).
    pub max_entries: u32,
    /// Entries to write before programs load (key, value).
    pub init: Vec<(Vec<u8>, Vec<u8>)>,
}

/// A provider, by its place in the provider registry (`provider::registry`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ProviderId(pub u8);

/// Where a program attaches: a provider and a key whose meaning that
/// provider owns (entry or return, a probe id, ...). Probes with the same
/// attach point share programs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Attach {
    pub provider: ProviderId,
    pub key: u64,
}

/// The frame every program has, in the part a provider's code uses (the
/// code generator owns the rest): the program's context (r1 on entry), the
/// probe discriminator the prologue finds (a syscall number, a BPF cookie)
/// and a scratch word.
pub const SLOT_CTX: i16 = -8;
pub const SLOT_NR: i16 = -40;
pub const SLOT_B: i16 = -56;

#[derive(Clone, Debug)]
pub struct ProgSpec {
    pub attach: Attach,
    pub prog_type: u32,
    pub name: String,
    pub insns: Vec<Insn>,
    /// Probe ids this program serves (for the matched-probes count).
    pub probes: Vec<u32>,
    /// For fentry/fexit: the attach type and the function's BTF id.
    pub expected_attach_type: u32,
    pub attach_btf_id: u32,
    /// Source lines of the clauses compiled into the program (messages).
    pub clause_lines: Vec<u32>,
    /// For programs with callbacks: each function's first instruction and
    /// BTF type id in [`Compiled::func_btf`] (empty: one function, no BTF).
    pub funcs: Vec<(u32, u32)>,
}

/// One data item of a record, at a byte offset from the record start.
#[derive(Clone, Debug)]
pub enum RecItem {
    Trace {
        off: u32,
        ty: Type,
    },
    Printf {
        fmt: Vec<u8>,
        args: Vec<(u32, Type)>,
    },
    Printa {
        fmt: Option<Vec<u8>>,
        aggs: Vec<usize>,
    },
    Exit {
        off: u32,
    },
    Clear {
        agg: usize,
    },
    Trunc {
        agg: usize,
        keep: Option<u32>,
    },
    Normalize {
        agg: usize,
        off: u32,
    },
    Denormalize {
        agg: usize,
    },
    Setopt {
        name: String,
        value: Option<String>,
    },
    /// print(): the value's address (u64) at `off`, then `size` bytes of it
    /// for a struct or a pointer to one; a scalar value itself otherwise.
    Print {
        off: u32,
        ty: Type,
        size: u32,
    },
    /// commit(id) / discard(id): the id is a u64 at `off`.
    Commit {
        off: u32,
    },
    Discard {
        off: u32,
    },
    /// system(fmt, ...): the consumer runs the formatted command.
    System {
        fmt: Vec<u8>,
        args: Vec<(u32, Type)>,
    },
    /// freopen(fmt, ...): output goes to the formatted file from here on;
    /// an empty `fmt` restores the original output.
    Freopen {
        fmt: Vec<u8>,
        args: Vec<(u32, Type)>,
    },
    Ftruncate,
    /// tracemem(addr, size [, dynsize]): `size` bytes at `off`; with
    /// `dynsize` (an i64 at that offset) only that many when smaller.
    Tracemem {
        off: u32,
        size: u32,
        dynsize: Option<u32>,
    },
}

/// Bytes a value of type `t` takes in a record, a variable or a tuple key:
/// strings strsize, stacks and symbols their frames (and pid), structs and
/// arrays, rounded up to 8 (so that what follows stays aligned), everything
/// else 8.
pub fn value_size(t: &Type, strsize: u32) -> u32 {
    match t {
        Type::Str => strsize.div_ceil(8) * 8,
        Type::Stack { .. } | Type::Sym(_) => t.size(strsize) as u32,
        Type::Struct(_) | Type::Array(..) => (t.size(strsize) as u32).div_ceil(8).max(1) * 8,
        _ => 8,
    }
}

/// An enabled-probe description: one clause as compiled into one program.
#[derive(Clone, Debug)]
pub struct Epid {
    pub clause: usize,
    pub attach: Attach,
    /// The probe when the program serves exactly one.
    pub probe: Option<u32>,
    pub items: Vec<RecItem>,
    pub size: u32,
    /// Statement numbers (1-based, for error messages) are the item order.
    pub line: u32,
}

/// An aggregation as the consumer must decode it.
#[derive(Clone, Debug)]
pub struct AggSpec {
    pub name: String,
    pub keys: Vec<Type>,
    pub func: AggFunc,
    pub map: usize,
    pub key_size: u32,
    pub value_size: u32,
    /// Keyless aggregations live in a per-CPU array with one slot.
    pub keyless: bool,
}

/// Everything compiled from one D program.
#[derive(Clone, Debug, Default)]
pub struct Compiled {
    pub maps: Vec<MapSpec>,
    pub programs: Vec<ProgSpec>,
    pub epids: Vec<Epid>,
    pub aggs: Vec<AggSpec>,
    pub strsize: u32,
    /// `-x cpu`: every clause tests it, so BEGIN and END must run there.
    pub cpu: Option<u32>,
    /// The BTF blob that describes the functions of programs with
    /// callbacks (loaded only when a program has some).
    pub func_btf: Vec<u8>,
    /// The script's enums, by tag, with their enumerators (print() shows
    /// a value by its enumerator's name).
    pub enums: Vec<(String, Vec<(String, i64)>)>,
    /// The program has destructive actions (it needs -w to be enabled).
    pub destructive: bool,
}

/// Number of u64 buckets in each aggregation's value after the hit count.
pub fn agg_payload_words(f: &AggFunc) -> u32 {
    match f {
        AggFunc::Count => 0,
        AggFunc::Sum | AggFunc::Min | AggFunc::Max => 1,
        AggFunc::Avg => 1,
        AggFunc::Stddev => 3,
        AggFunc::Quantize => QUANTIZE_BUCKETS,
        AggFunc::Lquantize { base, limit, step } => {
            crate::aggfn::lquantize_nbuckets(*base, *limit, *step) as u32
        }
        AggFunc::Llquantize { factor, low, high, nsteps } => llquantize_buckets(*factor, *low, *high, *nsteps),
    }
}

/// How `min()` and `max()` values are kept in their maps: XORed with this,
/// so that both become an unsigned maximum whose identity is 0 (a new or
/// cleared entry): max's `v ^ SIGN` orders as `v` does, min's
/// `v ^ !SIGN` the other way. That makes the BPF update one
/// compare-and-exchange, with no "first value" case. The same XOR decodes.
pub fn agg_extreme_code(f: &AggFunc) -> u64 {
    match f {
        AggFunc::Max => 1 << 63,
        _ => !(1 << 63),
    }
}

/// Compare-and-exchange attempts of a `min()`/`max()` update; each retry
/// means a nested firing stored a value in between. The update is
/// counted as an aggregation drop if all fail.
pub const AGG_CMPXCHG_TRIES: usize = 4;

/// DTrace's power-of-two buckets (63 negative, zero, 63 positive): the
/// layout of [`crate::aggfn`], which the generated code mirrors.
pub const QUANTIZE_BUCKETS: u32 = crate::aggfn::QUANTIZE_NBUCKETS as u32;
pub const QUANTIZE_ZERO: i64 = crate::aggfn::QUANTIZE_ZERO_BUCKET as i64;

/// Bucket count of llquantize ([`crate::aggfn`]'s layout, mirrored in BPF).
pub fn llquantize_buckets(factor: u16, low: u16, high: u16, nsteps: u16) -> u32 {
    crate::aggfn::llquantize_nbuckets(factor, low, high, nsteps) as u32
}

/// llquantize's bucket function as ascending segments: from each start
/// value on (up to the next segment's start) values fall in that bucket.
/// The first segment starts at i64::MIN.
pub fn llquantize_segments(factor: u16, low: u16, high: u16, nsteps: u16) -> Vec<(i64, usize)> {
    let f = factor as i128;
    let mut cands: Vec<i128> = vec![0, 1, -1];
    for m in low as u32..=high as u32 + 1 {
        let hi = f.pow(m + 1);
        for k in 0..=nsteps as i128 {
            let v = k * hi / nsteps as i128;
            cands.extend([v, -v, v + 1, -v + 1, v - 1, -v - 1]);
        }
        let p = f.pow(m);
        cands.extend([p, -p, p - 1, -p + 1, p + 1, -p - 1]);
    }
    cands.retain(|v| *v > i64::MIN as i128 && *v <= i64::MAX as i128);
    cands.sort();
    cands.dedup();
    let bucket = |v: i64| crate::aggfn::llquantize_bucket(v, factor, low, high, nsteps);
    let mut segs = vec![(i64::MIN, bucket(i64::MIN))];
    for v in cands {
        let v = v as i64;
        let b = bucket(v);
        if b != segs.last().unwrap().1 {
            segs.push((v, b));
        }
    }
    segs
}

/// Bytes the kernel allocates per entry of a (preallocated) BPF hash map
/// with these key and value sizes: the element header (`struct htab_elem`,
/// 48 bytes on 64-bit kernels), about one bucket (16 bytes: there is one
/// per entry, rounded up to a power of two), the key and the value rounded
/// up to 8, the value once per possible CPU in a per-CPU map (whose element
/// holds a pointer to them instead).
pub fn hash_entry_cost(key_size: u32, value_size: u32, percpu: bool, ncpus: usize) -> u64 {
    const HTAB_ELEM: u64 = 48;
    const BUCKET: u64 = 16;
    let (k, v) = (u64::from(key_size.div_ceil(8) * 8), u64::from(value_size.div_ceil(8) * 8));
    let value = if percpu { 8 + v * ncpus as u64 } else { v };
    HTAB_ELEM + BUCKET + k + value
}

/// Entries a hash map may have within `budget` bytes (`aggsize`,
/// `dynvarsize`); 0 when not even one fits. Beyond what the kernel allows
/// it refuses the map (E2BIG, ENOMEM), which the loader reports.
pub fn hash_entries(budget: u64, key_size: u32, value_size: u32, percpu: bool, ncpus: usize) -> u32 {
    (budget / hash_entry_cost(key_size, value_size, percpu, ncpus)).min(u64::from(u32::MAX)) as u32
}

/// Entries of a dynamic variable's map within `dynvarsize`: as Oracle's
/// DTrace counts them (dt_bpf.c: dynvarsize / the largest key + value),
/// without the kernel's own per-element overhead, so that a small
/// dynvarsize holds as many variables as it does there
/// (assocs/tst.store_zero_deletes: 80 bytes hold three int-keyed ints),
/// and at least one, as there (variables/tvar/tst.store_zero_nop: a
/// `self->` variable with dynvarsize=5).
pub fn dynvar_entries(budget: u64, key_size: u32, value_size: u32) -> u32 {
    let (k, v) = (u64::from(key_size.div_ceil(8) * 8), u64::from(value_size.div_ceil(8) * 8));
    (budget / (k + v)).clamp(1, u64::from(u32::MAX)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn llquantize_segments_agree_with_the_consumer() {
        let segs = llquantize_segments(10, 0, 2, 10);
        for v in [-2000i64, -150, -15, -1, 0, 1, 5, 9, 10, 11, 95, 100, 999, 1000, 5000] {
            let i = segs.iter().rposition(|(s, _)| *s <= v).unwrap();
            assert_eq!(segs[i].1, crate::aggfn::llquantize_bucket(v, 10, 0, 2, 10), "v={}", v);
        }
    }

    #[test]
    fn hash_sizes() {
        // count() keyed by one integer on 2 CPUs: 48 + 16 + 8 + 8 + 2 * 8.
        assert_eq!(hash_entry_cost(8, 8, true, 2), 96);
        // -x aggsize=256m holds a million such keys.
        assert!(hash_entries(256 << 20, 8, 8, true, 2) >= 1_000_000);
        assert_eq!(hash_entries(4 << 20, 8, 8, false, 2), (4 << 20) / 80);
        assert_eq!(hash_entries(64, 8, 8, false, 1), 0);
        assert_eq!(hash_entries(u64::MAX, 8, 8, false, 1), u32::MAX);
    }
}
