//! Lowering of checked D clauses to eBPF.
//!
//! One program per attach point (BEGIN, END, raw_syscalls:sys_enter,
//! sys_exit, each timer, ...: the providers say which point serves a probe
//! and supply the code that depends on it, see `provider::Provider`);
//! inside it, every matching clause in program order, each guarded by its
//! probe filter and predicate.
//!
//! Registers: r6-r9 hold expression values (they survive helper calls);
//! r0-r5 are scratch around calls. The stack frame:
//!   fp-8 ctx, fp-16 zero key, fp-24 record buffer pointer, fp-32 temp
//!   area pointer, fp-40 syscall number, fp-48/-56 helper scratch, then
//!   `this->` slots and spills below fp-64.
//! Strings are pointers to `strsize`-byte buffers in map values (the
//! per-CPU temp area, the string table, variable maps).
//!
//! Types come from sema: its check of a clause records the type and
//! constant value of every expression in the node, which the generator
//! reads (`Codegen::ty`, `value`, `op_ty`); it computes none itself, and an
//! expression sema left untyped is an internal error, not a panic.
//!
//! Modules: `storage` (maps, string table, output), `prologue` (the
//! program around the clauses), `clause`, `expr`, `vars` (variables and
//! built-in variables), `aggregate`, `record` (recording values),
//! `actions`, `subr` (subroutines), `memory` (kernel memory), `scratch`
//! (registers, stack slots, temp area), `spec`, `print`, `regs` (uregs).

use crate::bpf::asm::{Asm, Label};
use super::funcs::{self, Callback};
use crate::bpf::consts;
use crate::bpf::helpers::*;
use crate::bpf::insn::*;
use crate::lang::ast::*;
use crate::lang::diag::CompileError;
use crate::lang::sema::{AggFunc, Sema, VarClass};
use crate::lang::types::{arith_result, Type};
use crate::options::Options;
use crate::program::*;
use crate::provider::{self, Catalog, Disc, Load, Site};
use std::collections::HashMap;

type R<T> = Result<T, CompileError>;

mod actions;
mod builtin;
mod aggregate;
mod clause;
mod expr;
mod memory;
mod print;
mod prologue;
mod record;
mod regs;
mod scratch;
mod spec;
mod storage;
mod subr;
mod vars;

const BPF_F_USER_STACK: i32 = 1 << 8;
/// bpf_get_current_comm() writes this many bytes (TASK_COMM_LEN).
const COMM_LEN: u32 = 16;
const BPF_RB_AVAIL_DATA: i32 = 0;
const BPF_RB_NO_WAKEUP: i32 = 1;
const BPF_RB_FORCE_WAKEUP: i32 = 2;

// SLOT_CTX (-8), SLOT_NR (-40) and SLOT_B (-56) are in `crate::program`:
// providers' code uses them too.
const SLOT_ZERO: i16 = -16;
const SLOT_REC: i16 = -24;
const SLOT_TMP: i16 = -32;
const SLOT_A: i16 = -48;
/// Copies of the fault code and value for ERROR clauses' arg2..arg5.
const SLOT_ERR_CODE: i16 = -64;
const SLOT_ERR_VALUE: i16 = -72;
/// The nesting depth counter (a map value pointer) and this firing's depth
/// (the u32 key of its `MAP_REC` and `MAP_TMP` entries).
const SLOT_NEST: i16 = -80;
const SLOT_LEVEL: i16 = -88;
const SLOT_FIRST_FREE: i16 = -96;
const STACK_LIMIT: i16 = -512;

const BPF_ANY: i32 = 0;
const BPF_NOEXIST: i32 = 1;

/// Inputs the generator needs besides the program.
pub struct CgEnv<'a> {
    pub sema: &'a Sema<'a>,
    pub opts: &'a Options,
    pub catalog: &'a Catalog,
    /// realtime - monotonic, for walltimestamp.
    pub wall_offset_ns: i64,
    /// [start, end) of a kernel function by name (from the session; asked
    /// only for what a program needs).
    pub kernel_function: &'a dyn std::ops::Fn(&str) -> Option<(u64, u64)>,
    /// Whether the kernel refuses bpf_probe_write_user (asked only when a
    /// program uses copyout(): finding out loads a program).
    pub write_user_refused: &'a dyn std::ops::Fn() -> bool,
}

impl CgEnv<'_> {
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
}

pub fn compile(env: &CgEnv, clauses: &[ClauseIn]) -> R<Compiled> {
    let mut g = Codegen::new(env);
    g.declare_storage()?;
    // Group clauses by attach point, keeping program order inside each.
    let mut groups: Vec<(Attach, Vec<(usize, Vec<u32>)>)> = Vec::new();
    for (ci, c) in clauses.iter().enumerate() {
        for &pid in &c.probes {
            // ERROR's clauses run inside every clause's fault handler.
            if pid == provider::ERROR_ID {
                if !g.error_clauses.contains(&ci) {
                    g.error_clauses.push(ci);
                }
                continue;
            }
            let p = env.catalog.get(pid).expect("matched probe exists");
            let key = env.catalog.provider(p.prov).attach_point(p, &env.sema.types);
            let attach = Attach { provider: p.prov, key };
            let gi = match groups.iter().position(|(a, _)| *a == attach) {
                Some(i) => i,
                None => {
                    groups.push((attach, Vec::new()));
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

/// The code generator of one D program: the environment, the storage
/// declared so far and the output being built.
struct Codegen<'a> {
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

/// One BPF program being built: its instructions, free registers, stack
/// slots, temp area and the current clause's record.
struct Prog {
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
    /// The probes the program serves, and what their provider says of
    /// the probe site.
    probes: Vec<u32>,
    site: Site,
    /// What the current clause did so far (spec::DID_*).
    spec: u8,
    /// An earlier clause of the program may have called exit(): later
    /// clauses check the session state first.
    exit_seen: bool,
    /// Callbacks the program's code passes to bpf_loop, emitted after it.
    callbacks: Vec<(Callback, Label)>,
}

const POOL: [Reg; 4] = [R6, R7, R8, R9];

impl<'a> Codegen<'a> {
    fn new(env: &'a CgEnv<'a>) -> Codegen<'a> {
        Codegen {
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

    /// The type sema recorded for `e` (its check of the clause types every
    /// expression the generator compiles).
    fn ty(&self, e: &Expr) -> R<Type> {
        e.ty().cloned().ok_or_else(|| untyped(e))
    }

    /// The constant value sema recorded for `e`, None if it is not one.
    fn value(&self, e: &Expr) -> R<Option<i64>> {
        e.value().ok_or_else(|| untyped(e))
    }

    /// For `x op= y`, `x++` and the like (`e`): the type of the value
    /// computed before it is stored, as sema recorded it.
    fn op_ty(&self, e: &Expr) -> R<Type> {
        e.op_ty().cloned().ok_or_else(|| untyped(e))
    }
}

/// An expression sema has not typed: an aggregation passed to a call
/// (which has no value), else the generator's mistake, not the script's.
fn untyped(e: &Expr) -> CompileError {
    match &e.kind {
        ExprKind::Agg(n) => crate::lang::sema::agg_value(e.line, n),
        _ => CompileError::new(e.line, "D_UNKNOWN", format!("internal error: no type recorded for \"{}\"", e.token())),
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
            KeyAt::Tmp(off) => Codegen::tmp_ptr_a(a, reg, off),
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
