//! strstr, index and rindex: substring search.
//!
//! A nested "try every start" loop would make the verifier walk
//! strsize^2 iterations, so the search is Knuth-Morris-Pratt as a single
//! loop of at most 2 * strsize steps, each step either advancing in the
//! haystack or falling back in the needle (branch-free). The fallback
//! table of a literal needle is computed here rather than in BPF.

use super::super::*;
use super::emit::*;

/// Where a needle's fallback table (u16 entries) is.
#[derive(Clone, Copy)]
enum Table {
    Tmp(u32),
    Strtab(u32),
}

/// A needle: its fallback table and where its length is.
struct Needle {
    reg: Reg,
    table: Table,
    len: Val,
}

/// KMP fallbacks of `t`, as the BPF code builds them: entry 0 is 0 and
/// entry k+1 the length of the longest proper border of t[..=k].
fn fallback_table(t: &[u8]) -> Vec<u16> {
    let mut g = vec![0u16; t.len() + 1];
    let mut k = 0;
    for i in 1..t.len() {
        while k > 0 && t[i] != t[k] {
            k = g[k] as usize;
        }
        if t[i] == t[k] {
            k += 1;
        }
        g[i + 1] = k as u16;
    }
    g
}

/// Which match a search reports.
#[derive(Clone, Copy)]
enum Find {
    /// The first one starting at or after this position.
    First(Val),
    /// The last one starting at or before the position in this cell.
    Last(u32),
}

impl<'a> Codegen<'a> {
    /// strstr(s, t): the suffix of s from the first t ("" if none).
    pub(in crate::cg::codegen) fn strstr(&mut self, f: &mut Prog, line: u32, args: &[Expr]) -> R<Reg> {
        let s = self.str_arg(f, &args[0])?;
        let t = self.needle(f, &args[1])?;
        let res = self.cells(f, 1);
        self.find(f, line, s, &t, Find::First(Val::Imm(0)), res)?;
        let dst = self.new_str(f);
        let a = &mut f.asm;
        let none = a.label();
        get(a, R1, res);
        a.jmp_imm(BPF_JSLT, R1, 0, none);
        self.suffix(f, s, res, dst, none);
        self.free(f, t.reg);
        Self::tmp_ptr(f, s, dst);
        Ok(s)
    }

    /// index / rindex(s, t [, pos]): the position of the first match at or
    /// after pos / the last match at or before pos, or -1. Positions clamp
    /// as in Perl (which DTrace follows, down to its quirks with "").
    pub(in crate::cg::codegen) fn index(&mut self, f: &mut Prog, line: u32, args: &[Expr], last: bool) -> R<Reg> {
        let s = self.str_arg(f, &args[0])?;
        let t = self.needle(f, &args[1])?;
        let c = self.cells(f, 2);
        let (pos, res) = (c, c + 8);
        if let Some(e) = args.get(2) {
            let p = self.expr(f, e)?;
            put(&mut f.asm, pos, p, R0);
            self.free(f, p);
        }
        let len = self.str_len(f, s);
        if args.len() < 3 {
            set(&mut f.asm, pos, if last { Val::Cell(len) } else { Val::Imm(0) });
        }
        let a = &mut f.asm;
        let (search, done) = (a.label(), a.label());
        get(a, R1, pos);
        get(a, R2, len);
        if last {
            // Before the string: only "" is found (at 0); past it: clamp.
            let (inside, empty) = (a.label(), a.label());
            a.jmp_imm(BPF_JSGE, R1, 0, inside);
            set(a, res, Val::Imm(-1));
            load(a, R3, t.len);
            a.jmp_imm(BPF_JNE, R3, 0, done);
            a.ja(empty);
            a.bind(inside);
            a.jmp_reg(BPF_JSLE, R1, R2, search);
            put(a, pos, R2, R0);
            a.ja(search);
            a.bind(empty);
            set(a, res, Val::Imm(0));
            a.ja(done);
        } else {
            // Before the string: from 0; at or past its end: only "" is
            // found (at the end).
            let clamped = a.label();
            a.jmp_imm(BPF_JSGE, R1, 0, clamped);
            a.emit(Insn::mov64_imm(R1, 0));
            put(a, pos, R1, R0);
            a.bind(clamped);
            a.jmp_reg(BPF_JSLT, R1, R2, search);
            set(a, res, Val::Imm(-1));
            load(a, R3, t.len);
            a.jmp_imm(BPF_JNE, R3, 0, done);
            put(a, res, R2, R0);
            a.ja(done);
        }
        f.asm.bind(search);
        if last {
            self.find(f, line, s, &t, Find::Last(pos), res)?;
        } else {
            self.find(f, line, s, &t, Find::First(Val::Cell(pos)), res)?;
        }
        f.asm.bind(done);
        self.free(f, t.reg);
        get(&mut f.asm, s, res);
        Ok(s)
    }

    /// Evaluates needle `e` and its fallback table: from the literal at
    /// compile time (padded so that any index the verifier allows is in
    /// the string table), else in BPF.
    fn needle(&mut self, f: &mut Prog, e: &Expr) -> R<Needle> {
        let reg = self.str_arg(f, e)?;
        if let ExprKind::Str(lit) = &e.kind {
            let t = &lit[..lit.iter().position(|&b| b == 0).unwrap_or(lit.len()).min(self.strsize as usize - 1)];
            let mut table = fallback_table(t);
            table.resize(self.strsize as usize + 1, 0);
            let bytes: Vec<u8> = table.iter().flat_map(|v| v.to_le_bytes()).collect();
            return Ok(Needle { reg, table: Table::Strtab(self.blob(&bytes)), len: Val::Imm(t.len() as i32) });
        }
        let (g, len) = self.fallbacks(f, reg);
        Ok(Needle { reg, table: Table::Tmp(g), len: Val::Cell(len) })
    }

    /// Builds needle `t`'s fallback table (see `fallback_table`) in the
    /// temp area; returns its offset and the cell holding t's length.
    fn fallbacks(&mut self, f: &mut Prog, t: Reg) -> (u32, u32) {
        let n = self.strsize as i32;
        let g = self.tmp(f, 2 * self.strsize + 2);
        let cm = self.cells(f, 1);
        let a = &mut f.asm;
        let skip = a.label();
        base(a, R1);
        a.emit(Insn::st_imm(BPF_H, R1, g as i16, 0));
        a.emit(Insn::st_imm(BPF_H, R1, g as i16 + 2, 0));
        a.emit(Insn::st_imm(BPF_DW, R1, cm as i16, 0));
        a.emit(Insn::ldx(BPF_B, R1, t, 0));
        a.jmp_imm(BPF_JEQ, R1, 0, skip);
        // R1 = i, R2 = k (the border being extended).
        a.emit(Insn::mov64_imm(R1, 1));
        a.emit(Insn::mov64_imm(R2, 0));
        let l = Self::loop_open(f, 2 * self.strsize);
        let a = &mut f.asm;
        let (i_ok, more, k_ok) = (a.label(), a.label(), a.label());
        a.jmp_imm(BPF_JLE, R1, n - 1, i_ok);
        a.ja(l.done);
        a.bind(i_ok);
        a.emit(Insn::mov64_reg(R3, t));
        a.emit(Insn::alu64_reg(BPF_ADD, R3, R1));
        a.emit(Insn::ldx(BPF_B, R3, R3, 0));
        a.jmp_imm(BPF_JNE, R3, 0, more);
        put(a, cm, R1, R0);
        a.ja(l.done);
        a.bind(more);
        a.jmp_imm(BPF_JLE, R2, n - 1, k_ok);
        a.ja(l.done);
        a.bind(k_ok);
        a.emit(Insn::mov64_reg(R4, t));
        a.emit(Insn::alu64_reg(BPF_ADD, R4, R2));
        a.emit(Insn::ldx(BPF_B, R4, R4, 0));
        // R4 = t[i] == t[k], then the common step.
        a.emit(Insn::alu64_reg(BPF_XOR, R4, R3));
        is_zero_byte(a, R4);
        Self::kmp_step(f, Table::Tmp(g));
        // entry i+1 = the new k (rewritten until i moves on).
        let a = &mut f.asm;
        a.emit(Insn::mov64_reg(R4, R1));
        a.emit(Insn::alu64_imm(BPF_LSH, R4, 1));
        base(a, R0);
        a.emit(Insn::alu64_reg(BPF_ADD, R0, R4));
        a.emit(Insn::stx(BPF_H, R0, R2, g as i16 + 2));
        a.emit(Insn::alu64_reg(BPF_ADD, R1, R3));
        Self::loop_close(f, &l);
        f.asm.bind(skip);
        (g, cm)
    }

    /// Searches haystack `s` for needle `t`; cell `res` = the match's
    /// start or -1.
    fn find(&mut self, f: &mut Prog, line: u32, s: Reg, t: &Needle, mode: Find, res: u32) -> R<()> {
        let n = self.strsize as i32;
        let a = &mut f.asm;
        set(a, res, Val::Imm(-1));
        // R1 = i (in s), R2 = j (matched so far).
        load(a, R1, if let Find::First(from) = mode { from } else { Val::Imm(0) });
        a.emit(Insn::mov64_imm(R2, 0));
        // (The last-match bookkeeping needs R5: count on the stack there.)
        let max = 2 * self.strsize + 2;
        let l = match mode {
            Find::First(_) => Self::loop_open(f, max),
            Find::Last(_) => self.loop_open_spilled(f, line, max)?,
        };
        let (table, t) = (t.table, t.reg);
        let a = &mut f.asm;
        let (i_ok, j_ok, more, go) = (a.label(), a.label(), a.label(), a.label());
        a.jmp_imm(BPF_JLE, R1, n - 1, i_ok);
        a.ja(l.done);
        a.bind(i_ok);
        a.jmp_imm(BPF_JLE, R2, n - 1, j_ok);
        a.ja(l.done);
        a.bind(j_ok);
        a.emit(Insn::mov64_reg(R3, t));
        a.emit(Insn::alu64_reg(BPF_ADD, R3, R2));
        a.emit(Insn::ldx(BPF_B, R3, R3, 0));
        match mode {
            Find::First(_) => {
                // All of t matched: done.
                a.jmp_imm(BPF_JNE, R3, 0, more);
                a.emit(Insn::alu64_reg(BPF_SUB, R1, R2));
                put(a, res, R1, R0);
                a.ja(l.done);
            }
            Find::Last(limit) => {
                // Stop once matches would start past the limit; record a
                // full match (branch-free) and go on looking.
                a.emit(Insn::mov64_reg(R4, R1));
                a.emit(Insn::alu64_reg(BPF_SUB, R4, R2));
                get(a, R0, limit);
                a.jmp_reg(BPF_JSLE, R4, R0, go);
                a.ja(l.done);
                a.bind(go);
                a.emit(Insn::mov64_reg(R0, R3));
                is_zero_byte(a, R0);
                get(a, R5, res);
                a.emit(Insn::alu64_reg(BPF_SUB, R4, R5));
                a.emit(Insn::alu64_reg(BPF_MUL, R4, R0));
                a.emit(Insn::alu64_reg(BPF_ADD, R4, R5));
                put(a, res, R4, R5);
            }
        }
        a.bind(more);
        a.emit(Insn::mov64_reg(R4, s));
        a.emit(Insn::alu64_reg(BPF_ADD, R4, R1));
        a.emit(Insn::ldx(BPF_B, R4, R4, 0));
        let cont = a.label();
        a.jmp_imm(BPF_JNE, R4, 0, cont);
        a.ja(l.done);
        a.bind(cont);
        // R4 = s[i] == t[j] (never after a full match: t[j] is then 0).
        a.emit(Insn::alu64_reg(BPF_XOR, R4, R3));
        is_zero_byte(a, R4);
        Self::kmp_step(f, table);
        f.asm.emit(Insn::alu64_reg(BPF_ADD, R1, R3));
        Self::loop_close(f, &l);
        Ok(())
    }

    /// One KMP transition without branches. In: R2 = matched length k, R4
    /// = whether the next bytes are equal. Out: R2 = new k (k + 1 on a
    /// match, else the fallback for k, 0 if k is 0), R3 = how far the
    /// other index advances (1 unless falling back from k > 0). Clobbers
    /// R0.
    fn kmp_step(f: &mut Prog, table: Table) {
        // R0 = fallback entry k
        let off = match table {
            Table::Tmp(g) => {
                base(&mut f.asm, R0);
                g
            }
            Table::Strtab(o) => {
                Self::strtab_ptr(f, R0, o);
                0
            }
        };
        let a = &mut f.asm;
        a.emit(Insn::mov64_reg(R3, R2));
        a.emit(Insn::alu64_imm(BPF_LSH, R3, 1));
        a.emit(Insn::alu64_reg(BPF_ADD, R0, R3));
        a.emit(Insn::ldx(BPF_H, R0, R0, off as i16));
        // new k = eq * (k + 1 - x) + x, x = (k != 0) * fallback
        a.emit(Insn::mov64_reg(R3, R2));
        is_nonzero(a, R3);
        a.emit(Insn::alu64_reg(BPF_MUL, R0, R3));
        a.emit(Insn::alu64_imm(BPF_ADD, R2, 1));
        a.emit(Insn::alu64_reg(BPF_SUB, R2, R0));
        a.emit(Insn::alu64_reg(BPF_MUL, R2, R4));
        a.emit(Insn::alu64_reg(BPF_ADD, R2, R0));
        // advance = eq | !(k != 0)
        a.emit(Insn::alu64_imm(BPF_XOR, R3, 1));
        a.emit(Insn::alu64_reg(BPF_OR, R3, R4));
    }
}

#[cfg(test)]
mod tests {
    use super::fallback_table;

    #[test]
    fn fallbacks_are_kmp_borders() {
        assert_eq!(fallback_table(b"abcabd"), vec![0, 0, 0, 0, 1, 2, 0]);
        assert_eq!(fallback_table(b"aaaa"), vec![0, 0, 1, 2, 3]);
        assert_eq!(fallback_table(b""), vec![0]);
    }
}
