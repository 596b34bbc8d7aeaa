//! Building blocks shared by the subroutines: temp-area cells, bounded
//! loops, byte scans, substring copies and constant tables.
//!
//! The verifier walks every iteration of a loop, so the loops here are
//! shaped to keep that walk linear in the loop bound:
//! - only the iteration counter needs exact tracking; values leaving a
//!   loop go through temp-area cells, which read back as unknown
//!   (bounds-checked) scalars, so exits from different iterations merge;
//! - inside a loop, a conditional jump goes to "keep looping" and the fall
//!   through leaves the loop, so the verifier finishes each exit at once
//!   instead of stacking one pending branch per iteration;
//! - choices that keep looping either way are computed without branches.
//!
//! Older verifiers (Linux 6.1) forget a register's bounds after OR, XOR,
//! MUL or a shift by a register, so values that address memory are built
//! with ADD, SUB and AND only (see `keep_if`).

use super::super::*;

/// An 8-byte value source: a constant or a temp cell.
#[derive(Clone, Copy)]
pub(super) enum Val {
    Imm(i32),
    Cell(u32),
}

/// A byte to compare with: a constant or a register holding 0..=255.
#[derive(Clone, Copy)]
pub(super) enum Byte {
    Imm(u8),
    Reg(Reg),
}

/// The byte at which a scan stops.
#[derive(Clone, Copy)]
pub(super) enum Stop {
    Is(Byte),
    IsNot(Byte),
    IsOrNul(Byte),
    /// Neither ' ' nor '\t'.
    NotBlank,
    /// In the 256-bit set at this temp offset, or NUL.
    InSetOrNul(u32),
    /// Not in the 256-bit set at this temp offset (NUL never is).
    NotInSet(u32),
}

/// A loop of at most `max` iterations; `next` continues it, `done` is
/// reached when the counter runs out. The counter is R5, kept there or
/// (for bodies that need R5 or call helpers) in a stack slot.
pub(super) struct Loop {
    top: Label,
    pub next: Label,
    pub done: Label,
    slot: Option<i16>,
}

/// r = the temp area.
pub(super) fn base(a: &mut Asm, r: Reg) {
    a.emit(Insn::ldx(BPF_DW, r, FP, SLOT_TMP));
}

/// r = the cell at temp offset `cell` (uses only r).
pub(super) fn get(a: &mut Asm, r: Reg, cell: u32) {
    base(a, r);
    a.emit(Insn::ldx(BPF_DW, r, r, cell as i16));
}

/// cell = r, with `scratch` for the temp area pointer.
pub(super) fn put(a: &mut Asm, cell: u32, r: Reg, scratch: Reg) {
    base(a, scratch);
    a.emit(Insn::stx(BPF_DW, scratch, r, cell as i16));
}

/// r = v.
pub(super) fn load(a: &mut Asm, r: Reg, v: Val) {
    match v {
        Val::Imm(i) => a.emit(Insn::mov64_imm(r, i)),
        Val::Cell(c) => get(a, r, c),
    }
}

/// cell = v (clobbers R0, and R1 for a cell value).
pub(super) fn set(a: &mut Asm, cell: u32, v: Val) {
    match v {
        Val::Imm(i) => {
            base(a, R0);
            a.emit(Insn::st_imm(BPF_DW, R0, cell as i16, i));
        }
        Val::Cell(c) => {
            get(a, R1, c);
            put(a, cell, R1, R0);
        }
    }
}

/// r = (r == 0) for r holding 0..=255, without branching.
pub(super) fn is_zero_byte(a: &mut Asm, r: Reg) {
    a.emit(Insn::alu64_imm(BPF_SUB, r, 1));
    a.emit(Insn::alu64_imm(BPF_RSH, r, 63));
}

/// r = (r != 0) for r in 0..2^63, without branching.
pub(super) fn is_nonzero(a: &mut Asm, r: Reg) {
    a.emit(Insn::neg64(r));
    a.emit(Insn::alu64_imm(BPF_RSH, r, 63));
}

/// r = (r < k) for r in 0..2^62, without branching.
pub(super) fn is_below(a: &mut Asm, r: Reg, k: i32) {
    a.emit(Insn::alu64_imm(BPF_SUB, r, k));
    a.emit(Insn::alu64_imm(BPF_RSH, r, 63));
}

/// d = the character of digit d (0..=35): '0' + d, or 'a' + d - 10 past
/// 9, without branching (clobbers R4).
pub(super) fn digit_char(a: &mut Asm, d: Reg) {
    a.emit(Insn::mov64_imm(R4, 9));
    a.emit(Insn::alu64_reg(BPF_SUB, R4, d));
    a.emit(Insn::alu64_imm(BPF_RSH, R4, 63));
    a.emit(Insn::alu64_imm(BPF_MUL, R4, (b'a' - b'0' - 10) as i32));
    a.emit(Insn::alu64_reg(BPF_ADD, d, R4));
    a.emit(Insn::alu64_imm(BPF_ADD, d, b'0' as i32));
}

/// r = flag ? r : 0 for a 0/1 flag (clobbers it), with a mask rather
/// than a multiply so that r keeps its bounds on older verifiers.
pub(super) fn keep_if(a: &mut Asm, r: Reg, flag: Reg) {
    a.emit(Insn::neg64(flag));
    a.emit(Insn::alu64_reg(BPF_AND, r, flag));
}

/// Byte-swaps the low `bits` of r into network order (zero-extended).
pub(super) fn to_be(a: &mut Asm, r: Reg, bits: i32) {
    const BPF_END: u8 = 0xd0;
    const BPF_TO_BE: u8 = 0x08;
    a.emit(Insn::new(BPF_ALU | BPF_END | BPF_TO_BE, r, 0, 0, bits));
}

impl<'a> Codegen<'a> {
    /// `n` fresh 8-byte temp cells; returns the first one's offset.
    pub(super) fn cells(&mut self, f: &mut Prog, n: u32) -> u32 {
        self.tmp(f, 8 * n)
    }

    /// A fresh strsize-byte string buffer in the temp area.
    pub(super) fn new_str(&mut self, f: &mut Prog) -> u32 {
        self.tmp(f, self.strsize)
    }

    /// Offset in the string table of `bytes`, stored verbatim (NULs
    /// included, unlike `intern`), reusing an identical earlier copy.
    pub(super) fn blob(&mut self, bytes: &[u8]) -> u32 {
        let found = (0..self.strtab.len()).step_by(8).find(|&o| self.strtab[o..].starts_with(bytes));
        if let Some(o) = found {
            return o as u32;
        }
        let off = self.strtab.len() as u32;
        self.strtab.extend_from_slice(bytes);
        while !self.strtab.len().is_multiple_of(8) {
            self.strtab.push(0);
        }
        off
    }

    /// Opens a loop of at most `max` iterations whose body keeps R5 (the
    /// counter) and calls no helper.
    pub(super) fn loop_open(f: &mut Prog, max: u32) -> Loop {
        let a = &mut f.asm;
        let l = Loop { top: a.label(), next: a.label(), done: a.label(), slot: None };
        a.emit(Insn::mov64_imm(R5, 0));
        a.bind(l.top);
        a.jmp_imm(BPF_JGE, R5, max as i32, l.done);
        l
    }

    /// Opens a loop of at most `max` iterations whose body may clobber
    /// every scratch register; the counter is in R5 at the top of the body.
    pub(super) fn loop_open_spilled(&mut self, f: &mut Prog, line: u32, max: u32) -> R<Loop> {
        let slot = self.stack_slot(f, line)?;
        let a = &mut f.asm;
        let l = Loop { top: a.label(), next: a.label(), done: a.label(), slot: Some(slot) };
        // A register spill (not st_imm) so the verifier knows the count.
        a.emit(Insn::mov64_imm(R5, 0));
        a.emit(Insn::stx(BPF_DW, FP, R5, slot));
        a.bind(l.top);
        a.emit(Insn::ldx(BPF_DW, R5, FP, slot));
        a.jmp_imm(BPF_JGE, R5, max as i32, l.done);
        Ok(l)
    }

    /// Closes a loop: the body falls into `next`; `done` follows.
    pub(super) fn loop_close(f: &mut Prog, l: &Loop) {
        let a = &mut f.asm;
        a.bind(l.next);
        match l.slot {
            Some(slot) => {
                a.emit(Insn::ldx(BPF_DW, R5, FP, slot));
                a.emit(Insn::alu64_imm(BPF_ADD, R5, 1));
                a.emit(Insn::stx(BPF_DW, FP, R5, slot));
            }
            None => a.emit(Insn::alu64_imm(BPF_ADD, R5, 1)),
        }
        a.ja(l.top);
        a.bind(l.done);
    }

    /// Scans the string buffer `s` from the position in cell `from`, one
    /// byte per step in direction `dir` (+1 or -1), until `stop` holds;
    /// leaves that position in cell `out`, or -1 when the scan leaves the
    /// buffer first.
    pub(super) fn scan(&mut self, f: &mut Prog, s: Reg, from: u32, dir: i32, stop: Stop, out: u32) {
        let n = self.strsize as i32;
        let a = &mut f.asm;
        get(a, R2, from);
        base(a, R0);
        let l = Self::loop_open(f, self.strsize + 1);
        let a = &mut f.asm;
        let (inside, found, miss) = (a.label(), a.label(), a.label());
        let pos = |a: &mut Asm| {
            a.emit(Insn::mov64_reg(R3, R2));
            a.emit(Insn::alu64_reg(if dir > 0 { BPF_ADD } else { BPF_SUB }, R3, R5));
        };
        pos(a);
        a.jmp_imm(BPF_JLE, R3, n - 1, inside);
        a.ja(miss);
        a.bind(inside);
        a.emit(Insn::mov64_reg(R4, s));
        a.emit(Insn::alu64_reg(BPF_ADD, R4, R3));
        a.emit(Insn::ldx(BPF_B, R4, R4, 0));
        stop_test(a, stop, R4, l.next);
        pos(a);
        a.emit(Insn::stx(BPF_DW, R0, R3, out as i16));
        a.ja(found);
        Self::loop_close(f, &l);
        let a = &mut f.asm;
        a.bind(miss);
        set(a, out, Val::Imm(-1));
        a.bind(found);
    }

    /// Evaluates string `e` for byte-by-byte reading. Values of self->
    /// and associative variables point into the variable's map or, when
    /// absent, at "": the verifier then walks everything after twice, so
    /// such values are first copied to one temp buffer.
    pub(super) fn str_arg(&mut self, f: &mut Prog, e: &Expr) -> R<Reg> {
        let r = self.expr(f, e)?;
        if matches!(e.kind, ExprKind::Str(_) | ExprKind::Ident(_) | ExprKind::ThisVar(_) | ExprKind::Call { .. }) {
            return Ok(r);
        }
        let copy = self.new_str(f);
        self.copy_str(f, r, copy);
        Self::tmp_ptr(f, r, copy);
        Ok(r)
    }

    /// Cell `out` = length of the string in `s`.
    pub(super) fn str_len(&mut self, f: &mut Prog, s: Reg) -> u32 {
        let c = self.cells(f, 2);
        let (from, out) = (c, c + 8);
        set(&mut f.asm, from, Val::Imm(0));
        self.scan(f, s, from, 1, Stop::Is(Byte::Imm(0)), out);
        // No NUL in the buffer: the string fills it.
        let a = &mut f.asm;
        let ok = a.label();
        get(a, R1, out);
        a.jmp_imm(BPF_JSGE, R1, 0, ok);
        set(a, out, Val::Imm(self.strsize as i32 - 1));
        a.bind(ok);
        out
    }

    /// The string buffer at temp offset `dst` = at most `count` bytes of
    /// the string `s` from position `start`, NUL-terminated. The caller
    /// keeps start within the string (its NUL included).
    pub(super) fn copy_sub(&mut self, f: &mut Prog, s: Reg, start: Val, count: Val, dst: u32) {
        let n = self.strsize as i32;
        let c = self.cells(f, 1);
        let a = &mut f.asm;
        // The source address as a plain number: the helper reads it safely.
        put(a, c, s, R0);
        get(a, R3, c);
        load(a, R1, start);
        a.emit(Insn::alu64_reg(BPF_ADD, R3, R1));
        load(a, R2, count);
        let (hi, ok) = (a.label(), a.label());
        a.jmp_imm(BPF_JSGT, R2, n - 1, hi);
        a.jmp_imm(BPF_JSGE, R2, 0, ok);
        a.emit(Insn::mov64_imm(R2, 0));
        a.ja(ok);
        a.bind(hi);
        a.emit(Insn::mov64_imm(R2, n - 1));
        a.bind(ok);
        a.emit(Insn::alu64_imm(BPF_ADD, R2, 1));
        Self::tmp_ptr_a(a, R1, dst);
        a.emit(Insn::call(H_READ_KERNEL_STR));
    }

    /// The string buffer at `dst` = the suffix of string `s` from the
    /// position in cell `pos`, or NULL when control reaches `none` instead.
    pub(super) fn suffix(&mut self, f: &mut Prog, s: Reg, pos: u32, dst: u32, none: Label) {
        let done = f.asm.label();
        self.copy_sub(f, s, Val::Cell(pos), Val::Imm(self.strsize as i32), dst);
        self.not_null(f, dst);
        f.asm.ja(done);
        f.asm.bind(none);
        let a = &mut f.asm;
        Self::tmp_ptr_a(a, R1, dst);
        self.write_null(a, R1, 0);
        f.asm.bind(done);
    }

    /// Makes sure the string buffer at temp offset `dst` does not read as
    /// NULL (an empty result in a buffer that held NULL before).
    pub(super) fn not_null(&self, f: &mut Prog, dst: u32) {
        if self.strsize < super::json::NULL_MIN_STRSIZE {
            return;
        }
        let a = &mut f.asm;
        let done = a.label();
        Self::tmp_ptr_a(a, R1, dst);
        a.emit(Insn::ldx(BPF_B, R2, R1, 0));
        a.jmp_imm(BPF_JNE, R2, 0, done);
        a.emit(Insn::st_imm(BPF_DW, R1, 8, 0));
        a.bind(done);
    }

    /// The string buffer at `dst` = the string `s` (up to strsize bytes).
    pub(super) fn copy_str(&mut self, f: &mut Prog, s: Reg, dst: u32) {
        let a = &mut f.asm;
        Self::tmp_ptr_a(a, R1, dst);
        a.emit(Insn::mov64_imm(R2, self.strsize as i32));
        a.emit(Insn::mov64_reg(R3, s));
        a.emit(Insn::call(H_READ_KERNEL_STR));
    }

    /// Writes the bytes of `text` and a NUL at temp offset `dst`.
    pub(super) fn put_text(f: &mut Prog, dst: u32, text: &[u8]) {
        let a = &mut f.asm;
        Self::tmp_ptr_a(a, R1, dst);
        for (i, &b) in text.iter().chain(std::iter::once(&0)).enumerate() {
            a.emit(Insn::st_imm(BPF_B, R1, i as i16, b as i32));
        }
    }

    /// Zeroes `size` bytes (a multiple of 8) at temp offset `off`.
    pub(in crate::cg::codegen) fn zero_tmp(f: &mut Prog, off: u32, size: u32) {
        if size <= 256 {
            let a = &mut f.asm;
            Self::tmp_ptr_a(a, R1, off);
            for i in 0..size / 8 {
                a.emit(Insn::st_imm(BPF_DW, R1, (i * 8) as i16, 0));
            }
            return;
        }
        let l = Self::loop_open(f, size / 8);
        let a = &mut f.asm;
        a.emit(Insn::mov64_reg(R1, R5));
        a.emit(Insn::alu64_imm(BPF_LSH, R1, 3));
        base(a, R2);
        a.emit(Insn::alu64_reg(BPF_ADD, R1, R2));
        a.emit(Insn::st_imm(BPF_DW, R1, off as i16, 0));
        Self::loop_close(f, &l);
    }

    /// r = the string-table address of `blob`'s copy (a map value pointer).
    pub(super) fn table_ptr(&mut self, f: &mut Prog, r: Reg, blob: &[u8]) {
        let off = self.blob(blob);
        Self::strtab_ptr(f, r, off);
    }
}

/// Falls through when byte `b` satisfies `stop`, else jumps to `next`
/// (clobbers R1, R3; R0 must hold the temp area for the set tests).
fn stop_test(a: &mut Asm, stop: Stop, b: Reg, next: Label) {
    let jmp = |a: &mut Asm, op: u8, x: Byte, to: Label| match x {
        Byte::Imm(i) => a.jmp_imm(op, b, i as i32, to),
        Byte::Reg(r) => a.jmp_reg(op, b, r, to),
    };
    let set_bit = |a: &mut Asm, set: u32| {
        a.emit(Insn::mov64_reg(R1, b));
        a.emit(Insn::alu64_imm(BPF_RSH, R1, 3));
        a.emit(Insn::alu64_reg(BPF_ADD, R1, R0));
        a.emit(Insn::ldx(BPF_B, R1, R1, set as i16));
        a.emit(Insn::mov64_reg(R3, b));
        a.emit(Insn::alu64_imm(BPF_AND, R3, 7));
        a.emit(Insn::alu64_reg(BPF_RSH, R1, R3));
        a.emit(Insn::alu64_imm(BPF_AND, R1, 1));
    };
    match stop {
        Stop::Is(x) => jmp(a, BPF_JNE, x, next),
        Stop::IsNot(x) => jmp(a, BPF_JEQ, x, next),
        Stop::IsOrNul(x) => {
            let (other, hit) = (a.label(), a.label());
            jmp(a, BPF_JNE, x, other);
            a.ja(hit);
            a.bind(other);
            a.jmp_imm(BPF_JNE, b, 0, next);
            a.bind(hit);
        }
        Stop::NotBlank => {
            a.jmp_imm(BPF_JEQ, b, b' ' as i32, next);
            a.jmp_imm(BPF_JEQ, b, b'\t' as i32, next);
        }
        Stop::InSetOrNul(set) => {
            let (other, hit) = (a.label(), a.label());
            set_bit(a, set);
            a.jmp_imm(BPF_JEQ, R1, 0, other);
            a.ja(hit);
            a.bind(other);
            a.jmp_imm(BPF_JNE, b, 0, next);
            a.bind(hit);
        }
        Stop::NotInSet(set) => {
            set_bit(a, set);
            a.jmp_imm(BPF_JNE, R1, 0, next);
        }
    }
}
