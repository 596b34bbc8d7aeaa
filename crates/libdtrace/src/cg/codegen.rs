//! Lowering of checked D clauses to eBPF.
//!
//! One program per attach point (BEGIN, END, raw_syscalls:sys_enter,
//! sys_exit, each timer); inside it, every matching clause in program
//! order, each guarded by its probe filter and predicate.
//!
//! Registers: r6-r9 hold expression values (they survive helper calls);
//! r0-r5 are scratch around calls. The stack frame:
//!   fp-8 ctx, fp-16 zero key, fp-24 record buffer pointer, fp-32 temp
//!   area pointer, fp-40 syscall number, fp-48/-56 helper scratch, then
//!   `this->` slots and spills below fp-64.
//! Strings are pointers to `strsize`-byte buffers in map values (the
//! per-CPU temp area, the string table, variable maps).

use super::asm::{Asm, Label};
use super::funcs::{self, Callback};
use crate::bpf::consts;
use crate::bpf::helpers::*;
use crate::bpf::insn::*;
use crate::kernel::sys;
use crate::lang::ast::*;
use crate::lang::diag::CompileError;
use crate::lang::sema::{AggFunc, Sema, VarClass};
use crate::lang::types::{arith_result, Type};
use crate::options::Options;
use crate::program::*;
use crate::provider::{Catalog, ProbeKind};
use std::collections::HashMap;

type R<T> = Result<T, CompileError>;

mod actions;
mod memory;
mod print;
mod regs;
mod spec;
mod subr;

const BPF_F_USER_STACK: i32 = 1 << 8;
/// bpf_get_current_comm() writes this many bytes (TASK_COMM_LEN).
const COMM_LEN: u32 = 16;
const BPF_RB_AVAIL_DATA: i32 = 0;
const BPF_RB_NO_WAKEUP: i32 = 1;
const BPF_RB_FORCE_WAKEUP: i32 = 2;

const SLOT_CTX: i16 = -8;
const SLOT_ZERO: i16 = -16;
const SLOT_REC: i16 = -24;
const SLOT_TMP: i16 = -32;
const SLOT_NR: i16 = -40;
const SLOT_A: i16 = -48;
const SLOT_B: i16 = -56;
/// Copies of the fault code and value for ERROR clauses' arg2..arg5.
const SLOT_ERR_CODE: i16 = -64;
const SLOT_ERR_VALUE: i16 = -72;
/// The nesting depth counter (a map value pointer) and this firing's depth
/// (the u32 key of its `MAP_REC` and `MAP_TMP` entries).
const SLOT_NEST: i16 = -80;
const SLOT_LEVEL: i16 = -88;
const SLOT_FIRST_FREE: i16 = -96;
const STACK_LIMIT: i16 = -512;

/// x86-64 `struct pt_regs` offsets of the syscall arguments, in order.
const SYSCALL_ARG_REGS: [i16; 6] = [112, 104, 96, 56, 72, 64];
const PT_REGS_ORIG_AX: i16 = 120;
/// x86-64 function-call argument registers in `struct pt_regs`, and rax.
const CALL_ARG_REGS: [i16; 6] = [112, 104, 96, 88, 72, 64];
const PT_REGS_AX: i16 = 80;
const PT_REGS_IP: i16 = 128;
const PT_REGS_CS: i16 = 136;

const BPF_ANY: i32 = 0;
const BPF_NOEXIST: i32 = 1;

/// Inputs the generator needs besides the program.
pub struct CgEnv<'a> {
    pub sema: &'a Sema<'a>,
    pub opts: &'a Options,
    pub catalog: &'a Catalog,
    /// realtime - monotonic, for walltimestamp.
    pub wall_offset_ns: i64,
    /// How fbt probes attach (chosen by the session from what the kernel
    /// allows and how many functions are probed).
    pub fbt_backend: FbtBackend,
    /// [start, end) of a kernel function by name (from the session; asked
    /// only for what a program needs).
    pub kernel_function: &'a dyn std::ops::Fn(&str) -> Option<(u64, u64)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FbtBackend {
    /// Single kprobes/kretprobes sharing one program (BPF cookies).
    Kprobe,
    /// The same program attached to every function at once through one
    /// kprobe.multi link (fprobe), the function's probe id as its cookie.
    KprobeMulti,
    /// fentry/fexit, one program per function, arguments typed by BTF.
    Fentry,
}

impl CgEnv<'_> {
    /// BTF id and parameter count of a kernel function fentry can attach
    /// to (at most 6 arguments, all passed in registers).
    fn fentry_target(&self, func: &str) -> Option<(u32, u32)> {
        let btf = self.sema.types.btf()?;
        let id = btf.find_func(func)?;
        let (params, _) = btf.func_params(id)?;
        if params.len() > 6 || btf.is_variadic(id) {
            return None;
        }
        Some((id.0, params.len() as u32))
    }

    /// Byte offset of a member path in a kernel struct, from BTF.
    fn kernel_offset(&self, st: &str, path: &[&str]) -> Option<u64> {
        let btf = self.sema.types.btf()?;
        btf.member_path_offset(st, path).map(|(o, _)| o)
    }
}

/// A clause with its matched probes resolved.
pub struct ClauseIn<'p> {
    pub clause: &'p Clause,
    pub probes: Vec<u32>,
    /// Types of `args[]` where every probe of the clause has the same.
    pub arg_types: Option<Vec<Type>>,
}

pub fn compile(env: &CgEnv, clauses: &[ClauseIn]) -> R<Compiled> {
    let mut g = Gen::new(env);
    g.declare_storage()?;
    // Group clauses by attach point, keeping program order inside each.
    let mut groups: Vec<(Attach, Vec<(usize, Vec<u32>)>)> = Vec::new();
    for (ci, c) in clauses.iter().enumerate() {
        for &pid in &c.probes {
            let p = env.catalog.get(pid).expect("matched probe exists");
            let attach = match p.kind {
                ProbeKind::Begin => Attach::Begin,
                ProbeKind::End => Attach::End,
                ProbeKind::Error => {
                    if !g.error_clauses.contains(&ci) {
                        g.error_clauses.push(ci);
                    }
                    continue;
                }
                ProbeKind::SyscallEntry(_) => Attach::SysEnter,
                ProbeKind::SyscallReturn(_) => Attach::SysExit,
                ProbeKind::FbtEntry(_) | ProbeKind::FbtReturn(_) => {
                    let ret = matches!(p.kind, ProbeKind::FbtReturn(_));
                    match (env.fbt_backend, env.fentry_target(&p.function)) {
                        (FbtBackend::Fentry, Some((btf_id, nargs)))
                            if !env.catalog.fbt_func(pid).map_or(false, |f| f.duplicate) =>
                        {
                            Attach::Fentry { probe: pid, btf_id, nargs, ret }
                        }
                        _ if ret => Attach::FbtReturn,
                        _ => Attach::FbtEntry,
                    }
                }
                ProbeKind::Profile { period_ns } => Attach::Timer { probe: pid, period_ns, all_cpus: true },
                ProbeKind::Tick { period_ns } => Attach::Timer { probe: pid, period_ns, all_cpus: false },
            };
            let gi = match groups.iter().position(|(a, _)| *a == attach) {
                Some(i) => i,
                None => {
                    groups.push((attach.clone(), Vec::new()));
                    groups.len() - 1
                }
            };
            let list = &mut groups[gi].1;
            match list.iter_mut().find(|(i, _)| *i == ci) {
                Some((_, ps)) => ps.push(pid),
                None => list.push((ci, vec![pid])),
            }
        }
    }
    for (attach, members) in groups {
        g.program_split(&attach, clauses, &members)?;
    }
    g.finish()
}

/// Programs larger than this are split (clauses are independent, so any
/// run of them can be a program of its own, attached to the same point
/// and run in order; not for timers, see `program_split`): jumps reach ±32767
/// instructions, the kernel lengthens some on load, and the verifier's
/// time grows faster than linearly with size.
const MAX_PROG_INSNS: usize = 8192;

/// The most instructions the kernel loads in one program
/// (BPF_COMPLEXITY_LIMIT_INSNS).
const BPF_MAX_INSNS: usize = 1_000_000;

/// The bytes a string takes in BPF memory, records and keys: the
/// `strsize` characters Oracle's DTrace keeps (strlen() of a longer string
/// is strsize, strjoin() keeps strsize characters: funcs/strlen,
/// funcs/strjoin tests) and the NUL after them. `sizeof` a string is still
/// strsize (sema).
fn string_buffer(strsize: u32) -> u32 {
    strsize + 1
}

struct Gen<'a> {
    env: &'a CgEnv<'a>,
    out: Compiled,
    strtab: Vec<u8>,
    strtab_index: HashMap<Vec<u8>, u32>,
    global_off: Vec<u32>,
    globals_size: u32,
    self_maps: Vec<usize>,
    assoc_maps: Vec<usize>,
    agg_index: Vec<usize>,
    max_rec: u32,
    max_tmp: u32,
    strsize: u32,
    sysprobe_used: bool,
    /// Clauses of dtrace:::ERROR, run inline where a fault is handled.
    error_clauses: Vec<usize>,
    /// Probe ids served by cookie-identified programs, and whether any
    /// clause looks their names up at run time.
    probeinfo_ids: Vec<u32>,
    probeinfo_used: bool,
}

/// Per-program state.
struct Fn {
    asm: Asm,
    attach: Attach,
    free: [bool; 4],
    stack_top: i16,
    this_slots: HashMap<usize, i16>,
    /// Temp-area offsets of the this-> variables kept there (strings, structs).
    this_str: HashMap<usize, u32>,
    tmp_top: u32,
    tmp_base: u32,
    /// Temp space below this outlives the statement that took it
    /// (alloca'd memory); the rest is reused by the next statement.
    tmp_floor: u32,
    /// Current clause's record state.
    rec_off: u32,
    items: Vec<RecItem>,
    epid: u32,
    fault: Option<Label>,
    fault_used: bool,
    clause_end: Option<Label>,
    single_probe: Option<u32>,
    action_no: u32,
    /// Inside an ERROR clause run from a fault handler: the faulting epid.
    in_error: Option<u32>,
    /// Number of probes the program is attached to.
    prog_probes: usize,
    /// What the current clause did so far (spec::DID_*).
    spec: u8,
    /// Callbacks the program's code passes to bpf_loop, emitted after it.
    callbacks: Vec<(Callback, Label)>,
}

const POOL: [Reg; 4] = [R6, R7, R8, R9];

impl<'a> Gen<'a> {
    fn new(env: &'a CgEnv<'a>) -> Gen<'a> {
        Gen {
            env,
            out: Compiled {
                strsize: string_buffer(env.opts.strsize),
                cpu: env.opts.cpu,
                func_btf: funcs::program_btf(),
                ..Default::default()
            },
            strtab: Vec::new(),
            strtab_index: HashMap::new(),
            global_off: Vec::new(),
            globals_size: 0,
            self_maps: Vec::new(),
            assoc_maps: Vec::new(),
            agg_index: Vec::new(),
            max_rec: REC_HDR,
            max_tmp: 8,
            strsize: string_buffer(env.opts.strsize),
            sysprobe_used: false,
            error_clauses: Vec::new(),
            probeinfo_ids: Vec::new(),
            probeinfo_used: false,
        }
    }

    fn add_map(&mut self, name: &str, map_type: u32, key_size: u32, value_size: u32, max_entries: u32) -> usize {
        self.out.maps.push(MapSpec {
            name: name.to_string(),
            map_type,
            key_size,
            value_size,
            max_entries,
            init: Vec::new(),
        });
        self.out.maps.len() - 1
    }

    fn value_size(&self, t: &Type) -> u32 {
        value_size(t, self.strsize)
    }

    fn tuple_size(&self, keys: &[Type]) -> u32 {
        keys.iter().map(|k| self.value_size(k)).sum::<u32>().max(8)
    }

    /// Creates the fixed maps and one map per variable and aggregation.
    fn declare_storage(&mut self) -> R<()> {
        let o = self.env.opts;
        let rb = (o.bufsize.max(4096).next_power_of_two()).min(1 << 30) as u32;
        self.add_map("dt_state", consts::BPF_MAP_TYPE_ARRAY, 4, 8, 1);
        self.add_map("dt_buf", consts::BPF_MAP_TYPE_RINGBUF, 0, 0, rb);
        self.add_map("dt_rec", consts::BPF_MAP_TYPE_PERCPU_ARRAY, 4, 0, NEST_LEVELS);
        self.add_map("dt_tmp", consts::BPF_MAP_TYPE_PERCPU_ARRAY, 4, 0, NEST_LEVELS);
        self.add_map("dt_drops", consts::BPF_MAP_TYPE_PERCPU_ARRAY, 4, DROP_SLOTS * 8, 1);
        self.add_map("dt_globals", consts::BPF_MAP_TYPE_ARRAY, 4, 0, 1);
        self.add_map("dt_strtab", consts::BPF_MAP_TYPE_ARRAY, 4, 0, 1);
        self.add_map("dt_zero", consts::BPF_MAP_TYPE_ARRAY, 4, 8, 1);
        self.add_map("dt_sysprobe", consts::BPF_MAP_TYPE_ARRAY, 4, SYSPROBE_VALUE, 1024);
        self.add_map("dt_probeinfo", consts::BPF_MAP_TYPE_HASH, 4, PROBEINFO_VALUE, 1);
        self.add_map("dt_spec", consts::BPF_MAP_TYPE_ARRAY, 4, 8, o.nspec.clamp(1, MAX_NSPEC));
        self.add_map("dt_nest", consts::BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 1);
        debug_assert_eq!(self.out.maps.len(), FIXED_MAPS);
        let syms = &self.env.sema.syms;
        for v in &syms.globals {
            self.global_off.push(self.globals_size);
            self.globals_size += if v.ty.is_str() {
                self.value_size(&v.ty)
            } else {
                (v.ty.size(self.strsize) as u32).div_ceil(8).max(1) * 8
            };
        }
        // Each map gets the whole space its option gives (as each of
        // DTrace's maps does).
        let ncpus = crate::host::possible_cpus();
        let dyn_entries = |ks: u32, vs: u32| dynvar_entries(o.dynvarsize, ks, vs);
        for v in syms.selfs.clone() {
            let vs = self.value_size(&v.ty);
            let m = self.add_map(&format!("dt_self_{}", v.name), consts::BPF_MAP_TYPE_HASH, 8, vs, dyn_entries(8, vs));
            self.self_maps.push(m);
        }
        for v in syms.assocs.clone() {
            let (ks, vs) = (self.tuple_size(&v.keys), self.value_size(&v.ty));
            let m = self.add_map(&format!("dt_a_{}", v.name), consts::BPF_MAP_TYPE_HASH, ks, vs, dyn_entries(ks, vs));
            self.assoc_maps.push(m);
        }
        let mut zero_size = 8;
        for a in syms.aggs.clone() {
            let vs = 8 * (1 + agg_payload_words(&a.func));
            zero_size = zero_size.max(vs);
            let keyless = a.keys.is_empty();
            let ks = if keyless { 4 } else { self.tuple_size(&a.keys) };
            let name = format!("dt_agg_{}", a.name);
            let m = if keyless {
                let fits = o.aggsize >= u64::from(vs) * ncpus as u64;
                self.add_map(&name, consts::BPF_MAP_TYPE_PERCPU_ARRAY, 4, vs, fits as u32)
            } else {
                let n = hash_entries(o.aggsize, ks, vs, true, ncpus);
                self.add_map(&name, consts::BPF_MAP_TYPE_PERCPU_HASH, ks, vs, n)
            };
            self.agg_index.push(self.out.aggs.len());
            self.out.aggs.push(AggSpec {
                name: a.name.clone(),
                keys: a.keys.clone(),
                func: a.func.clone(),
                map: m,
                key_size: ks,
                value_size: vs,
                keyless,
            });
        }
        self.out.maps[MAP_ZERO].value_size = zero_size;
        Ok(())
    }

    fn finish(mut self) -> R<Compiled> {
        self.out.maps[MAP_REC].value_size = self.max_rec;
        if self.max_tmp > 32 * 1024 - 64 {
            return Err(CompileError::nowhere(
                "D_SCRATCH",
                format!("clauses need {} bytes of scratch space per CPU (at most 32704): reduce strsize or the number of strings used", self.max_tmp),
            ));
        }
        self.out.maps[MAP_TMP].value_size = self.max_tmp;
        self.out.maps[MAP_GLOBALS].value_size = self.globals_size.max(8);
        // The string table: every literal, followed by strsize zero bytes so
        // any literal can be read as a full strsize buffer.
        let mut tab = std::mem::take(&mut self.strtab);
        tab.resize(tab.len() + self.strsize as usize + 8, 0);
        let len = (tab.len() + 7) & !7;
        tab.resize(len, 0);
        self.out.maps[MAP_STRTAB].value_size = len as u32;
        self.out.maps[MAP_STRTAB].init.push((0u32.to_le_bytes().to_vec(), tab));
        if self.probeinfo_used {
            let cat = self.env.catalog;
            let mut ids = std::mem::take(&mut self.probeinfo_ids);
            ids.sort();
            ids.dedup();
            let m = &mut self.out.maps[MAP_PROBEINFO];
            m.max_entries = ids.len().max(1) as u32;
            for id in ids {
                let Some(p) = cat.get(id) else { continue };
                let mut v = vec![0u8; PROBEINFO_VALUE as usize];
                let room = PROBEINFO_MOD_OFF as usize - 1;
                let f = p.function.as_bytes();
                v[..f.len().min(room)].copy_from_slice(&f[..f.len().min(room)]);
                let md = p.module.as_bytes();
                let o = PROBEINFO_MOD_OFF as usize;
                v[o..o + md.len().min(room)].copy_from_slice(&md[..md.len().min(room)]);
                m.init.push((id.to_le_bytes().to_vec(), v));
            }
        }
        if self.sysprobe_used {
            let cat = self.env.catalog;
            let mut init = Vec::new();
            for p in &cat.probes {
                if let ProbeKind::SyscallEntry(nr) = p.kind {
                    if nr >= 1024 {
                        continue;
                    }
                    let mut v = vec![0u8; SYSPROBE_VALUE as usize];
                    v[0..4].copy_from_slice(&p.id.to_le_bytes());
                    v[4..8].copy_from_slice(&(p.id + 1).to_le_bytes());
                    let n = p.function.as_bytes();
                    let l = n.len().min(SYSPROBE_VALUE as usize - SYSPROBE_NAME_OFF as usize - 1);
                    v[8..8 + l].copy_from_slice(&n[..l]);
                    init.push((nr.to_le_bytes().to_vec(), v));
                }
            }
            self.out.maps[MAP_SYSPROBE].init = init;
        } else {
            self.out.maps[MAP_SYSPROBE].max_entries = 1;
        }
        Ok(self.out)
    }

    /// Offset of `size` zero bytes in the string table (what a missing
    /// struct-valued variable reads as).
    fn zeros(&mut self, size: u32) -> u32 {
        let off = self.strtab.len() as u32;
        self.strtab.resize(self.strtab.len() + size.div_ceil(8) as usize * 8, 0);
        off
    }

    /// Offset of a string literal in the string table.
    fn intern(&mut self, s: &[u8]) -> u32 {
        let mut key = s.to_vec();
        if let Some(n) = key.iter().position(|&c| c == 0) {
            key.truncate(n);
        }
        key.truncate(self.strsize as usize - 1);
        if let Some(&o) = self.strtab_index.get(&key) {
            return o;
        }
        let off = self.strtab.len() as u32;
        self.strtab.extend_from_slice(&key);
        self.strtab.push(0);
        while self.strtab.len() % 8 != 0 {
            self.strtab.push(0);
        }
        self.strtab_index.insert(key, off);
        off
    }

    /// Emits the programs of one attach point: one, or as many as it takes
    /// to keep each within `MAX_PROG_INSNS` (the clauses split in order).
    fn program_split(&mut self, attach: &Attach, clauses: &[ClauseIn], members: &[(usize, Vec<u32>)]) -> R<()> {
        let (np, ne) = (self.out.programs.len(), self.out.epids.len());
        let r = self.program(attach, clauses, members);
        let too_big = match &r {
            Ok(()) => self.out.programs.last().is_some_and(|p| p.insns.len() > MAX_PROG_INSNS),
            Err(e) => e.tag == "D_PROG",
        };
        // Each program of a profile/tick probe would get its own timer,
        // and their firings would drift apart: one program, however large.
        if matches!(attach, Attach::Timer { .. }) {
            return r.map_err(|e| {
                CompileError::nowhere("D_PROG", format!("{}: the clauses of one profile or tick probe must fit in one BPF program; move some of them to another probe", e.msg))
            });
        }
        if !too_big || members.len() < 2 {
            return r;
        }
        self.out.programs.truncate(np);
        self.out.epids.truncate(ne);
        let (a, b) = members.split_at(members.len() / 2);
        self.program_split(attach, clauses, a)?;
        self.program_split(attach, clauses, b)
    }

    /// Emits one program for an attach point.
    fn program(&mut self, attach: &Attach, clauses: &[ClauseIn], members: &[(usize, Vec<u32>)]) -> R<()> {
        let prog_type = match attach {
            Attach::Begin | Attach::End | Attach::SysEnter | Attach::SysExit => consts::BPF_PROG_TYPE_RAW_TRACEPOINT,
            Attach::FbtEntry | Attach::FbtReturn => consts::BPF_PROG_TYPE_KPROBE,
            Attach::Fentry { .. } => consts::BPF_PROG_TYPE_TRACING,
            Attach::Timer { .. } => consts::BPF_PROG_TYPE_PERF_EVENT,
        };
        let all_probes: Vec<u32> = {
            let mut v: Vec<u32> = members.iter().flat_map(|(_, p)| p.iter().copied()).collect();
            v.sort();
            v.dedup();
            v
        };
        let single = if all_probes.len() == 1 { Some(all_probes[0]) } else { None };
        let mut f = Fn {
            asm: Asm::new(),
            attach: attach.clone(),
            free: [true; 4],
            stack_top: SLOT_FIRST_FREE,
            this_slots: HashMap::new(),
            this_str: HashMap::new(),
            tmp_top: 0,
            tmp_base: 0,
            tmp_floor: 0,
            rec_off: REC_HDR,
            items: Vec::new(),
            epid: 0,
            fault: None,
            fault_used: false,
            clause_end: None,
            single_probe: single,
            action_no: 0,
            in_error: None,
            prog_probes: all_probes.len(),
            spec: 0,
            callbacks: Vec::new(),
        };
        if matches!(attach, Attach::FbtEntry | Attach::FbtReturn) {
            self.probeinfo_ids.extend(all_probes.iter().copied());
        }
        // this-> variables live for the whole firing: fixed slots.
        for v in &self.env.sema.syms.thises {
            if v.ty.is_str() || matches!(v.ty, Type::Struct(_)) {
                f.this_str.insert(v.id, f.tmp_base);
                f.tmp_base += (self.value_size(&v.ty) + 7) & !7;
            } else {
                f.stack_top -= 8;
                f.this_slots.insert(v.id, f.stack_top);
            }
        }
        // Keep room for the spills of expressions.
        if f.stack_top < STACK_LIMIT + 64 {
            let n = f.this_slots.len();
            return Err(CompileError::nowhere(
                "D_STACK",
                format!("{} scalar this-> variables need {} bytes of the 512-byte BPF stack: use fewer this-> variables (self-> or global ones cost no stack)", n, 8 * n),
            ));
        }
        let prog_exit = f.asm.label();
        let leave = f.asm.label();
        self.prologue(&mut f, prog_exit, leave, &all_probes)?;
        // this-> structs start each firing zeroed (members not yet assigned read 0).
        for v in &self.env.sema.syms.thises {
            if matches!(v.ty, Type::Struct(_)) {
                let size = (self.value_size(&v.ty) + 7) & !7;
                let off = f.this_str[&v.id];
                Self::zero_tmp(&mut f, off, size);
            }
        }
        for (ci, probes) in members {
            let c = &clauses[*ci];
            self.clause(&mut f, clauses, *ci, c.clause, probes)?;
        }
        // Leave this nesting depth. Not atomic, and need not be: firings
        // nest strictly, so one that interrupts us here has restored the
        // counter when we resume.
        let a = &mut f.asm;
        a.bind(leave);
        a.emit(Insn::ldx(BPF_DW, R1, FP, SLOT_NEST));
        a.emit(Insn::ldx(BPF_DW, R2, R1, 0));
        a.emit(Insn::alu64_imm(BPF_SUB, R2, 1));
        a.emit(Insn::stx(BPF_DW, R1, R2, 0));
        a.bind(prog_exit);
        a.emit(Insn::mov64_imm(R0, 0));
        a.emit(Insn::exit());
        let funcs = self.callbacks(&mut f)?;
        let name = match attach {
            Attach::Begin => "dt_BEGIN".to_string(),
            Attach::End => "dt_END".to_string(),
            Attach::SysEnter => "dt_sys_enter".to_string(),
            Attach::SysExit => "dt_sys_exit".to_string(),
            Attach::FbtEntry => "dt_fbt_entry".to_string(),
            Attach::FbtReturn => "dt_fbt_return".to_string(),
            Attach::Fentry { probe, ret, .. } => {
                format!("dt_f{}_{}", if *ret { "exit" } else { "entry" }, probe)
            }
            Attach::Timer { probe, .. } => format!("dt_timer_{}", probe),
        };
        let insns = f.asm.finish().map_err(|m| CompileError::nowhere("D_PROG", m))?;
        let (expected_attach_type, attach_btf_id) = match attach {
            Attach::Fentry { btf_id, ret, .. } => {
                (if *ret { consts::BPF_TRACE_FEXIT } else { consts::BPF_TRACE_FENTRY }, *btf_id)
            }
            Attach::FbtEntry | Attach::FbtReturn if self.env.fbt_backend == FbtBackend::KprobeMulti => {
                (consts::BPF_TRACE_KPROBE_MULTI, 0)
            }
            _ => (0, 0),
        };
        let clause_lines = members.iter().map(|(ci, _)| clauses[*ci].clause.line).collect();
        self.out.programs.push(ProgSpec {
            attach: attach.clone(),
            prog_type,
            name,
            insns,
            probes: all_probes,
            expected_attach_type,
            attach_btf_id,
            clause_lines,
            funcs,
        });
        Ok(())
    }

    /// The start of every program: what it serves, whether the session is
    /// active, then its nesting depth and that depth's record and scratch
    /// space. Before the depth is taken, leaving jumps to `exit`; after,
    /// to `leave`, which gives it back.
    fn prologue(&mut self, f: &mut Fn, exit: Label, leave: Label, probes: &[u32]) -> R<()> {
        let a = &mut f.asm;
        a.emit(Insn::stx(BPF_DW, FP, R1, SLOT_CTX));
        a.emit(Insn::st_imm(BPF_DW, FP, SLOT_ZERO, 0));
        // Syscall programs run on every syscall: find the number first and
        // leave at once when no clause wants it (the common case).
        match f.attach {
            Attach::SysEnter => {
                a.emit(Insn::ldx(BPF_DW, R1, FP, SLOT_CTX));
                a.emit(Insn::ldx(BPF_DW, R1, R1, 8));
                a.emit(Insn::stx(BPF_DW, FP, R1, SLOT_NR));
            }
            Attach::SysExit => {
                // The syscall number is not an argument of sys_exit: read
                // regs->orig_ax.
                a.emit(Insn::ldx(BPF_DW, R3, FP, SLOT_CTX));
                a.emit(Insn::ldx(BPF_DW, R3, R3, 0));
                a.emit(Insn::alu64_imm(BPF_ADD, R3, PT_REGS_ORIG_AX as i32));
                a.emit(Insn::mov64_reg(R1, FP));
                a.emit(Insn::alu64_imm(BPF_ADD, R1, SLOT_NR as i32));
                a.emit(Insn::mov64_imm(R2, 8));
                a.emit(Insn::call(H_READ_KERNEL));
            }
            _ => {}
        }
        if matches!(f.attach, Attach::SysEnter | Attach::SysExit) {
            self.syscall_filter(f, probes, exit)?;
        }
        let a = &mut f.asm;
        // Act only while the session is active: after BEGIN, before exit
        // (BEGIN and END run once, from user space).
        if f.attach != Attach::End && f.attach != Attach::Begin {
            lookup_fixed(a, MAP_STATE);
            a.jmp_imm(BPF_JEQ, R0, 0, exit);
            a.emit(Insn::ldx(BPF_W, R1, R0, 0));
            a.jmp_imm(BPF_JNE, R1, STATE_ACTIVE, exit);
        }
        // Take the next nesting depth; past the deepest, skip the firing
        // and count it as a drop. Not atomic, and need not be: a firing that
        // interrupts us between the load and the store has put the counter
        // back when we resume, and the depth we took is ours.
        lookup_fixed(a, MAP_NEST);
        a.jmp_imm(BPF_JEQ, R0, 0, exit);
        a.emit(Insn::ldx(BPF_DW, R1, R0, 0));
        let nested = a.label();
        a.jmp_imm(BPF_JLT, R1, NEST_LEVELS as i32, nested);
        count_drop(a, DROP_PRINCIPAL);
        a.ja(exit);
        a.bind(nested);
        a.emit(Insn::stx(BPF_DW, FP, R0, SLOT_NEST));
        a.emit(Insn::st_imm(BPF_DW, FP, SLOT_LEVEL, 0));
        a.emit(Insn::stx(BPF_W, FP, R1, SLOT_LEVEL));
        a.emit(Insn::alu64_imm(BPF_ADD, R1, 1));
        a.emit(Insn::stx(BPF_DW, R0, R1, 0));
        lookup_level(a, MAP_REC);
        a.jmp_imm(BPF_JEQ, R0, 0, leave);
        a.emit(Insn::stx(BPF_DW, FP, R0, SLOT_REC));
        lookup_level(a, MAP_TMP);
        a.jmp_imm(BPF_JEQ, R0, 0, leave);
        a.emit(Insn::stx(BPF_DW, FP, R0, SLOT_TMP));
        match f.attach {
            Attach::FbtEntry | Attach::FbtReturn => {
                // The probe id travels as the link's BPF cookie.
                a.emit(Insn::ldx(BPF_DW, R1, FP, SLOT_CTX));
                a.emit(Insn::call(H_GET_ATTACH_COOKIE));
                a.emit(Insn::stx(BPF_DW, FP, R0, SLOT_NR));
            }
            _ => {}
        }
        Ok(())
    }

    /// Writes the probe discriminator of a record header (r1 = record).
    fn emit_disc(f: &mut Fn) {
        let a = &mut f.asm;
        match (&f.attach, f.in_error) {
            (Attach::SysEnter | Attach::SysExit | Attach::FbtEntry | Attach::FbtReturn, None) => {
                a.emit(Insn::ldx(BPF_W, R2, FP, SLOT_NR));
                a.emit(Insn::stx(BPF_W, R1, R2, 4));
            }
            _ => a.emit(Insn::st_imm(BPF_W, R1, 4, f.single_probe.unwrap_or(0) as i32)),
        }
    }

    fn clause(&mut self, f: &mut Fn, all: &[ClauseIn], ci: usize, c: &Clause, probes: &[u32]) -> R<()> {
        *self.env.sema.clause_args.borrow_mut() = all[ci].arg_types.clone();
        let end = f.asm.label();
        let fault = f.asm.label();
        f.clause_end = Some(end);
        f.fault = Some(fault);
        f.fault_used = false;
        f.free = [true; 4];
        f.rec_off = REC_HDR;
        f.items.clear();
        f.tmp_top = f.tmp_base;
        f.tmp_floor = f.tmp_base;
        f.action_no = 0;
        f.spec = 0;
        let saved_stack = f.stack_top;
        // Reserve the epid now: ERROR clauses generated inside take later ones.
        let epid_idx = self.out.epids.len();
        self.out.epids.push(Epid {
            clause: ci,
            attach: f.attach.clone(),
            probe: None,
            items: Vec::new(),
            size: 0,
            line: c.line,
        });
        let epid = epid_idx as u32 + 1;
        f.epid = epid;

        // Probe filter for programs that serve many probes.
        if f.in_error.is_none() && matches!(f.attach, Attach::SysEnter | Attach::SysExit) {
            self.syscall_filter(f, probes, end)?;
        }
        if f.in_error.is_none()
            && matches!(f.attach, Attach::FbtEntry | Attach::FbtReturn)
            && probes.len() < f.prog_probes
        {
            let mut ids = probes.to_vec();
            ids.sort();
            Self::value_filter(&mut f.asm, &ids, end);
        }
        // -x cpu=N: trace only on that CPU.
        if let (Some(cpu), None) = (self.env.opts.cpu, f.in_error) {
            f.asm.emit(Insn::call(H_SMP_ID));
            f.asm.jmp_imm(BPF_JNE, R0, cpu as i32, end);
        }
        if let Some(p) = &c.predicate {
            let t = self.env.sema.type_of(p)?;
            if !t.is_scalar() {
                return Err(CompileError::new(p.line, "D_PRED_SCALAR", "predicate result must be of scalar type"));
            }
            let r = self.expr(f, p)?;
            f.asm.jmp_imm(BPF_JEQ, r, 0, end);
            self.free(f, r);
        }
        // Does the clause write a record? Everything but pure aggregation
        // clauses does (an empty clause records the probe: the default action).
        let records = c.body.is_empty() || c.body.iter().any(|s| !is_agg_only(s));
        if records {
            // Header: epid, probe discriminator, cpu.
            let a = &mut f.asm;
            a.emit(Insn::ldx(BPF_DW, R1, FP, SLOT_REC));
            a.emit(Insn::st_imm(BPF_W, R1, 0, epid as i32));
            Self::emit_disc(f);
            let a = &mut f.asm;
            a.emit(Insn::call(H_SMP_ID));
            a.emit(Insn::ldx(BPF_DW, R1, FP, SLOT_REC));
            a.emit(Insn::stx(BPF_W, R1, R0, 8));
            a.emit(Insn::st_imm(BPF_W, R1, 12, 0));
        }
        // A statement's temporaries (strings, tuples, scratch of subroutines)
        // are dead once it is done: the next statement reuses their space.
        for s in &c.body {
            let mark = f.tmp_top;
            self.stmt(f, s)?;
            f.tmp_top = mark.max(f.tmp_floor);
        }
        if records {
            let size = f.rec_off;
            let a = &mut f.asm;
            // Wake the consumer only when the buffer is filling up; it
            // otherwise drains on its own timer (switchrate), so a steady
            // trickle of records costs no wakeup per record.
            // A record with exit() wakes it at once: the session ends now.
            let rb_size = self.out.maps[MAP_RINGBUF].max_entries;
            if f.items.iter().any(|i| matches!(i, RecItem::Exit { .. })) {
                a.emit(Insn::mov64_imm(R4, BPF_RB_FORCE_WAKEUP));
            } else {
                a.emit2(Insn::ld_map_fd(R1, MAP_RINGBUF as i32));
                a.emit(Insn::mov64_imm(R2, BPF_RB_AVAIL_DATA));
                a.emit(Insn::call(H_RINGBUF_QUERY));
                a.emit(Insn::mov64_imm(R4, BPF_RB_NO_WAKEUP));
                let quiet = a.label();
                a.jmp_imm(BPF_JLT, R0, (rb_size / 4) as i32, quiet);
                a.emit(Insn::mov64_imm(R4, BPF_RB_FORCE_WAKEUP));
                a.bind(quiet);
            }
            a.emit2(Insn::ld_map_fd(R1, MAP_RINGBUF as i32));
            a.emit(Insn::ldx(BPF_DW, R2, FP, SLOT_REC));
            a.emit(Insn::mov64_imm(R3, size as i32));
            a.emit(Insn::call(H_RINGBUF_OUTPUT));
            let ok = a.label();
            a.jmp_imm(BPF_JEQ, R0, 0, ok);
            count_drop(a, DROP_PRINCIPAL);
            a.bind(ok);
            self.max_rec = self.max_rec.max(size);
        }
        // Faults: SLOT_A holds the fault code, SLOT_B the address/value.
        if f.fault_used {
            f.asm.ja(end);
            f.asm.bind(fault);
            let a = &mut f.asm;
            a.emit(Insn::ldx(BPF_DW, R1, FP, SLOT_REC));
            a.emit(Insn::st_imm(BPF_W, R1, 0, ERROR_EPID as i32));
            Self::emit_disc(f);
            let a = &mut f.asm;
            a.emit(Insn::st_imm(BPF_W, R1, 16, epid as i32));
            a.emit(Insn::ldx(BPF_DW, R2, FP, SLOT_A));
            a.emit(Insn::stx(BPF_DW, R1, R2, 24));
            a.emit(Insn::ldx(BPF_DW, R2, FP, SLOT_B));
            a.emit(Insn::stx(BPF_DW, R1, R2, 32));
            a.emit(Insn::call(H_SMP_ID));
            a.emit(Insn::ldx(BPF_DW, R2, FP, SLOT_REC));
            a.emit(Insn::stx(BPF_W, R2, R0, 8));
            a.emit2(Insn::ld_map_fd(R1, MAP_RINGBUF as i32));
            a.emit(Insn::mov64_imm(R3, 40));
            a.emit(Insn::mov64_imm(R4, 0));
            a.emit(Insn::call(H_RINGBUF_OUTPUT));
            count_drop(a, DROP_ERRORS);
            self.max_rec = self.max_rec.max(40);
            // Then the ERROR probe fires: its clauses run here, with the
            // fault's details as arguments.
            if !self.error_clauses.is_empty() {
                let a = &mut f.asm;
                a.emit(Insn::ldx(BPF_DW, R1, FP, SLOT_A));
                a.emit(Insn::stx(BPF_DW, FP, R1, SLOT_ERR_CODE));
                a.emit(Insn::ldx(BPF_DW, R1, FP, SLOT_B));
                a.emit(Insn::stx(BPF_DW, FP, R1, SLOT_ERR_VALUE));
                let saved = (
                    f.clause_end,
                    f.fault,
                    f.fault_used,
                    f.rec_off,
                    std::mem::take(&mut f.items),
                    f.tmp_top,
                    f.single_probe,
                    f.action_no,
                    f.in_error,
                    f.free,
                );
                let floor = f.tmp_floor;
                f.in_error = Some(epid);
                f.single_probe = Some(crate::provider::ERROR_ID);
                for eci in self.error_clauses.clone() {
                    self.clause(f, all, eci, all[eci].clause, &[crate::provider::ERROR_ID])?;
                }
                (
                    f.clause_end,
                    f.fault,
                    f.fault_used,
                    f.rec_off,
                    f.items,
                    f.tmp_top,
                    f.single_probe,
                    f.action_no,
                    f.in_error,
                    f.free,
                ) = saved;
                f.tmp_floor = floor;
            }
        } else {
            f.asm.bind(fault);
        }
        f.asm.bind(end);
        self.max_tmp = self.max_tmp.max(f.tmp_top);
        f.stack_top = saved_stack;
        self.out.epids[epid_idx] = Epid {
            clause: ci,
            attach: f.attach.clone(),
            probe: f.single_probe,
            items: std::mem::take(&mut f.items),
            size: f.rec_off,
            line: c.line,
        };
        Ok(())
    }

    fn syscall_filter(&mut self, f: &mut Fn, probes: &[u32], skip: Label) -> R<()> {
        let cat = self.env.catalog;
        let ret = f.attach == Attach::SysExit;
        let total = cat
            .probes
            .iter()
            .filter(|p| {
                matches!((&p.kind, ret), (ProbeKind::SyscallEntry(_), false) | (ProbeKind::SyscallReturn(_), true))
            })
            .count();
        if probes.len() >= total {
            return Ok(());
        }
        let nrs: Vec<u32> = probes
            .iter()
            .filter_map(|&p| match cat.get(p)?.kind {
                ProbeKind::SyscallEntry(n) | ProbeKind::SyscallReturn(n) => Some(n),
                _ => None,
            })
            .collect();
        let mut nrs = nrs;
        nrs.sort();
        Self::value_filter(&mut f.asm, &nrs, skip);
        Ok(())
    }

    /// Skips to `skip` unless the value at SLOT_NR is one of `vals`
    /// (sorted): compares for few values, range tests for many.
    fn value_filter(a: &mut Asm, vals: &[u32], skip: Label) {
        let take = a.label();
        a.emit(Insn::ldx(BPF_DW, R1, FP, SLOT_NR));
        if vals.len() <= 16 {
            for n in vals {
                a.jmp_imm(BPF_JEQ, R1, *n as i32, take);
            }
        } else {
            let mut i = 0;
            while i < vals.len() {
                let lo = vals[i];
                let mut hi = lo;
                while i + 1 < vals.len() && vals[i + 1] == hi + 1 {
                    i += 1;
                    hi = vals[i];
                }
                let next = a.label();
                a.jmp_imm(BPF_JLT, R1, lo as i32, next);
                a.jmp_imm(BPF_JLE, R1, hi as i32, take);
                a.bind(next);
                i += 1;
            }
        }
        a.ja(skip);
        a.bind(take);
    }

    // ---- registers and scratch -------------------------------------------

    fn alloc(&mut self, f: &mut Fn, line: u32) -> R<Reg> {
        for (i, free) in f.free.iter_mut().enumerate() {
            if *free {
                *free = false;
                return Ok(POOL[i]);
            }
        }
        Err(CompileError::new(
            line,
            "D_REGS",
            "expression too complex: out of registers (split it using this-> variables)",
        ))
    }

    /// Allocates register `r` itself, which must be free.
    fn take(&mut self, f: &mut Fn, r: Reg, line: u32) -> R<()> {
        match POOL.iter().position(|&p| p == r) {
            Some(i) if f.free[i] => {
                f.free[i] = false;
                Ok(())
            }
            _ => Err(CompileError::new(line, "D_REGS", "expression too complex: out of registers")),
        }
    }

    fn free(&mut self, f: &mut Fn, r: Reg) {
        if let Some(i) = POOL.iter().position(|&p| p == r) {
            f.free[i] = true;
        }
    }

    fn nfree(f: &Fn) -> usize {
        f.free.iter().filter(|&&x| x).count()
    }

    fn stack_slot(&mut self, f: &mut Fn, line: u32) -> R<i16> {
        f.stack_top -= 8;
        if f.stack_top < STACK_LIMIT {
            return Err(CompileError::new(line, "D_STACK", "clause needs more than the 512 bytes of BPF stack"));
        }
        Ok(f.stack_top)
    }

    /// The label of callback `cb` in this program (emitted after the main
    /// function by `callbacks`).
    fn callback(f: &mut Fn, cb: Callback) -> Label {
        if let Some((_, l)) = f.callbacks.iter().find(|(c, _)| *c == cb) {
            return *l;
        }
        let l = f.asm.label();
        f.callbacks.push((cb, l));
        l
    }

    /// Emits the callbacks the program asked for after its main function;
    /// returns the program's func_info (none without callbacks).
    fn callbacks(&mut self, f: &mut Fn) -> R<Vec<(u32, u32)>> {
        if f.callbacks.is_empty() {
            return Ok(Vec::new());
        }
        let mut info = vec![(0, funcs::MAIN_FUNC_ID)];
        for (cb, l) in f.callbacks.clone() {
            f.asm.bind(l);
            info.push((f.asm.len() as u32, cb.btf_id()));
            match cb {
                Callback::JsonSelector => self.json_selector_cb(f),
                Callback::JsonStep => self.json_step_cb(f),
                Callback::PathStep => self.path_step_cb(f),
            }
        }
        Ok(info)
    }

    /// Allocates `size` bytes of per-CPU temp space; returns its offset.
    fn tmp(&mut self, f: &mut Fn, size: u32) -> u32 {
        let off = f.tmp_top;
        f.tmp_top += (size + 7) & !7;
        self.max_tmp = self.max_tmp.max(f.tmp_top);
        off
    }

    /// reg = temp area + off
    fn tmp_ptr(f: &mut Fn, reg: Reg, off: u32) {
        f.asm.emit(Insn::ldx(BPF_DW, reg, FP, SLOT_TMP));
        if off != 0 {
            f.asm.emit(Insn::alu64_imm(BPF_ADD, reg, off as i32));
        }
    }

    /// The byte offset and size of member `path` (nested members in order)
    /// of the kernel's struct `st`, from its BTF; without them, an error
    /// saying that `what` needs it.
    fn kernel_member(&self, line: u32, what: &str, st: &str, path: &[&str]) -> R<(i32, u64)> {
        let btf = self.env.sema.types.btf();
        let found = btf.and_then(|b| {
            let (off, ty) = b.member_path_offset(st, path)?;
            Some((off as i32, b.size_of(ty)?))
        });
        found.ok_or_else(|| {
            CompileError::new(
                line,
                "D_UNSUPPORTED",
                format!("{} needs {}.{} in the kernel's type information (BTF)", what, st, path.join(".")),
            )
        })
    }

    /// The temp word at `cell` = the `size`-byte member at `off` of the
    /// current task (zero-extended; 0 when it cannot be read). Clobbers
    /// R0-R5.
    fn read_task_member(a: &mut Asm, off: i32, size: i32, cell: u32) {
        a.emit(Insn::call(H_CURRENT_TASK));
        a.emit(Insn::mov64_reg(R3, R0));
        a.emit(Insn::alu64_imm(BPF_ADD, R3, off));
        Self::tmp_ptr_a(a, R1, cell);
        a.emit(Insn::st_imm(BPF_DW, R1, 0, 0));
        a.emit(Insn::mov64_imm(R2, size));
        a.emit(Insn::call(H_READ_KERNEL));
    }

    /// reg = string table + off (a direct map-value pointer).
    fn strtab_ptr(f: &mut Fn, reg: Reg, off: u32) {
        Self::strtab_ptr_a(&mut f.asm, reg, off);
    }

    fn strtab_ptr_a(a: &mut Asm, reg: Reg, off: u32) {
        a.emit(Insn::new(BPF_LD | BPF_DW | BPF_IMM, reg, BPF_PSEUDO_MAP_VALUE, 0, MAP_STRTAB as i32));
        a.emit(Insn::new(0, 0, 0, 0, off as i32));
    }

    /// Jumps to the clause's fault handler with `code` and the value in `val` (or 0).
    fn fault_if(&mut self, f: &mut Fn, op: u8, reg: Reg, imm: i32, code: u32, val: Option<Reg>) {
        if f.in_error.is_some() {
            // A fault inside an ERROR clause abandons it (no recursion).
            f.asm.jmp_imm(op, reg, imm, f.clause_end.unwrap());
            return;
        }
        let ok = f.asm.label();
        let inv = invert(op);
        f.asm.jmp_imm(inv, reg, imm, ok);
        // Fault word: code | action << 16 | pc << 32 (pc: this BPF insn).
        let word = code as u64 | ((f.action_no.max(1) as u64) << 16) | ((f.asm.len() as u64) << 32);
        f.asm.emit2(Insn::ld_imm64(R1, word));
        f.asm.emit(Insn::stx(BPF_DW, FP, R1, SLOT_A));
        match val {
            Some(v) => f.asm.emit(Insn::stx(BPF_DW, FP, v, SLOT_B)),
            None => f.asm.emit(Insn::st_imm(BPF_DW, FP, SLOT_B, 0)),
        }
        f.asm.ja(f.fault.unwrap());
        f.fault_used = true;
        f.asm.bind(ok);
    }

    // ---- statements --------------------------------------------------------

    fn stmt(&mut self, f: &mut Fn, s: &Stmt) -> R<()> {
        match s {
            Stmt::Expr(e) => {
                f.action_no += 1;
                self.top_expr(f, e)
            }
            Stmt::If { cond, then, els, line } => {
                let t = self.env.sema.type_of(cond)?;
                if !t.is_scalar() {
                    return Err(CompileError::new(*line, "D_COND_SCALAR", "if condition must be of scalar type"));
                }
                let r = self.expr(f, cond)?;
                let l_else = f.asm.label();
                let l_end = f.asm.label();
                f.asm.jmp_imm(BPF_JEQ, r, 0, l_else);
                self.free(f, r);
                for s in then {
                    self.stmt(f, s)?;
                }
                f.asm.ja(l_end);
                f.asm.bind(l_else);
                for s in els {
                    self.stmt(f, s)?;
                }
                f.asm.bind(l_end);
                Ok(())
            }
            Stmt::Decl(_) | Stmt::Empty => Ok(()),
        }
    }

    fn top_expr(&mut self, f: &mut Fn, e: &Expr) -> R<()> {
        match &e.kind {
            ExprKind::AggAssign { name, keys, func: _, args } => self.aggregate(f, e.line, name, keys, args),
            ExprKind::Call { name, args } if crate::lang::sema::is_action(name) => self.action(f, e.line, name, args),
            _ => {
                self.env.sema.type_of(e)?;
                let r = self.expr(f, e)?;
                self.free(f, r);
                Ok(())
            }
        }
    }

    fn record_value(&mut self, f: &mut Fn, e: &Expr) -> R<(u32, Type)> {
        let t = self.env.sema.type_of(e)?;
        self.record_value_as(f, e, matches!(t, Type::Array(..)) && t.is_strcompat())
    }

    /// Records a value; `as_str` reads a `char *`/`char []` value as a
    /// string (what `%s` and trace() of a char array want).
    fn record_value_as(&mut self, f: &mut Fn, e: &Expr, as_str: bool) -> R<(u32, Type)> {
        let mut t = self.env.sema.type_of(e)?;
        if let Type::Stack { user, frames } = t {
            let off = f.rec_off;
            f.rec_off += self.value_size(&t);
            f.asm.emit(Insn::ldx(BPF_DW, R2, FP, SLOT_REC));
            f.asm.emit(Insn::alu64_imm(BPF_ADD, R2, off as i32));
            Self::get_stack(f, user, frames);
            return Ok((off, t));
        }
        if let (Type::Sym(kind), ExprKind::Call { args, .. }) = (&t, &e.kind) {
            let r = self.expr(f, &args[0])?;
            let off = f.rec_off;
            f.rec_off += self.value_size(&t);
            f.asm.emit(Insn::ldx(BPF_DW, R1, FP, SLOT_REC));
            f.asm.emit(Insn::alu64_imm(BPF_ADD, R1, off as i32));
            Self::store_sym(f, *kind, r);
            self.free(f, r);
            return Ok((off, t));
        }
        if t.is_aggregate() && !as_str {
            return Err(CompileError::new(
                e.line,
                "D_UNSUPPORTED",
                format!("values of type {} cannot be traced yet", t),
            ));
        }
        let r = if as_str && t.is_strcompat() {
            t = Type::Str;
            self.str_expr(f, e)?
        } else {
            self.expr(f, e)?
        };
        let off = f.rec_off;
        if t.is_str() {
            f.rec_off += self.value_size(&t);
            self.copy_str_to_rec(f, off, r);
        } else {
            f.rec_off += 8;
            f.asm.emit(Insn::ldx(BPF_DW, R1, FP, SLOT_REC));
            f.asm.emit(Insn::stx(BPF_DW, R1, r, off as i16));
        }
        self.free(f, r);
        Ok((off, t))
    }

    /// Writes a stack at the address in r2: kernel program counters, or
    /// for a user stack the process id and then its program counters.
    /// Unused frames are zero (bpf_get_stack clears the rest).
    fn get_stack(f: &mut Fn, user: bool, frames: u32) {
        if user {
            store_pid_at(&mut f.asm, R2);
        }
        // A kernel stack gets one spare frame (see Consumer::value).
        Self::stack_frames(f, user, frames + !user as u32);
    }

    /// bpf_get_stack() of `frames` program counters to the address in r2,
    /// from the probe site. Skipped: the probe machinery's frames — from
    /// BEGIN and END our program; from a raw tracepoint our program,
    /// bpf_trace_runN and __bpf_trace_<event>; from fentry our program and
    /// the trampoline (then the function itself, as fbt shows it); from
    /// fexit also the function, so the stack starts at the caller, as a
    /// return probe's does.
    fn stack_frames(f: &mut Fn, user: bool, frames: u32) {
        let skip = match f.attach {
            _ if user => 0,
            Attach::SysEnter | Attach::SysExit => 3,
            Attach::Begin | Attach::End => 1,
            Attach::Fentry { ret: false, .. } => 2,
            Attach::Fentry { ret: true, .. } => 3,
            _ => 0,
        };
        let a = &mut f.asm;
        a.emit(Insn::ldx(BPF_DW, R1, FP, SLOT_CTX));
        a.emit(Insn::mov64_imm(R3, 8 * frames as i32));
        a.emit(Insn::mov64_imm(R4, if user { BPF_F_USER_STACK } else { skip }));
        a.emit(Insn::call(H_GET_STACK));
    }

    /// `stackdepth`, `ustackdepth`: how many frames `stack()` or `ustack()`
    /// would show with no limit (bpf_get_stack's maximum, 127).
    fn stack_depth(&mut self, f: &mut Fn, line: u32, user: bool) -> R<Reg> {
        const MAX_FRAMES: u32 = 127;
        // A tracepoint's __traceiter_ frame is there only while several
        // tracers share it; the consumer leaves it out of stack(), so does
        // this.
        let glue = match f.attach {
            Attach::SysEnter if !user => (self.env.kernel_function)("__traceiter_sys_enter"),
            Attach::SysExit if !user => (self.env.kernel_function)("__traceiter_sys_exit"),
            _ => None,
        };
        let off = self.tmp(f, 8 * MAX_FRAMES);
        let r = self.alloc(f, line)?;
        Self::tmp_ptr(f, R2, off);
        Self::stack_frames(f, user, MAX_FRAMES);
        let a = &mut f.asm;
        let (counted, done) = (a.label(), a.label());
        a.emit(Insn::mov64_reg(r, R0));
        a.jmp_imm(BPF_JSGE, r, 0, counted);
        a.emit(Insn::mov64_imm(r, 0));
        a.bind(counted);
        a.emit(Insn::alu64_imm(BPF_RSH, r, 3));
        if let Some((lo, hi)) = glue {
            a.jmp_imm(BPF_JEQ, r, 0, done);
            Self::tmp_ptr_a(a, R1, off);
            a.emit(Insn::ldx(BPF_DW, R1, R1, 0));
            a.emit2(Insn::ld_imm64(R2, lo));
            a.jmp_reg(BPF_JLT, R1, R2, done);
            a.emit2(Insn::ld_imm64(R2, hi));
            a.jmp_reg(BPF_JGE, R1, R2, done);
            a.emit(Insn::alu64_imm(BPF_SUB, r, 1));
        }
        a.bind(done);
        Ok(r)
    }

    /// Writes a symbol address at r1 (for a user one, the process id first).
    /// Clobbers r0-r5.
    fn store_sym(f: &mut Fn, kind: crate::lang::types::SymKind, addr: Reg) {
        let a = &mut f.asm;
        if kind.user() {
            store_pid_at(a, R1);
        }
        a.emit(Insn::stx(BPF_DW, R1, addr, 0));
    }

    fn copy_str_to_rec(&mut self, f: &mut Fn, off: u32, src: Reg) {
        let a = &mut f.asm;
        a.emit(Insn::ldx(BPF_DW, R1, FP, SLOT_REC));
        a.emit(Insn::alu64_imm(BPF_ADD, R1, off as i32));
        a.emit(Insn::mov64_imm(R2, self.strsize as i32));
        a.emit(Insn::mov64_reg(R3, src));
        a.emit(Insn::call(H_READ_KERNEL_STR));
    }

    fn action(&mut self, f: &mut Fn, line: u32, name: &str, args: &[Expr]) -> R<()> {
        let proto = |n: usize| -> R<()> {
            if args.len() == n {
                Ok(())
            } else {
                Err(CompileError::new(
                    line,
                    "D_PROTO_LEN",
                    format!(
                        "{}( ) prototype mismatch: {} arg{} passed, {} expected",
                        name,
                        args.len(),
                        if args.len() == 1 { "" } else { "s" },
                        n
                    ),
                ))
            }
        };
        let agg_arg = |i: usize| -> R<usize> {
            match args.get(i).map(|a| &a.kind) {
                Some(ExprKind::Agg(n)) => match self.env.sema.syms.agg(n) {
                    Some(a) => Ok(self.agg_index[a.id]),
                    None => Err(CompileError::new(
                        line,
                        "D_AGG_UNDEF",
                        format!("failed to resolve @{}: Unknown aggregation", n),
                    )),
                },
                _ => Err(CompileError::new(
                    line,
                    "D_PROTO_ARG",
                    format!("{}( ) argument #{} must be an aggregation", name, i + 1),
                )),
            }
        };
        Self::spec_order(f, line, spec::act_kind(name))?;
        match name {
            "speculate" => {
                proto(1)?;
                self.speculate(f, &args[0])?;
            }
            "commit" | "discard" => {
                proto(1)?;
                self.commit_or_discard(f, name == "commit", &args[0])?;
            }
            "stack" | "ustack" | "func" | "sym" | "mod" | "ufunc" | "usym" | "umod" | "uaddr" => {
                let e = Expr::new(ExprKind::Call { name: name.to_string(), args: args.to_vec() }, line);
                let (off, ty) = self.record_value(f, &e)?;
                f.items.push(RecItem::Trace { off, ty });
            }
            "trace" => {
                proto(1)?;
                let (off, ty) = self.record_value(f, &args[0])?;
                f.items.push(RecItem::Trace { off, ty });
            }
            "printf" => {
                let (fmt, args) = self.printf_like(f, line, name, args)?;
                f.items.push(RecItem::Printf { fmt, args });
            }
            "printa" => {
                let (fmt, first) = match args.first().map(|a| &a.kind) {
                    Some(ExprKind::Str(s)) => (Some(s.clone()), 1),
                    _ => (None, 0),
                };
                if args.len() <= first {
                    return Err(CompileError::new(
                        line,
                        "D_PRINTA_PROTO",
                        "printa( ) prototype mismatch: too few arguments",
                    ));
                }
                let mut aggs = Vec::new();
                for i in first..args.len() {
                    aggs.push(agg_arg(i)?);
                }
                if let (Some(fs), Some(ExprKind::Agg(n))) = (&fmt, args.get(first).map(|a| &a.kind)) {
                    if let Some(av) = self.env.sema.syms.agg(n) {
                        crate::lang::printf_check::check_printa(fs, &av.keys, av.func == AggFunc::Count)
                            .map_err(|m| CompileError::new(line, "D_PRINTF_ARG_TYPE", m))?;
                    }
                }
                f.items.push(RecItem::Printa { fmt, aggs });
            }
            "exit" => {
                proto(1)?;
                let t = self.env.sema.type_of(&args[0])?;
                if !t.is_int() {
                    return Err(CompileError::new(
                        line,
                        "D_PROTO_ARG",
                        format!(
                            "exit( ) argument #1 is incompatible with prototype:\n\tprototype: int\n\t argument: {}",
                            t
                        ),
                    ));
                }
                let (off, _) = self.record_value(f, &args[0])?;
                // Tell every probe to stop: state = exiting.
                let a = &mut f.asm;
                lookup_fixed(a, MAP_STATE);
                let skip = a.label();
                a.jmp_imm(BPF_JEQ, R0, 0, skip);
                a.emit(Insn::st_imm(BPF_W, R0, 0, STATE_EXITING));
                a.emit(Insn::ldx(BPF_DW, R1, FP, SLOT_REC));
                a.emit(Insn::ldx(BPF_W, R1, R1, off as i16));
                a.emit(Insn::stx(BPF_W, R0, R1, 4));
                a.bind(skip);
                f.items.push(RecItem::Exit { off });
            }
            "clear" | "denormalize" => {
                proto(1)?;
                let agg = agg_arg(0)?;
                f.items.push(if name == "clear" { RecItem::Clear { agg } } else { RecItem::Denormalize { agg } });
            }
            "trunc" => {
                if args.is_empty() || args.len() > 2 {
                    proto(1)?;
                }
                let agg = agg_arg(0)?;
                let keep = match args.get(1) {
                    Some(e) => Some(self.record_value(f, e)?.0),
                    None => None,
                };
                f.items.push(RecItem::Trunc { agg, keep });
            }
            "normalize" => {
                proto(2)?;
                let agg = agg_arg(0)?;
                let (off, _) = self.record_value(f, &args[1])?;
                f.items.push(RecItem::Normalize { agg, off });
            }
            _ => return self.more_action(f, line, name, args),
        }
        Ok(())
    }

    // ---- aggregations ------------------------------------------------------

    fn aggregate(&mut self, f: &mut Fn, line: u32, name: &str, keys: &[Expr], args: &[Expr]) -> R<()> {
        Self::spec_order(f, line, spec::ActKind::Aggregate)?;
        let av = self.env.sema.syms.agg(name).expect("declared").clone();
        let spec = self.out.aggs[self.agg_index[av.id]].clone();
        // Evaluate the value argument first (it survives the map calls).
        let val = match args.first() {
            Some(e) if av.func != AggFunc::Count => Some(self.expr(f, e)?),
            _ => None,
        };
        let incr = match (&av.func, args.len()) {
            (AggFunc::Quantize, 2) | (AggFunc::Lquantize { .. }, 5) | (AggFunc::Llquantize { .. }, 6) => {
                Some(self.expr(f, args.last().unwrap())?)
            }
            _ => None,
        };
        let ptr = self.alloc(f, line)?;
        if spec.keyless {
            lookup_fixed(&mut f.asm, spec.map);
            f.asm.jmp_imm(BPF_JEQ, R0, 0, f.clause_end.unwrap());
        } else {
            let key_off = self.build_tuple(f, line, keys, &spec.keys)?;
            let a = &mut f.asm;
            let have = a.label();
            a.emit2(Insn::ld_map_fd(R1, spec.map as i32));
            Self::tmp_ptr_a(a, R2, key_off);
            a.emit(Insn::call(H_MAP_LOOKUP));
            a.jmp_imm(BPF_JNE, R0, 0, have);
            a.emit2(Insn::ld_map_fd(R1, spec.map as i32));
            Self::tmp_ptr_a(a, R2, key_off);
            a.emit(Insn::new(BPF_LD | BPF_DW | BPF_IMM, R3, BPF_PSEUDO_MAP_VALUE, 0, MAP_ZERO as i32));
            a.emit(Insn::new(0, 0, 0, 0, 0));
            a.emit(Insn::mov64_imm(R4, BPF_NOEXIST));
            a.emit(Insn::call(H_MAP_UPDATE));
            a.emit2(Insn::ld_map_fd(R1, spec.map as i32));
            Self::tmp_ptr_a(a, R2, key_off);
            a.emit(Insn::call(H_MAP_LOOKUP));
            let got = a.label();
            a.jmp_imm(BPF_JNE, R0, 0, got);
            count_drop(a, DROP_AGG);
            a.ja(f.clause_end.unwrap());
            a.bind(got);
            a.bind(have);
        }
        // Every update is atomic: a probe firing in an interrupt on this
        // CPU may update the same value between our load and our store.
        let a = &mut f.asm;
        a.emit(Insn::mov64_reg(ptr, R0));
        // hits += 1
        a.emit(Insn::mov64_imm(R1, 1));
        a.emit(Insn::atomic_add(BPF_DW, ptr, R1, 0));
        match &av.func {
            AggFunc::Count => {}
            AggFunc::Sum | AggFunc::Avg => {
                a.emit(Insn::atomic_add(BPF_DW, ptr, val.unwrap(), 8));
            }
            AggFunc::Min | AggFunc::Max => {
                // Kept encoded so that both are an unsigned maximum whose
                // identity is the map's initial 0 (agg_extreme_code()):
                // compare-and-exchange until ours is stored or no longer
                // the extreme. Only nested firings can make it retry.
                let v = val.unwrap();
                emit_ld64(a, R3, agg_extreme_code(&av.func));
                a.emit(Insn::alu64_reg(BPF_XOR, R3, v));
                let done = a.label();
                a.emit(Insn::ldx(BPF_DW, R0, ptr, 8));
                for _ in 0..AGG_CMPXCHG_TRIES {
                    a.jmp_reg(BPF_JGE, R0, R3, done);
                    a.emit(Insn::mov64_reg(R1, R0));
                    a.emit(Insn::atomic_cmpxchg(BPF_DW, ptr, R3, 8));
                    a.jmp_reg(BPF_JEQ, R0, R1, done);
                }
                count_drop(a, DROP_AGG);
                a.bind(done);
            }
            AggFunc::Stddev => {
                let v = val.unwrap();
                a.emit(Insn::atomic_add(BPF_DW, ptr, v, 8));
                // 128-bit sum of squares: lo at 16, hi at 24 (|v| < 2^32
                // exact); the old low word tells whether the add carried.
                a.emit(Insn::mov64_reg(R2, v));
                a.emit(Insn::alu64_reg(BPF_MUL, R2, v));
                a.emit(Insn::mov64_reg(R1, R2));
                a.emit(Insn::atomic_fetch_add(BPF_DW, ptr, R1, 16));
                a.emit(Insn::alu64_reg(BPF_ADD, R1, R2));
                let nc = a.label();
                a.jmp_reg(BPF_JGE, R1, R2, nc);
                a.emit(Insn::mov64_imm(R1, 1));
                a.emit(Insn::atomic_add(BPF_DW, ptr, R1, 24));
                a.bind(nc);
            }
            AggFunc::Quantize => {
                let v = val.unwrap();
                quantize_index(a, v);
                bucket_add(a, ptr, incr);
            }
            AggFunc::Lquantize { base, limit, step } => {
                let v = val.unwrap();
                let levels = (limit - base) / step;
                let (lo, hi, done) = (a.label(), a.label(), a.label());
                a.emit(Insn::mov64_reg(R2, v));
                emit_ld64(a, R3, *base as u64);
                a.jmp_reg(BPF_JSLT, R2, R3, lo);
                emit_ld64(a, R3, *limit as u64);
                a.jmp_reg(BPF_JSGE, R2, R3, hi);
                emit_ld64(a, R3, *base as u64);
                a.emit(Insn::alu64_reg(BPF_SUB, R2, R3));
                emit_ld64(a, R3, *step as u64);
                a.emit(Insn::alu64_reg(BPF_DIV, R2, R3));
                a.emit(Insn::alu64_imm(BPF_ADD, R2, 1));
                a.ja(done);
                a.bind(lo);
                a.emit(Insn::mov64_imm(R2, 0));
                a.ja(done);
                a.bind(hi);
                a.emit(Insn::mov64_imm(R2, levels as i32 + 1));
                a.bind(done);
                let ok = a.label();
                a.jmp_imm(BPF_JLE, R2, levels as i32 + 1, ok);
                a.emit(Insn::mov64_imm(R2, levels as i32 + 1));
                a.bind(ok);
                bucket_add(a, ptr, incr);
            }
            AggFunc::Llquantize { factor, low, high, nsteps } => {
                let v = val.unwrap();
                let segs = llquantize_segments(*factor, *low, *high, *nsteps);
                let nb = llquantize_buckets(*factor, *low, *high, *nsteps) as i32;
                // Segments ascend: stop at the first start above v.
                let done = a.label();
                a.emit(Insn::mov64_imm(R2, segs[0].1 as i32));
                for (start, b) in &segs[1..] {
                    emit_ld64(a, R3, *start as u64);
                    a.jmp_reg(BPF_JSLT, v, R3, done);
                    a.emit(Insn::mov64_imm(R2, *b as i32));
                }
                a.bind(done);
                let ok = a.label();
                a.jmp_imm(BPF_JLE, R2, nb - 1, ok);
                a.emit(Insn::mov64_imm(R2, nb - 1));
                a.bind(ok);
                bucket_add(a, ptr, incr);
            }
        }
        self.free(f, ptr);
        if let Some(v) = val {
            self.free(f, v);
        }
        if let Some(v) = incr {
            self.free(f, v);
        }
        Ok(())
    }

    fn tmp_ptr_a(a: &mut Asm, reg: Reg, off: u32) {
        a.emit(Insn::ldx(BPF_DW, reg, FP, SLOT_TMP));
        if off != 0 {
            a.emit(Insn::alu64_imm(BPF_ADD, reg, off as i32));
        }
    }

    /// Builds a tuple key in the temp area (ints as 8 bytes, strings as
    /// zero-padded strsize buffers); returns its offset.
    fn build_tuple(&mut self, f: &mut Fn, line: u32, keys: &[Expr], types: &[Type]) -> R<u32> {
        let size = self.tuple_size(types);
        let base = self.tmp(f, size);
        let mut off = base;
        for (k, t) in keys.iter().zip(types) {
            if let Type::Stack { user, frames } = *t {
                Self::tmp_ptr(f, R2, off);
                Self::get_stack(f, user, frames);
                off += self.value_size(t);
                continue;
            }
            if let Type::Sym(kind) = *t {
                let ExprKind::Call { args, .. } = &k.kind else { unreachable!() };
                let r = self.expr(f, &args[0])?;
                Self::tmp_ptr(f, R1, off);
                Self::store_sym(f, kind, r);
                self.free(f, r);
                off += self.value_size(t);
                continue;
            }
            let r = self.expr(f, k)?;
            if t.is_str() {
                // Zeroed first: bytes past the NUL are part of the key.
                let slot = self.value_size(t);
                Self::tmp_ptr(f, R1, off);
                for i in 0..(slot / 8) {
                    f.asm.emit(Insn::st_imm(BPF_DW, R1, (i * 8) as i16, 0));
                }
                f.asm.emit(Insn::mov64_imm(R2, self.strsize as i32));
                f.asm.emit(Insn::mov64_reg(R3, r));
                f.asm.emit(Insn::call(H_READ_KERNEL_STR));
                off += slot;
            } else {
                Self::tmp_ptr(f, R1, off);
                f.asm.emit(Insn::stx(BPF_DW, R1, r, 0));
                off += 8;
            }
            self.free(f, r);
        }
        if off == base {
            Self::tmp_ptr(f, R1, base);
            f.asm.emit(Insn::st_imm(BPF_DW, R1, 0, 0));
        }
        let _ = line;
        Ok(base)
    }

    // ---- expressions -------------------------------------------------------

    /// Evaluates `e` into a fresh pool register. When at most one register
    /// is free for a compound expression, the values held in the others
    /// are spilled to stack slots around it and reloaded into the same
    /// registers, so that any expression compiles with the four of them.
    fn expr(&mut self, f: &mut Fn, e: &Expr) -> R<Reg> {
        let simple = matches!(
            e.kind,
            ExprKind::Int { .. } | ExprKind::Char(_) | ExprKind::Str(_) | ExprKind::SelfVar(_) | ExprKind::ThisVar(_)
        );
        let live: Vec<Reg> = POOL.iter().zip(f.free).filter(|(_, free)| !free).map(|(&r, _)| r).collect();
        if simple || Self::nfree(f) >= 2 || live.len() == POOL.len() {
            return self.expr_here(f, e);
        }
        let top = f.stack_top;
        let mut slots = Vec::new();
        for &r in &live {
            let slot = self.stack_slot(f, e.line)?;
            f.asm.emit(Insn::stx(BPF_DW, FP, r, slot));
            self.free(f, r);
            slots.push(slot);
        }
        let spilled_top = f.stack_top;
        let mut v = self.expr_here(f, e)?;
        if live.contains(&v) {
            // The result must not be in a register about to be reloaded.
            let Some(to) = POOL.iter().copied().find(|r| !live.contains(r)) else { unreachable!("a register is free") };
            self.take(f, to, e.line)?;
            f.asm.emit(Insn::mov64_reg(to, v));
            self.free(f, v);
            v = to;
        }
        for (&r, &slot) in live.iter().zip(&slots) {
            self.take(f, r, e.line)?;
            f.asm.emit(Insn::ldx(BPF_DW, r, FP, slot));
        }
        // The slots are free again unless something took stack after them.
        if f.stack_top == spilled_top {
            f.stack_top = top;
        }
        Ok(v)
    }

    /// [`expr`](Self::expr), with the registers there are.
    fn expr_here(&mut self, f: &mut Fn, e: &Expr) -> R<Reg> {
        let line = e.line;
        // Inlines can expand a short text into any amount of code: stop at
        // what no BPF program can hold.
        if f.asm.len() > BPF_MAX_INSNS {
            return Err(CompileError::nowhere("D_PROG", "BPF program exceeds maximum program size"));
        }
        match &e.kind {
            ExprKind::Int { value, .. } => {
                let r = self.alloc(f, line)?;
                emit_ld64(&mut f.asm, r, *value);
                Ok(r)
            }
            ExprKind::Char(c) => {
                let r = self.alloc(f, line)?;
                emit_ld64(&mut f.asm, r, *c as u64);
                Ok(r)
            }
            ExprKind::Str(s) => {
                let off = self.intern(s);
                let r = self.alloc(f, line)?;
                Self::strtab_ptr(f, r, off);
                Ok(r)
            }
            ExprKind::Ident(n) => self.ident(f, line, n),
            ExprKind::SelfVar(n) => {
                let v = self.env.sema.syms.var(VarClass::SelfVar, n).unwrap().clone();
                let m = self.self_maps[v.id];
                self.tid_key(f);
                self.load_dyn(f, line, m, KeyAt::Stack(SLOT_A), &v.ty)
            }
            ExprKind::ThisVar(n) => {
                let v = self.env.sema.syms.var(VarClass::ThisVar, n).unwrap().clone();
                let r = self.alloc(f, line)?;
                if let Some(&off) = f.this_str.get(&v.id) {
                    // A string or struct: its address.
                    Self::tmp_ptr(f, r, off);
                } else {
                    f.asm.emit(Insn::ldx(BPF_DW, r, FP, f.this_slots[&v.id]));
                }
                Ok(r)
            }
            ExprKind::Index { base, keys } => {
                let n = match &base.kind {
                    ExprKind::Ident(n) if n == "args" || self.env.sema.syms.var(VarClass::Assoc, n).is_some() => n,
                    ExprKind::Ident(n) if n == "uregs" => return self.uregs(f, line, &keys[0]),
                    _ => return self.load_place(f, e),
                };
                if n == "args" {
                    let idx = self.env.sema.const_eval(&keys[0]).ok_or_else(|| {
                        CompileError::new(line, "D_ARGS_IDX", "args[ ] index must be an integer constant")
                    })?;
                    if !(0..10).contains(&idx) {
                        return Err(CompileError::new(
                            line,
                            "D_ARGS_IDX",
                            format!("index {} is out of range for args[ ]", idx),
                        ));
                    }
                    let r = self.arg(f, line, idx as usize)?;
                    // Typed arguments narrower than a register.
                    if let Type::Int { size, signed } = self.env.sema.type_of(e)? {
                        normalize(&mut f.asm, r, size, signed);
                    }
                    return Ok(r);
                }
                let v = self.env.sema.syms.var(VarClass::Assoc, n).unwrap().clone();
                let m = self.assoc_maps[v.id];
                let koff = self.build_tuple(f, line, keys, &v.keys)?;
                self.load_dyn(f, line, m, KeyAt::Tmp(koff), &v.ty)
            }
            ExprKind::Call { name, args } => self.subroutine(f, line, name, args),
            ExprKind::Unary { op, expr } => self.unary(f, e, *op, expr),
            ExprKind::Binary { op, lhs, rhs } => self.binary(f, e, *op, lhs, rhs),
            ExprKind::Assign { op, lhs, rhs } => self.assign(f, line, *op, lhs, rhs),
            ExprKind::Ternary { cond, then, els } => {
                let c = self.expr(f, cond)?;
                let l_else = f.asm.label();
                let l_end = f.asm.label();
                f.asm.jmp_imm(BPF_JEQ, c, 0, l_else);
                self.free(f, c);
                // Both arms leave their value in the same register.
                let t = self.expr(f, then)?;
                let rt = self.env.sema.type_of(e)?;
                self.convert(f, t, &self.env.sema.type_of(then)?, &rt);
                f.asm.ja(l_end);
                f.asm.bind(l_else);
                self.free(f, t);
                let el = self.expr(f, els)?;
                self.convert(f, el, &self.env.sema.type_of(els)?, &rt);
                if el != t {
                    f.asm.emit(Insn::mov64_reg(t, el));
                    self.free(f, el);
                    let i = POOL.iter().position(|&p| p == t).unwrap();
                    f.free[i] = false;
                }
                f.asm.bind(l_end);
                Ok(t)
            }
            ExprKind::Member { .. } | ExprKind::Arrow { .. } => self.load_place(f, e),
            ExprKind::Cast { ty, expr } => {
                let from = self.env.sema.type_of(expr)?;
                let to = self.env.sema.resolve_type(ty, line)?;
                let r = self.expr(f, expr)?;
                self.convert(f, r, &from, &to);
                Ok(r)
            }
            ExprKind::SizeofType(_) | ExprKind::SizeofExpr(_) | ExprKind::Offsetof { .. } => {
                let n = self.env.sema.sizeof(e)?;
                let r = self.alloc(f, line)?;
                emit_ld64(&mut f.asm, r, n);
                Ok(r)
            }
            ExprKind::Stringof(x) => self.stringof(f, line, x),
            ExprKind::Macro(_) | ExprKind::MacroStr(_) | ExprKind::Agg(_) | ExprKind::AggAssign { .. } => {
                self.env.sema.type_of(e)?;
                Err(CompileError::new(line, "D_UNSUPPORTED", "expression cannot be used as a value"))
            }
            _ => {
                self.env.sema.type_of(e)?;
                Err(CompileError::new(line, "D_UNSUPPORTED", "this expression is not supported yet"))
            }
        }
    }

    /// Converts the value in `r` from one integer type to another (C casts).
    fn convert(&mut self, f: &mut Fn, r: Reg, from: &Type, to: &Type) {
        let _ = from;
        if let Type::Int { size, signed } = to {
            normalize(&mut f.asm, r, *size, *signed);
        }
    }

    fn ident(&mut self, f: &mut Fn, line: u32, n: &str) -> R<Reg> {
        if let Some(idx) = n.strip_prefix("arg").and_then(|d| d.parse::<usize>().ok()) {
            if n.len() == 4 {
                return self.arg(f, line, idx);
            }
        }
        if crate::lang::sema::builtin_type(n).is_some() {
            return self.builtin(f, line, n);
        }
        if let Some(v) = self.env.sema.syms.var(VarClass::Global, n) {
            // Strings and arrays are used in place: their address.
            let (off, is_str) = (self.global_off[v.id], v.ty.is_str() || v.ty.is_aggregate());
            let r = self.alloc(f, line)?;
            lookup_fixed(&mut f.asm, MAP_GLOBALS);
            f.asm.jmp_imm(BPF_JEQ, R0, 0, f.clause_end.unwrap());
            if is_str {
                f.asm.emit(Insn::mov64_reg(r, R0));
                f.asm.emit(Insn::alu64_imm(BPF_ADD, r, off as i32));
            } else {
                f.asm.emit(Insn::ldx(BPF_DW, r, R0, off as i16));
            }
            return Ok(r);
        }
        let sema = self.env.sema;
        if let Some(e) = sema.inlines.get(n) {
            return self.expr(f, e);
        }
        if let Some(v) = self.env.sema.const_eval(&Expr::new(ExprKind::Ident(n.to_string()), line)) {
            let r = self.alloc(f, line)?;
            emit_ld64(&mut f.asm, r, v as u64);
            return Ok(r);
        }
        self.env.sema.type_of(&Expr::new(ExprKind::Ident(n.to_string()), line))?;
        Err(CompileError::new(line, "D_IDENT_UNDEF", format!("failed to resolve {}: Unknown variable name", n)))
    }

    /// argN for the current attach point.
    fn arg(&mut self, f: &mut Fn, line: u32, i: usize) -> R<Reg> {
        let r = self.alloc(f, line)?;
        let a = &mut f.asm;
        if let Some(epid) = f.in_error {
            // ERROR: arg1 epid, arg2 action, arg3 offset (the BPF pc),
            // arg4 fault type, arg5 faulting address/value.
            match i {
                1 => a.emit(Insn::mov64_imm(r, epid as i32)),
                2 => {
                    a.emit(Insn::ldx(BPF_DW, r, FP, SLOT_ERR_CODE));
                    a.emit(Insn::alu64_imm(BPF_RSH, r, 16));
                    a.emit(Insn::alu64_imm(BPF_AND, r, 0xffff));
                }
                3 => {
                    a.emit(Insn::ldx(BPF_DW, r, FP, SLOT_ERR_CODE));
                    a.emit(Insn::alu64_imm(BPF_RSH, r, 32));
                }
                4 => {
                    a.emit(Insn::ldx(BPF_DW, r, FP, SLOT_ERR_CODE));
                    a.emit(Insn::alu64_imm(BPF_AND, r, 0xffff));
                }
                5 => a.emit(Insn::ldx(BPF_DW, r, FP, SLOT_ERR_VALUE)),
                _ => a.emit(Insn::mov64_imm(r, 0)),
            }
            return Ok(r);
        }
        match f.attach {
            Attach::SysEnter if i < 6 => {
                a.emit(Insn::ldx(BPF_DW, R3, FP, SLOT_CTX));
                a.emit(Insn::ldx(BPF_DW, R3, R3, 0));
                a.emit(Insn::alu64_imm(BPF_ADD, R3, SYSCALL_ARG_REGS[i] as i32));
                a.emit(Insn::mov64_reg(R1, FP));
                a.emit(Insn::alu64_imm(BPF_ADD, R1, SLOT_B as i32));
                a.emit(Insn::mov64_imm(R2, 8));
                a.emit(Insn::call(H_READ_KERNEL));
                a.emit(Insn::ldx(BPF_DW, r, FP, SLOT_B));
            }
            Attach::SysExit if i < 2 => {
                a.emit(Insn::ldx(BPF_DW, r, FP, SLOT_CTX));
                a.emit(Insn::ldx(BPF_DW, r, r, 8));
            }
            Attach::FbtEntry if i < 6 => {
                a.emit(Insn::ldx(BPF_DW, r, FP, SLOT_CTX));
                a.emit(Insn::ldx(BPF_DW, r, r, CALL_ARG_REGS[i]));
            }
            // fentry: the arguments as the trampoline saved them.
            Attach::Fentry { nargs, ret: false, .. } if (i as u32) < nargs => {
                a.emit(Insn::ldx(BPF_DW, r, FP, SLOT_CTX));
                a.emit(Insn::ldx(BPF_DW, r, r, 8 * i as i16));
            }
            // fexit: the return value follows the arguments.
            Attach::Fentry { nargs, ret: true, .. } if i == 1 => {
                a.emit(Insn::ldx(BPF_DW, r, FP, SLOT_CTX));
                a.emit(Insn::ldx(BPF_DW, r, r, 8 * nargs as i16));
            }
            // fbt return: arg1 is the return value (arg0, the return
            // offset, is not known to a kretprobe: 0).
            Attach::FbtReturn if i == 1 => {
                a.emit(Insn::ldx(BPF_DW, r, FP, SLOT_CTX));
                a.emit(Insn::ldx(BPF_DW, r, r, PT_REGS_AX));
            }
            Attach::Timer { .. } if i < 2 => {
                // arg0: kernel pc (0 in user mode); arg1: user pc (0 in kernel).
                let user = a.label();
                let done = a.label();
                a.emit(Insn::ldx(BPF_DW, R1, FP, SLOT_CTX));
                a.emit(Insn::ldx(BPF_DW, R2, R1, PT_REGS_CS));
                a.emit(Insn::alu64_imm(BPF_AND, R2, 3));
                a.emit(Insn::ldx(BPF_DW, r, R1, PT_REGS_IP));
                a.jmp_imm(BPF_JEQ, R2, 3, user);
                if i == 1 {
                    a.emit(Insn::mov64_imm(r, 0));
                }
                a.ja(done);
                a.bind(user);
                if i == 0 {
                    a.emit(Insn::mov64_imm(r, 0));
                }
                a.bind(done);
            }
            _ => a.emit(Insn::mov64_imm(r, 0)),
        }
        Ok(r)
    }

    fn builtin(&mut self, f: &mut Fn, line: u32, n: &str) -> R<Reg> {
        let r = self.alloc(f, line)?;
        let strsize = self.strsize;
        match n {
            "pid" | "tid" => {
                f.asm.emit(Insn::call(H_PID_TGID));
                f.asm.emit(Insn::mov64_reg(r, R0));
                if n == "pid" {
                    f.asm.emit(Insn::alu64_imm(BPF_RSH, r, 32));
                } else {
                    f.asm.emit(Insn::alu32_imm(BPF_MOV, r, 0));
                    f.asm.emit(Insn::alu32_reg(BPF_MOV, r, R0));
                }
            }
            "uid" | "gid" => {
                f.asm.emit(Insn::call(H_UID_GID));
                f.asm.emit(Insn::mov64_reg(r, R0));
                if n == "gid" {
                    f.asm.emit(Insn::alu64_imm(BPF_RSH, r, 32));
                } else {
                    f.asm.emit(Insn::alu32_reg(BPF_MOV, r, R0));
                }
            }
            "cpu" => {
                f.asm.emit(Insn::call(H_SMP_ID));
                f.asm.emit(Insn::mov64_reg(r, R0));
            }
            "timestamp" | "vtimestamp" => {
                f.asm.emit(Insn::call(H_KTIME));
                f.asm.emit(Insn::mov64_reg(r, R0));
            }
            "walltimestamp" => {
                f.asm.emit(Insn::call(H_KTIME));
                emit_ld64(&mut f.asm, r, self.env.wall_offset_ns as u64);
                f.asm.emit(Insn::alu64_reg(BPF_ADD, r, R0));
            }
            "curthread" => {
                f.asm.emit(Insn::call(H_CURRENT_TASK));
                f.asm.emit(Insn::mov64_reg(r, R0));
            }
            "errno" => {
                if f.attach == Attach::SysExit {
                    let zero = f.asm.label();
                    let done = f.asm.label();
                    f.asm.emit(Insn::ldx(BPF_DW, r, FP, SLOT_CTX));
                    f.asm.emit(Insn::ldx(BPF_DW, r, r, 8));
                    f.asm.jmp_imm(BPF_JSGE, r, 0, zero);
                    f.asm.jmp_imm(BPF_JSLT, r, -4095, zero);
                    f.asm.emit(Insn::neg64(r));
                    f.asm.ja(done);
                    f.asm.bind(zero);
                    f.asm.emit(Insn::mov64_imm(r, 0));
                    f.asm.bind(done);
                } else {
                    f.asm.emit(Insn::mov64_imm(r, 0));
                }
            }
            "id" => match (f.single_probe, &f.attach) {
                (Some(p), _) => f.asm.emit(Insn::mov64_imm(r, p as i32)),
                (None, Attach::FbtEntry | Attach::FbtReturn) => f.asm.emit(Insn::ldx(BPF_DW, r, FP, SLOT_NR)),
                (None, Attach::SysEnter | Attach::SysExit) => {
                    self.sysprobe_used = true;
                    let ret = f.attach == Attach::SysExit;
                    self.sysprobe_lookup(f)?;
                    f.asm.emit(Insn::ldx(BPF_W, r, R0, if ret { 4 } else { 0 }));
                }
                _ => f.asm.emit(Insn::mov64_imm(r, 0)),
            },
            "epid" => f.asm.emit(Insn::mov64_imm(r, f.epid as i32)),
            "execname" => {
                // The kernel writes all of comm (16 bytes); a smaller
                // strsize cuts it.
                let off = self.tmp(f, strsize.max(COMM_LEN));
                Self::tmp_ptr(f, R1, off);
                f.asm.emit(Insn::mov64_imm(R2, COMM_LEN as i32));
                f.asm.emit(Insn::call(H_COMM));
                if strsize < COMM_LEN {
                    Self::tmp_ptr(f, R1, off);
                    f.asm.emit(Insn::st_imm(BPF_B, R1, strsize as i16 - 1, 0));
                }
                Self::tmp_ptr(f, r, off);
            }
            "probeprov" | "probemod" | "probefunc" | "probename" => {
                let text = match (f.single_probe, &f.attach) {
                    (Some(p), _) => {
                        let p = self.env.catalog.get(p).unwrap();
                        Some(match n {
                            "probeprov" => p.provider.clone(),
                            "probemod" => p.module.clone(),
                            "probefunc" => p.function.clone(),
                            _ => p.name.clone(),
                        })
                    }
                    (None, at @ (Attach::FbtEntry | Attach::FbtReturn)) => match n {
                        "probeprov" => Some("fbt".into()),
                        "probename" => Some(if *at == Attach::FbtReturn { "return" } else { "entry" }.into()),
                        _ => None,
                    },
                    (None, at) => match n {
                        "probeprov" => Some("syscall".into()),
                        "probemod" => Some("vmlinux".into()),
                        "probename" => Some(if *at == Attach::SysExit { "return" } else { "entry" }.into()),
                        _ => None,
                    },
                };
                match text {
                    Some(t) => {
                        let off = self.intern(t.as_bytes());
                        Self::strtab_ptr(f, r, off);
                    }
                    None if matches!(f.attach, Attach::FbtEntry | Attach::FbtReturn) => {
                        self.probeinfo_used = true;
                        let off = self.tmp(f, strsize);
                        let a = &mut f.asm;
                        a.emit2(Insn::ld_map_fd(R1, MAP_PROBEINFO as i32));
                        a.emit(Insn::mov64_reg(R2, FP));
                        a.emit(Insn::alu64_imm(BPF_ADD, R2, SLOT_NR as i32));
                        a.emit(Insn::call(H_MAP_LOOKUP));
                        a.jmp_imm(BPF_JEQ, R0, 0, f.clause_end.unwrap());
                        a.emit(Insn::mov64_reg(R3, R0));
                        if n == "probemod" {
                            a.emit(Insn::alu64_imm(BPF_ADD, R3, PROBEINFO_MOD_OFF as i32));
                        }
                        Self::tmp_ptr(f, R1, off);
                        f.asm.emit(Insn::mov64_imm(R2, PROBEINFO_MOD_OFF.min(strsize) as i32));
                        f.asm.emit(Insn::call(H_READ_KERNEL_STR));
                        Self::tmp_ptr(f, r, off);
                    }
                    None => {
                        self.sysprobe_used = true;
                        let off = self.tmp(f, strsize);
                        self.sysprobe_lookup(f)?;
                        f.asm.emit(Insn::mov64_reg(R3, R0));
                        f.asm.emit(Insn::alu64_imm(BPF_ADD, R3, SYSPROBE_NAME_OFF as i32));
                        Self::tmp_ptr(f, R1, off);
                        f.asm.emit(Insn::mov64_imm(R2, (SYSPROBE_VALUE - SYSPROBE_NAME_OFF).min(strsize) as i32));
                        f.asm.emit(Insn::call(H_READ_KERNEL_STR));
                        Self::tmp_ptr(f, r, off);
                    }
                }
            }
            "ppid" => {
                let (Some(parent), Some(tgid)) = (
                    self.env.kernel_offset("task_struct", &["real_parent"]),
                    self.env.kernel_offset("task_struct", &["tgid"]),
                ) else {
                    return Err(CompileError::new(
                        line,
                        "D_UNSUPPORTED",
                        "ppid needs kernel type information (BTF), which this kernel does not provide",
                    ));
                };
                // curthread->real_parent->tgid, read safely.
                let a = &mut f.asm;
                a.emit(Insn::call(H_CURRENT_TASK));
                a.emit(Insn::mov64_reg(R3, R0));
                a.emit(Insn::alu64_imm(BPF_ADD, R3, parent as i32));
                a.emit(Insn::mov64_reg(R1, FP));
                a.emit(Insn::alu64_imm(BPF_ADD, R1, SLOT_B as i32));
                a.emit(Insn::mov64_imm(R2, 8));
                a.emit(Insn::call(H_READ_KERNEL));
                a.emit(Insn::ldx(BPF_DW, R3, FP, SLOT_B));
                a.emit(Insn::alu64_imm(BPF_ADD, R3, tgid as i32));
                a.emit(Insn::st_imm(BPF_DW, FP, SLOT_B, 0));
                a.emit(Insn::mov64_reg(R1, FP));
                a.emit(Insn::alu64_imm(BPF_ADD, R1, SLOT_B as i32));
                a.emit(Insn::mov64_imm(R2, 4));
                a.emit(Insn::call(H_READ_KERNEL));
                a.emit(Insn::ldx(BPF_W, r, FP, SLOT_B));
                normalize(a, r, 4, true);
            }
            "stackdepth" | "ustackdepth" => {
                self.free(f, r);
                return self.stack_depth(f, line, n == "ustackdepth");
            }
            "caller" | "ucaller" => {
                // The pc just before the probe: the frame after the probed
                // function's own for a function entry; a return probe's
                // stack starts at the caller already. ucaller: the user pc.
                let user = n == "ucaller";
                let idx = match f.attach {
                    Attach::FbtEntry | Attach::Fentry { ret: false, .. } if !user => 1,
                    _ => 0,
                };
                let off = self.tmp(f, 16);
                Self::tmp_ptr(f, R2, off);
                f.asm.emit(Insn::st_imm(BPF_DW, R2, 8 * idx, 0));
                Self::stack_frames(f, user, 2);
                Self::tmp_ptr(f, r, off);
                f.asm.emit(Insn::ldx(BPF_DW, r, r, 8 * idx));
            }
            "uregs" => {
                return Err(CompileError::new(line, "D_UREGS_IDX", "uregs[ ] is an array: index it, as in uregs[R_PC]"));
            }
            "cwd" | "root" => {
                self.free(f, r);
                return self.fs_path(f, line, n);
            }
            "ipl" => {
                self.free(f, r);
                return self.ipl(f, line);
            }
            "zonename" => {
                return Err(CompileError::new(
                    line,
                    "D_UNSUPPORTED",
                    "built-in variable zonename is not available: Linux has no zones",
                ));
            }
            _ => {
                return Err(CompileError::new(
                    line,
                    "D_IDENT_UNDEF",
                    format!("failed to resolve {}: Unknown variable name", n),
                ))
            }
        }
        Ok(r)
    }

    /// r0 = &dt_sysprobe[current syscall number] (skips the clause if absent).
    fn sysprobe_lookup(&mut self, f: &mut Fn) -> R<()> {
        let a = &mut f.asm;
        a.emit2(Insn::ld_map_fd(R1, MAP_SYSPROBE as i32));
        a.emit(Insn::mov64_reg(R2, FP));
        a.emit(Insn::alu64_imm(BPF_ADD, R2, SLOT_NR as i32));
        a.emit(Insn::call(H_MAP_LOOKUP));
        a.jmp_imm(BPF_JEQ, R0, 0, f.clause_end.unwrap());
        Ok(())
    }

    /// Stores the current thread's key (pid_tgid) at SLOT_A.
    fn tid_key(&mut self, f: &mut Fn) {
        f.asm.emit(Insn::call(H_PID_TGID));
        f.asm.emit(Insn::stx(BPF_DW, FP, R0, SLOT_A));
    }

    /// Loads a dynamic variable (self-> or associative array element);
    /// missing entries read as 0 or "".
    fn load_dyn(&mut self, f: &mut Fn, line: u32, map: usize, key: KeyAt, ty: &Type) -> R<Reg> {
        let r = self.alloc(f, line)?;
        // Strings and structs are used in place; a missing one reads as ""
        // or as zeros (a read-only copy in the string table).
        let empty = match ty {
            Type::Str => Some(self.intern(b"")),
            Type::Struct(_) => Some(self.zeros(self.value_size(ty))),
            _ => None,
        };
        let a = &mut f.asm;
        a.emit2(Insn::ld_map_fd(R1, map as i32));
        key.ptr(a, R2);
        a.emit(Insn::call(H_MAP_LOOKUP));
        let missing = a.label();
        let done = a.label();
        a.jmp_imm(BPF_JEQ, R0, 0, missing);
        if empty.is_some() {
            a.emit(Insn::mov64_reg(r, R0));
        } else {
            a.emit(Insn::ldx(BPF_DW, r, R0, 0));
        }
        a.ja(done);
        a.bind(missing);
        match empty {
            Some(off) => Self::strtab_ptr(f, r, off),
            None => f.asm.emit(Insn::mov64_imm(r, 0)),
        }
        f.asm.bind(done);
        Ok(r)
    }

    fn unary(&mut self, f: &mut Fn, e: &Expr, op: UnOp, x: &Expr) -> R<Reg> {
        let rt = self.env.sema.type_of(e)?;
        match op {
            UnOp::PreInc | UnOp::PreDec | UnOp::PostInc | UnOp::PostDec => {
                let one = Expr::new(ExprKind::Int { value: 1, unsigned: false, long: 0, nondecimal: false }, e.line);
                let bop = if matches!(op, UnOp::PreInc | UnOp::PostInc) { BinOp::Add } else { BinOp::Sub };
                let new = self.assign(f, e.line, Some(bop), x, &one)?;
                if matches!(op, UnOp::PostInc | UnOp::PostDec) {
                    let inv = if bop == BinOp::Add { BPF_SUB } else { BPF_ADD };
                    f.asm.emit(Insn::alu64_imm(inv, new, 1));
                    self.convert(f, new, &rt, &rt);
                }
                return Ok(new);
            }
            UnOp::Deref => return self.load_place(f, e),
            UnOp::AddrOf => {
                let (r, _) = self.place(f, x)?;
                return Ok(r);
            }
            _ => {}
        }
        let r = self.expr(f, x)?;
        let a = &mut f.asm;
        match op {
            UnOp::Neg => a.emit(Insn::neg64(r)),
            UnOp::BitNot => a.emit(Insn::alu64_imm(BPF_XOR, r, -1)),
            UnOp::Not => {
                let z = a.label();
                let d = a.label();
                a.jmp_imm(BPF_JEQ, r, 0, z);
                a.emit(Insn::mov64_imm(r, 0));
                a.ja(d);
                a.bind(z);
                a.emit(Insn::mov64_imm(r, 1));
                a.bind(d);
            }
            _ => {}
        }
        self.convert(f, r, &rt, &rt);
        Ok(r)
    }

    fn binary(&mut self, f: &mut Fn, e: &Expr, op: BinOp, lhs: &Expr, rhs: &Expr) -> R<Reg> {
        let lt = self.env.sema.type_of(lhs)?;
        let rt = self.env.sema.type_of(rhs)?;
        let res = self.env.sema.type_of(e)?;
        match op {
            BinOp::LogAnd | BinOp::LogOr => {
                let l = self.expr(f, lhs)?;
                let short = f.asm.label();
                let done = f.asm.label();
                let (jop, val) = if op == BinOp::LogAnd { (BPF_JEQ, 0) } else { (BPF_JNE, 1) };
                f.asm.jmp_imm(jop, l, 0, short);
                let r = self.expr(f, rhs)?;
                f.asm.emit(Insn::mov64_imm(l, 1));
                f.asm.jmp_imm(BPF_JNE, r, 0, done);
                f.asm.emit(Insn::mov64_imm(l, 0));
                f.asm.ja(done);
                self.free(f, r);
                f.asm.bind(short);
                f.asm.emit(Insn::mov64_imm(l, val));
                f.asm.bind(done);
                return Ok(l);
            }
            BinOp::Comma => {
                let l = self.expr(f, lhs)?;
                self.free(f, l);
                return self.expr(f, rhs);
            }
            _ => {}
        }
        if let (BinOp::Eq | BinOp::Ne, Some(s)) = (op, self.env.sema.null_comparison(lhs, rhs)) {
            return self.null_test(f, s, op == BinOp::Eq);
        }
        if lt.is_str() || rt.is_str() {
            let l = self.str_expr(f, lhs)?;
            let (l, r) = self.second_operand_with(f, l, rhs, true)?;
            self.strcmp(f, l, r);
            self.free(f, r);
            let cmp = match op {
                BinOp::Eq => BPF_JEQ,
                BinOp::Ne => BPF_JNE,
                BinOp::Lt => BPF_JSLT,
                BinOp::Le => BPF_JSLE,
                BinOp::Gt => BPF_JSGT,
                _ => BPF_JSGE,
            };
            set_bool(&mut f.asm, cmp, l, None, 0);
            return Ok(l);
        }
        let l = self.expr(f, lhs)?;
        let (l, r) = self.second_operand(f, l, rhs)?;
        if matches!(op, BinOp::Add | BinOp::Sub) && (lt.target().is_some() || rt.target().is_some()) {
            self.pointer_arith(f, op, l, &lt, r, &rt);
            self.free(f, r);
            return Ok(l);
        }
        let common = arith_result(&lt, &rt);
        let signed = common.is_signed();
        let a = &mut f.asm;
        match op {
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor | BinOp::Shl => {
                let o = match op {
                    BinOp::Add => BPF_ADD,
                    BinOp::Sub => BPF_SUB,
                    BinOp::Mul => BPF_MUL,
                    BinOp::BitAnd => BPF_AND,
                    BinOp::BitOr => BPF_OR,
                    BinOp::BitXor => BPF_XOR,
                    _ => BPF_LSH,
                };
                a.emit(Insn::alu64_reg(o, l, r));
            }
            BinOp::Shr => {
                let o = if lt.promoted().is_signed() { BPF_ARSH } else { BPF_RSH };
                a.emit(Insn::alu64_reg(o, l, r));
            }
            BinOp::Div | BinOp::Mod => {
                self.fault_if(f, BPF_JEQ, r, 0, FLT_DIVZERO, None);
                signed_divmod(&mut f.asm, l, r, op == BinOp::Mod, signed);
            }
            _ => {
                let cmp = match (op, signed) {
                    (BinOp::Eq, _) => BPF_JEQ,
                    (BinOp::Ne, _) => BPF_JNE,
                    (BinOp::Lt, true) => BPF_JSLT,
                    (BinOp::Le, true) => BPF_JSLE,
                    (BinOp::Gt, true) => BPF_JSGT,
                    (BinOp::Ge, true) => BPF_JSGE,
                    (BinOp::Lt, false) => BPF_JLT,
                    (BinOp::Le, false) => BPF_JLE,
                    (BinOp::Gt, false) => BPF_JGT,
                    (BinOp::Ge, false) => BPF_JGE,
                    (BinOp::LogXor, _) => {
                        // (l != 0) != (r != 0)
                        set_bool(a, BPF_JNE, l, None, 0);
                        set_bool(a, BPF_JNE, r, None, 0);
                        BPF_JNE
                    }
                    _ => BPF_JEQ,
                };
                set_bool(&mut f.asm, cmp, l, Some(r), 0);
                self.free(f, r);
                return Ok(l);
            }
        }
        self.free(f, r);
        self.convert(f, l, &res, &res);
        Ok(l)
    }

    /// Evaluates the right operand while the left one is live, spilling
    /// the left one when registers run short.
    fn second_operand(&mut self, f: &mut Fn, l: Reg, rhs: &Expr) -> R<(Reg, Reg)> {
        self.second_operand_with(f, l, rhs, false)
    }

    /// `second_operand`, reading `char *`/`char []` as a string if `as_str`.
    fn second_operand_with(&mut self, f: &mut Fn, l: Reg, rhs: &Expr, as_str: bool) -> R<(Reg, Reg)> {
        let eval = |g: &mut Self, f: &mut Fn| {
            if as_str {
                g.str_expr(f, rhs)
            } else {
                g.expr(f, rhs)
            }
        };
        if Self::nfree(f) >= 2 || is_leaf(rhs) {
            let r = eval(self, f)?;
            return Ok((l, r));
        }
        let slot = self.stack_slot(f, rhs.line)?;
        f.asm.emit(Insn::stx(BPF_DW, FP, l, slot));
        self.free(f, l);
        let r = eval(self, f)?;
        let l2 = self.alloc(f, rhs.line)?;
        f.asm.emit(Insn::ldx(BPF_DW, l2, FP, slot));
        Ok((l2, r))
    }

    /// Compares two strings; leaves (a[i] - b[i]) at the first difference in `l`.
    fn strcmp(&mut self, f: &mut Fn, l: Reg, r: Reg) {
        let n = self.strsize as i32;
        let a = &mut f.asm;
        let top = a.label();
        let done = a.label();
        a.emit(Insn::mov64_reg(R1, l));
        a.emit(Insn::mov64_reg(R2, r));
        a.emit(Insn::mov64_imm(R3, 0));
        a.bind(top);
        a.emit(Insn::ldx(BPF_B, R4, R1, 0));
        a.emit(Insn::ldx(BPF_B, R5, R2, 0));
        a.jmp_reg(BPF_JNE, R4, R5, done);
        a.jmp_imm(BPF_JEQ, R4, 0, done);
        a.emit(Insn::alu64_imm(BPF_ADD, R1, 1));
        a.emit(Insn::alu64_imm(BPF_ADD, R2, 1));
        a.emit(Insn::alu64_imm(BPF_ADD, R3, 1));
        a.jmp_imm(BPF_JLT, R3, n - 1, top);
        a.emit(Insn::mov64_imm(R4, 0));
        a.emit(Insn::mov64_imm(R5, 0));
        a.bind(done);
        a.emit(Insn::mov64_reg(l, R4));
        a.emit(Insn::alu64_reg(BPF_SUB, l, R5));
    }

    fn assign(&mut self, f: &mut Fn, line: u32, op: Option<BinOp>, lhs: &Expr, rhs: &Expr) -> R<Reg> {
        let lt = self.env.sema.type_of(lhs)?;
        // A literal 0 deletes a dynamic variable of any type: store it as
        // the integer 0, which store_dyn turns into a delete.
        let deletes = op.is_none() && self.env.sema.deletes_dynvar(lhs, rhs);
        if deletes {
            let v = self.expr(f, rhs)?;
            self.store_var(f, line, lhs, v, false)?;
            return Ok(v);
        }
        // The new value: rhs, or lhs op rhs.
        let v = match op {
            None => {
                let r = if lt.is_str() { self.str_expr(f, rhs)? } else { self.expr(f, rhs)? };
                let rt = self.env.sema.type_of(rhs)?;
                self.convert(f, r, &rt, &lt);
                r
            }
            Some(bop) => {
                let e = Expr::new(
                    ExprKind::Binary { op: bop, lhs: Box::new(lhs.clone()), rhs: Box::new(rhs.clone()) },
                    line,
                );
                let r = self.expr(f, &e)?;
                self.convert(f, r, &self.env.sema.type_of(&e)?, &lt);
                r
            }
        };
        if self.env.sema.is_memory_lvalue(lhs) {
            self.store_scratch(f, line, lhs, v)?;
            return Ok(v);
        }
        self.store_var(f, line, lhs, v, lt.is_str())?;
        Ok(v)
    }

    /// Stores `v` (a string's address when `is_str`) into variable `lhs`.
    fn store_var(&mut self, f: &mut Fn, line: u32, lhs: &Expr, v: Reg, is_str: bool) -> R<()> {
        match &lhs.kind {
            ExprKind::Ident(n) => {
                let var = self.env.sema.syms.var(VarClass::Global, n).unwrap().clone();
                let off = self.global_off[var.id];
                lookup_fixed(&mut f.asm, MAP_GLOBALS);
                f.asm.jmp_imm(BPF_JEQ, R0, 0, f.clause_end.unwrap());
                if is_str {
                    let a = &mut f.asm;
                    a.emit(Insn::mov64_reg(R1, R0));
                    a.emit(Insn::alu64_imm(BPF_ADD, R1, off as i32));
                    a.emit(Insn::mov64_imm(R2, self.strsize as i32));
                    a.emit(Insn::mov64_reg(R3, v));
                    a.emit(Insn::call(H_READ_KERNEL_STR));
                    let end = f.clause_end.unwrap();
                    self.keep_null_mark(
                        f,
                        |f| {
                            lookup_fixed(&mut f.asm, MAP_GLOBALS);
                            f.asm.jmp_imm(BPF_JEQ, R0, 0, end);
                            f.asm.emit(Insn::mov64_reg(R1, R0));
                            f.asm.emit(Insn::alu64_imm(BPF_ADD, R1, off as i32));
                        },
                        v,
                    );
                } else {
                    f.asm.emit(Insn::stx(BPF_DW, R0, v, off as i16));
                }
            }
            ExprKind::ThisVar(n) => {
                let var = self.env.sema.syms.var(VarClass::ThisVar, n).unwrap().clone();
                if is_str {
                    let off = f.this_str[&var.id];
                    self.store_string(f, |f| Self::tmp_ptr(f, R1, off), v);
                } else {
                    f.asm.emit(Insn::stx(BPF_DW, FP, v, f.this_slots[&var.id]));
                }
            }
            ExprKind::SelfVar(n) => {
                let var = self.env.sema.syms.var(VarClass::SelfVar, n).unwrap().clone();
                let m = self.self_maps[var.id];
                self.tid_key(f);
                self.store_dyn(f, m, KeyAt::Stack(SLOT_A), v, is_str);
            }
            ExprKind::Index { base, .. } if !matches!(&base.kind, ExprKind::Ident(n) if self.env.sema.syms.var(VarClass::Assoc, n).is_some()) =>
            {
                self.store_place(f, line, lhs, v)?;
            }
            ExprKind::Member { .. } => self.store_member(f, line, lhs, v)?,
            ExprKind::Index { base, keys } => {
                let ExprKind::Ident(n) = &base.kind else { unreachable!() };
                let var = self.env.sema.syms.var(VarClass::Assoc, n).unwrap().clone();
                let m = self.assoc_maps[var.id];
                let koff = self.build_tuple(f, line, keys, &var.keys)?;
                self.store_dyn(f, m, KeyAt::Tmp(koff), v, is_str);
            }
            _ => {
                return Err(CompileError::new(
                    line,
                    "D_OP_LVAL",
                    "operator = requires a writable variable as its left-hand operand",
                ))
            }
        }
        Ok(())
    }

    /// `s == NULL` (`eq`) or `s != NULL` for string s: whether it is the
    /// NULL string (an empty string with the NULL mark after it).
    fn null_test(&mut self, f: &mut Fn, s: &Expr, eq: bool) -> R<Reg> {
        let r = self.expr(f, s)?;
        let buf = self.tmp(f, 16);
        Self::tmp_ptr(f, R1, buf);
        let a = &mut f.asm;
        a.emit(Insn::mov64_imm(R2, 16));
        a.emit(Insn::mov64_reg(R3, r));
        a.emit(Insn::call(H_READ_KERNEL));
        Self::tmp_ptr_a(a, R1, buf);
        a.emit(Insn::ldx(BPF_B, R2, R1, 0));
        a.emit(Insn::ldx(BPF_DW, R3, R1, 8));
        a.emit2(Insn::ld_imm64(R4, subr::NULL_MARK));
        let done = a.label();
        a.emit(Insn::mov64_imm(r, !eq as i32));
        a.jmp_imm(BPF_JNE, R2, 0, done);
        if self.strsize >= subr::NULL_MIN_STRSIZE {
            a.jmp_reg(BPF_JNE, R3, R4, done);
        }
        a.emit(Insn::mov64_imm(r, eq as i32));
        a.bind(done);
        Ok(r)
    }

    /// Copies string `v` into the variable's buffer that `dst` puts in R1
    /// (its NULL mark too).
    fn store_string(&mut self, f: &mut Fn, dst: impl std::ops::Fn(&mut Fn), v: Reg) {
        dst(f);
        f.asm.emit(Insn::mov64_imm(R2, self.strsize as i32));
        f.asm.emit(Insn::mov64_reg(R3, v));
        f.asm.emit(Insn::call(H_READ_KERNEL_STR));
        self.keep_null_mark(f, &dst, v);
    }

    /// After a string was copied into a variable with bpf_probe_read_kernel_str
    /// (which stops at the NUL): copies the NULL mark too, when the program
    /// can make NULL strings. `dst` sets R1 to the variable's buffer.
    fn keep_null_mark(&mut self, f: &mut Fn, dst: impl FnOnce(&mut Fn), v: Reg) {
        if !self.env.sema.null_strings || self.strsize < subr::NULL_MIN_STRSIZE {
            return;
        }
        dst(f);
        let a = &mut f.asm;
        a.emit(Insn::alu64_imm(BPF_ADD, R1, 8));
        a.emit(Insn::mov64_imm(R2, 8));
        a.emit(Insn::mov64_reg(R3, v));
        a.emit(Insn::alu64_imm(BPF_ADD, R3, 8));
        a.emit(Insn::call(H_READ_KERNEL));
    }

    /// Stores into a dynamic variable map; assigning 0 deletes the entry
    /// (DTrace's rule, which frees the variable).
    fn store_dyn(&mut self, f: &mut Fn, map: usize, key: KeyAt, v: Reg, is_str: bool) {
        let a = &mut f.asm;
        let done = a.label();
        if !is_str {
            let nonzero = a.label();
            a.jmp_imm(BPF_JNE, v, 0, nonzero);
            a.emit2(Insn::ld_map_fd(R1, map as i32));
            key.ptr(a, R2);
            a.emit(Insn::call(H_MAP_DELETE));
            a.ja(done);
            a.bind(nonzero);
            a.emit(Insn::stx(BPF_DW, FP, v, SLOT_B));
        }
        a.emit2(Insn::ld_map_fd(R1, map as i32));
        key.ptr(a, R2);
        if is_str {
            a.emit(Insn::mov64_reg(R3, v));
        } else {
            a.emit(Insn::mov64_reg(R3, FP));
            a.emit(Insn::alu64_imm(BPF_ADD, R3, SLOT_B as i32));
        }
        a.emit(Insn::mov64_imm(R4, BPF_ANY));
        a.emit(Insn::call(H_MAP_UPDATE));
        a.jmp_imm(BPF_JEQ, R0, 0, done);
        count_drop(a, DROP_DYNVAR);
        a.bind(done);
    }

    fn stringof(&mut self, f: &mut Fn, line: u32, x: &Expr) -> R<Reg> {
        let t = self.env.sema.type_of(x)?;
        if t.is_strcompat() {
            return self.str_expr(f, x);
        }
        let r = self.expr(f, x)?;
        // An address: read a kernel string from it.
        let off = self.tmp(f, self.strsize);
        Self::tmp_ptr(f, R1, off);
        f.asm.emit(Insn::mov64_imm(R2, self.strsize as i32));
        f.asm.emit(Insn::mov64_reg(R3, r));
        f.asm.emit(Insn::call(H_READ_KERNEL_STR));
        Self::tmp_ptr(f, r, off);
        let _ = line;
        Ok(r)
    }

    fn subroutine(&mut self, f: &mut Fn, line: u32, name: &str, args: &[Expr]) -> R<Reg> {
        let nargs = |lo: usize, hi: usize| -> R<()> {
            if (lo..=hi).contains(&args.len()) {
                Ok(())
            } else {
                Err(CompileError::new(
                    line,
                    "D_PROTO_LEN",
                    format!(
                        "{}( ) prototype mismatch: {} arg{} passed, {} expected",
                        name,
                        args.len(),
                        if args.len() == 1 { "" } else { "s" },
                        lo
                    ),
                ))
            }
        };
        let want = |i: usize, want_str: bool| -> R<()> {
            let t = self.env.sema.type_of(&args[i])?;
            if t.is_str() != want_str {
                return Err(CompileError::new(
                    line,
                    "D_PROTO_ARG",
                    format!(
                        "{}( ) argument #{} is incompatible with prototype:\n\tprototype: {}\n\t argument: {}",
                        name,
                        i + 1,
                        if want_str { "string" } else { "uint64_t" },
                        t
                    ),
                ));
            }
            Ok(())
        };
        let strsize = self.strsize;
        match name {
            "strlen" => {
                nargs(1, 1)?;
                want(0, true)?;
                let r = self.expr(f, &args[0])?;
                let a = &mut f.asm;
                let top = a.label();
                let done = a.label();
                a.emit(Insn::mov64_reg(R1, r));
                a.emit(Insn::mov64_imm(R3, 0));
                a.bind(top);
                a.emit(Insn::ldx(BPF_B, R4, R1, 0));
                a.jmp_imm(BPF_JEQ, R4, 0, done);
                a.emit(Insn::alu64_imm(BPF_ADD, R1, 1));
                a.emit(Insn::alu64_imm(BPF_ADD, R3, 1));
                a.jmp_imm(BPF_JLT, R3, strsize as i32 - 1, top);
                a.bind(done);
                a.emit(Insn::mov64_reg(r, R3));
                Ok(r)
            }
            "strjoin" => {
                nargs(2, 2)?;
                want(0, true)?;
                want(1, true)?;
                let x = self.expr(f, &args[0])?;
                let y = self.expr(f, &args[1])?;
                let off = self.tmp(f, 2 * strsize);
                Self::tmp_ptr(f, R1, off);
                let a = &mut f.asm;
                a.emit(Insn::mov64_imm(R2, strsize as i32));
                a.emit(Insn::mov64_reg(R3, x));
                a.emit(Insn::call(H_READ_KERNEL_STR));
                let pos = a.label();
                a.jmp_imm(BPF_JSGT, R0, 0, pos);
                a.emit(Insn::mov64_imm(R0, 1));
                a.bind(pos);
                a.emit(Insn::alu64_imm(BPF_SUB, R0, 1));
                let inb = a.label();
                a.jmp_imm(BPF_JLE, R0, strsize as i32 - 1, inb);
                a.emit(Insn::mov64_imm(R0, strsize as i32 - 1));
                a.bind(inb);
                Self::tmp_ptr_a(a, R1, off);
                a.emit(Insn::alu64_reg(BPF_ADD, R1, R0));
                a.emit(Insn::mov64_imm(R2, strsize as i32));
                a.emit(Insn::mov64_reg(R3, y));
                a.emit(Insn::call(H_READ_KERNEL_STR));
                Self::tmp_ptr_a(a, x, off);
                a.emit(Insn::st_imm(BPF_B, x, strsize as i16 - 1, 0));
                self.free(f, y);
                Ok(x)
            }
            "copyinstr" => {
                nargs(1, 2)?;
                want(0, false)?;
                let addr = self.expr(f, &args[0])?;
                let max = match args.get(1) {
                    Some(m) => (self.env.sema.const_eval(m).ok_or_else(|| {
                        CompileError::new(line, "D_PROTO_ARG", "copyinstr( ) argument #2 must be an integer constant")
                    })? as u32)
                        .clamp(1, strsize),
                    None => strsize,
                };
                let off = self.tmp(f, strsize);
                Self::tmp_ptr(f, R1, off);
                f.asm.emit(Insn::mov64_imm(R2, max as i32));
                f.asm.emit(Insn::mov64_reg(R3, addr));
                f.asm.emit(Insn::call(H_READ_USER_STR));
                self.fault_if(f, BPF_JSLT, R0, 0, FLT_BADADDR, Some(addr));
                if max < strsize {
                    Self::tmp_ptr(f, R1, off);
                    f.asm.emit(Insn::st_imm(BPF_B, R1, max as i16 - 1, 0));
                }
                Self::tmp_ptr(f, addr, off);
                Ok(addr)
            }
            "copyin" => {
                nargs(2, 2)?;
                let addr = self.expr(f, &args[0])?;
                let size = self.env.sema.const_eval(&args[1]).ok_or_else(|| {
                    CompileError::new(line, "D_PROTO_ARG", "copyin( ) argument #2 must be an integer constant")
                })?;
                if size <= 0 || size > 4096 {
                    return Err(CompileError::new(line, "D_PROTO_ARG", "copyin( ) size must be between 1 and 4096"));
                }
                let off = self.tmp(f, size as u32);
                Self::tmp_ptr(f, R1, off);
                f.asm.emit(Insn::mov64_imm(R2, size as i32));
                f.asm.emit(Insn::mov64_reg(R3, addr));
                f.asm.emit(Insn::call(H_READ_USER));
                self.fault_if(f, BPF_JSLT, R0, 0, FLT_BADADDR, Some(addr));
                Self::tmp_ptr(f, addr, off);
                Ok(addr)
            }
            "stringof" => {
                nargs(1, 1)?;
                self.stringof(f, line, &args[0])
            }
            "speculation" => {
                nargs(0, 0)?;
                self.speculation(f, line)
            }
            "__psargs" => {
                nargs(2, 2)?;
                self.psargs(f, &args[0], &args[1])
            }
            // The library's fileinfo_t translator: where a file's file
            // system is mounted.
            "__mount_point" => {
                nargs(1, 1)?;
                let p = self.expr(f, &args[0])?;
                self.path_string(f, line, p, true)
            }
            "rand" => {
                nargs(0, 0)?;
                let r = self.alloc(f, line)?;
                f.asm.emit(Insn::call(H_PRANDOM));
                f.asm.emit(Insn::mov64_reg(r, R0));
                normalize(&mut f.asm, r, 4, true);
                Ok(r)
            }
            _ => self.more_subroutine(f, line, name, args),
        }
    }
}

/// Where a map key lives.
#[derive(Clone, Copy)]
enum KeyAt {
    Stack(i16),
    Tmp(u32),
}

impl KeyAt {
    fn ptr(self, a: &mut Asm, reg: Reg) {
        match self {
            KeyAt::Stack(s) => {
                a.emit(Insn::mov64_reg(reg, FP));
                a.emit(Insn::alu64_imm(BPF_ADD, reg, s as i32));
            }
            KeyAt::Tmp(off) => Gen::tmp_ptr_a(a, reg, off),
        }
    }
}

fn is_leaf(e: &Expr) -> bool {
    matches!(e.kind, ExprKind::Int { .. } | ExprKind::Char(_) | ExprKind::Str(_))
}

fn is_agg_only(s: &Stmt) -> bool {
    match s {
        Stmt::Expr(e) => matches!(e.kind, ExprKind::AggAssign { .. }),
        Stmt::Empty | Stmt::Decl(_) => true,
        Stmt::If { then, els, .. } => then.iter().chain(els.iter()).all(is_agg_only),
    }
}

fn invert(op: u8) -> u8 {
    match op {
        BPF_JEQ => BPF_JNE,
        BPF_JNE => BPF_JEQ,
        BPF_JSLT => BPF_JSGE,
        BPF_JSGE => BPF_JSLT,
        BPF_JSGT => BPF_JSLE,
        BPF_JSLE => BPF_JSGT,
        BPF_JLT => BPF_JGE,
        BPF_JGE => BPF_JLT,
        BPF_JGT => BPF_JLE,
        BPF_JLE => BPF_JGT,
        o => o,
    }
}

/// r0 = &map[0] for an array map (key 0 from the zero slot).
fn lookup_fixed(a: &mut Asm, map: usize) {
    a.emit2(Insn::ld_map_fd(R1, map as i32));
    a.emit(Insn::mov64_reg(R2, FP));
    a.emit(Insn::alu64_imm(BPF_ADD, R2, SLOT_ZERO as i32));
    a.emit(Insn::call(H_MAP_LOOKUP));
}

/// Looks up this firing's nesting-depth entry of a per-CPU map.
fn lookup_level(a: &mut Asm, map: usize) {
    a.emit2(Insn::ld_map_fd(R1, map as i32));
    a.emit(Insn::mov64_reg(R2, FP));
    a.emit(Insn::alu64_imm(BPF_ADD, R2, SLOT_LEVEL as i32));
    a.emit(Insn::call(H_MAP_LOOKUP));
}

/// Stores the current process id at `[reg]` and advances `reg` past it
/// (user stacks and symbols are recorded with their process). Clobbers r0.
fn store_pid_at(a: &mut Asm, reg: Reg) {
    a.emit(Insn::stx(BPF_DW, FP, reg, SLOT_B));
    a.emit(Insn::call(H_PID_TGID));
    a.emit(Insn::alu64_imm(BPF_RSH, R0, 32));
    a.emit(Insn::ldx(BPF_DW, reg, FP, SLOT_B));
    a.emit(Insn::stx(BPF_DW, reg, R0, 0));
    a.emit(Insn::alu64_imm(BPF_ADD, reg, 8));
}

/// Increments a per-CPU drop counter (clobbers r0-r5).
fn count_drop(a: &mut Asm, which: i16) {
    lookup_fixed(a, MAP_DROPS);
    let skip = a.label();
    a.jmp_imm(BPF_JEQ, R0, 0, skip);
    // Atomic: a nested firing on this CPU may count a drop meanwhile.
    a.emit(Insn::mov64_imm(R1, 1));
    a.emit(Insn::atomic_add(BPF_DW, R0, R1, which));
    a.bind(skip);
}

/// Loads a 64-bit constant with the shortest encoding.
fn emit_ld64(a: &mut Asm, r: Reg, v: u64) {
    let s = v as i64;
    if s >= i32::MIN as i64 && s <= i32::MAX as i64 {
        a.emit(Insn::mov64_imm(r, s as i32));
    } else {
        a.emit2(Insn::ld_imm64(r, v));
    }
}

/// Truncates and sign- or zero-extends `r` to an integer of `size` bytes.
fn normalize(a: &mut Asm, r: Reg, size: u8, signed: bool) {
    if size >= 8 {
        return;
    }
    let shift = 64 - 8 * size as i32;
    if signed {
        a.emit(Insn::alu64_imm(BPF_LSH, r, shift));
        a.emit(Insn::alu64_imm(BPF_ARSH, r, shift));
    } else if size == 4 {
        a.emit(Insn::alu32_reg(BPF_MOV, r, r));
    } else {
        a.emit(Insn::alu64_imm(BPF_AND, r, (1i32 << (8 * size as i32)) - 1));
    }
}

/// dst = (dst cmp src) ? 1 : 0  (src None: compare with imm).
fn set_bool(a: &mut Asm, cmp: u8, dst: Reg, src: Option<Reg>, imm: i32) {
    let t = a.label();
    let d = a.label();
    match src {
        Some(s) => a.jmp_reg(cmp, dst, s, t),
        None => a.jmp_imm(cmp, dst, imm, t),
    }
    a.emit(Insn::mov64_imm(dst, 0));
    a.ja(d);
    a.bind(t);
    a.emit(Insn::mov64_imm(dst, 1));
    a.bind(d);
}

/// l = l / r or l % r with C's truncating semantics (BPF has only
/// unsigned division before cpu v4). r is known non-zero.
fn signed_divmod(a: &mut Asm, l: Reg, r: Reg, modulo: bool, signed: bool) {
    let op = if modulo { BPF_MOD } else { BPF_DIV };
    if !signed {
        a.emit(Insn::alu64_reg(op, l, r));
        return;
    }
    // r1 = sign of result (quotient: sign(l)^sign(r); remainder: sign(l)).
    a.emit(Insn::mov64_imm(R1, 0));
    let lpos = a.label();
    a.jmp_imm(BPF_JSGE, l, 0, lpos);
    a.emit(Insn::neg64(l));
    a.emit(Insn::mov64_imm(R1, 1));
    a.bind(lpos);
    a.emit(Insn::mov64_reg(R2, r));
    let rpos = a.label();
    a.jmp_imm(BPF_JSGE, R2, 0, rpos);
    a.emit(Insn::neg64(R2));
    if !modulo {
        a.emit(Insn::alu64_imm(BPF_XOR, R1, 1));
    }
    a.bind(rpos);
    a.emit(Insn::alu64_reg(op, l, R2));
    let done = a.label();
    a.jmp_imm(BPF_JEQ, R1, 0, done);
    a.emit(Insn::neg64(l));
    a.bind(done);
}

/// r2 = quantize bucket of `v` (consume::agg::quantize_bucket, in BPF).
fn quantize_index(a: &mut Asm, v: Reg) {
    let neg = a.label();
    let zero = a.label();
    let done = a.label();
    a.jmp_imm(BPF_JEQ, v, 0, zero);
    a.emit(Insn::mov64_reg(R3, v));
    a.jmp_imm(BPF_JSLT, v, 0, neg);
    // positive: 64 + log2(v)
    log2(a, R3, R2);
    a.emit(Insn::alu64_imm(BPF_ADD, R2, QUANTIZE_ZERO as i32 + 1));
    a.ja(done);
    a.bind(neg);
    a.emit(Insn::neg64(R3));
    log2(a, R3, R2);
    // 62 - log2(-v); i64::MIN (log2 63) goes to bucket 0.
    a.emit(Insn::neg64(R2));
    a.emit(Insn::alu64_imm(BPF_ADD, R2, QUANTIZE_ZERO as i32 - 1));
    a.jmp_imm(BPF_JSGE, R2, 0, done);
    a.emit(Insn::mov64_imm(R2, 0));
    a.ja(done);
    a.bind(zero);
    a.emit(Insn::mov64_imm(R2, QUANTIZE_ZERO as i32));
    a.bind(done);
    let ok = a.label();
    a.jmp_imm(BPF_JLE, R2, QUANTIZE_BUCKETS as i32 - 1, ok);
    a.emit(Insn::mov64_imm(R2, QUANTIZE_BUCKETS as i32 - 1));
    a.bind(ok);
}

/// out = floor(log2(x)) for x > 0 (x is clobbered), by binary search.
fn log2(a: &mut Asm, x: Reg, out: Reg) {
    a.emit(Insn::mov64_imm(out, 0));
    for shift in [32, 16, 8, 4, 2, 1] {
        let skip = a.label();
        a.emit(Insn::mov64_reg(R4, x));
        a.emit(Insn::alu64_imm(BPF_RSH, R4, shift));
        a.jmp_imm(BPF_JEQ, R4, 0, skip);
        a.emit(Insn::mov64_reg(x, R4));
        a.emit(Insn::alu64_imm(BPF_ADD, out, shift));
        a.bind(skip);
    }
}

/// value[1 + r2] += incr (or 1); r2 is already bounded.
fn bucket_add(a: &mut Asm, ptr: Reg, incr: Option<Reg>) {
    a.emit(Insn::alu64_imm(BPF_LSH, R2, 3));
    a.emit(Insn::mov64_reg(R1, ptr));
    a.emit(Insn::alu64_reg(BPF_ADD, R1, R2));
    let by = match incr {
        Some(i) => i,
        None => {
            a.emit(Insn::mov64_imm(R3, 1));
            R3
        }
    };
    a.emit(Insn::atomic_add(BPF_DW, R1, by, 8));
}
