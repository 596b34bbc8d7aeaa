//! lltostr, strtoll and the byte-order conversions.

use super::super::*;
use super::emit::*;

/// Digit values of bytes for bases up to 36 (36: not a digit).
fn digit_table() -> Vec<u8> {
    (0..=255u8)
        .map(|b| match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'z' => b - b'a' + 10,
            b'A'..=b'Z' => b - b'A' + 10,
            _ => 36,
        })
        .collect()
}

/// lltostr's digit buffer: 8 bytes of room for the prefix, up to 64
/// digits, the NUL.
const DIGITS_AT: u32 = 8;
const DIGITS_END: u32 = DIGITS_AT + 64;

impl<'a> Codegen<'a> {
    /// Cell `base` = the optional base argument (default 10), faulting
    /// (illegal operation) unless it is 2..=36.
    fn base_arg(&mut self, f: &mut Prog, e: Option<&Expr>, cell: u32) -> R<()> {
        match e {
            Some(e) => {
                let b = self.expr(f, e)?;
                self.fault_if(f, BPF_JSLT, b, 2, FLT_ILLOP, Some(b));
                self.fault_if(f, BPF_JSGT, b, 36, FLT_ILLOP, Some(b));
                put(&mut f.asm, cell, b, R0);
                self.free(f, b);
            }
            None => set(&mut f.asm, cell, Val::Imm(10)),
        }
        Ok(())
    }

    /// lltostr(v [, base]): v in the base (2..=36, lower-case digits);
    /// negative only in base 10 (other bases show the 64-bit pattern),
    /// "0x" before base 16 and "0" before base 8, as DTrace does.
    pub(in crate::cg::codegen) fn lltostr(&mut self, f: &mut Prog, args: &[Expr]) -> R<Reg> {
        let v = self.expr(f, &args[0])?;
        let c = self.cells(f, 3);
        let (val, bse, nd) = (c, c + 8, c + 16);
        self.base_arg(f, args.get(1), bse)?;
        let buf = self.tmp(f, DIGITS_END + 8);
        let a = &mut f.asm;
        let pos = a.label();
        // The magnitude to print.
        put(a, val, v, R0);
        a.jmp_imm(BPF_JSGE, v, 0, pos);
        get(a, R1, bse);
        a.jmp_imm(BPF_JNE, R1, 10, pos);
        a.emit(Insn::mov64_reg(R1, v));
        a.emit(Insn::neg64(R1));
        put(a, val, R1, R0);
        a.bind(pos);
        base(a, R1);
        a.emit(Insn::st_imm(BPF_B, R1, (buf + DIGITS_END) as i16, 0));
        // (64 digits if the counter runs out: the value is then 0)
        set(a, nd, Val::Imm(64));
        // Digits from the end, least significant first.
        let l = Self::loop_open(f, 64);
        let a = &mut f.asm;
        let more = a.label();
        get(a, R1, val);
        a.jmp_imm(BPF_JNE, R1, 0, more);
        put(a, nd, R5, R0);
        a.ja(l.done);
        a.bind(more);
        get(a, R2, bse);
        a.emit(Insn::mov64_reg(R3, R1));
        a.emit(Insn::alu64_reg(BPF_MOD, R3, R2));
        a.emit(Insn::alu64_reg(BPF_DIV, R1, R2));
        put(a, val, R1, R0);
        digit_char(a, R3);
        a.emit(Insn::mov64_imm(R1, 63));
        a.emit(Insn::alu64_reg(BPF_SUB, R1, R5));
        base(a, R0);
        a.emit(Insn::alu64_reg(BPF_ADD, R1, R0));
        a.emit(Insn::stx(BPF_B, R1, R3, (buf + DIGITS_AT) as i16));
        Self::loop_close(f, &l);
        // R1 = offset in buf of the first digit (kept positive for the
        // verifier).
        let a = &mut f.asm;
        let counted = a.label();
        get(a, R2, nd);
        a.jmp_imm(BPF_JLE, R2, 64, counted);
        a.emit(Insn::mov64_imm(R2, 64));
        a.bind(counted);
        a.emit(Insn::mov64_imm(R1, DIGITS_END as i32));
        a.emit(Insn::alu64_reg(BPF_SUB, R1, R2));
        get(a, R2, bse);
        Self::lltostr_prefix(f, v, buf);
        put(&mut f.asm, nd, R1, R0);
        let dst = self.new_str(f);
        Self::tmp_ptr(f, v, buf);
        self.copy_sub(f, v, Val::Cell(nd), Val::Imm(self.strsize as i32), dst);
        Self::tmp_ptr(f, v, dst);
        Ok(v)
    }

    /// Prepends lltostr's prefix before offset R1 of the digits in `buf`
    /// (R2 = base, `v` = the value), leaving R1 at the new first index.
    fn lltostr_prefix(f: &mut Prog, v: Reg, buf: u32) {
        let a = &mut f.asm;
        let prepend = |a: &mut Asm, ch: u8| {
            a.emit(Insn::alu64_imm(BPF_SUB, R1, 1));
            base(a, R3);
            a.emit(Insn::alu64_reg(BPF_ADD, R3, R1));
            a.emit(Insn::st_imm(BPF_B, R3, buf as i16, ch as i32));
        };
        let (not_hex_zero, not_hex, no_zero, zero, no_sign) = (a.label(), a.label(), a.label(), a.label(), a.label());
        // 0 in base 16 is "0x0".
        a.jmp_imm(BPF_JNE, R2, 16, not_hex_zero);
        a.jmp_imm(BPF_JNE, v, 0, not_hex_zero);
        prepend(a, b'0');
        a.bind(not_hex_zero);
        a.jmp_imm(BPF_JNE, R2, 16, not_hex);
        prepend(a, b'x');
        a.bind(not_hex);
        a.jmp_imm(BPF_JEQ, v, 0, zero);
        a.jmp_imm(BPF_JEQ, R2, 8, zero);
        a.jmp_imm(BPF_JNE, R2, 16, no_zero);
        a.bind(zero);
        prepend(a, b'0');
        a.bind(no_zero);
        a.jmp_imm(BPF_JSGE, v, 0, no_sign);
        a.jmp_imm(BPF_JNE, R2, 10, no_sign);
        prepend(a, b'-');
        a.bind(no_sign);
    }

    /// strtoll(s [, base]): the integer at the start of s, after blanks and
    /// a sign; base 16 also takes a "0x" prefix. Stops at the first byte
    /// that is not a digit of the base.
    pub(in crate::cg::codegen) fn strtoll(&mut self, f: &mut Prog, args: &[Expr]) -> R<Reg> {
        let n = self.strsize as i32;
        let s = self.str_arg(f, &args[0])?;
        let c = self.cells(f, 5);
        let (bse, from, pos, val, neg) = (c, c + 8, c + 16, c + 24, c + 32);
        self.base_arg(f, args.get(1), bse)?;
        let digits = digit_table();
        set(&mut f.asm, from, Val::Imm(0));
        self.scan(f, s, from, 1, Stop::NotBlank, pos);
        let a = &mut f.asm;
        let (unsigned, signed, no_prefix) = (a.label(), a.label(), a.label());
        set(a, val, Val::Imm(0));
        set(a, neg, Val::Imm(0));
        get(a, R1, pos);
        a.jmp_imm(BPF_JGT, R1, n - 1, no_prefix);
        a.emit(Insn::mov64_reg(R2, s));
        a.emit(Insn::alu64_reg(BPF_ADD, R2, R1));
        a.emit(Insn::ldx(BPF_B, R3, R2, 0));
        a.jmp_imm(BPF_JEQ, R3, b'+' as i32, signed);
        a.jmp_imm(BPF_JNE, R3, b'-' as i32, unsigned);
        set(a, neg, Val::Imm(1));
        a.bind(signed);
        a.emit(Insn::alu64_imm(BPF_ADD, R1, 1));
        a.bind(unsigned);
        // "0x" and a hex digit, in base 16.
        get(a, R3, bse);
        a.jmp_imm(BPF_JNE, R3, 16, no_prefix);
        a.jmp_imm(BPF_JGT, R1, n - 3, no_prefix);
        a.emit(Insn::mov64_reg(R2, s));
        a.emit(Insn::alu64_reg(BPF_ADD, R2, R1));
        a.emit(Insn::ldx(BPF_B, R3, R2, 0));
        a.jmp_imm(BPF_JNE, R3, b'0' as i32, no_prefix);
        a.emit(Insn::ldx(BPF_B, R3, R2, 1));
        a.emit(Insn::alu64_imm(BPF_OR, R3, 0x20));
        a.jmp_imm(BPF_JNE, R3, b'x' as i32, no_prefix);
        a.emit(Insn::ldx(BPF_B, R3, R2, 2));
        self.table_ptr(f, R4, &digits);
        let a = &mut f.asm;
        a.emit(Insn::alu64_reg(BPF_ADD, R4, R3));
        a.emit(Insn::ldx(BPF_B, R4, R4, 0));
        a.jmp_imm(BPF_JGE, R4, 16, no_prefix);
        a.emit(Insn::alu64_imm(BPF_ADD, R1, 2));
        a.bind(no_prefix);
        put(a, pos, R1, R0);
        // Digits while they are below the base: R4 = start, R2 = base,
        // R0 = value so far.
        get(a, R4, pos);
        get(a, R2, bse);
        a.emit(Insn::mov64_imm(R0, 0));
        let l = Self::loop_open(f, self.strsize);
        let a = &mut f.asm;
        let (inside, digit, end) = (a.label(), a.label(), a.label());
        a.emit(Insn::mov64_reg(R1, R4));
        a.emit(Insn::alu64_reg(BPF_ADD, R1, R5));
        a.jmp_imm(BPF_JLE, R1, n - 1, inside);
        a.ja(end);
        a.bind(inside);
        a.emit(Insn::alu64_reg(BPF_ADD, R1, s));
        a.emit(Insn::ldx(BPF_B, R3, R1, 0));
        self.table_ptr(f, R1, &digits);
        let a = &mut f.asm;
        a.emit(Insn::alu64_reg(BPF_ADD, R1, R3));
        a.emit(Insn::ldx(BPF_B, R1, R1, 0));
        a.jmp_reg(BPF_JLT, R1, R2, digit);
        a.bind(end);
        put(a, val, R0, R1);
        a.ja(l.done);
        a.bind(digit);
        a.emit(Insn::alu64_reg(BPF_MUL, R0, R2));
        a.emit(Insn::alu64_reg(BPF_ADD, R0, R1));
        Self::loop_close(f, &l);
        let a = &mut f.asm;
        let done = a.label();
        get(a, s, val);
        get(a, R1, neg);
        a.jmp_imm(BPF_JEQ, R1, 0, done);
        a.emit(Insn::neg64(s));
        a.bind(done);
        Ok(s)
    }

    /// htons/htonl/htonll and the ntoh* inverses: byte order swaps of the
    /// low `bits` of the value.
    pub(in crate::cg::codegen) fn byteswap(&mut self, f: &mut Prog, e: &Expr, bits: i32) -> R<Reg> {
        let r = self.expr(f, e)?;
        to_be(&mut f.asm, r, bits);
        Ok(r)
    }
}
