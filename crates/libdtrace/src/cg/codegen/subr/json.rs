//! json(json, selector): the value that `selector` names in a JSON text,
//! with illumos DTrace's rules (facts from its documentation and tests):
//! - the selector is a list of object keys and array indexes, separated by
//!   `.` or written `[n]` (`"top.array[2].bb"`, `"[0]"`); indexes are read
//!   as strtoll() reads them;
//! - a string value comes back without its quotes, its escapes as written
//!   (`\"`, `\u00e9`); numbers, `true`, `false` and `null` as written;
//!   objects and arrays as their whole text;
//! - NULL when the key or index is absent, when the selector goes through
//!   a value that is not an object or array, and on malformed JSON up to
//!   the value (hex numbers, bad `\u` escapes, unbalanced brackets...);
//! - at most strsize bytes of the text are looked at.
//!
//! The scanner is a state machine run one character per bpf_loop step, so
//! the verifier checks its body once per json() call whatever strsize is;
//! a first bpf_loop splits the selector into its elements (NUL-separated)
//! with each element's strtoll value. Both callbacks work in a scratch
//! area whose address the caller passes as bpf_loop's context.
//!
//! Key comparison is incremental: while a key is read, each byte is
//! compared with the selector element at the same position, so that no
//! inner loop is needed when the key ends.

use super::super::*;
use crate::cg::funcs::Callback;

/// The most selector elements (keys and indexes) json() follows; a longer
/// selector gives NULL.
pub const MAX_ELEMS: u32 = 64;

// Scanner states.
const REST: i32 = 0;
const OBJECT: i32 = 1;
const STRING: i32 = 2;
const ESCAPE: i32 = 3;
const UNICODE: i32 = 4;
const COLON: i32 = 5;
const COMMA: i32 = 6;
const VALUE: i32 = 7;
const IDENT: i32 = 8;
const NUMBER: i32 = 9;
const FRACTION: i32 = 10;
const EXPONENT: i32 = 11;
const COLLECT_OBJECT: i32 = 12;

// Cells of the scratch area (8 bytes each), scanner first.
const STATE: i16 = 0;
const POS: i16 = 8;
/// Length of what is collected in DEST.
const DD: i16 = 16;
/// Index of the selector element being matched, and the element count.
const K: i16 = 24;
const N: i16 = 32;
const FOUND: i16 = 40;
const IN_ARRAY: i16 = 48;
const ARRAY_POS: i16 = 56;
const ARRAY_ELEM: i16 = 64;
const IS_KEY: i16 = 72;
const COLLECT: i16 = 80;
const BRACES: i16 = 88;
const BRACKETS: i16 = 96;
const UNICOUNT: i16 = 104;
/// Non-zero once the key being read differs from the element.
const MISMATCH: i16 = 112;
/// 1 when DEST holds the value found.
const RESULT: i16 = 120;
/// Where the current element starts in EL.
const ELEM_START: i16 = 128;
// Selector splitting.
const SEL_POS: i16 = 136;
const EL_LEN: i16 = 144;
const PHASE: i16 = 152;
const NEGATIVE: i16 = 160;
const NUMVAL: i16 = 168;
const OVERFLOW: i16 = 176;
const CELLS: u32 = 184;
/// Per element: its start in EL, and its strtoll value.
const RECS: u32 = CELLS;

/// The NULL string: an empty string with these 8 bytes at offset 8 (so a
/// string store that keeps them keeps the NULL; see `null_test`).
pub const NULL_MARK: u64 = 0x7f4c_4c55_4e54_447f;
/// Strings shorter than this have no room for the mark: NULL is "" there.
pub const NULL_MIN_STRSIZE: u32 = 16;

/// Where the buffers are in the scratch area, for a strsize.
#[derive(Clone, Copy)]
struct Work {
    sel: u32,
    el: u32,
    json: u32,
    dest: u32,
    size: u32,
}

fn work(strsize: u32) -> Work {
    let s = (strsize + 7) & !7;
    let sel = RECS + MAX_ELEMS * 16;
    let el = sel + s;
    let json = el + s + 8;
    let dest = json + s;
    Work { sel, el, json, dest, size: dest + s + 8 }
}

/// Emits a callback's code; R6 holds the scratch area throughout.
struct Cb<'a> {
    a: &'a mut Asm,
    n: i32,
    w: Work,
    ret0: Label,
    ret1: Label,
}

impl Cb<'_> {
    /// Starts a callback: R6 = the scratch area (its context holds it).
    fn open(a: &mut Asm, strsize: u32) -> Cb<'_> {
        let (ret0, ret1) = (a.label(), a.label());
        a.emit(Insn::ldx(BPF_DW, R6, R2, 0));
        Cb { a, n: strsize as i32, w: work(strsize), ret0, ret1 }
    }

    /// Ends it with its two returns: 0 goes on looping, 1 stops.
    fn close(self) {
        for (l, v) in [(self.ret0, 0), (self.ret1, 1)] {
            self.a.bind(l);
            self.a.emit(Insn::mov64_imm(R0, v));
            self.a.emit(Insn::exit());
        }
    }

    fn ld(&mut self, r: Reg, cell: i16) {
        self.a.emit(Insn::ldx(BPF_DW, r, R6, cell));
    }
    fn st(&mut self, cell: i16, r: Reg) {
        self.a.emit(Insn::stx(BPF_DW, R6, r, cell));
    }
    fn set(&mut self, cell: i16, v: i32) {
        self.a.emit(Insn::st_imm(BPF_DW, R6, cell, v));
    }
    fn if_is(&mut self, r: Reg, c: u8, to: Label) {
        self.a.jmp_imm(BPF_JEQ, r, c as i32, to);
    }
    /// Jumps to `to` when R7 (the character) is in lo..=hi (clobbers R9).
    fn if_range(&mut self, lo: u8, hi: u8, to: Label) {
        self.a.emit(Insn::mov64_reg(R9, R7));
        self.a.emit(Insn::alu64_imm(BPF_SUB, R9, lo as i32));
        self.a.jmp_imm(BPF_JLE, R9, (hi - lo) as i32, to);
    }
    /// Jumps to `to` when R7 is white space, as isspace() says.
    fn if_space(&mut self, to: Label) {
        self.if_is(R7, b' ', to);
        self.if_range(b'\t', b'\r', to);
    }
    /// r = the cell, clamped to 0..=max for the verifier.
    fn ld_clamped(&mut self, r: Reg, cell: i16, max: i32) {
        self.ld(r, cell);
        let ok = self.a.label();
        self.a.jmp_imm(BPF_JLE, r, max, ok);
        self.a.emit(Insn::mov64_imm(r, max));
        self.a.bind(ok);
    }
    /// R1 = the address of the current element's record.
    fn rec(&mut self) {
        self.ld(R1, K);
        self.a.emit(Insn::alu64_imm(BPF_AND, R1, MAX_ELEMS as i32 - 1));
        self.a.emit(Insn::alu64_imm(BPF_LSH, R1, 4));
        self.a.emit(Insn::alu64_reg(BPF_ADD, R1, R6));
    }
    fn advance(&mut self) {
        self.ld(R1, POS);
        self.a.emit(Insn::alu64_imm(BPF_ADD, R1, 1));
        self.st(POS, R1);
        self.a.ja(self.ret0);
    }
    fn state(&mut self, s: i32) {
        self.set(STATE, s);
    }

    /// Appends R7 to DEST, and compares it with the selector element at
    /// the same position (MISMATCH; meaningful while a key is read).
    fn append(&mut self) {
        let n = self.n;
        self.ld_clamped(R9, DD, n - 1);
        self.a.emit(Insn::mov64_reg(R1, R9));
        self.a.emit(Insn::alu64_reg(BPF_ADD, R1, R6));
        self.a.emit(Insn::stx(BPF_B, R1, R7, self.w.dest as i16));
        self.a.emit(Insn::alu64_imm(BPF_ADD, R9, 1));
        self.st(DD, R9);
        self.ld(R2, ELEM_START);
        self.a.emit(Insn::alu64_reg(BPF_ADD, R2, R9));
        self.a.emit(Insn::alu64_imm(BPF_SUB, R2, 1));
        let ok = self.a.label();
        self.a.jmp_imm(BPF_JLE, R2, n, ok);
        self.a.emit(Insn::mov64_imm(R2, n));
        self.a.bind(ok);
        self.a.emit(Insn::alu64_reg(BPF_ADD, R2, R6));
        self.a.emit(Insn::ldx(BPF_B, R2, R2, self.w.el as i16));
        self.a.emit(Insn::alu64_reg(BPF_XOR, R2, R7));
        self.a.emit(Insn::neg64(R2));
        self.a.emit(Insn::alu64_imm(BPF_RSH, R2, 63));
        self.ld(R3, MISMATCH);
        self.a.emit(Insn::alu64_reg(BPF_OR, R3, R2));
        self.st(MISMATCH, R3);
    }

    /// Ends what DEST collected (a NUL at its end) and empties it; R9 =
    /// its length.
    fn end_dest(&mut self) {
        self.ld_clamped(R9, DD, self.n - 1);
        self.a.emit(Insn::mov64_reg(R1, R9));
        self.a.emit(Insn::alu64_reg(BPF_ADD, R1, R6));
        self.a.emit(Insn::st_imm(BPF_B, R1, self.w.dest as i16, 0));
        self.set(DD, 0);
    }

    /// A scalar value has ended (in DEST): if it is the one selected, the
    /// result, or NULL when the selector goes on past it. Falls through
    /// when it is not the one selected.
    fn scalar_done(&mut self) {
        let skip = self.a.label();
        self.ld(R1, FOUND);
        self.a.jmp_imm(BPF_JEQ, R1, 0, skip);
        self.more_elements(self.ret1);
        self.set(RESULT, 1);
        self.a.ja(self.ret1);
        self.a.bind(skip);
    }

    /// Jumps to `to` when the selector has elements after the current one.
    fn more_elements(&mut self, to: Label) {
        self.ld(R1, N);
        self.ld(R2, K);
        self.a.emit(Insn::alu64_reg(BPF_SUB, R1, R2));
        self.a.jmp_imm(BPF_JSGT, R1, 1, to);
    }

    /// Entering an array: position 0, and the index sought from the
    /// current element (found at once when it is 0).
    fn enter_array(&mut self) {
        self.set(IN_ARRAY, 1);
        self.set(ARRAY_POS, 0);
        self.rec();
        self.a.emit(Insn::ldx(BPF_DW, R2, R1, RECS as i16 + 8));
        self.st(ARRAY_ELEM, R2);
        self.found_if_zero(R2);
    }

    /// FOUND = (r == 0).
    fn found_if_zero(&mut self, r: Reg) {
        let not = self.a.label();
        self.set(FOUND, 0);
        self.a.jmp_imm(BPF_JNE, r, 0, not);
        self.set(FOUND, 1);
        self.a.bind(not);
    }
}

impl<'a> Codegen<'a> {
    /// json(json, selector): see the module comment.
    pub(in crate::cg::codegen) fn json(&mut self, f: &mut Prog, line: u32, args: &[Expr]) -> R<Reg> {
        let n = self.strsize;
        let w = work(n);
        let j = self.expr(f, &args[0])?;
        let s = self.expr(f, &args[1])?;
        let base = self.tmp(f, w.size);
        for (src, dst) in [(j, w.json), (s, w.sel)] {
            Self::tmp_ptr(f, R1, base + dst);
            f.asm.emit(Insn::mov64_imm(R2, n as i32));
            f.asm.emit(Insn::mov64_reg(R3, src));
            f.asm.emit(Insn::call(H_READ_KERNEL_STR));
        }
        self.free(f, s);
        // The scanner's cells and the first element's record start at 0.
        Self::zero_tmp(f, base, CELLS + 16);
        let ctx = self.stack_slot(f, line)?;
        Self::tmp_ptr(f, R1, base);
        f.asm.emit(Insn::stx(BPF_DW, FP, R1, ctx));
        let split = Self::callback(f, Callback::JsonSelector);
        let step = Self::callback(f, Callback::JsonStep);
        let a = &mut f.asm;
        let (skip, found, done) = (a.label(), a.label(), a.label());
        let bpf_loop = |a: &mut Asm, count: u32, cb: Label| {
            a.emit(Insn::mov64_imm(R1, count as i32));
            a.ld_func(R2, cb);
            a.emit(Insn::mov64_reg(R3, FP));
            a.emit(Insn::alu64_imm(BPF_ADD, R3, ctx as i32));
            a.emit(Insn::mov64_imm(R4, 0));
            a.emit(Insn::call(H_LOOP));
        };
        bpf_loop(a, n + 1, split);
        Self::tmp_ptr_a(a, R1, base);
        a.emit(Insn::ldx(BPF_DW, R2, R1, OVERFLOW));
        a.jmp_imm(BPF_JNE, R2, 0, skip);
        // A value may be read twice (after a number or a literal, its
        // next character is read again as the separator).
        bpf_loop(a, 2 * n + 2, step);
        a.bind(skip);
        Self::tmp_ptr_a(a, R1, base);
        a.emit(Insn::ldx(BPF_DW, R2, R1, RESULT));
        a.jmp_imm(BPF_JNE, R2, 0, found);
        self.write_null(a, R1, w.dest);
        a.ja(done);
        a.bind(found);
        self.not_null(f, base + w.dest);
        f.asm.bind(done);
        Self::tmp_ptr(f, j, base + w.dest);
        Ok(j)
    }

    /// Makes the string buffer at `r + off` the NULL string (an empty one
    /// when strsize leaves no room for the mark).
    pub(in crate::cg::codegen) fn write_null(&self, a: &mut Asm, r: Reg, off: u32) {
        let off = off as i16;
        a.emit(Insn::st_imm(BPF_B, r, off, 0));
        if self.strsize >= NULL_MIN_STRSIZE {
            a.emit(Insn::st_imm(BPF_W, r, off + 8, NULL_MARK as u32 as i32));
            a.emit(Insn::st_imm(BPF_W, r, off + 12, (NULL_MARK >> 32) as u32 as i32));
        }
    }

    /// The selector-splitting callback: one selector byte per step.
    pub(in crate::cg::codegen) fn json_selector_cb(&mut self, f: &mut Prog) {
        let mut c = Cb::open(&mut f.asm, self.strsize);
        let (n, ret0, ret1) = (c.n, c.ret0, c.ret1);
        let (finish, sep, ordinary, nondigit, phase_done, minus, plus) =
            (c.a.label(), c.a.label(), c.a.label(), c.a.label(), c.a.label(), c.a.label(), c.a.label());
        c.ld(R1, SEL_POS);
        c.a.jmp_imm(BPF_JGE, R1, n, finish);
        c.a.emit(Insn::mov64_reg(R2, R1));
        c.a.emit(Insn::alu64_reg(BPF_ADD, R2, R6));
        c.a.emit(Insn::ldx(BPF_B, R7, R2, c.w.sel as i16));
        c.a.emit(Insn::mov64_reg(R3, R1));
        c.a.emit(Insn::alu64_imm(BPF_ADD, R3, 1));
        c.st(SEL_POS, R3);
        c.a.jmp_imm(BPF_JEQ, R7, 0, finish);
        // A leading '[' and every ']' are dropped; '.' and '[' separate.
        let not_first = c.a.label();
        c.a.jmp_imm(BPF_JNE, R1, 0, not_first);
        c.if_is(R7, b'[', ret0);
        c.a.bind(not_first);
        c.if_is(R7, b']', ret0);
        c.if_is(R7, b'.', sep);
        c.if_is(R7, b'[', sep);
        c.a.ja(ordinary);

        // Emits EL[len++] = R7 (R7 = 0 for a separator).
        let el_put = |c: &mut Cb| {
            c.ld_clamped(R1, EL_LEN, n);
            c.a.emit(Insn::mov64_reg(R2, R1));
            c.a.emit(Insn::alu64_reg(BPF_ADD, R2, R6));
            c.a.emit(Insn::stx(BPF_B, R2, R7, c.w.el as i16));
            c.a.emit(Insn::alu64_imm(BPF_ADD, R1, 1));
            c.st(EL_LEN, R1);
        };
        // The element's strtoll value into its record.
        let store_value = |c: &mut Cb| {
            let positive = c.a.label();
            c.ld(R3, NUMVAL);
            c.ld(R2, NEGATIVE);
            c.a.jmp_imm(BPF_JEQ, R2, 0, positive);
            c.a.emit(Insn::neg64(R3));
            c.a.bind(positive);
            c.rec();
            c.a.emit(Insn::stx(BPF_DW, R1, R3, RECS as i16 + 8));
        };

        c.a.bind(sep);
        c.a.emit(Insn::mov64_imm(R7, 0));
        el_put(&mut c);
        store_value(&mut c);
        c.ld(R1, K);
        c.a.emit(Insn::alu64_imm(BPF_ADD, R1, 1));
        c.st(K, R1);
        let room = c.a.label();
        c.a.jmp_imm(BPF_JLT, R1, MAX_ELEMS as i32, room);
        c.set(OVERFLOW, 1);
        c.a.ja(ret1);
        c.a.bind(room);
        c.ld(R3, EL_LEN);
        c.rec();
        c.a.emit(Insn::stx(BPF_DW, R1, R3, RECS as i16));
        c.set(PHASE, 0);
        c.set(NUMVAL, 0);
        c.set(NEGATIVE, 0);
        c.a.ja(ret0);

        // strtoll's reading, one byte at a time: blanks, a sign, digits.
        c.a.bind(ordinary);
        el_put(&mut c);
        c.ld(R1, PHASE);
        c.a.jmp_imm(BPF_JEQ, R1, 2, ret0);
        c.a.emit(Insn::mov64_reg(R2, R7));
        c.a.emit(Insn::alu64_imm(BPF_SUB, R2, b'0' as i32));
        c.a.jmp_imm(BPF_JGT, R2, 9, nondigit);
        c.ld(R3, NUMVAL);
        c.a.emit(Insn::alu64_imm(BPF_MUL, R3, 10));
        c.a.emit(Insn::alu64_reg(BPF_ADD, R3, R2));
        c.st(NUMVAL, R3);
        c.set(PHASE, 1);
        c.a.ja(ret0);
        c.a.bind(nondigit);
        c.a.jmp_imm(BPF_JEQ, R1, 1, phase_done);
        c.if_is(R7, b' ', ret0);
        c.if_is(R7, b'\t', ret0);
        c.if_is(R7, b'-', minus);
        c.if_is(R7, b'+', plus);
        c.a.bind(phase_done);
        c.set(PHASE, 2);
        c.a.ja(ret0);
        c.a.bind(minus);
        c.set(NEGATIVE, 1);
        c.a.bind(plus);
        c.set(PHASE, 1);
        c.a.ja(ret0);

        c.a.bind(finish);
        c.a.emit(Insn::mov64_imm(R7, 0));
        el_put(&mut c);
        store_value(&mut c);
        c.ld(R1, K);
        c.a.emit(Insn::alu64_imm(BPF_ADD, R1, 1));
        c.st(N, R1);
        // The scanner starts at the first element.
        c.set(K, 0);
        c.a.ja(ret1);

        c.close();
    }

    /// The scanner callback: one JSON byte per step (a step that ends a
    /// number or literal reads its byte again as the next state's).
    pub(in crate::cg::codegen) fn json_step_cb(&mut self, f: &mut Prog) {
        let mut c = Cb::open(&mut f.asm, self.strsize);
        let (n, ret0, ret1) = (c.n, c.ret0, c.ret1);
        c.ld(R1, POS);
        c.a.jmp_imm(BPF_JGE, R1, n, ret1);
        c.a.emit(Insn::alu64_reg(BPF_ADD, R1, R6));
        c.a.emit(Insn::ldx(BPF_B, R7, R1, c.w.json as i16));
        c.a.jmp_imm(BPF_JEQ, R7, 0, ret1);
        c.ld(R8, STATE);
        let handlers: Vec<(i32, Label)> = [
            REST,
            OBJECT,
            STRING,
            ESCAPE,
            UNICODE,
            COLON,
            COMMA,
            VALUE,
            IDENT,
            NUMBER,
            FRACTION,
            EXPONENT,
            COLLECT_OBJECT,
        ]
        .iter()
        .map(|&s| (s, c.a.label()))
        .collect();
        for &(s, l) in &handlers {
            c.a.jmp_imm(BPF_JEQ, R8, s, l);
        }
        c.a.ja(ret1);
        let h = |s: i32| handlers.iter().find(|(x, _)| *x == s).unwrap().1;

        // Before the top-level object or array.
        let l = c.a.label();
        c.a.bind(h(REST));
        c.if_space(l);
        let (obj, arr) = (c.a.label(), c.a.label());
        c.if_is(R7, b'{', obj);
        c.if_is(R7, b'[', arr);
        c.a.ja(ret1);
        c.a.bind(obj);
        c.state(OBJECT);
        c.a.bind(l);
        c.advance();
        c.a.bind(arr);
        c.enter_array();
        c.state(VALUE);
        c.advance();

        // Expecting a key (or white space).
        let (sp, quote) = (c.a.label(), c.a.label());
        c.a.bind(h(OBJECT));
        c.if_space(sp);
        c.if_is(R7, b'"', quote);
        c.a.ja(ret1);
        c.a.bind(quote);
        c.state(STRING);
        c.set(IS_KEY, 1);
        c.set(MISMATCH, 0);
        c.rec();
        c.a.emit(Insn::ldx(BPF_DW, R2, R1, RECS as i16));
        c.st(ELEM_START, R2);
        c.a.bind(sp);
        c.advance();

        // Inside a string (a key, a value, or part of a collected object).
        let (backslash, close, plain, value_end, not_found) =
            (c.a.label(), c.a.label(), c.a.label(), c.a.label(), c.a.label());
        c.a.bind(h(STRING));
        c.if_is(R7, b'\\', backslash);
        c.if_is(R7, b'"', close);
        c.a.bind(plain);
        c.append();
        c.advance();
        c.a.bind(backslash);
        c.append();
        c.state(ESCAPE);
        c.advance();
        c.a.bind(close);
        let not_collecting = c.a.label();
        c.ld(R1, COLLECT);
        c.a.jmp_imm(BPF_JEQ, R1, 0, not_collecting);
        c.append();
        c.set(COLLECT, 0);
        c.state(COLLECT_OBJECT);
        c.advance();
        c.a.bind(not_collecting);
        c.end_dest();
        c.ld(R1, IS_KEY);
        c.a.jmp_imm(BPF_JEQ, R1, 0, value_end);
        // The key matches when no byte differed and the element ends here.
        c.ld(R1, MISMATCH);
        c.a.jmp_imm(BPF_JNE, R1, 0, not_found);
        c.ld(R2, ELEM_START);
        c.a.emit(Insn::alu64_reg(BPF_ADD, R2, R9));
        let ok = c.a.label();
        c.a.jmp_imm(BPF_JLE, R2, n, ok);
        c.a.emit(Insn::mov64_imm(R2, n));
        c.a.bind(ok);
        c.a.emit(Insn::alu64_reg(BPF_ADD, R2, R6));
        c.a.emit(Insn::ldx(BPF_B, R2, R2, c.w.el as i16));
        c.a.jmp_imm(BPF_JNE, R2, 0, not_found);
        c.set(FOUND, 1);
        c.a.bind(not_found);
        c.set(IS_KEY, 0);
        c.state(COLON);
        c.advance();
        c.a.bind(value_end);
        c.scalar_done();
        c.state(COMMA);
        c.advance();

        // After a backslash: any character; 'u' wants four hex digits.
        let u = c.a.label();
        c.a.bind(h(ESCAPE));
        c.append();
        c.if_is(R7, b'u', u);
        c.state(STRING);
        c.advance();
        c.a.bind(u);
        c.set(UNICOUNT, 0);
        c.state(UNICODE);
        c.advance();

        let (hex, more) = (c.a.label(), c.a.label());
        c.a.bind(h(UNICODE));
        c.if_range(b'0', b'9', hex);
        c.if_range(b'a', b'f', hex);
        c.if_range(b'A', b'F', hex);
        c.a.ja(ret1);
        c.a.bind(hex);
        c.append();
        c.ld(R1, UNICOUNT);
        c.a.emit(Insn::alu64_imm(BPF_ADD, R1, 1));
        c.st(UNICOUNT, R1);
        c.a.jmp_imm(BPF_JNE, R1, 4, more);
        c.state(STRING);
        c.a.bind(more);
        c.advance();

        let (sp, colon) = (c.a.label(), c.a.label());
        c.a.bind(h(COLON));
        c.if_space(sp);
        c.if_is(R7, b':', colon);
        c.a.ja(ret1);
        c.a.bind(colon);
        c.state(VALUE);
        c.a.bind(sp);
        c.advance();

        // After a value: ',' leads to the next key or array element.
        let (sp, comma, in_object, no_match) = (c.a.label(), c.a.label(), c.a.label(), c.a.label());
        c.a.bind(h(COMMA));
        c.if_space(sp);
        c.if_is(R7, b',', comma);
        c.a.ja(ret1);
        c.a.bind(comma);
        c.ld(R1, IN_ARRAY);
        c.a.jmp_imm(BPF_JEQ, R1, 0, in_object);
        c.state(VALUE);
        c.ld(R1, ARRAY_POS);
        c.a.emit(Insn::alu64_imm(BPF_ADD, R1, 1));
        c.st(ARRAY_POS, R1);
        c.ld(R2, ARRAY_ELEM);
        c.a.jmp_reg(BPF_JNE, R1, R2, no_match);
        c.set(FOUND, 1);
        c.a.bind(no_match);
        c.advance();
        c.a.bind(in_object);
        c.state(OBJECT);
        c.a.bind(sp);
        c.advance();

        // true, false or null: lower-case letters, then anything else.
        let (letter, literal, again) = (c.a.label(), c.a.label(), c.a.label());
        c.a.bind(h(IDENT));
        c.if_range(b'a', b'z', letter);
        c.end_dest();
        c.a.emit(Insn::ldx(BPF_W, R1, R6, c.w.dest as i16));
        let five = c.a.label();
        c.a.jmp_imm(BPF_JEQ, R9, 5, five);
        c.a.jmp_imm(BPF_JNE, R9, 4, ret1);
        c.a.jmp_imm(BPF_JEQ, R1, u32::from_le_bytes(*b"true") as i32, literal);
        c.a.jmp_imm(BPF_JEQ, R1, u32::from_le_bytes(*b"null") as i32, literal);
        c.a.ja(ret1);
        c.a.bind(five);
        c.a.jmp_imm(BPF_JNE, R1, u32::from_le_bytes(*b"fals") as i32, ret1);
        c.a.emit(Insn::ldx(BPF_B, R1, R6, c.w.dest as i16 + 4));
        c.a.jmp_imm(BPF_JNE, R1, b'e' as i32, ret1);
        c.a.bind(literal);
        c.scalar_done();
        c.a.bind(again);
        // The character after the value is read again, as a separator.
        c.state(COMMA);
        c.a.ja(ret0);
        c.a.bind(letter);
        c.append();
        c.advance();

        // Numbers: digits, one fraction, one exponent with its sign; hex
        // and misplaced signs are errors.
        let (dot, exp, keep, end) = (c.a.label(), c.a.label(), c.a.label(), c.a.label());
        c.a.bind(h(NUMBER));
        c.if_is(R7, b'.', dot);
        c.if_is(R7, b'x', ret1);
        c.if_is(R7, b'X', ret1);
        c.a.bind(h(FRACTION));
        c.if_is(R7, b'e', exp);
        c.if_is(R7, b'E', exp);
        c.if_is(R7, b'+', ret1);
        c.if_is(R7, b'-', ret1);
        c.a.bind(h(EXPONENT));
        c.if_range(b'0', b'9', keep);
        c.if_is(R7, b'+', keep);
        c.if_is(R7, b'-', keep);
        c.a.bind(end);
        c.end_dest();
        c.scalar_done();
        c.a.ja(again);
        c.a.bind(keep);
        c.append();
        c.advance();
        c.a.bind(dot);
        c.append();
        c.state(FRACTION);
        c.advance();
        c.a.bind(exp);
        c.append();
        c.state(EXPONENT);
        c.advance();

        // The start of a value.
        let (sp, open, descend, whole, bracket, quote, letter, num) =
            (c.a.label(), c.a.label(), c.a.label(), c.a.label(), c.a.label(), c.a.label(), c.a.label(), c.a.label());
        c.a.bind(h(VALUE));
        c.if_space(sp);
        c.if_is(R7, b'{', open);
        c.if_is(R7, b'[', open);
        c.if_is(R7, b'"', quote);
        c.if_range(b'a', b'z', letter);
        c.if_is(R7, b'-', num);
        c.if_range(b'0', b'9', num);
        c.a.ja(ret1);
        c.a.bind(open);
        c.ld(R1, FOUND);
        c.a.jmp_imm(BPF_JEQ, R1, 0, whole);
        c.more_elements(descend);
        c.a.ja(whole);
        // The selector goes into this object or array: its next element.
        c.a.bind(descend);
        c.ld(R1, K);
        c.a.emit(Insn::alu64_imm(BPF_ADD, R1, 1));
        c.st(K, R1);
        c.set(DD, 0);
        let into_object = c.a.label();
        c.if_is(R7, b'{', into_object);
        c.enter_array();
        c.state(VALUE);
        c.advance();
        c.a.bind(into_object);
        c.set(IN_ARRAY, 0);
        c.set(FOUND, 0);
        c.state(OBJECT);
        c.advance();
        // Otherwise collected whole (the result, or skipped).
        c.a.bind(whole);
        c.if_is(R7, b'[', bracket);
        c.set(BRACES, 1);
        c.append();
        c.state(COLLECT_OBJECT);
        c.advance();
        c.a.bind(bracket);
        c.set(BRACKETS, 1);
        c.append();
        c.state(COLLECT_OBJECT);
        c.advance();
        c.a.bind(quote);
        c.state(STRING);
        c.a.bind(sp);
        c.advance();
        c.a.bind(letter);
        c.append();
        c.state(IDENT);
        c.advance();
        c.a.bind(num);
        c.append();
        c.state(NUMBER);
        c.advance();

        // An object or array being collected, up to its balancing bracket.
        let (quote, close_bracket, close_brace, open_brace, open_bracket, balance) =
            (c.a.label(), c.a.label(), c.a.label(), c.a.label(), c.a.label(), c.a.label());
        c.a.bind(h(COLLECT_OBJECT));
        c.append();
        c.if_is(R7, b'"', quote);
        c.if_is(R7, b']', close_bracket);
        c.if_is(R7, b'}', close_brace);
        c.if_is(R7, b'{', open_brace);
        c.if_is(R7, b'[', open_bracket);
        c.a.ja(balance);
        c.a.bind(quote);
        c.set(COLLECT, 1);
        c.state(STRING);
        c.advance();
        for (l, cell, delta) in [
            (close_bracket, BRACKETS, -1),
            (close_brace, BRACES, -1),
            (open_brace, BRACES, 1),
            (open_bracket, BRACKETS, 1),
        ] {
            c.a.bind(l);
            c.ld(R1, cell);
            if delta < 0 {
                c.a.jmp_imm(BPF_JEQ, R1, 0, ret1);
            }
            c.a.emit(Insn::alu64_imm(BPF_ADD, R1, delta));
            c.st(cell, R1);
            c.a.ja(balance);
        }
        c.a.bind(balance);
        let (open, skipped) = (c.a.label(), c.a.label());
        c.ld(R1, BRACES);
        c.ld(R2, BRACKETS);
        c.a.emit(Insn::alu64_reg(BPF_OR, R1, R2));
        c.a.jmp_imm(BPF_JNE, R1, 0, open);
        c.ld(R1, FOUND);
        c.a.jmp_imm(BPF_JEQ, R1, 0, skipped);
        c.end_dest();
        c.set(RESULT, 1);
        c.a.ja(ret1);
        c.a.bind(skipped);
        c.set(DD, 0);
        c.state(COMMA);
        c.a.bind(open);
        c.advance();

        c.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_area_buffers_do_not_overlap() {
        for strsize in [1, 8, 13, 256, 1024] {
            let w = work(strsize);
            assert!(w.sel >= RECS + MAX_ELEMS * 16);
            assert!(w.el >= w.sel + strsize);
            assert!(w.json >= w.el + strsize + 1);
            assert!(w.dest >= w.json + strsize);
            assert!(w.size >= w.dest + strsize.max(16));
        }
    }
}
