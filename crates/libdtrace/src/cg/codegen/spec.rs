//! Speculative tracing: `speculation()`, `speculate()`, `commit()`,
//! `discard()`.
//!
//! The kernel side only hands out speculation ids: `dt_spec` holds one
//! word per id (0 free, 1 active), claimed with an atomic compare-and-swap
//! and freed by commit/discard. A speculative clause writes its record to
//! the ring buffer like any other, with the id in the header; the consumer
//! keeps such records aside until a commit or discard record for the id
//! arrives. The ring buffer orders records across CPUs, so an id reused
//! after a commit cannot mix with the data committed before it.

use super::*;
use crate::lang::builtins::{Builtin, Id, DATA, DESTRUCTIVE};

/// What a clause has done so far, for DTrace's ordering rules.
pub(super) const DID_DATA: u8 = 1;
pub(super) const DID_SPECULATE: u8 = 2;
pub(super) const DID_COMMIT: u8 = 4;

/// The kinds of statement the ordering rules distinguish.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum ActKind {
    Data,
    Exit,
    Aggregate,
    Destructive,
    Speculate,
    Commit,
    Discard,
    Other,
}

/// What an action is to the ordering rules.
pub(super) fn act_kind(b: &Builtin) -> ActKind {
    match b.id {
        Id::Exit => ActKind::Exit,
        Id::Speculate => ActKind::Speculate,
        Id::Commit => ActKind::Commit,
        Id::Discard => ActKind::Discard,
        _ if b.has(DATA) => ActKind::Data,
        _ if b.has(DESTRUCTIVE) => ActKind::Destructive,
        _ => ActKind::Other,
    }
}

impl<'a> Codegen<'a> {
    /// Enforces DTrace's rules on where speculate/commit may appear in a
    /// clause, with its messages, and records what the clause did.
    pub(super) fn spec_order(f: &mut Prog, line: u32, kind: ActKind) -> R<()> {
        let s = f.spec;
        let fail = |tag: &'static str, msg: &str| Err(CompileError::new(line, tag, msg.to_string()));
        match kind {
            ActKind::Data | ActKind::Exit if s & DID_COMMIT != 0 => return fail("D_DREC_COMM", "data-recording actions may not follow commit( )"),
            ActKind::Exit if s & DID_SPECULATE != 0 => return fail("D_EXIT_SPEC", "exit( ) may not follow speculate( )"),
            ActKind::Aggregate if s & DID_SPECULATE != 0 => return fail("D_AGG_SPEC", "aggregating actions may not follow speculate( )"),
            ActKind::Aggregate if s & DID_COMMIT != 0 => return fail("D_AGG_COMM", "aggregating actions may not follow commit( )"),
            ActKind::Destructive if s & DID_SPECULATE != 0 => return fail("D_ACT_SPEC", "destructive actions may not follow speculate( )"),
            ActKind::Speculate if s & DID_SPECULATE != 0 => return fail("D_SPEC_SPEC", "speculate( ) may not follow speculate( )"),
            ActKind::Speculate if s & DID_COMMIT != 0 => return fail("D_SPEC_COMM", "speculate( ) may not follow commit( )"),
            ActKind::Speculate if s & DID_DATA != 0 => return fail("D_SPEC_DREC", "speculate( ) may not follow data-recording action(s)"),
            ActKind::Commit if s & DID_COMMIT != 0 => return fail("D_COMM_COMM", "commit( ) may not follow commit( )"),
            ActKind::Commit if s & DID_DATA != 0 => return fail("D_COMM_DREC", "commit( ) may not follow data-recording action(s)"),
            _ => {}
        }
        f.spec |= match kind {
            ActKind::Data | ActKind::Exit => DID_DATA,
            ActKind::Speculate => DID_SPECULATE,
            ActKind::Commit => DID_COMMIT,
            _ => 0,
        };
        Ok(())
    }

    /// `speculation()`: claims a free id (1..=nspec), or 0 and a
    /// "failed speculation" drop when every one is in use.
    pub(super) fn speculation(&mut self, f: &mut Prog, line: u32) -> R<Reg> {
        let r = self.alloc(f, line)?;
        let nspec = self.env.opts.nspec.clamp(1, MAX_NSPEC);
        let a = &mut f.asm;
        let done = a.label();
        for i in 0..nspec {
            let next = a.label();
            spec_slot(a, i);
            a.jmp_imm(BPF_JEQ, R0, 0, next);
            a.emit(Insn::mov64_reg(R1, R0));
            a.emit(Insn::mov64_imm(R2, 1));
            a.emit(Insn::mov64_imm(R0, 0));
            a.emit(Insn::atomic_cmpxchg(BPF_DW, R1, R2, 0));
            a.jmp_imm(BPF_JNE, R0, 0, next);
            a.emit(Insn::mov64_imm(r, i as i32 + 1));
            a.ja(done);
            a.bind(next);
        }
        a.emit(Insn::mov64_imm(r, 0));
        count_drop(a, DROP_SPECUNAVAIL);
        a.bind(done);
        Ok(r)
    }

    /// `speculate(id)`: the clause's record goes to speculation `id`. An
    /// id that is 0, out of range or not active makes the rest of the
    /// clause do nothing, as in DTrace.
    pub(super) fn speculate(&mut self, f: &mut Prog, id: &Expr) -> R<()> {
        let nspec = self.env.opts.nspec.clamp(1, MAX_NSPEC);
        let r = self.expr(f, id)?;
        let end = f.clause_end.unwrap();
        let a = &mut f.asm;
        a.jmp_imm(BPF_JEQ, r, 0, end);
        a.jmp_imm(BPF_JGT, r, nspec as i32, end);
        a.emit(Insn::ldx(BPF_DW, R1, FP, SLOT_REC));
        a.emit(Insn::stx(BPF_W, R1, r, REC_SPEC_OFF as i16));
        // Active? (the slot index is id - 1)
        a.emit(Insn::mov64_reg(R3, r));
        a.emit(Insn::alu64_imm(BPF_SUB, R3, 1));
        a.emit(Insn::stx(BPF_W, FP, R3, SLOT_A));
        spec_lookup(a);
        a.jmp_imm(BPF_JEQ, R0, 0, end);
        a.emit(Insn::ldx(BPF_DW, R1, R0, 0));
        a.jmp_imm(BPF_JEQ, R1, 0, end);
        self.free(f, r);
        Ok(())
    }

    /// `commit(id)` / `discard(id)`: a record telling the consumer what to
    /// do with the id's records so far; the id is free again at once.
    pub(super) fn commit_or_discard(&mut self, f: &mut Prog, commit: bool, id: &Expr) -> R<()> {
        let nspec = self.env.opts.nspec.clamp(1, MAX_NSPEC);
        let (off, _) = self.record_value(f, id)?;
        f.items.push(if commit { RecItem::Commit { off } } else { RecItem::Discard { off } });
        let a = &mut f.asm;
        let skip = a.label();
        a.emit(Insn::ldx(BPF_DW, R1, FP, SLOT_REC));
        a.emit(Insn::ldx(BPF_DW, R3, R1, off as i16));
        a.jmp_imm(BPF_JEQ, R3, 0, skip);
        a.jmp_imm(BPF_JGT, R3, nspec as i32, skip);
        a.emit(Insn::alu64_imm(BPF_SUB, R3, 1));
        a.emit(Insn::stx(BPF_W, FP, R3, SLOT_A));
        spec_lookup(a);
        a.jmp_imm(BPF_JEQ, R0, 0, skip);
        a.emit(Insn::st_imm(BPF_DW, R0, 0, 0));
        a.bind(skip);
        Ok(())
    }
}

/// Looks up `dt_spec[i]` for a constant i (pointer or NULL in r0).
fn spec_slot(a: &mut Asm, i: u32) {
    a.emit(Insn::st_imm(BPF_W, FP, SLOT_A, i as i32));
    spec_lookup(a);
}

/// Looks up `dt_spec[*(u32 *)(fp + SLOT_A)]`.
fn spec_lookup(a: &mut Asm) {
    a.emit2(Insn::ld_map_fd(R1, MAP_SPEC as i32));
    a.emit(Insn::mov64_reg(R2, FP));
    a.emit(Insn::alu64_imm(BPF_ADD, R2, SLOT_A as i32));
    a.emit(Insn::call(H_MAP_LOOKUP));
}
