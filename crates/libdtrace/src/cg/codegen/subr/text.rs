//! strchr, strrchr, substr, strtok, toupper and tolower.
//!
//! Where DTrace returns NULL (no such character, no more tokens) the
//! result is the NULL string (see `json::NULL_MARK`): every string value
//! here must be a buffer.

use super::super::*;
use super::emit::*;

impl<'a> Codegen<'a> {
    /// strchr / strrchr(s, c): the suffix of s from the first / last c.
    /// c may be '\0', which finds the terminator (an empty suffix).
    pub(in crate::cg::codegen) fn strchr(&mut self, f: &mut Prog, args: &[Expr], last: bool) -> R<Reg> {
        let s = self.str_arg(f, &args[0])?;
        let c = self.expr(f, &args[1])?;
        f.asm.emit(Insn::alu64_imm(BPF_AND, c, 0xff));
        let pos = self.cells(f, 2);
        if last {
            // Back from the terminator, so that '\0' finds it.
            let len = self.str_len(f, s);
            self.scan(f, s, len, -1, Stop::Is(Byte::Reg(c)), pos);
        } else {
            set(&mut f.asm, pos + 8, Val::Imm(0));
            self.scan(f, s, pos + 8, 1, Stop::IsOrNul(Byte::Reg(c)), pos);
        }
        let dst = self.new_str(f);
        // The forward scan also stops at the terminator: check the byte.
        let a = &mut f.asm;
        let none = a.label();
        get(a, R1, pos);
        a.jmp_imm(BPF_JGT, R1, self.strsize as i32 - 1, none);
        a.emit(Insn::alu64_reg(BPF_ADD, R1, s));
        a.emit(Insn::ldx(BPF_B, R1, R1, 0));
        a.jmp_reg(BPF_JNE, R1, c, none);
        self.suffix(f, s, pos, dst, none);
        self.free(f, c);
        Self::tmp_ptr(f, s, dst);
        Ok(s)
    }

    /// substr(s, index [, length]) with DTrace's (Perl's) rules: a negative
    /// index counts from the end, a negative length leaves that many
    /// characters off the end.
    pub(in crate::cg::codegen) fn substr(&mut self, f: &mut Prog, args: &[Expr]) -> R<Reg> {
        let n = self.strsize as i32;
        let s = self.str_arg(f, &args[0])?;
        let c = self.cells(f, 2);
        let (index, remaining) = (c, c + 8);
        let i = self.expr(f, &args[1])?;
        put(&mut f.asm, index, i, R0);
        self.free(f, i);
        match args.get(2) {
            Some(e) => {
                let r = self.expr(f, e)?;
                put(&mut f.asm, remaining, r, R0);
                self.free(f, r);
            }
            None => set(&mut f.asm, remaining, Val::Imm(n)),
        }
        let len = self.str_len(f, s);
        let a = &mut f.asm;
        let (idx_ok, empty, neg_rem, store) = (a.label(), a.label(), a.label(), a.label());
        get(a, R1, index);
        get(a, R2, remaining);
        get(a, R3, len);
        // A negative index counts from the end; a start before the string
        // shortens the length by as much.
        a.jmp_imm(BPF_JSGE, R1, 0, idx_ok);
        a.emit(Insn::alu64_reg(BPF_ADD, R1, R3));
        a.jmp_imm(BPF_JSGE, R1, 0, idx_ok);
        a.emit(Insn::mov64_reg(R4, R1));
        a.emit(Insn::alu64_reg(BPF_ADD, R4, R2));
        a.jmp_imm(BPF_JSLE, R4, 0, idx_ok);
        a.emit(Insn::mov64_reg(R2, R4));
        a.emit(Insn::mov64_imm(R1, 0));
        a.bind(idx_ok);
        a.jmp_imm(BPF_JSLT, R1, 0, empty);
        a.jmp_reg(BPF_JSGE, R1, R3, empty);
        a.jmp_imm(BPF_JSLT, R2, 0, neg_rem);
        // (The copy stops at the terminator, so a long length is harmless.)
        a.ja(store);
        a.bind(neg_rem);
        a.emit(Insn::alu64_reg(BPF_ADD, R2, R3));
        a.emit(Insn::alu64_reg(BPF_SUB, R2, R1));
        a.ja(store);
        a.bind(empty);
        a.emit(Insn::mov64_imm(R1, 0));
        a.emit(Insn::mov64_imm(R2, 0));
        a.bind(store);
        put(a, index, R1, R0);
        put(a, remaining, R2, R0);
        let dst = self.new_str(f);
        self.copy_sub(f, s, Val::Cell(index), Val::Cell(remaining), dst);
        Self::tmp_ptr(f, s, dst);
        Ok(s)
    }

    /// strtok(s, delims) / strtok(NULL, delims): the next token of s, as
    /// C's strtok. The string and position persist per CPU (a map of
    /// their own), so a later clause can continue with NULL.
    pub(in crate::cg::codegen) fn strtok(&mut self, f: &mut Prog, line: u32, args: &[Expr]) -> R<Reg> {
        let n = self.strsize;
        let map = self.strtok_map();
        // The state: position at 0, the string from 8.
        let st = self.alloc(f, line)?;
        lookup_fixed(&mut f.asm, map);
        f.asm.jmp_imm(BPF_JEQ, R0, 0, f.clause_end.unwrap());
        f.asm.emit(Insn::mov64_reg(st, R0));
        if self.value(&args[0])? != Some(0) {
            let s = self.expr(f, &args[0])?;
            let a = &mut f.asm;
            a.emit(Insn::mov64_reg(R1, st));
            a.emit(Insn::alu64_imm(BPF_ADD, R1, 8));
            a.emit(Insn::mov64_imm(R2, n as i32));
            a.emit(Insn::mov64_reg(R3, s));
            a.emit(Insn::call(H_READ_KERNEL_STR));
            a.emit(Insn::st_imm(BPF_DW, st, 0, 0));
            self.free(f, s);
        }
        let d = self.str_arg(f, &args[1])?;
        let set_off = self.delimiter_set(f, d);
        let c = self.cells(f, 3);
        let (pos, start, end) = (c, c + 8, c + 16);
        let a = &mut f.asm;
        a.emit(Insn::ldx(BPF_DW, R1, st, 0));
        put(a, pos, R1, R0);
        a.emit(Insn::alu64_imm(BPF_ADD, st, 8));
        self.scan(f, st, pos, 1, Stop::NotInSet(set_off), start);
        self.scan(f, st, start, 1, Stop::InSetOrNul(set_off), end);
        // No token when only delimiters were left (start is then at the
        // terminator, or -1 if the buffer had none).
        let dst = self.new_str(f);
        let a = &mut f.asm;
        let (none, save) = (a.label(), a.label());
        get(a, R1, start);
        a.jmp_imm(BPF_JGT, R1, n as i32 - 1, none);
        a.emit(Insn::alu64_reg(BPF_ADD, R1, st));
        a.emit(Insn::ldx(BPF_B, R1, R1, 0));
        a.jmp_imm(BPF_JEQ, R1, 0, none);
        get(a, R1, end);
        get(a, R2, start);
        a.emit(Insn::alu64_reg(BPF_SUB, R1, R2));
        put(a, end, R1, R0);
        self.copy_sub(f, st, Val::Cell(start), Val::Cell(end), dst);
        let a = &mut f.asm;
        get(a, R1, start);
        get(a, R2, end);
        a.emit(Insn::alu64_reg(BPF_ADD, R1, R2));
        a.ja(save);
        a.bind(none);
        Self::tmp_ptr_a(a, R1, dst);
        self.write_null(a, R1, 0);
        get(&mut f.asm, R1, start);
        f.asm.bind(save);
        let a = &mut f.asm;
        a.emit(Insn::stx(BPF_DW, st, R1, -8));
        self.free(f, st);
        Self::tmp_ptr(f, d, dst);
        Ok(d)
    }

    /// Index of the per-CPU strtok state map (created on first use).
    fn strtok_map(&mut self) -> usize {
        if let Some(i) = self.out.maps.iter().position(|m| m.name == "dt_strtok") {
            return i;
        }
        self.add_map("dt_strtok", consts::BPF_MAP_TYPE_PERCPU_ARRAY, 4, self.strsize + 8, 1)
    }

    /// Builds the 256-bit set of the bytes of string `d` in the temp area;
    /// returns its offset.
    fn delimiter_set(&mut self, f: &mut Prog, d: Reg) -> u32 {
        let set_off = self.tmp(f, 32);
        Self::zero_tmp(f, set_off, 32);
        let l = Self::loop_open(f, self.strsize);
        let a = &mut f.asm;
        let more = a.label();
        a.emit(Insn::mov64_reg(R4, d));
        a.emit(Insn::alu64_reg(BPF_ADD, R4, R5));
        a.emit(Insn::ldx(BPF_B, R4, R4, 0));
        a.jmp_imm(BPF_JNE, R4, 0, more);
        a.ja(l.done);
        a.bind(more);
        // set[b >> 3] |= 1 << (b & 7)
        a.emit(Insn::mov64_reg(R1, R4));
        a.emit(Insn::alu64_imm(BPF_RSH, R1, 3));
        base(a, R0);
        a.emit(Insn::alu64_reg(BPF_ADD, R1, R0));
        a.emit(Insn::ldx(BPF_B, R2, R1, set_off as i16));
        a.emit(Insn::alu64_imm(BPF_AND, R4, 7));
        a.emit(Insn::mov64_imm(R3, 1));
        a.emit(Insn::alu64_reg(BPF_LSH, R3, R4));
        a.emit(Insn::alu64_reg(BPF_OR, R2, R3));
        a.emit(Insn::stx(BPF_B, R1, R2, set_off as i16));
        Self::loop_close(f, &l);
        set_off
    }

    /// toupper / tolower(s): s with ASCII letters of the other case mapped.
    pub(in crate::cg::codegen) fn fold_case(&mut self, f: &mut Prog, e: &Expr, upper: bool) -> R<Reg> {
        let s = self.expr(f, e)?;
        let dst = self.new_str(f);
        self.copy_str(f, s, dst);
        let first = if upper { b'a' } else { b'A' } as i32;
        let l = Self::loop_open(f, self.strsize);
        let a = &mut f.asm;
        let more = a.label();
        base(a, R1);
        a.emit(Insn::alu64_reg(BPF_ADD, R1, R5));
        a.emit(Insn::ldx(BPF_B, R4, R1, dst as i16));
        a.jmp_imm(BPF_JNE, R4, 0, more);
        a.ja(l.done);
        a.bind(more);
        // Flip the case bit when first <= b <= first + 25, branch-free.
        a.emit(Insn::mov64_reg(R2, R4));
        a.emit(Insn::alu64_imm(BPF_SUB, R2, first));
        a.emit(Insn::mov64_reg(R3, R2));
        a.emit(Insn::alu64_imm(BPF_RSH, R3, 63));
        a.emit(Insn::alu64_imm(BPF_XOR, R3, 1));
        is_below(a, R2, 26);
        a.emit(Insn::alu64_reg(BPF_AND, R2, R3));
        a.emit(Insn::alu64_imm(BPF_LSH, R2, 5));
        a.emit(Insn::alu64_reg(BPF_XOR, R4, R2));
        a.emit(Insn::stx(BPF_B, R1, R4, dst as i16));
        Self::loop_close(f, &l);
        Self::tmp_ptr(f, s, dst);
        Ok(s)
    }
}
