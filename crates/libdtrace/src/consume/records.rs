//! The record consumer: decodes each record by the layout its clause was
//! compiled with, prints it, and applies the consumer-side actions
//! (printa, clear, trunc, normalize, exit; system, freopen, ftruncate,
//! setopt and tracemem in [`actions`]). Also reads aggregation maps,
//! merging the per-CPU values, for printing.

mod actions;

use super::output::{self, PrintCtx};
use super::usyms::Symbols;
use super::value::Value;
use crate::bpf::consts;
use crate::program::*;
use crate::kernel::sys;
use crate::lang::sema::AggFunc;
use crate::lang::types::{SymKind, Type};
use crate::options::Options;
use crate::provider::attach::Loaded;
use crate::provider::Catalog;
use actions::Sink;
use std::io::Write;
use std::os::fd::AsFd;

pub struct Consumer<'a> {
    c: &'a Compiled,
    cat: &'a Catalog,
    /// The session's options; setopt() changes the run-time ones.
    opts: Options,
    testing: bool,
    heading_done: bool,
    exit: Option<i32>,
    /// normalize() factor per aggregation (1 when not normalized).
    norm: Vec<u64>,
    /// Aggregations printed explicitly by printa(): DTrace prints only the
    /// others at exit.
    printed: Vec<bool>,
    /// Output of speculative records, by speculation id, until committed.
    spec: std::collections::HashMap<u32, SpecBuf>,
    spec_drops: u64,
    /// `-F`: the indentation, and the probe of the last record shown.
    flow: output::FlowIndent,
    last_probe: Option<u32>,
    /// Kernel and user symbols for `%a`, `ustack()` and the like (read on
    /// first use).
    syms: Symbols,
    /// The file freopen() sends output to (None: the session's output).
    redirect: Option<std::fs::File>,
    /// Kernel types for print() (read on first use), and the script's enums.
    types: crate::lang::ctypes::TypeEnv,
}

#[derive(Default)]
struct SpecBuf {
    out: Vec<u8>,
    /// Record bytes held, counted against `specsize`.
    bytes: u64,
}

/// What formatting needs from the consumer: its symbols and `$target`.
fn print_ctx<'s>(syms: &'s Symbols, opts: &Options) -> PrintCtx<'s> {
    PrintCtx {
        symbolizer: syms,
        target_pid: syms.user.target(),
        stack_indent: opts.stackindent as usize,
        rawbytes: opts.rawbytes,
        ..PrintCtx::default()
    }
}

fn u32_at(b: &[u8], o: usize) -> u32 {
    b.get(o..o + 4).map(|s| u32::from_le_bytes(s.try_into().unwrap())).unwrap_or(0)
}
fn u64_at(b: &[u8], o: usize) -> u64 {
    b.get(o..o + 8).map(|s| u64::from_le_bytes(s.try_into().unwrap())).unwrap_or(0)
}

/// Decodes a value of type `t` stored at `off` (ints as 8 bytes).
pub fn decode(b: &[u8], off: usize, t: &Type, strsize: u32) -> Value {
    match t {
        Type::Str => {
            let s = b.get(off..(off + strsize as usize).min(b.len())).unwrap_or(&[]);
            let end = s.iter().position(|&c| c == 0).map(|n| n + 1).unwrap_or(s.len());
            Value::Str(s[..end].to_vec())
        }
        Type::Int { size, signed } => {
            let v = u64_at(b, off);
            if *signed {
                Value::int(v as i64, *size)
            } else {
                Value::uint(v, *size)
            }
        }
        Type::Ptr(_) | Type::Array(..) | Type::Struct(_) => Value::uint(u64_at(b, off), 8),
        Type::Stack { user: false, frames } => {
            Value::Stack((0..=*frames as usize).map(|i| u64_at(b, off + 8 * i)).collect())
        }
        Type::Sym(k) => {
            let (pid, addr) = if k.user() { (u64_at(b, off) as u32, u64_at(b, off + 8)) } else { (0, u64_at(b, off)) };
            match k {
                SymKind::Sym => Value::Sym(addr),
                SymKind::Mod => Value::Mod(addr),
                SymKind::USym => Value::USym { pid, addr },
                SymKind::UMod => Value::UMod { pid, addr },
                SymKind::UAddr => Value::UAddr { pid, addr },
            }
        }
        Type::Stack { user: true, frames } => Value::UStack {
            pid: u64_at(b, off) as u32,
            pcs: (1..=*frames as usize).map(|i| u64_at(b, off + 8 * i)).take_while(|&pc| pc != 0).collect(),
        },
        Type::Void => Value::uint(0, 8),
    }
}

impl<'a> Consumer<'a> {
    pub fn new(c: &'a Compiled, cat: &'a Catalog, opts: &'a Options) -> Consumer<'a> {
        let types = crate::lang::ctypes::TypeEnv::default();
        types.add_enums(&c.enums);
        Consumer {
            c,
            cat,
            opts: opts.clone(),
            testing: std::env::var_os("_DTRACE_TESTING").is_some(),
            heading_done: false,
            exit: None,
            norm: vec![1; c.aggs.len()],
            printed: vec![false; c.aggs.len()],
            spec: Default::default(),
            spec_drops: 0,
            flow: Default::default(),
            last_probe: None,
            syms: Symbols::default(),
            redirect: None,
            types,
        }
    }

    /// Whether notices are silenced: `-q`, or quiet set since by setopt().
    pub fn quiet(&self) -> bool {
        self.opts.quiet
    }

    pub fn exit_status(&self) -> Option<i32> {
        self.exit
    }

    /// The `-c`/`-p` process: `%A` of a plain integer is an address in it,
    /// and its mappings are read now (see [`Consumer::watch_target`]).
    pub fn set_target(&mut self, pid: u32) {
        self.syms.user.set_target(pid);
    }

    /// Keeps the target's mappings current while it runs, so its stacks
    /// still resolve when aggregations are printed after it exits.
    pub fn watch_target(&self) {
        self.syms.user.watch();
    }

    /// The target is about to exit: keep what its addresses need.
    pub fn snapshot_target(&self) {
        self.syms.user.snapshot_target();
    }

    fn probe_of(&self, epid: &Epid, disc: u32) -> Option<&crate::provider::Probe> {
        let id = match epid.probe {
            Some(id) => id,
            None => self.cat.provider(epid.attach.provider).probe_of(epid.attach.key, disc)?,
        };
        self.cat.get(id)
    }

    /// Decodes a recorded value. A kernel stack loses the tracing glue
    /// frames above the probe site (`__traceiter_*` is there only while
    /// several tracers share the tracepoint, so the kernel cannot skip it
    /// by count) and keeps the frames asked for; one spare was recorded.
    fn value(&self, b: &[u8], off: usize, t: &Type) -> Value {
        match (decode(b, off, t, self.c.strsize), t) {
            (Value::Stack(mut pcs), Type::Stack { frames, .. }) => {
                let glue = pcs
                    .iter()
                    .take_while(|&&pc| {
                        let s = super::value::Symbolizer::kernel(&self.syms, pc);
                        s.and_then(|s| s.name).is_some_and(|n| n.starts_with("__traceiter_"))
                    })
                    .count();
                pcs.drain(..glue);
                pcs.truncate(*frames as usize);
                Value::Stack(pcs)
            }
            (v, _) => v,
        }
    }

    /// Handles one record from the output buffer.
    pub fn record(&mut self, rec: &[u8], l: &Loaded, out: &mut dyn Write) {
        let mut sink = Sink::new(out, self.redirect.take());
        self.record_to(rec, l, &mut sink);
        self.redirect = sink.into_file();
    }

    fn record_to(&mut self, rec: &[u8], l: &Loaded, out: &mut Sink) {
        let epid_no = u32_at(rec, 0);
        let disc = u32_at(rec, 4);
        let cpu = u32_at(rec, 8);
        if epid_no == ERROR_EPID {
            self.error_record(rec, disc);
            return;
        }
        let Some(epid) = self.c.epids.get(epid_no as usize - 1) else {
            return;
        };
        let mut buf = Vec::new();
        if !self.opts.quiet {
            if !self.heading_done {
                buf.extend_from_slice(output::heading(self.testing, self.opts.flowindent).as_bytes());
                self.heading_done = true;
            }
            let (id, prov, func, name) = match self.probe_of(epid, disc) {
                Some(p) => (p.id, p.provider.clone(), p.function.clone(), p.name.clone()),
                None => (0, String::new(), String::new(), String::new()),
            };
            if self.opts.flowindent {
                // A second clause of the probe just shown neither indents
                // nor unindents again (dt_flowindent()).
                let flow = match output::flow_kind(&name) {
                    _ if self.last_probe == Some(id) => output::Flow::None,
                    f => f,
                };
                let line = self.flow.line(cpu, &prov, &func, &name, flow, self.testing);
                buf.extend_from_slice(line.as_bytes());
            } else {
                buf.extend_from_slice(output::probe_line(cpu, id, &func, &name, self.testing).as_bytes());
            }
            self.last_probe = Some(id);
        }
        let mut spec_ops = Vec::new();
        for item in &epid.items {
            match item {
                RecItem::Trace { off, ty } => {
                    let v = self.value(rec, *off as usize, ty);
                    output::trace_value(&mut buf, &v, self.opts.quiet, &print_ctx(&self.syms, &self.opts));
                }
                RecItem::Printf { fmt, args } => {
                    let vals: Vec<Value> = args.iter().map(|(o, t)| self.value(rec, *o as usize, t)).collect();
                    super::printf::format_with(&mut buf, fmt, &vals, &print_ctx(&self.syms, &self.opts));
                }
                RecItem::Printa { fmt, aggs } => {
                    let _ = out.write_all(&buf);
                    buf.clear();
                    self.printa(l, fmt.as_deref(), aggs, out);
                }
                // The last exit() consumed gives the status, as in
                // dtrace(1M)'s chewrec(): END's exit() overrides.
                RecItem::Exit { off } => self.exit = Some(u64_at(rec, *off as usize) as i32),
                RecItem::Clear { agg } => self.clear(l, *agg, false, None),
                RecItem::Trunc { agg, keep } => {
                    let k = keep.map(|o| u64_at(rec, o as usize) as i64);
                    self.clear(l, *agg, true, k);
                }
                RecItem::Normalize { agg, off } => {
                    let n = u64_at(rec, *off as usize);
                    self.norm[*agg] = if n == 0 { 1 } else { n };
                }
                RecItem::Denormalize { agg } => self.norm[*agg] = 1,
                RecItem::Setopt { name, value } => self.setopt(epid_no, disc, name, value.as_deref()),
                RecItem::System { fmt, args } => self.system(rec, epid_no, disc, fmt, args, &mut buf, out),
                RecItem::Freopen { fmt, args } => self.freopen(rec, epid_no, disc, fmt, args, &mut buf, out),
                RecItem::Ftruncate => self.ftruncate(&mut buf, out),
                RecItem::Tracemem { off, size, dynsize } => actions::tracemem(&mut buf, rec, *off, *size, *dynsize),
                RecItem::Print { off, ty, size } => self.print(&mut buf, rec, *off as usize, ty, *size as usize),
                RecItem::Commit { off } => spec_ops.push((u64_at(rec, *off as usize) as u32, true)),
                RecItem::Discard { off } => spec_ops.push((u64_at(rec, *off as usize) as u32, false)),
            }
        }
        buf.extend_from_slice(output::record_end(self.opts.quiet).as_bytes());
        let spec = u32_at(rec, REC_SPEC_OFF as usize);
        if spec != 0 {
            self.speculative(spec, rec.len(), buf);
        } else {
            let _ = out.write_all(&buf);
        }
        // Committed data follows the committing record, as in DTrace.
        for (id, commit) in spec_ops {
            if let Some(s) = self.spec.remove(&id) {
                if commit {
                    let _ = out.write_all(&s.out);
                }
            }
        }
    }

    /// Keeps a speculative record's output until its commit or discard;
    /// past `specsize` bytes of records, the record is a speculative drop.
    fn speculative(&mut self, id: u32, size: usize, text: Vec<u8>) {
        let s = self.spec.entry(id).or_default();
        if s.bytes + size as u64 > self.opts.specsize {
            self.spec_drops += 1;
            return;
        }
        s.bytes += size as u64;
        s.out.extend_from_slice(&text);
    }

    /// print(): a struct with its members, else `(type)value`.
    fn print(&self, buf: &mut Vec<u8>, rec: &[u8], off: usize, ty: &Type, size: usize) {
        if size > 0 {
            let bytes = rec.get(off + 8..off + 8 + size).unwrap_or(&[]);
            super::print::print_struct(buf, ty, u64_at(rec, off), bytes, &self.types);
            return;
        }
        match self.value(rec, off, ty) {
            Value::Str(s) => {
                super::print::print_string(buf, &String::from_utf8_lossy(s.split(|&c| c == 0).next().unwrap_or(&[])))
            }
            v => super::print::print_scalar(buf, ty, v.as_u64(), &self.types),
        }
    }

    /// Speculative drops since the last call.
    pub fn take_spec_drops(&mut self) -> u64 {
        std::mem::take(&mut self.spec_drops)
    }

    fn error_record(&mut self, rec: &[u8], disc: u32) {
        let faulting = u32_at(rec, 16);
        let code = u64_at(rec, 24);
        let val = u64_at(rec, 32);
        // The action's number (bits 16-31) is not shown: Oracle names the
        // clause and the BPF pc.
        let (kind, pc) = ((code & 0xffff) as u32, code >> 32);
        let what = match kind {
            FLT_BADADDR if val == u64::MAX => "invalid address".to_string(),
            FLT_BADADDR => format!("invalid address (0x{:x})", val),
            FLT_BADALIGN => format!("invalid alignment (0x{:x})", val),
            FLT_ILLOP => "illegal operation".to_string(),
            FLT_DIVZERO => "divide-by-zero".to_string(),
            FLT_NOSCRATCH => "out of scratch space".to_string(),
            FLT_KPRIV => "invalid kernel access".to_string(),
            _ => format!("fault {}", kind),
        };
        crate::note!("dtrace: {}: {} at BPF pc {}", self.error_site(faulting, disc), what, pc);
    }

    /// Where a run-time error happened, as Oracle's dt_handle_err() and
    /// dt_handle_liberr() name it: "error in dt_clause_N for probe ID P
    /// (provider:module:function:name)", N the clause's place in the
    /// program, from 0.
    pub(super) fn error_site(&self, epid_no: u32, disc: u32) -> String {
        let epid = self.c.epids.get((epid_no as usize).wrapping_sub(1));
        let clause = epid.map_or(0, |e| e.clause);
        let (id, name) = epid.and_then(|e| self.probe_of(e, disc)).map_or((0, String::from("?")), |p| (p.id, p.full_name()));
        format!("error in dt_clause_{} for probe ID {} ({})", clause, id, name)
    }

    /// Reads an aggregation: (keys, merged value, and with `aggpercpu` each
    /// CPU's value (None where it never fired)) for every entry.
    #[allow(clippy::type_complexity)]
    pub fn snapshot(&self, l: &Loaded, agg: usize) -> Vec<(Vec<Value>, Vec<u64>, Vec<Option<Vec<u64>>>)> {
        let a = &self.c.aggs[agg];
        let fd = l.map(a.map);
        let ncpu = crate::host::possible_cpus();
        let vs = a.value_size as usize;
        let words = vs / 8;
        let mut vals = vec![0u8; vs * ncpu];
        let mut out = Vec::new();
        let merge = |vals: &[u8]| -> Vec<u64> {
            let mut m = vec![0u64; words];
            for cpu in 0..ncpu {
                let base = cpu * vs;
                let hits = u64_at(vals, base);
                if hits == 0 {
                    continue;
                }
                m[0] += hits;
                for w in 1..words {
                    let v = u64_at(vals, base + w * 8);
                    match a.func {
                        // Encoded so that the extreme is the unsigned maximum
                        // (program::agg_extreme_code; to_agg_value decodes).
                        AggFunc::Min | AggFunc::Max => m[w] = m[w].max(v),
                        AggFunc::Stddev if w == 2 => {
                            // 128-bit add of the sum of squares (lo at 2, hi at 3).
                            let (lo, c) = m[2].overflowing_add(v);
                            m[2] = lo;
                            if c {
                                m[3] = m[3].wrapping_add(1);
                            }
                        }
                        _ => m[w] = m[w].wrapping_add(v),
                    }
                }
            }
            m
        };
        let percpu = |vals: &[u8]| -> Vec<Option<Vec<u64>>> {
            if !self.opts.aggpercpu {
                return Vec::new();
            }
            (0..ncpu)
                .map(|cpu| {
                    let base = cpu * vs;
                    (u64_at(vals, base) != 0).then(|| (0..words).map(|w| u64_at(vals, base + w * 8)).collect())
                })
                .collect()
        };
        if a.keyless {
            if sys::map_lookup(fd.as_fd(), &0u32.to_le_bytes(), &mut vals).unwrap_or(false) {
                let m = merge(&vals);
                if m[0] > 0 {
                    out.push((Vec::new(), m, percpu(&vals)));
                }
            }
            return out;
        }
        let ks = a.key_size as usize;
        let mut key: Option<Vec<u8>> = None;
        let mut next = vec![0u8; ks];
        while sys::map_next_key(fd.as_fd(), key.as_deref(), &mut next).unwrap_or(false) {
            if sys::map_lookup(fd.as_fd(), &next, &mut vals).unwrap_or(false) {
                let m = merge(&vals);
                let mut keys = Vec::new();
                let mut off = 0usize;
                for t in &a.keys {
                    keys.push(self.value(&next, off, t));
                    off += value_size(t, self.c.strsize) as usize;
                }
                out.push((keys, m, percpu(&vals)));
            }
            key = Some(next.clone());
        }
        out
    }

    fn clear(&mut self, l: &Loaded, agg: usize, trunc: bool, keep: Option<i64>) {
        let a = &self.c.aggs[agg];
        let fd = l.map(a.map);
        let ncpu = crate::host::possible_cpus();
        let zero = vec![0u8; a.value_size as usize * ncpu];
        if a.keyless {
            let _ = sys::map_update(fd.as_fd(), &0u32.to_le_bytes(), &zero, consts::BPF_ANY);
            return;
        }
        // Every key currently in the map.
        let ks = a.key_size as usize;
        let mut keys: Vec<Vec<u8>> = Vec::new();
        let mut key: Option<Vec<u8>> = None;
        let mut next = vec![0u8; ks];
        while sys::map_next_key(fd.as_fd(), key.as_deref(), &mut next).unwrap_or(false) {
            keys.push(next.clone());
            key = Some(next.clone());
        }
        match (trunc, keep) {
            (false, _) => {
                for k in &keys {
                    let _ = sys::map_update(fd.as_fd(), k, &zero, consts::BPF_EXIST);
                }
            }
            (true, None) => {
                for k in &keys {
                    let _ = sys::map_delete(fd.as_fd(), k);
                }
            }
            (true, Some(n)) => {
                // Keep the n largest (n < 0: the n smallest) by value.
                let mut entries = self.sorted_entries(l, agg);
                if n >= 0 {
                    entries.reverse();
                }
                let keep_n = n.unsigned_abs() as usize;
                let keepers: Vec<Vec<Value>> = entries.iter().take(keep_n).map(|e| e.0.clone()).collect();
                for k in &keys {
                    let mut kv = Vec::new();
                    let mut off = 0usize;
                    for t in &a.keys {
                        kv.push(self.value(k, off, t));
                        off += value_size(t, self.c.strsize) as usize;
                    }
                    if !keepers.contains(&kv) {
                        let _ = sys::map_delete(fd.as_fd(), k);
                    }
                }
            }
        }
    }

    /// Entries in DTrace's print order.
    fn sorted_entries(&self, l: &Loaded, agg: usize) -> Vec<(Vec<Value>, super::agg::AggValue)> {
        self.sorted_entries_percpu(l, agg).0
    }

    /// The entries, sorted, and with `aggpercpu` every entry's value on
    /// each online CPU up to the highest (DTrace's identity value where it
    /// never fired).
    fn sorted_entries_percpu(
        &self,
        l: &Loaded,
        agg: usize,
    ) -> (Vec<(Vec<Value>, super::agg::AggValue)>, Vec<(Vec<Value>, Vec<super::agg::AggValue>)>) {
        let a = &self.c.aggs[agg];
        let snap = self.snapshot(l, agg);
        let ncpus = crate::host::online_cpus().into_iter().max().map_or(0, |m| m as usize + 1).min(crate::host::possible_cpus());
        let percpu = snap
            .iter()
            .filter(|(_, _, p)| !p.is_empty())
            .map(|(k, _, p)| {
                let vals = (0..ncpus)
                    .map(|cpu| match p.get(cpu).cloned().flatten() {
                        Some(m) => to_agg_value(&a.func, &m),
                        None => a.func.identity(),
                    })
                    .collect();
                (k.clone(), vals)
            })
            .collect();
        let mut e: Vec<(Vec<Value>, super::agg::AggValue)> =
            snap.into_iter().map(|(k, m, _)| (k, to_agg_value(&a.func, &m))).collect();
        super::agg::sort_entries(&mut e, &a.func.clone(), &self.sort_opts());
        (e, percpu)
    }

    fn sort_opts(&self) -> super::agg::SortOpts {
        super::agg::SortOpts {
            sortkey: self.opts.aggsortkey,
            sortrev: self.opts.aggsortrev,
            sortpos: self.opts.aggsortpos.unwrap_or(0) as usize,
            sortkeypos: self.opts.aggsortkeypos.unwrap_or(0) as usize,
        }
    }

    fn printa(&mut self, l: &Loaded, fmt: Option<&[u8]>, aggs: &[usize], out: &mut dyn Write) {
        let mut buf = Vec::new();
        let ctx = print_ctx(&self.syms, &self.opts);
        let kinds: Vec<AggFunc> = aggs.iter().map(|&a| self.c.aggs[a].func.clone()).collect();
        let (entries, percpu): (Vec<_>, Vec<_>) = aggs.iter().map(|&a| self.sorted_entries_percpu(l, a)).unzip();
        for &a in aggs {
            self.printed[a] = true;
        }
        if aggs.len() == 1 {
            match fmt {
                Some(f) => {
                    super::agg::printa_format_with(&mut buf, f, &entries[0], &kinds[0], self.norm[aggs[0]], &ctx)
                }
                None => super::agg::printa(&mut buf, &entries[0], &kinds[0], self.norm[aggs[0]], &percpu[0], &ctx),
            }
        } else {
            let data: Vec<super::agg::AggData> = aggs
                .iter()
                .enumerate()
                .map(|(i, &a)| super::agg::AggData { kind: &kinds[i], normal: self.norm[a], entries: &entries[i] })
                .collect();
            match fmt {
                Some(f) => super::agg::printa_format_joined(&mut buf, f, &data, &self.sort_opts(), &ctx),
                None => super::agg::printa_joined(&mut buf, &data, &self.sort_opts(), &ctx),
            }
        }
        let _ = out.write_all(&buf);
    }

    /// At exit: every aggregation, in declaration order, DTrace's layout.
    pub fn print_all_aggregations(&mut self, l: &Loaded, out: &mut dyn Write) {
        // They follow the records into a freopen()ed file.
        let mut out = Sink::new(out, self.redirect.take());
        let out = &mut out;
        // dtrace(1M) ends its consume loop with an unconditional
        // oprintf("\n") (even in quiet mode, even with no aggregations:
        // illumos and Oracle cmd/dtrace.c), then prints the aggregations.
        let _ = out.write_all(b"\n");
        // DTrace sorts the entries of all aggregations together, first by
        // aggregation (dt_aggregate_varvalcmp()); aggsortrev reverses every
        // comparison, so the aggregations come in reverse order too.
        let order: Vec<usize> = if self.opts.aggsortrev {
            (0..self.c.aggs.len()).rev().collect()
        } else {
            (0..self.c.aggs.len()).collect()
        };
        for agg in order {
            if self.printed[agg] {
                continue;
            }
            let (entries, percpu) = self.sorted_entries_percpu(l, agg);
            if entries.is_empty() {
                continue;
            }
            let kind = self.c.aggs[agg].func.clone();
            let mut buf = Vec::new();
            super::agg::print_aggregation_with(
                &mut buf,
                &entries,
                &kind,
                self.norm[agg],
                &percpu,
                &print_ctx(&self.syms, &self.opts),
            );
            let _ = out.write_all(&buf);
        }
    }
}

/// Converts a merged map value ([hits, payload...]) to the formatter's value.
pub fn to_agg_value(f: &AggFunc, m: &[u64]) -> super::agg::AggValue {
    use super::agg::AggValue as V;
    match f {
        AggFunc::Count => V::Count(m[0]),
        AggFunc::Sum => V::Sum(m[1] as i64),
        AggFunc::Avg => V::Avg { count: m[0], total: m[1] as i64 },
        AggFunc::Min => V::Min((m[1] ^ agg_extreme_code(f)) as i64),
        AggFunc::Max => V::Max((m[1] ^ agg_extreme_code(f)) as i64),
        AggFunc::Stddev => {
            V::Stddev { count: m[0], total: m[1] as i64, total_sq: ((m[3] as u128) << 64) | m[2] as u128 }
        }
        AggFunc::Quantize => V::Quantize(m[1..].to_vec()),
        AggFunc::Lquantize { .. } => V::Lquantize(m[1..].to_vec()),
        AggFunc::Llquantize { .. } => V::Llquantize(m[1..].to_vec()),
    }
}
