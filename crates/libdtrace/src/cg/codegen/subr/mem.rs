//! alloca, bcopy, copyinto and progenyof.

use super::super::*;
use super::emit::*;

/// How many ancestors progenyof looks at (the kernel has no bound; real
/// process trees are far shallower).
const MAX_ANCESTORS: u32 = 256;

impl<'a> Codegen<'a> {
    /// A size argument that must be known at compile time (the scratch
    /// area is laid out then).
    fn const_size(&self, name: &str, i: usize, e: &Expr, line: u32) -> R<u32> {
        match self.value(e)? {
            Some(v) if (0..=32 * 1024).contains(&v) => Ok(v as u32),
            Some(v) => Err(CompileError::new(
                line,
                "D_ALLOCA_SIZE",
                format!("{}( ) size {} is out of range (0 to 32768)", name, v),
            )),
            None => Err(CompileError::new(
                line,
                "D_UNSUPPORTED",
                format!("{}( ) argument #{} must be an integer constant", name, i + 1),
            )),
        }
    }

    /// alloca(size): zeroed, 8-byte aligned scratch memory for the rest of
    /// the clause.
    pub(in crate::cg::codegen) fn alloca(&mut self, f: &mut Prog, line: u32, e: &Expr) -> R<Reg> {
        let size = (self.const_size("alloca", 0, e, line)? + 7) & !7;
        let off = self.tmp(f, size);
        f.tmp_floor = f.tmp_top;
        Self::zero_tmp(f, off, size);
        let r = self.alloc(f, line)?;
        Self::tmp_ptr(f, r, off);
        Ok(r)
    }

    /// R1 = `dest` as a pointer into this clause's scratch memory, faulting
    /// (invalid address) unless all `size` bytes lie in what the clause
    /// has allocated so far.
    pub(in crate::cg::codegen) fn scratch_dest(&mut self, f: &mut Prog, dest: Reg, size: u32) {
        let (lo, hi) = (f.tmp_base as i32, f.tmp_top as i32 - size as i32);
        let c = self.cells(f, 2);
        // Both addresses as plain numbers, so that they subtract.
        let a = &mut f.asm;
        put(a, c, dest, R0);
        base(a, R1);
        put(a, c + 8, R1, R0);
        get(a, R3, c);
        get(a, R2, c + 8);
        a.emit(Insn::alu64_reg(BPF_SUB, R3, R2));
        if hi < lo {
            // Nothing that large was allocated.
            self.fault_if(f, BPF_JGE, R3, 0, FLT_BADADDR, Some(dest));
        }
        self.fault_if(f, BPF_JLT, R3, lo, FLT_BADADDR, Some(dest));
        self.fault_if(f, BPF_JGT, R3, hi, FLT_BADADDR, Some(dest));
        base(&mut f.asm, R1);
        f.asm.emit(Insn::alu64_reg(BPF_ADD, R1, R3));
    }

    /// bcopy(src, dest, size): copies kernel memory into scratch memory.
    pub(in crate::cg::codegen) fn bcopy(&mut self, f: &mut Prog, line: u32, args: &[Expr]) -> R<Reg> {
        let size = self.const_size("bcopy", 2, &args[2], line)?;
        let src = self.expr(f, &args[0])?;
        let dest = self.expr(f, &args[1])?;
        self.scratch_dest(f, dest, size);
        let a = &mut f.asm;
        a.emit(Insn::mov64_imm(R2, size as i32));
        a.emit(Insn::mov64_reg(R3, src));
        a.emit(Insn::call(H_READ_KERNEL));
        self.fault_if(f, BPF_JSLT, R0, 0, FLT_BADADDR, Some(src));
        self.free(f, dest);
        f.asm.emit(Insn::mov64_imm(src, 0));
        Ok(src)
    }

    /// copyinto(uaddr, size, dest): copies user memory into scratch memory.
    pub(in crate::cg::codegen) fn copyinto(&mut self, f: &mut Prog, line: u32, args: &[Expr]) -> R<Reg> {
        let size = self.const_size("copyinto", 1, &args[1], line)?;
        let src = self.expr(f, &args[0])?;
        let dest = self.expr(f, &args[2])?;
        self.scratch_dest(f, dest, size);
        let a = &mut f.asm;
        a.emit(Insn::mov64_imm(R2, size as i32));
        a.emit(Insn::mov64_reg(R3, src));
        a.emit(Insn::call(H_READ_USER));
        self.fault_if(f, BPF_JSLT, R0, 0, FLT_BADADDR, Some(src));
        self.free(f, dest);
        f.asm.emit(Insn::mov64_imm(src, 0));
        Ok(src)
    }

    /// progenyof(pid): 1 if the current process is pid or descends from
    /// it (following real_parent), else 0.
    pub(in crate::cg::codegen) fn progenyof(&mut self, f: &mut Prog, line: u32, e: &Expr) -> R<Reg> {
        let (Some(parent), Some(tgid)) =
            (self.env.kernel_offset("task_struct", &["real_parent"]), self.env.kernel_offset("task_struct", &["tgid"]))
        else {
            return Err(CompileError::new(
                line,
                "D_UNSUPPORTED",
                "progenyof( ) needs kernel type information (BTF), which this kernel does not provide",
            ));
        };
        let pid = self.expr(f, e)?;
        // Compare as the kernel's 32-bit pid_t.
        f.asm.emit(Insn::alu32_reg(BPF_MOV, pid, pid));
        let c = self.cells(f, 3);
        let (task, word, res) = (c, c + 8, c + 16);
        let a = &mut f.asm;
        a.emit(Insn::call(H_CURRENT_TASK));
        put(a, task, R0, R1);
        set(a, res, Val::Imm(0));
        let l = self.loop_open_spilled(f, line, MAX_ANCESTORS)?;
        let read = |a: &mut Asm, off: u64, size: i32| {
            base(a, R1);
            a.emit(Insn::st_imm(BPF_DW, R1, word as i16, 0));
            a.emit(Insn::alu64_imm(BPF_ADD, R1, word as i32));
            a.emit(Insn::mov64_imm(R2, size));
            get(a, R3, task);
            a.emit(Insn::alu64_imm(BPF_ADD, R3, off as i32));
            a.emit(Insn::call(H_READ_KERNEL));
            get(a, R1, word);
        };
        let a = &mut f.asm;
        let (other, up, known) = (a.label(), a.label(), a.label());
        read(a, tgid, 4);
        a.jmp_reg(BPF_JNE, R1, pid, other);
        set(a, res, Val::Imm(1));
        a.ja(l.done);
        a.bind(other);
        read(a, parent, 8);
        // The top (a task that is its own parent) or a failed read ends it.
        get(a, R2, task);
        a.jmp_reg(BPF_JNE, R1, R2, up);
        a.ja(l.done);
        a.bind(up);
        a.jmp_imm(BPF_JNE, R1, 0, known);
        a.ja(l.done);
        a.bind(known);
        put(a, task, R1, R0);
        Self::loop_close(f, &l);
        get(&mut f.asm, pid, res);
        Ok(pid)
    }
}
