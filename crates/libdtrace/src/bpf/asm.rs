//! An instruction buffer with forward labels, so the code generator and
//! the providers can emit jumps before their targets exist.

use crate::bpf::insn::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Label(usize);

#[derive(Default)]
pub struct Asm {
    pub insns: Vec<Insn>,
    labels: Vec<Option<usize>>,
    fixups: Vec<(usize, Label)>,
    /// `ld_imm64` of a subprogram's address, resolved like jumps.
    func_fixups: Vec<(usize, Label)>,
}

impl Asm {
    pub fn new() -> Asm {
        Asm::default()
    }
    pub fn emit(&mut self, i: Insn) {
        self.insns.push(i);
    }
    pub fn emit2(&mut self, i: [Insn; 2]) {
        self.insns.extend_from_slice(&i);
    }
    pub fn label(&mut self) -> Label {
        self.labels.push(None);
        Label(self.labels.len() - 1)
    }
    pub fn bind(&mut self, l: Label) {
        self.labels[l.0] = Some(self.insns.len());
    }
    /// Conditional jump comparing `dst` with an immediate.
    pub fn jmp_imm(&mut self, op: u8, dst: Reg, imm: i32, to: Label) {
        self.fixups.push((self.insns.len(), to));
        self.emit(Insn::jmp_imm(op, dst, imm, 0));
    }
    /// Conditional jump comparing two registers.
    pub fn jmp_reg(&mut self, op: u8, dst: Reg, src: Reg, to: Label) {
        self.fixups.push((self.insns.len(), to));
        self.emit(Insn::jmp_reg(op, dst, src, 0));
    }
    pub fn ja(&mut self, to: Label) {
        self.fixups.push((self.insns.len(), to));
        self.emit(Insn::ja(0));
    }
    /// `dst` = the address of the subprogram starting at `func` (for the
    /// callback argument of bpf_loop).
    pub fn ld_func(&mut self, dst: Reg, func: Label) {
        self.func_fixups.push((self.insns.len(), func));
        self.emit(Insn::new(BPF_LD | BPF_DW | BPF_IMM, dst, BPF_PSEUDO_FUNC, 0, 0));
        self.emit(Insn::new(0, 0, 0, 0, 0));
    }
    /// Where label `l` was bound (an instruction index).
    pub fn position(&self, l: Label) -> Option<usize> {
        self.labels[l.0]
    }
    pub fn len(&self) -> usize {
        self.insns.len()
    }
    pub fn is_empty(&self) -> bool {
        self.insns.is_empty()
    }

    /// Resolves every jump; fails if a label was never bound or a jump is
    /// out of the 16-bit range.
    pub fn finish(mut self) -> Result<Vec<Insn>, String> {
        for (at, l) in std::mem::take(&mut self.fixups) {
            let target = self.labels[l.0].ok_or("internal error: unbound label")?;
            let off = target as i64 - (at as i64 + 1);
            if off < i16::MIN as i64 || off > i16::MAX as i64 {
                return Err("program too large: jump out of range".into());
            }
            self.insns[at].off = off as i16;
        }
        for (at, l) in std::mem::take(&mut self.func_fixups) {
            let target = self.labels[l.0].ok_or("internal error: unbound function label")?;
            self.insns[at].imm = (target as i64 - (at as i64 + 1)) as i32;
        }
        Ok(self.insns)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forward_and_backward_jumps() {
        let mut a = Asm::new();
        let top = a.label();
        let end = a.label();
        a.bind(top);
        a.jmp_imm(BPF_JEQ, R1, 0, end);
        a.emit(Insn::alu64_imm(BPF_SUB, R1, 1));
        a.ja(top);
        a.bind(end);
        a.emit(Insn::exit());
        let p = a.finish().unwrap();
        assert_eq!(p[0].off, 2);
        assert_eq!(p[2].off, -3);
    }
}
