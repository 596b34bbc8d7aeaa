//! Code generation for D's string, network, conversion and memory
//! subroutines (basename, strchr, substr, htonl, inet_ntoa, alloca, ...),
//! dispatched in builtin.rs: the short ones here, the others in the
//! modules below. Semantics follow illumos DTrace; see each implementation
//! for the details.

use super::*;

mod conv;
mod dpath;
mod emit;
mod json;
pub(super) use json::{NULL_MARK, NULL_MIN_STRSIZE};
mod mem;
mod net;
mod path;
mod search;
mod text;

impl<'a> Codegen<'a> {
    /// `strlen(s)`.
    pub(super) fn strlen(&mut self, f: &mut Prog, s: &Expr) -> R<Reg> {
        let strsize = self.strsize;
        let r = self.expr(f, s)?;
        let a = &mut f.asm;
        let top = a.label();
        let done = a.label();
        a.emit(Insn::mov64_reg(R1, r));
        a.emit(Insn::mov64_imm(R3, 0));
        a.bind(top);
        a.emit(Insn::ldx(BPF_B, R4, R1, 0));
        a.jmp_imm(BPF_JEQ, R4, 0, done);
        a.emit(Insn::alu64_imm(BPF_ADD, R1, 1));
        a.emit(Insn::alu64_imm(BPF_ADD, R3, 1));
        a.jmp_imm(BPF_JLT, R3, strsize as i32 - 1, top);
        a.bind(done);
        a.emit(Insn::mov64_reg(r, R3));
        Ok(r)
    }

    /// `strjoin(a, b)`.
    pub(super) fn strjoin(&mut self, f: &mut Prog, args: &[Expr]) -> R<Reg> {
        let strsize = self.strsize;
        let x = self.expr(f, &args[0])?;
        let y = self.expr(f, &args[1])?;
        let off = self.tmp(f, 2 * strsize);
        Self::tmp_ptr(f, R1, off);
        let a = &mut f.asm;
        a.emit(Insn::mov64_imm(R2, strsize as i32));
        a.emit(Insn::mov64_reg(R3, x));
        a.emit(Insn::call(H_READ_KERNEL_STR));
        let pos = a.label();
        a.jmp_imm(BPF_JSGT, R0, 0, pos);
        a.emit(Insn::mov64_imm(R0, 1));
        a.bind(pos);
        a.emit(Insn::alu64_imm(BPF_SUB, R0, 1));
        let inb = a.label();
        a.jmp_imm(BPF_JLE, R0, strsize as i32 - 1, inb);
        a.emit(Insn::mov64_imm(R0, strsize as i32 - 1));
        a.bind(inb);
        Self::tmp_ptr_a(a, R1, off);
        a.emit(Insn::alu64_reg(BPF_ADD, R1, R0));
        a.emit(Insn::mov64_imm(R2, strsize as i32));
        a.emit(Insn::mov64_reg(R3, y));
        a.emit(Insn::call(H_READ_KERNEL_STR));
        Self::tmp_ptr_a(a, x, off);
        a.emit(Insn::st_imm(BPF_B, x, strsize as i16 - 1, 0));
        self.free(f, y);
        Ok(x)
    }

    /// `copyinstr(addr [, maxlen])`.
    pub(super) fn copyinstr(&mut self, f: &mut Prog, line: u32, args: &[Expr]) -> R<Reg> {
        let strsize = self.strsize;
        let addr = self.expr(f, &args[0])?;
        let max = match args.get(1) {
            Some(m) => (self.value(m)?.ok_or_else(|| {
                CompileError::new(line, "D_PROTO_ARG", "copyinstr( ) argument #2 must be an integer constant")
            })? as u32)
                .clamp(1, strsize),
            None => strsize,
        };
        let off = self.tmp(f, strsize);
        Self::tmp_ptr(f, R1, off);
        f.asm.emit(Insn::mov64_imm(R2, max as i32));
        f.asm.emit(Insn::mov64_reg(R3, addr));
        f.asm.emit(Insn::call(H_READ_USER_STR));
        self.fault_if(f, BPF_JSLT, R0, 0, FLT_BADADDR, Some(addr));
        if max < strsize {
            Self::tmp_ptr(f, R1, off);
            f.asm.emit(Insn::st_imm(BPF_B, R1, max as i16 - 1, 0));
        }
        Self::tmp_ptr(f, addr, off);
        Ok(addr)
    }

    /// `copyin(addr, size)`: `size` (a constant) bytes of user memory.
    pub(super) fn copyin(&mut self, f: &mut Prog, line: u32, args: &[Expr]) -> R<Reg> {
        let addr = self.expr(f, &args[0])?;
        let size = self.value(&args[1])?.ok_or_else(|| {
            CompileError::new(line, "D_PROTO_ARG", "copyin( ) argument #2 must be an integer constant")
        })?;
        if size <= 0 || size > 4096 {
            return Err(CompileError::new(line, "D_PROTO_ARG", "copyin( ) size must be between 1 and 4096"));
        }
        let off = self.tmp(f, size as u32);
        Self::tmp_ptr(f, R1, off);
        f.asm.emit(Insn::mov64_imm(R2, size as i32));
        f.asm.emit(Insn::mov64_reg(R3, addr));
        f.asm.emit(Insn::call(H_READ_USER));
        self.fault_if(f, BPF_JSLT, R0, 0, FLT_BADADDR, Some(addr));
        Self::tmp_ptr(f, addr, off);
        Ok(addr)
    }

    /// The library's fileinfo_t translator: where a file's file system is
    /// mounted.
    pub(super) fn mount_point(&mut self, f: &mut Prog, line: u32, path: &Expr) -> R<Reg> {
        let p = self.expr(f, path)?;
        self.path_string(f, line, p, true)
    }

    /// `rand()`.
    pub(super) fn rand(&mut self, f: &mut Prog, line: u32) -> R<Reg> {
        let r = self.alloc(f, line)?;
        f.asm.emit(Insn::call(H_PRANDOM));
        f.asm.emit(Insn::mov64_reg(r, R0));
        normalize(&mut f.asm, r, 4, true);
        Ok(r)
    }
}
