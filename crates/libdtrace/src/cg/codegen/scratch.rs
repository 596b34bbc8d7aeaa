//! Scratch resources of a program: the value registers r6-r9, stack
//! slots, the per-CPU temp area, string-table pointers, kernel struct
//! members from BTF, and the fault checks DTrace reports as errors.

use super::*;

impl<'a> Codegen<'a> {
    pub(super) fn alloc(&mut self, f: &mut Prog, line: u32) -> R<Reg> {
        for (i, free) in f.free.iter_mut().enumerate() {
            if *free {
                *free = false;
                return Ok(POOL[i]);
            }
        }
        Err(CompileError::new(
            line,
            "D_REGS",
            "expression too complex: out of registers (split it using this-> variables)",
        ))
    }

    /// Allocates register `r` itself, which must be free.
    pub(super) fn take(&mut self, f: &mut Prog, r: Reg, line: u32) -> R<()> {
        match POOL.iter().position(|&p| p == r) {
            Some(i) if f.free[i] => {
                f.free[i] = false;
                Ok(())
            }
            _ => Err(CompileError::new(line, "D_REGS", "expression too complex: out of registers")),
        }
    }

    pub(super) fn free(&mut self, f: &mut Prog, r: Reg) {
        if let Some(i) = POOL.iter().position(|&p| p == r) {
            f.free[i] = true;
        }
    }

    pub(super) fn nfree(f: &Prog) -> usize {
        f.free.iter().filter(|&&x| x).count()
    }

    pub(super) fn stack_slot(&mut self, f: &mut Prog, line: u32) -> R<i16> {
        f.stack_top -= 8;
        if f.stack_top < STACK_LIMIT {
            return Err(CompileError::new(line, "D_STACK", "clause needs more than the 512 bytes of BPF stack"));
        }
        Ok(f.stack_top)
    }

    /// Allocates `size` bytes of per-CPU temp space; returns its offset.
    pub(super) fn tmp(&mut self, f: &mut Prog, size: u32) -> u32 {
        let off = f.tmp_top;
        f.tmp_top += (size + 7) & !7;
        self.max_tmp = self.max_tmp.max(f.tmp_top);
        off
    }

    /// reg = temp area + off
    pub(super) fn tmp_ptr(f: &mut Prog, reg: Reg, off: u32) {
        f.asm.emit(Insn::ldx(BPF_DW, reg, FP, SLOT_TMP));
        if off != 0 {
            f.asm.emit(Insn::alu64_imm(BPF_ADD, reg, off as i32));
        }
    }

    pub(super) fn tmp_ptr_a(a: &mut Asm, reg: Reg, off: u32) {
        a.emit(Insn::ldx(BPF_DW, reg, FP, SLOT_TMP));
        if off != 0 {
            a.emit(Insn::alu64_imm(BPF_ADD, reg, off as i32));
        }
    }

    /// reg = string table + off (a direct map-value pointer).
    pub(super) fn strtab_ptr(f: &mut Prog, reg: Reg, off: u32) {
        Self::strtab_ptr_a(&mut f.asm, reg, off);
    }

    pub(super) fn strtab_ptr_a(a: &mut Asm, reg: Reg, off: u32) {
        a.emit(Insn::new(BPF_LD | BPF_DW | BPF_IMM, reg, BPF_PSEUDO_MAP_VALUE, 0, MAP_STRTAB as i32));
        a.emit(Insn::new(0, 0, 0, 0, off as i32));
    }

    /// Jumps to the clause's fault handler with `code` and the value in `val` (or 0).
    pub(super) fn fault_if(&mut self, f: &mut Prog, op: u8, reg: Reg, imm: i32, code: u32, val: Option<Reg>) {
        if f.in_error.is_some() {
            // A fault inside an ERROR clause abandons it (no recursion).
            f.asm.jmp_imm(op, reg, imm, f.clause_end.unwrap());
            return;
        }
        let ok = f.asm.label();
        let inv = invert(op);
        f.asm.jmp_imm(inv, reg, imm, ok);
        // Fault word: code | action << 16 | pc << 32 (pc: this BPF insn).
        let word = code as u64 | ((f.action_no.max(1) as u64) << 16) | ((f.asm.len() as u64) << 32);
        f.asm.emit2(Insn::ld_imm64(R1, word));
        f.asm.emit(Insn::stx(BPF_DW, FP, R1, SLOT_A));
        match val {
            Some(v) => f.asm.emit(Insn::stx(BPF_DW, FP, v, SLOT_B)),
            None => f.asm.emit(Insn::st_imm(BPF_DW, FP, SLOT_B, 0)),
        }
        f.asm.ja(f.fault.unwrap());
        f.fault_used = true;
        f.asm.bind(ok);
    }

    // ---- statements --------------------------------------------------------

    /// The byte offset and size of member `path` (nested members in order)
    /// of the kernel's struct `st`, from its BTF; without them, an error
    /// saying that `what` needs it.
    pub(super) fn kernel_member(&self, line: u32, what: &str, st: &str, path: &[&str]) -> R<(i32, u64)> {
        let btf = self.env.sema.types.btf();
        let found = btf.and_then(|b| {
            let (off, ty) = b.member_path_offset(st, path)?;
            Some((off as i32, b.size_of(ty)?))
        });
        found.ok_or_else(|| {
            CompileError::new(
                line,
                "D_UNSUPPORTED",
                format!("{} needs {}.{} in the kernel's type information (BTF)", what, st, path.join(".")),
            )
        })
    }

    /// The temp word at `cell` = the `size`-byte member at `off` of the
    /// current task (zero-extended; 0 when it cannot be read). Clobbers
    /// R0-R5.
    pub(super) fn read_task_member(a: &mut Asm, off: i32, size: i32, cell: u32) {
        a.emit(Insn::call(H_CURRENT_TASK));
        a.emit(Insn::mov64_reg(R3, R0));
        a.emit(Insn::alu64_imm(BPF_ADD, R3, off));
        Self::tmp_ptr_a(a, R1, cell);
        a.emit(Insn::st_imm(BPF_DW, R1, 0, 0));
        a.emit(Insn::mov64_imm(R2, size));
        a.emit(Insn::call(H_READ_KERNEL));
    }
}
