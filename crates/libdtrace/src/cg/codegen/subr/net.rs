//! inet_ntoa, inet_ntoa6 and inet_ntop.
//!
//! The text is built without branches per field: each field's characters
//! are computed into one word, shifted by how many digits it needs, and
//! stored at the output position, which then advances by that many bytes
//! (the next store overwrites the excess).

use super::super::*;
use super::emit::*;

const AF_INET: i64 = 2;
/// Linux's value (DTrace on Linux defines AF_INET6 so).
const AF_INET6: i64 = 10;

/// Output room: the longest address text plus a last 8-byte store.
const TEXT_ROOM: u32 = 72;

/// How an address is printed.
#[derive(Clone, Copy, PartialEq)]
enum Style {
    V4,
    /// IPv6; an IPv4-mapped or -compatible address prints as just the
    /// IPv4 part (inet_ntoa6) or as ::ffff:a.b.c.d / ::a.b.c.d (inet_ntop).
    V6 { v4_prefix: bool },
}

impl<'a> Codegen<'a> {
    /// inet_ntoa(addr) (`v6` false) / inet_ntoa6(addr) (`v6` true).
    pub(in crate::cg::codegen) fn inet(&mut self, f: &mut Prog, line: u32, v6: bool, e: &Expr) -> R<Reg> {
        let style = if v6 { Style::V6 { v4_prefix: false } } else { Style::V4 };
        let addr = self.expr(f, e)?;
        let dst = self.tmp(f, self.strsize.max(TEXT_ROOM));
        self.format_addr(f, line, addr, style, dst)?;
        Self::tmp_ptr(f, addr, dst);
        Ok(addr)
    }

    /// inet_ntop(af, addr): AF_INET or AF_INET6, else an illegal operation.
    pub(in crate::cg::codegen) fn inet_ntop(&mut self, f: &mut Prog, line: u32, args: &[Expr]) -> R<Reg> {
        let dst = self.tmp(f, self.strsize.max(TEXT_ROOM));
        let v6 = Style::V6 { v4_prefix: true };
        let known = match self.value(&args[0])? {
            Some(AF_INET) => Some(Style::V4),
            Some(AF_INET6) => Some(v6),
            _ => None,
        };
        let addr = match known {
            Some(style) => {
                let addr = self.expr(f, &args[1])?;
                self.format_addr(f, line, addr, style, dst)?;
                addr
            }
            None => {
                let af = self.expr(f, &args[0])?;
                let addr = self.expr(f, &args[1])?;
                let a = &mut f.asm;
                let (v4, done) = (a.label(), a.label());
                a.jmp_imm(BPF_JEQ, af, AF_INET as i32, v4);
                self.fault_if(f, BPF_JNE, af, AF_INET6 as i32, FLT_ILLOP, Some(af));
                self.format_addr(f, line, addr, v6, dst)?;
                f.asm.ja(done);
                f.asm.bind(v4);
                self.format_addr(f, line, addr, Style::V4, dst)?;
                f.asm.bind(done);
                self.free(f, af);
                addr
            }
        };
        Self::tmp_ptr(f, addr, dst);
        Ok(addr)
    }

    /// Writes the text of the address at kernel address `addr` at temp
    /// offset `dst` (faulting if it cannot be read).
    fn format_addr(&mut self, f: &mut Prog, line: u32, addr: Reg, style: Style, dst: u32) -> R<()> {
        let size = if style == Style::V4 { 4 } else { 16 };
        let raw = self.tmp(f, 16);
        let c = self.cells(f, 4);
        let text = Text { raw, dst, at: c + 24, run: c };
        let a = &mut f.asm;
        Self::tmp_ptr_a(a, R1, raw);
        a.emit(Insn::mov64_imm(R2, size));
        a.emit(Insn::mov64_reg(R3, addr));
        a.emit(Insn::call(H_READ_KERNEL));
        self.fault_if(f, BPF_JSLT, R0, 0, FLT_BADADDR, Some(addr));
        set(&mut f.asm, text.at, Val::Imm(0));
        match style {
            Style::V4 => self.dotted_quad(f, line, &text, 0)?,
            Style::V6 { v4_prefix } => {
                let (v6, done) = (f.asm.label(), f.asm.label());
                v4_in_v6(&mut f.asm, raw, v6);
                if v4_prefix {
                    self.groups(f, line, &text, 6)?;
                    // The IPv4 part stands as group 6.
                    let a = &mut f.asm;
                    cursor(a, &text, R5);
                    a.emit(Insn::mov64_imm(R1, 6));
                    separator(a, &text, R1);
                    a.emit(Insn::mov64_reg(R2, R4));
                    a.emit(Insn::alu64_imm(BPF_MUL, R2, b':' as i32));
                    base(a, R0);
                    a.emit(Insn::alu64_reg(BPF_ADD, R0, R5));
                    a.emit(Insn::stx(BPF_B, R0, R2, dst as i16));
                    a.emit(Insn::alu64_reg(BPF_ADD, R5, R4));
                    put(a, text.at, R5, R0);
                }
                self.dotted_quad(f, line, &text, 12)?;
                f.asm.ja(done);
                f.asm.bind(v6);
                self.groups(f, line, &text, 8)?;
                f.asm.bind(done);
            }
        }
        // Terminate, and within strsize.
        let a = &mut f.asm;
        cursor(a, &text, R5);
        base(a, R0);
        a.emit(Insn::alu64_reg(BPF_ADD, R0, R5));
        a.emit(Insn::st_imm(BPF_B, R0, dst as i16, 0));
        base(a, R0);
        a.emit(Insn::st_imm(BPF_B, R0, (dst + self.strsize - 1) as i16, 0));
        Ok(())
    }

    /// Appends the 4 bytes at `raw + from` as a.b.c.d.
    fn dotted_quad(&mut self, f: &mut Prog, line: u32, t: &Text, from: u32) -> R<()> {
        let l = self.loop_open_spilled(f, line, 4)?;
        let a = &mut f.asm;
        base(a, R0);
        a.emit(Insn::alu64_reg(BPF_ADD, R0, R5));
        a.emit(Insn::ldx(BPF_B, R1, R0, (t.raw + from) as i16));
        // R2 = "hto." as bytes, low byte first.
        a.emit(Insn::mov64_reg(R2, R1));
        a.emit(Insn::alu64_imm(BPF_DIV, R2, 100));
        a.emit(Insn::alu64_imm(BPF_ADD, R2, b'0' as i32));
        for (div, shift) in [(10, 8), (1, 16)] {
            a.emit(Insn::mov64_reg(R3, R1));
            a.emit(Insn::alu64_imm(BPF_DIV, R3, div));
            a.emit(Insn::alu64_imm(BPF_MOD, R3, 10));
            a.emit(Insn::alu64_imm(BPF_ADD, R3, b'0' as i32));
            a.emit(Insn::alu64_imm(BPF_LSH, R3, shift));
            a.emit(Insn::alu64_reg(BPF_OR, R2, R3));
        }
        a.emit(Insn::alu64_imm(BPF_OR, R2, (b'.' as i32) << 24));
        // Drop the leading zeros.
        extra_digits(a, R1, &[9, 99]);
        shift_out(a, R2, R3, 2);
        a.emit(Insn::alu64_imm(BPF_ADD, R3, 2));
        append(a, t, BPF_W, R2, R3, l.done);
        Self::loop_close(f, &l);
        // No '.' after the last byte.
        let a = &mut f.asm;
        get(a, R1, t.at);
        a.emit(Insn::alu64_imm(BPF_SUB, R1, 1));
        put(a, t.at, R1, R0);
        Ok(())
    }

    /// Appends groups 0..n of the address as IPv6 text, the longest run
    /// (the first of equal ones) of at least two zero groups as "::".
    fn groups(&mut self, f: &mut Prog, line: u32, t: &Text, n: u32) -> R<()> {
        Self::longest_zero_run(f, t, n);
        let l = self.loop_open_spilled(f, line, n)?;
        let a = &mut f.asm;
        // R1 = group g (R5)
        a.emit(Insn::mov64_reg(R0, R5));
        a.emit(Insn::alu64_imm(BPF_LSH, R0, 1));
        base(a, R2);
        a.emit(Insn::alu64_reg(BPF_ADD, R0, R2));
        a.emit(Insn::ldx(BPF_B, R1, R0, t.raw as i16));
        a.emit(Insn::alu64_imm(BPF_LSH, R1, 8));
        a.emit(Insn::ldx(BPF_B, R2, R0, t.raw as i16 + 1));
        a.emit(Insn::alu64_reg(BPF_OR, R1, R2));
        // R2 = its 4 hex digits, first at the low byte.
        a.emit(Insn::mov64_imm(R2, 0));
        for i in 0..4 {
            a.emit(Insn::mov64_reg(R3, R1));
            a.emit(Insn::alu64_imm(BPF_RSH, R3, 12 - 4 * i));
            a.emit(Insn::alu64_imm(BPF_AND, R3, 15));
            digit_char(a, R3);
            a.emit(Insn::alu64_imm(BPF_LSH, R3, 8 * i));
            a.emit(Insn::alu64_reg(BPF_OR, R2, R3));
        }
        // Drop the leading zeros.
        extra_digits(a, R1, &[0xf, 0xff, 0xfff]);
        shift_out(a, R2, R3, 3);
        // A ':' before it unless first or right after the "::".
        separator(a, t, R5);
        a.emit(Insn::mov64_reg(R0, R4));
        a.emit(Insn::alu64_imm(BPF_LSH, R0, 3));
        a.emit(Insn::alu64_reg(BPF_LSH, R2, R0));
        a.emit(Insn::mov64_reg(R0, R4));
        a.emit(Insn::alu64_imm(BPF_MUL, R0, b':' as i32));
        a.emit(Insn::alu64_reg(BPF_OR, R2, R0));
        a.emit(Insn::alu64_imm(BPF_ADD, R3, 1));
        a.emit(Insn::alu64_reg(BPF_ADD, R3, R4));
        // In the run (start <= g < end): nothing, or "::" for its first
        // group. R4 = in the run, R0 = its first group.
        get(a, R4, t.run);
        a.emit(Insn::alu64_reg(BPF_SUB, R4, R5));
        a.emit(Insn::alu64_imm(BPF_SUB, R4, 1));
        a.emit(Insn::alu64_imm(BPF_RSH, R4, 63));
        get(a, R0, t.run + 8);
        a.emit(Insn::neg64(R0));
        a.emit(Insn::alu64_reg(BPF_ADD, R0, R5));
        a.emit(Insn::alu64_imm(BPF_RSH, R0, 63));
        a.emit(Insn::alu64_reg(BPF_AND, R4, R0));
        get(a, R0, t.run);
        a.emit(Insn::alu64_reg(BPF_XOR, R0, R5));
        is_zero_byte(a, R0);
        a.emit(Insn::alu64_reg(BPF_AND, R0, R4));
        a.emit(Insn::alu64_imm(BPF_XOR, R4, 1));
        a.emit(Insn::alu64_reg(BPF_MUL, R2, R4));
        a.emit(Insn::alu64_reg(BPF_MUL, R3, R4));
        a.emit(Insn::mov64_reg(R1, R0));
        a.emit(Insn::alu64_imm(BPF_MUL, R1, 0x3a3a));
        a.emit(Insn::alu64_reg(BPF_OR, R2, R1));
        a.emit(Insn::alu64_imm(BPF_LSH, R0, 1));
        a.emit(Insn::alu64_reg(BPF_ADD, R3, R0));
        append(a, t, BPF_DW, R2, R3, l.done);
        Self::loop_close(f, &l);
        Ok(())
    }

    /// Cells at `t.run` = start, end and length of the longest run of at
    /// least two zero groups among groups 0..n (the first of equal ones);
    /// no run: length 0 and start = end = 8.
    fn longest_zero_run(f: &mut Prog, t: &Text, n: u32) {
        // R1 = current run, R2 = best length, R3 = best end.
        let a = &mut f.asm;
        a.emit(Insn::mov64_imm(R1, 0));
        a.emit(Insn::mov64_imm(R2, 0));
        a.emit(Insn::mov64_imm(R3, 0));
        let l = Self::loop_open(f, n);
        let a = &mut f.asm;
        a.emit(Insn::mov64_reg(R0, R5));
        a.emit(Insn::alu64_imm(BPF_LSH, R0, 1));
        base(a, R4);
        a.emit(Insn::alu64_reg(BPF_ADD, R0, R4));
        a.emit(Insn::ldx(BPF_H, R4, R0, t.raw as i16));
        is_nonzero(a, R4);
        a.emit(Insn::alu64_imm(BPF_XOR, R4, 1));
        a.emit(Insn::alu64_imm(BPF_ADD, R1, 1));
        a.emit(Insn::alu64_reg(BPF_MUL, R1, R4));
        // longer = best < run
        a.emit(Insn::mov64_reg(R4, R2));
        a.emit(Insn::alu64_reg(BPF_SUB, R4, R1));
        a.emit(Insn::alu64_imm(BPF_RSH, R4, 63));
        a.emit(Insn::mov64_reg(R0, R1));
        a.emit(Insn::alu64_reg(BPF_SUB, R0, R2));
        a.emit(Insn::alu64_reg(BPF_MUL, R0, R4));
        a.emit(Insn::alu64_reg(BPF_ADD, R2, R0));
        a.emit(Insn::mov64_reg(R0, R5));
        a.emit(Insn::alu64_imm(BPF_ADD, R0, 1));
        a.emit(Insn::alu64_reg(BPF_SUB, R0, R3));
        a.emit(Insn::alu64_reg(BPF_MUL, R0, R4));
        a.emit(Insn::alu64_reg(BPF_ADD, R3, R0));
        Self::loop_close(f, &l);
        // A single zero group is not compressed.
        let a = &mut f.asm;
        a.emit(Insn::mov64_reg(R4, R2));
        is_below(a, R4, 2);
        a.emit(Insn::alu64_imm(BPF_XOR, R4, 1));
        a.emit(Insn::alu64_reg(BPF_MUL, R2, R4));
        // No run: start = end = 8 (past every group).
        a.emit(Insn::alu64_imm(BPF_SUB, R3, 8));
        a.emit(Insn::alu64_reg(BPF_MUL, R3, R4));
        a.emit(Insn::alu64_imm(BPF_ADD, R3, 8));
        put(a, t.run + 8, R3, R0);
        a.emit(Insn::alu64_reg(BPF_SUB, R3, R2));
        put(a, t.run, R3, R0);
        put(a, t.run + 16, R2, R0);
    }
}

/// An address being printed: its bytes, the output, the cell holding the
/// output position, and the cells describing the "::" run (start, end,
/// length).
struct Text {
    raw: u32,
    dst: u32,
    at: u32,
    run: u32,
}

/// Longest output before the last store (the verifier's bound).
const TEXT_MAX: i32 = TEXT_ROOM as i32 - 8;

/// r = the output position, bounded for the verifier.
fn cursor(a: &mut Asm, t: &Text, r: Reg) {
    let ok = a.label();
    get(a, r, t.at);
    a.jmp_imm(BPF_JLE, r, TEXT_MAX, ok);
    a.emit(Insn::mov64_imm(r, TEXT_MAX));
    a.bind(ok);
}

/// In a loop: stores `word` (of `size`) at the output position and
/// advances it by `len` bytes (the rest is overwritten later); leaves the
/// loop if the position is out of bounds (it never is).
fn append(a: &mut Asm, t: &Text, size: u8, word: Reg, len: Reg, done: Label) {
    let ok = a.label();
    get(a, R0, t.at);
    a.jmp_imm(BPF_JLE, R0, TEXT_MAX, ok);
    a.ja(done);
    a.bind(ok);
    a.emit(Insn::mov64_reg(R1, R0));
    base(a, R4);
    a.emit(Insn::alu64_reg(BPF_ADD, R1, R4));
    a.emit(Insn::stx(size, R1, word, t.dst as i16));
    a.emit(Insn::alu64_reg(BPF_ADD, R0, len));
    put(a, t.at, R0, R1);
}

/// Jumps to `v6` unless the 16 bytes at temp offset `raw` are an
/// IPv4-mapped (::ffff:a.b.c.d) or IPv4-compatible (::a.b.c.d, but not
/// :: or ::1) address.
fn v4_in_v6(a: &mut Asm, raw: u32, v6: Label) {
    let v4 = a.label();
    base(a, R0);
    a.emit(Insn::ldx(BPF_DW, R1, R0, raw as i16));
    a.jmp_imm(BPF_JNE, R1, 0, v6);
    a.emit(Insn::ldx(BPF_W, R1, R0, raw as i16 + 8));
    a.emit2(Insn::ld_imm64(R2, 0xffff_0000));
    a.jmp_reg(BPF_JEQ, R1, R2, v4);
    a.jmp_imm(BPF_JNE, R1, 0, v6);
    a.emit(Insn::ldx(BPF_W, R1, R0, raw as i16 + 12));
    a.jmp_imm(BPF_JEQ, R1, 0, v6);
    a.jmp_imm(BPF_JEQ, R1, 0x0100_0000, v6);
    a.bind(v4);
}

/// R3 = how many of `limits` value `v` exceeds: its digits beyond the
/// first (clobbers R4).
fn extra_digits(a: &mut Asm, v: Reg, limits: &[i32]) {
    a.emit(Insn::mov64_imm(R3, 0));
    for &limit in limits {
        a.emit(Insn::mov64_imm(R4, limit));
        a.emit(Insn::alu64_reg(BPF_SUB, R4, v));
        a.emit(Insn::alu64_imm(BPF_RSH, R4, 63));
        a.emit(Insn::alu64_reg(BPF_ADD, R3, R4));
    }
}

/// r >>= 8 * (max - digits_minus_one): drops unused leading characters
/// (clobbers R4).
fn shift_out(a: &mut Asm, r: Reg, digits_minus_one: Reg, max: i32) {
    a.emit(Insn::mov64_reg(R4, digits_minus_one));
    a.emit(Insn::alu64_imm(BPF_LSH, R4, 3));
    a.emit(Insn::neg64(R4));
    a.emit(Insn::alu64_imm(BPF_ADD, R4, 8 * max));
    a.emit(Insn::alu64_reg(BPF_RSH, r, R4));
}

/// R4 = whether the group numbered in `g` takes a ':' before it: not the
/// first, and not right after the "::" run (clobbers R0).
fn separator(a: &mut Asm, t: &Text, g: Reg) {
    get(a, R4, t.run + 8);
    a.emit(Insn::alu64_reg(BPF_XOR, R4, g));
    is_nonzero(a, R4);
    a.emit(Insn::mov64_reg(R0, g));
    is_nonzero(a, R0);
    a.emit(Insn::alu64_reg(BPF_AND, R4, R0));
}
