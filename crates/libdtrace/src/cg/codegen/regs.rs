//! `uregs[]`: the current thread's user registers, as saved when it
//! entered the kernel.
//!
//! Indexes 0-20 are the words of `struct pt_regs` at the top of the task's
//! kernel stack (`bpf_task_pt_regs`); 21-25 (segment selectors and trap
//! number) live in the task's `thread_struct`. The numbering is
//! lang/dlib/regs.d's. An index past R_TRAPNO is an illegal operation, as
//! in DTrace.
//!
//! Also `ipl`, the interrupt level the probe fired at: 0 in a thread, 10
//! (illumos's LOCK_LEVEL, where its clock interrupt runs) in an interrupt.
//! Profile and tick probes fire in the timer interrupt, system calls in a
//! thread. A kernel function (fbt) is in an interrupt when its frame is
//! not on the thread's own kernel stack: x86-64 Linux runs hardware
//! interrupts, the softirqs they end with, and NMIs on other stacks, except
//! an interrupt taken in user mode, which runs on the thread's stack and so
//! reads 0. (The CPU's preempt_count would tell every case apart, but BPF
//! reaches a per-CPU variable only when kallsyms lists it, which on most
//! kernels it does not.)

use super::*;

/// A frame this far from the thread's stack base or farther is on another
/// stack (kernel stacks are 16 KiB, 32 KiB with KASAN).
const THREAD_STACK_BOUND: i32 = 64 << 10;
const LOCK_LEVEL: i32 = 10;

/// Words of `struct pt_regs` on x86-64.
const PT_REGS_WORDS: i64 = 21;
/// The `thread_struct` members behind R_DS, R_ES, R_FS, R_GS, R_TRAPNO.
const THREAD_REGS: [&str; 5] = ["ds", "es", "fsindex", "gsindex", "trap_nr"];
const LAST_UREG: i64 = PT_REGS_WORDS + THREAD_REGS.len() as i64 - 1;

impl<'e> Codegen<'e> {
    pub(super) fn uregs(&mut self, f: &mut Prog, line: u32, key: &Expr) -> R<Reg> {
        match self.value(key)? {
            Some(i) if (0..=LAST_UREG).contains(&i) => {
                let off = self.tmp(f, 8);
                self.read_ureg(f, line, i, off)?;
                let r = self.alloc(f, line)?;
                Self::tmp_ptr(f, r, off);
                f.asm.emit(Insn::ldx(BPF_DW, r, r, 0));
                Ok(r)
            }
            _ => {
                // Any register, chosen at run time: read them all into a
                // table and index it.
                let r = self.expr(f, key)?;
                self.fault_if(f, BPF_JGT, r, LAST_UREG as i32, FLT_ILLOP, None);
                let table = self.tmp(f, 8 * (LAST_UREG as u32 + 1));
                self.read_pt_regs(f, 0, PT_REGS_WORDS as i32 * 8, table);
                for i in PT_REGS_WORDS..=LAST_UREG {
                    self.read_ureg(f, line, i, table + 8 * i as u32)?;
                }
                let a = &mut f.asm;
                a.emit(Insn::alu64_imm(BPF_LSH, r, 3));
                a.emit(Insn::ldx(BPF_DW, R1, FP, SLOT_TMP));
                a.emit(Insn::alu64_reg(BPF_ADD, r, R1));
                a.emit(Insn::ldx(BPF_DW, r, r, table as i16));
                Ok(r)
            }
        }
    }

    /// `ipl`: see the module comment.
    pub(super) fn ipl(&mut self, f: &mut Prog, line: u32) -> R<Reg> {
        // Known from the probe (its provider says): timers fire in the
        // timer interrupt; system calls, BEGIN and END run in a thread.
        let known = f.site.interrupt.map(|irq| if irq { LOCK_LEVEL } else { 0 });
        if let Some(level) = known {
            let r = self.alloc(f, line)?;
            f.asm.emit(Insn::mov64_imm(r, level));
            return Ok(r);
        }
        let (stack, _) = self.kernel_member(line, "ipl", "task_struct", &["stack"])?;
        let cells = self.tmp(f, 16);
        let r = self.alloc(f, line)?;
        let a = &mut f.asm;
        // The thread's stack base, and this program's frame address (a
        // scalar once it has been through memory).
        Self::read_task_member(a, stack, 8, cells);
        Self::tmp_ptr_a(a, R1, cells);
        a.emit(Insn::stx(BPF_DW, R1, FP, 8));
        a.emit(Insn::ldx(BPF_DW, r, R1, 8));
        a.emit(Insn::ldx(BPF_DW, R2, R1, 0));
        a.emit(Insn::alu64_reg(BPF_SUB, r, R2));
        let (thread, done) = (a.label(), a.label());
        a.jmp_imm(BPF_JLT, r, THREAD_STACK_BOUND, thread);
        a.emit(Insn::mov64_imm(r, LOCK_LEVEL));
        a.ja(done);
        a.bind(thread);
        a.emit(Insn::mov64_imm(r, 0));
        a.bind(done);
        Ok(r)
    }

    /// Reads register `i` into the temp word at `off`.
    fn read_ureg(&mut self, f: &mut Prog, line: u32, i: i64, off: u32) -> R<()> {
        if i < PT_REGS_WORDS {
            self.read_pt_regs(f, 8 * i as i32, 8, off);
            return Ok(());
        }
        let member = THREAD_REGS[(i - PT_REGS_WORDS) as usize];
        let (field_off, size) =
            self.kernel_member(line, &format!("uregs[{}]", i), "task_struct", &["thread", member])?;
        Self::read_task_member(&mut f.asm, field_off, size.min(8) as i32, off);
        Ok(())
    }

    /// Copies `len` bytes of the user registers from byte `from` to the
    /// temp area at `off`. A failed read leaves zeros, as the kernel's
    /// helper does.
    fn read_pt_regs(&mut self, f: &mut Prog, from: i32, len: i32, off: u32) {
        let a = &mut f.asm;
        a.emit(Insn::call(H_CURRENT_TASK_BTF));
        a.emit(Insn::mov64_reg(R1, R0));
        a.emit(Insn::call(H_TASK_PT_REGS));
        a.emit(Insn::mov64_reg(R3, R0));
        if from != 0 {
            a.emit(Insn::alu64_imm(BPF_ADD, R3, from));
        }
        a.emit(Insn::ldx(BPF_DW, R1, FP, SLOT_TMP));
        a.emit(Insn::alu64_imm(BPF_ADD, R1, off as i32));
        a.emit(Insn::mov64_imm(R2, len));
        a.emit(Insn::call(H_READ_KERNEL));
    }
}
