//! basename, dirname and cleanpath.

use super::super::*;
use super::emit::*;

/// Byte classes for cleanpath's lookahead.
const OTHER: u8 = 0;
const SLASH: u8 = 1;
const DOT: u8 = 2;
const NUL: u8 = 3;

/// Fields of a cleanpath step, packed in a u16 per 4-byte window.
const ADV_SHIFT: u32 = 0; // input bytes consumed (3 bits)
const EMIT_SHIFT: u32 = 3; // window bytes copied to the output (3 bits)
const PUSH_BIT: u16 = 1 << 6; // a '/' was output at the old end
const POP_BIT: u16 = 1 << 7; // "/.." : back to the previous '/'
const END_BIT: u16 = 1 << 8; // the path ends with this step
const KEEP_BIT: u16 = 1 << 9; // ending "/..": keep that '/'

fn class(b: u8) -> u8 {
    match b {
        b'/' => SLASH,
        b'.' => DOT,
        0 => NUL,
        _ => OTHER,
    }
}

/// What cleanpath does at a window of 4 input bytes (classes c0..c3),
/// as DTrace's cleanpath does it at a '/':
/// - "//": drop the first slash; "/./": drop "/.";
/// - "/../" and a final "/..": drop the output back to the previous '/'
///   (kept, for a final one), or to the start;
/// - anything else is copied, with the byte after "/", "/." or "/.."
///   copied in the same step.
fn step(c: [u8; 4]) -> u16 {
    let (adv, emit, flags) = if c[0] != SLASH {
        (1, 1, if c[0] == NUL { END_BIT } else { 0 })
    } else if c[1] == SLASH {
        (1, 0, 0)
    } else if c[1] != DOT {
        (2, 2, PUSH_BIT | if c[1] == NUL { END_BIT } else { 0 })
    } else if c[2] == SLASH {
        (2, 0, 0)
    } else if c[2] != DOT {
        (3, 3, PUSH_BIT | if c[2] == NUL { END_BIT } else { 0 })
    } else if c[3] == SLASH {
        (3, 0, POP_BIT)
    } else if c[3] == NUL {
        (0, 0, POP_BIT | END_BIT | KEEP_BIT)
    } else {
        (4, 4, PUSH_BIT)
    };
    (adv << ADV_SHIFT) | (emit << EMIT_SHIFT) | flags
}

/// The byte-class table (256 entries) and the step table (256 u16,
/// indexed by c0 | c1 << 2 | c2 << 4 | c3 << 6).
fn cleanpath_tables() -> (Vec<u8>, Vec<u8>) {
    let classes: Vec<u8> = (0..=255u8).map(class).collect();
    let steps = (0..256u32).flat_map(|k| step([0, 2, 4, 6].map(|s| ((k >> s) & 3) as u8)).to_le_bytes()).collect();
    (classes, steps)
}

impl<'a> Codegen<'a> {
    /// basename / dirname(s) with DTrace's rules: trailing slashes do not
    /// count, "" and names without a slash have dirname ".", and a path of
    /// slashes is "/" for both.
    pub(in crate::cg::codegen) fn basename(&mut self, f: &mut Prog, e: &Expr, dir: bool) -> R<Reg> {
        let s = self.str_arg(f, e)?;
        let len = self.str_len(f, s);
        let c = self.cells(f, 4);
        let (from, last, slash, dir_end) = (c, c + 8, c + 16, c + 24);
        let dst = self.new_str(f);
        let a = &mut f.asm;
        let (dot, done) = (a.label(), a.label());
        get(a, R1, len);
        a.jmp_imm(BPF_JEQ, R1, 0, dot);
        a.emit(Insn::alu64_imm(BPF_SUB, R1, 1));
        put(a, from, R1, R0);
        // Back from the end: the last non-slash, the slash before it, the
        // last non-slash before that slash (each -1 if none).
        self.scan(f, s, from, -1, Stop::IsNot(Byte::Imm(b'/')), last);
        self.scan(f, s, last, -1, Stop::Is(Byte::Imm(b'/')), slash);
        self.scan(f, s, slash, -1, Stop::IsNot(Byte::Imm(b'/')), dir_end);
        let a = &mut f.asm;
        let copy = a.label();
        get(a, R1, last);
        get(a, R2, slash);
        get(a, R3, dir_end);
        // R4 = start, R5 = end (inclusive) of the part to copy; a path of
        // slashes gives its first one.
        a.emit(Insn::mov64_imm(R4, 0));
        a.emit(Insn::mov64_imm(R5, 0));
        a.jmp_imm(BPF_JSLT, R1, 0, copy);
        if dir {
            // No slash: "."; only a leading one: "/".
            a.jmp_imm(BPF_JSLT, R2, 0, dot);
            a.jmp_imm(BPF_JSLT, R3, 0, copy);
            a.emit(Insn::mov64_reg(R5, R3));
        } else {
            a.emit(Insn::mov64_reg(R4, R2));
            a.emit(Insn::alu64_imm(BPF_ADD, R4, 1));
            a.emit(Insn::mov64_reg(R5, R1));
        }
        a.bind(copy);
        a.emit(Insn::alu64_reg(BPF_SUB, R5, R4));
        a.emit(Insn::alu64_imm(BPF_ADD, R5, 1));
        put(a, from, R4, R0);
        put(a, last, R5, R0);
        self.copy_sub(f, s, Val::Cell(from), Val::Cell(last), dst);
        f.asm.ja(done);
        f.asm.bind(dot);
        Self::put_text(f, dst, b".");
        f.asm.bind(done);
        Self::tmp_ptr(f, s, dst);
        Ok(s)
    }

    /// cleanpath(s): s with "//", "/./" and "/../" resolved textually, as
    /// DTrace does (it also stops 5 bytes short of strsize). One step per
    /// '/'-led token, driven by a 4-byte lookahead table; the positions of
    /// the output's slashes are kept on a stack so "/.." backs up in one
    /// step.
    pub(in crate::cg::codegen) fn cleanpath(&mut self, f: &mut Prog, line: u32, e: &Expr) -> R<Reg> {
        let n = self.strsize as i32;
        let s = self.expr(f, e)?;
        // Input and output with room for 4-byte windows; a u16 stack of
        // slash positions whose entry 0 is 0 (backing up past the first
        // '/' lands at the start).
        // (junk below out, so out - junk is positive for the verifier)
        let junk = self.cells(f, 1);
        let win = self.tmp(f, self.strsize + 8);
        let out = self.tmp(f, self.strsize + 8);
        let stack = self.tmp(f, self.strsize + 8);
        let c = self.cells(f, 3);
        let (ci, cj, csp) = (c, c + 8, c + 16);
        self.copy_str(f, s, win);
        let a = &mut f.asm;
        base(a, R1);
        // What an ending "/.." keeps when nothing was output.
        a.emit(Insn::st_imm(BPF_B, R1, out as i16, b'/' as i32));
        a.emit(Insn::st_imm(BPF_H, R1, stack as i16, 0));
        for cell in [ci, cj, csp] {
            a.emit(Insn::st_imm(BPF_DW, R1, cell as i16, 0));
        }
        let (classes, steps) = cleanpath_tables();
        let l = self.loop_open_spilled(f, line, self.strsize)?;
        let a = &mut f.asm;
        let (room, i_ok, sp_ok) = (a.label(), a.label(), a.label());
        get(a, R2, cj);
        // (strsize 5 or less: nothing is output.)
        a.jmp_imm(BPF_JLT, R2, (n - 5).max(0), room);
        a.ja(l.done);
        a.bind(room);
        get(a, R1, ci);
        a.jmp_imm(BPF_JLE, R1, n - 1, i_ok);
        a.ja(l.done);
        a.bind(i_ok);
        // R5 = step for the window at i (R3 = temp + i).
        base(a, R3);
        a.emit(Insn::alu64_reg(BPF_ADD, R3, R1));
        a.emit(Insn::mov64_imm(R5, 0));
        for k in 0..4 {
            let a = &mut f.asm;
            a.emit(Insn::ldx(BPF_B, R4, R3, (win + k) as i16));
            self.table_ptr(f, R1, &classes);
            let a = &mut f.asm;
            a.emit(Insn::alu64_reg(BPF_ADD, R1, R4));
            a.emit(Insn::ldx(BPF_B, R4, R1, 0));
            a.emit(Insn::alu64_imm(BPF_AND, R4, 3));
            a.emit(Insn::alu64_imm(BPF_LSH, R4, 2 * k as i32));
            a.emit(Insn::alu64_reg(BPF_ADD, R5, R4));
        }
        self.table_ptr(f, R1, &steps);
        let a = &mut f.asm;
        a.emit(Insn::alu64_imm(BPF_LSH, R5, 1));
        a.emit(Insn::alu64_reg(BPF_ADD, R1, R5));
        a.emit(Insn::ldx(BPF_H, R5, R1, 0));
        // Copy the window to out + j, or to a junk cell when the step
        // outputs nothing (an ending "/.." keeps the byte at j).
        a.emit(Insn::ldx(BPF_W, R4, R3, win as i16));
        a.emit(Insn::mov64_reg(R1, R5));
        a.emit(Insn::alu64_imm(BPF_RSH, R1, EMIT_SHIFT as i32));
        a.emit(Insn::alu64_imm(BPF_AND, R1, 7));
        is_nonzero(a, R1);
        a.emit(Insn::alu64_imm(BPF_ADD, R2, (out - junk) as i32));
        keep_if(a, R2, R1);
        base(a, R1);
        a.emit(Insn::alu64_reg(BPF_ADD, R1, R2));
        a.emit(Insn::stx(BPF_W, R1, R4, junk as i16));
        // Push j (unconditionally written above the top; kept if pushed).
        get(a, R1, csp);
        a.jmp_imm(BPF_JLE, R1, n / 2, sp_ok);
        a.ja(l.done);
        a.bind(sp_ok);
        get(a, R2, cj);
        a.emit(Insn::mov64_reg(R3, R1));
        a.emit(Insn::alu64_imm(BPF_LSH, R3, 1));
        base(a, R4);
        a.emit(Insn::alu64_reg(BPF_ADD, R3, R4));
        a.emit(Insn::stx(BPF_H, R3, R2, stack as i16 + 2));
        // R0 = the slash to back up to: stack[sp] (0 when empty).
        a.emit(Insn::ldx(BPF_H, R0, R3, stack as i16));
        // sp += push - (pop && sp > 0)
        a.emit(Insn::mov64_reg(R3, R5));
        a.emit(Insn::alu64_imm(BPF_RSH, R3, PUSH_BIT.trailing_zeros() as i32));
        a.emit(Insn::alu64_imm(BPF_AND, R3, 1));
        a.emit(Insn::alu64_reg(BPF_ADD, R3, R1));
        is_nonzero(a, R1);
        a.emit(Insn::mov64_reg(R4, R5));
        a.emit(Insn::alu64_imm(BPF_RSH, R4, POP_BIT.trailing_zeros() as i32));
        a.emit(Insn::alu64_imm(BPF_AND, R4, 1));
        a.emit(Insn::alu64_reg(BPF_AND, R1, R4));
        a.emit(Insn::alu64_reg(BPF_SUB, R3, R1));
        put(a, csp, R3, R1);
        // j = pop ? slash + keep : j + emit, as j + emit + pop * (...)
        a.emit(Insn::mov64_reg(R3, R5));
        a.emit(Insn::alu64_imm(BPF_RSH, R3, KEEP_BIT.trailing_zeros() as i32));
        a.emit(Insn::alu64_imm(BPF_AND, R3, 1));
        a.emit(Insn::alu64_reg(BPF_ADD, R0, R3));
        a.emit(Insn::mov64_reg(R3, R5));
        a.emit(Insn::alu64_imm(BPF_RSH, R3, EMIT_SHIFT as i32));
        a.emit(Insn::alu64_imm(BPF_AND, R3, 7));
        a.emit(Insn::alu64_reg(BPF_ADD, R2, R3));
        a.emit(Insn::alu64_reg(BPF_SUB, R0, R2));
        a.emit(Insn::alu64_reg(BPF_MUL, R0, R4));
        a.emit(Insn::alu64_reg(BPF_ADD, R2, R0));
        put(a, cj, R2, R1);
        // i += adv
        get(a, R1, ci);
        a.emit(Insn::mov64_reg(R3, R5));
        a.emit(Insn::alu64_imm(BPF_RSH, R3, ADV_SHIFT as i32));
        a.emit(Insn::alu64_imm(BPF_AND, R3, 7));
        a.emit(Insn::alu64_reg(BPF_ADD, R1, R3));
        put(a, ci, R1, R3);
        a.emit(Insn::alu64_imm(BPF_AND, R5, END_BIT as i32));
        a.jmp_imm(BPF_JEQ, R5, 0, l.next);
        a.ja(l.done);
        Self::loop_close(f, &l);
        // Terminate at j.
        let a = &mut f.asm;
        let j_ok = a.label();
        get(a, R1, cj);
        a.jmp_imm(BPF_JLE, R1, n - 1, j_ok);
        a.emit(Insn::mov64_imm(R1, n - 1));
        a.bind(j_ok);
        base(a, R2);
        a.emit(Insn::alu64_reg(BPF_ADD, R2, R1));
        a.emit(Insn::st_imm(BPF_B, R2, out as i16, 0));
        base(a, R2);
        a.emit(Insn::st_imm(BPF_B, R2, (out + self.strsize - 1) as i16, 0));
        Self::tmp_ptr(f, s, out);
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// cleanpath through the step table, as the BPF code runs it.
    fn clean(path: &str, size: usize) -> String {
        let (classes, steps) = cleanpath_tables();
        let mut w = path.as_bytes().to_vec();
        w.truncate(size - 1);
        w.resize(size + 8, 0);
        let mut out = vec![0u8; size + 8];
        out[0] = b'/';
        let mut stack = vec![0usize; size / 2 + 2];
        let (mut i, mut j, mut sp) = (0usize, 0usize, 0usize);
        for _ in 0..size {
            if j >= size - 5 {
                break;
            }
            let key = (0..4).map(|k| (classes[w[i + k] as usize] as usize) << (2 * k)).sum::<usize>();
            let st = u16::from_le_bytes([steps[2 * key], steps[2 * key + 1]]);
            let emit = ((st >> EMIT_SHIFT) & 7) as usize;
            if emit > 0 {
                out[j..j + 4].copy_from_slice(&w[i..i + 4]);
            }
            stack[sp + 1] = j;
            let top = stack[sp];
            let pop = st & POP_BIT != 0;
            sp = sp + (st & PUSH_BIT != 0) as usize - (pop && sp > 0) as usize;
            j = if pop { top + (st & KEEP_BIT != 0) as usize } else { j + emit };
            i += ((st >> ADV_SHIFT) & 7) as usize;
            if st & END_BIT != 0 {
                break;
            }
        }
        out[j.min(size - 1)] = 0;
        String::from_utf8_lossy(&out[..out.iter().position(|&b| b == 0).unwrap()]).into_owned()
    }

    #[test]
    fn cleanpath_steps_resolve_dots_and_slashes() {
        for (path, want) in [
            ("/foo/bar///baz/", "/foo/bar/baz/"),
            ("/foo/bar/baz/.", "/foo/bar/baz/."),
            ("/foo/bar/../../baz/.//", "/baz/"),
            ("foo/bar/./././././baz/", "foo/bar/baz/"),
            ("/foo/bar/baz/../../../../../../", "/"),
            ("/foo/bar/baz/../../bop/bang/../../bar/baz/", "/foo/bar/baz/"),
            ("/foo/..", "/"),
            ("a/../b", "/b"),
            ("a/..", "a"),
            ("/..", "/"),
            ("/.a/..b/...", "/.a/..b/..."),
            ("", ""),
        ] {
            assert_eq!(clean(path, 256), want, "cleanpath({:?})", path);
        }
        // DTrace stops once the output is within 5 bytes of strsize.
        assert_eq!(clean("/abcdefghijklmnop", 16), "/abcdefghij");
    }
}
