//! Recording values into the clause's record: scalars, strings, stacks
//! and symbols.

use super::*;

impl<'a> Codegen<'a> {
    pub(super) fn record_value(&mut self, f: &mut Prog, e: &Expr) -> R<(u32, Type)> {
        let t = self.ty(e)?;
        self.record_value_as(f, e, matches!(t, Type::Array(..)) && t.is_strcompat())
    }

    /// Records a value; `as_str` reads a `char *`/`char []` value as a
    /// string (what `%s` and trace() of a char array want).
    pub(super) fn record_value_as(&mut self, f: &mut Prog, e: &Expr, as_str: bool) -> R<(u32, Type)> {
        let mut t = self.ty(e)?;
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
    pub(super) fn get_stack(f: &mut Prog, user: bool, frames: u32) {
        if user {
            store_pid_at(&mut f.asm, R2);
        }
        // A kernel stack gets one spare frame (see Consumer::value).
        Self::stack_frames(f, user, frames + !user as u32);
    }

    /// bpf_get_stack() of `frames` program counters to the address in r2,
    /// from the probe site. Skipped: the probe machinery's frames, as many
    /// as the provider says (`Site::stack_skip`).
    pub(super) fn stack_frames(f: &mut Prog, user: bool, frames: u32) {
        let skip = if user { 0 } else { f.site.stack_skip };
        let a = &mut f.asm;
        a.emit(Insn::ldx(BPF_DW, R1, FP, SLOT_CTX));
        a.emit(Insn::mov64_imm(R3, 8 * frames as i32));
        a.emit(Insn::mov64_imm(R4, if user { BPF_F_USER_STACK } else { skip }));
        a.emit(Insn::call(H_GET_STACK));
    }

    /// `stackdepth`, `ustackdepth`: how many frames `stack()` or `ustack()`
    /// would show with no limit (bpf_get_stack's maximum, 127).
    pub(super) fn stack_depth(&mut self, f: &mut Prog, line: u32, user: bool) -> R<Reg> {
        const MAX_FRAMES: u32 = 127;
        // A tracepoint's __traceiter_ frame is there only while several
        // tracers share it; the consumer leaves it out of stack(), so does
        // this.
        let glue = match f.site.glue {
            Some(func) if !user => (self.env.kernel_function)(func),
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
    pub(super) fn store_sym(f: &mut Prog, kind: crate::lang::types::SymKind, addr: Reg) {
        let a = &mut f.asm;
        if kind.user() {
            store_pid_at(a, R1);
        }
        a.emit(Insn::stx(BPF_DW, R1, addr, 0));
    }

    pub(super) fn copy_str_to_rec(&mut self, f: &mut Prog, off: u32, src: Reg) {
        let a = &mut f.asm;
        a.emit(Insn::ldx(BPF_DW, R1, FP, SLOT_REC));
        a.emit(Insn::alu64_imm(BPF_ADD, R1, off as i32));
        a.emit(Insn::mov64_imm(R2, self.strsize as i32));
        a.emit(Insn::mov64_reg(R3, src));
        a.emit(Insn::call(H_READ_KERNEL_STR));
    }
}
