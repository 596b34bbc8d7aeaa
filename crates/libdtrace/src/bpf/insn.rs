//! eBPF instruction encoding (the kernel's `struct bpf_insn`), plus a
//! disassembler used by `dtrace -S`.

use std::fmt;

/// One 8-byte eBPF instruction, laid out as the kernel expects.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
#[repr(C)]
pub struct Insn {
    pub code: u8,
    /// dst in the low nibble, src in the high nibble.
    pub regs: u8,
    pub off: i16,
    pub imm: i32,
}

// Instruction classes.
pub const BPF_LD: u8 = 0x00;
pub const BPF_LDX: u8 = 0x01;
pub const BPF_ST: u8 = 0x02;
pub const BPF_STX: u8 = 0x03;
pub const BPF_ALU: u8 = 0x04;
pub const BPF_JMP: u8 = 0x05;
pub const BPF_JMP32: u8 = 0x06;
pub const BPF_ALU64: u8 = 0x07;

// Sizes.
pub const BPF_W: u8 = 0x00;
pub const BPF_H: u8 = 0x08;
pub const BPF_B: u8 = 0x10;
pub const BPF_DW: u8 = 0x18;

// Modes.
pub const BPF_IMM: u8 = 0x00;
pub const BPF_MEM: u8 = 0x60;
pub const BPF_ATOMIC: u8 = 0xc0;

// Sources.
pub const BPF_K: u8 = 0x00;
pub const BPF_X: u8 = 0x08;

// ALU operations.
pub const BPF_ADD: u8 = 0x00;
pub const BPF_SUB: u8 = 0x10;
pub const BPF_MUL: u8 = 0x20;
pub const BPF_DIV: u8 = 0x30;
pub const BPF_OR: u8 = 0x40;
pub const BPF_AND: u8 = 0x50;
pub const BPF_LSH: u8 = 0x60;
pub const BPF_RSH: u8 = 0x70;
pub const BPF_NEG: u8 = 0x80;
pub const BPF_MOD: u8 = 0x90;
pub const BPF_XOR: u8 = 0xa0;
pub const BPF_MOV: u8 = 0xb0;
pub const BPF_ARSH: u8 = 0xc0;

// Jump operations.
pub const BPF_JA: u8 = 0x00;
pub const BPF_JEQ: u8 = 0x10;
pub const BPF_JGT: u8 = 0x20;
pub const BPF_JGE: u8 = 0x30;
pub const BPF_JSET: u8 = 0x40;
pub const BPF_JNE: u8 = 0x50;
pub const BPF_JSGT: u8 = 0x60;
pub const BPF_JSGE: u8 = 0x70;
pub const BPF_CALL: u8 = 0x80;
pub const BPF_EXIT: u8 = 0x90;
pub const BPF_JLT: u8 = 0xa0;
pub const BPF_JLE: u8 = 0xb0;
pub const BPF_JSLT: u8 = 0xc0;
pub const BPF_JSLE: u8 = 0xd0;
/// `may_goto`: jumps once the kernel's loop budget for this run is spent
/// (kernel >= 6.9), so a loop needs no verifier-provable bound.
pub const BPF_JCOND: u8 = 0xe0;

/// `src_reg` value of a `ld_imm64` that carries a map file descriptor.
pub const BPF_PSEUDO_MAP_FD: u8 = 1;
/// `src_reg` value of a `ld_imm64` that carries a map fd plus a value offset.
pub const BPF_PSEUDO_MAP_VALUE: u8 = 2;
/// `src_reg` value of a `ld_imm64` that loads the address of a subprogram
/// (`imm` is its offset from the next instruction).
pub const BPF_PSEUDO_FUNC: u8 = 4;

pub type Reg = u8;
pub const R0: Reg = 0;
pub const R1: Reg = 1;
pub const R2: Reg = 2;
pub const R3: Reg = 3;
pub const R4: Reg = 4;
pub const R5: Reg = 5;
pub const R6: Reg = 6;
pub const R7: Reg = 7;
pub const R8: Reg = 8;
pub const R9: Reg = 9;
pub const FP: Reg = 10;

impl Insn {
    pub fn new(code: u8, dst: Reg, src: Reg, off: i16, imm: i32) -> Insn {
        Insn { code, regs: (dst & 0xf) | (src << 4), off, imm }
    }
    pub fn dst(&self) -> Reg {
        self.regs & 0xf
    }
    pub fn src(&self) -> Reg {
        self.regs >> 4
    }
    pub fn class(&self) -> u8 {
        self.code & 0x07
    }

    pub fn alu64_imm(op: u8, dst: Reg, imm: i32) -> Insn {
        Insn::new(BPF_ALU64 | op | BPF_K, dst, 0, 0, imm)
    }
    pub fn alu64_reg(op: u8, dst: Reg, src: Reg) -> Insn {
        Insn::new(BPF_ALU64 | op | BPF_X, dst, src, 0, 0)
    }
    pub fn alu32_imm(op: u8, dst: Reg, imm: i32) -> Insn {
        Insn::new(BPF_ALU | op | BPF_K, dst, 0, 0, imm)
    }
    pub fn alu32_reg(op: u8, dst: Reg, src: Reg) -> Insn {
        Insn::new(BPF_ALU | op | BPF_X, dst, src, 0, 0)
    }
    pub fn mov64_imm(dst: Reg, imm: i32) -> Insn {
        Insn::alu64_imm(BPF_MOV, dst, imm)
    }
    pub fn mov64_reg(dst: Reg, src: Reg) -> Insn {
        Insn::alu64_reg(BPF_MOV, dst, src)
    }
    pub fn neg64(dst: Reg) -> Insn {
        Insn::new(BPF_ALU64 | BPF_NEG, dst, 0, 0, 0)
    }
    /// Two-slot 64-bit immediate load; returns both halves.
    pub fn ld_imm64(dst: Reg, imm: u64) -> [Insn; 2] {
        [
            Insn::new(BPF_LD | BPF_DW | BPF_IMM, dst, 0, 0, imm as u32 as i32),
            Insn::new(0, 0, 0, 0, (imm >> 32) as u32 as i32),
        ]
    }
    /// `ld_imm64` of a map fd (patched at load time from the map index).
    pub fn ld_map_fd(dst: Reg, fd: i32) -> [Insn; 2] {
        [Insn::new(BPF_LD | BPF_DW | BPF_IMM, dst, BPF_PSEUDO_MAP_FD, 0, fd), Insn::new(0, 0, 0, 0, 0)]
    }
    pub fn ldx(size: u8, dst: Reg, src: Reg, off: i16) -> Insn {
        Insn::new(BPF_LDX | size | BPF_MEM, dst, src, off, 0)
    }
    pub fn stx(size: u8, dst: Reg, src: Reg, off: i16) -> Insn {
        Insn::new(BPF_STX | size | BPF_MEM, dst, src, off, 0)
    }
    pub fn st_imm(size: u8, dst: Reg, off: i16, imm: i32) -> Insn {
        Insn::new(BPF_ST | size | BPF_MEM, dst, 0, off, imm)
    }
    /// Atomic `*(dst + off) += src` (BPF_ATOMIC | BPF_ADD, no fetch).
    pub fn atomic_add(size: u8, dst: Reg, src: Reg, off: i16) -> Insn {
        Insn::new(BPF_STX | size | BPF_ATOMIC, dst, src, off, BPF_ADD as i32)
    }
    /// Atomic `*(dst + off) += src`, `src` getting the old value
    /// (BPF_ATOMIC | BPF_ADD | BPF_FETCH).
    pub fn atomic_fetch_add(size: u8, dst: Reg, src: Reg, off: i16) -> Insn {
        Insn::new(BPF_STX | size | BPF_ATOMIC, dst, src, off, BPF_ADD as i32 | 1)
    }
    /// Atomic compare-and-exchange: if `*(dst + off) == r0` store `src`;
    /// r0 gets the old value either way.
    pub fn atomic_cmpxchg(size: u8, dst: Reg, src: Reg, off: i16) -> Insn {
        Insn::new(BPF_STX | size | BPF_ATOMIC, dst, src, off, 0xf1)
    }
    pub fn jmp_imm(op: u8, dst: Reg, imm: i32, off: i16) -> Insn {
        Insn::new(BPF_JMP | op | BPF_K, dst, 0, off, imm)
    }
    pub fn jmp_reg(op: u8, dst: Reg, src: Reg, off: i16) -> Insn {
        Insn::new(BPF_JMP | op | BPF_X, dst, src, off, 0)
    }
    pub fn ja(off: i16) -> Insn {
        Insn::new(BPF_JMP | BPF_JA, 0, 0, off, 0)
    }
    pub fn call(helper: i32) -> Insn {
        Insn::new(BPF_JMP | BPF_CALL, 0, 0, 0, helper)
    }
    pub fn exit() -> Insn {
        Insn::new(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
    }

    /// Raw bytes as the kernel reads them.
    pub fn to_bytes(&self) -> [u8; 8] {
        let mut b = [0u8; 8];
        b[0] = self.code;
        b[1] = self.regs;
        b[2..4].copy_from_slice(&self.off.to_le_bytes());
        b[4..8].copy_from_slice(&self.imm.to_le_bytes());
        b
    }
}

fn alu_name(op: u8) -> &'static str {
    match op {
        BPF_ADD => "add",
        BPF_SUB => "sub",
        BPF_MUL => "mul",
        BPF_DIV => "div",
        BPF_OR => "or",
        BPF_AND => "and",
        BPF_LSH => "lsh",
        BPF_RSH => "rsh",
        BPF_NEG => "neg",
        BPF_MOD => "mod",
        BPF_XOR => "xor",
        BPF_MOV => "mov",
        BPF_ARSH => "arsh",
        _ => "alu?",
    }
}

fn jmp_name(op: u8) -> &'static str {
    match op {
        BPF_JA => "ja",
        BPF_JEQ => "jeq",
        BPF_JGT => "jgt",
        BPF_JGE => "jge",
        BPF_JSET => "jset",
        BPF_JNE => "jne",
        BPF_JSGT => "jsgt",
        BPF_JSGE => "jsge",
        BPF_JLT => "jlt",
        BPF_JLE => "jle",
        BPF_JSLT => "jslt",
        BPF_JSLE => "jsle",
        BPF_JCOND => "may_goto",
        _ => "j?",
    }
}

fn size_name(code: u8) -> &'static str {
    match code & 0x18 {
        BPF_W => "w",
        BPF_H => "h",
        BPF_B => "b",
        _ => "dw",
    }
}

/// Disassembles a program into one line per instruction (wide loads take
/// two slots; the second slot is not printed).
pub fn disassemble(prog: &[Insn]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < prog.len() {
        let ins = prog[i];
        let text = format_insn(&ins, prog.get(i + 1));
        out.push(format!(
            "{:04}: {:02x} {:x} {:x} {:6} {:11} {}",
            i,
            ins.code,
            ins.dst(),
            ins.src(),
            ins.off,
            ins.imm,
            text
        ));
        i += if ins.code == (BPF_LD | BPF_DW | BPF_IMM) { 2 } else { 1 };
    }
    out
}

impl fmt::Display for Insn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_insn(self, None))
    }
}

fn format_insn(ins: &Insn, next: Option<&Insn>) -> String {
    let (d, s) = (ins.dst(), ins.src());
    match ins.class() {
        BPF_ALU64 | BPF_ALU => {
            let w = if ins.class() == BPF_ALU { "32" } else { "" };
            let op = ins.code & 0xf0;
            if op == BPF_NEG {
                return format!("neg{w} %r{d}");
            }
            if ins.code & BPF_X != 0 {
                format!("{}{w} %r{d}, %r{s}", alu_name(op))
            } else {
                format!("{}{w} %r{d}, {}", alu_name(op), ins.imm)
            }
        }
        BPF_LD => {
            let hi = next.map(|n| n.imm as u32 as u64).unwrap_or(0);
            let v = (hi << 32) | ins.imm as u32 as u64;
            if s == BPF_PSEUDO_MAP_FD {
                format!("lddw %r{d}, map#{}", ins.imm)
            } else if s == BPF_PSEUDO_FUNC {
                format!("lddw %r{d}, function at {:+}", ins.imm as i64 + 1)
            } else {
                format!("lddw %r{d}, {:#x}", v)
            }
        }
        BPF_LDX => format!("ldx{} %r{d}, [%r{s}{:+}]", size_name(ins.code), ins.off),
        BPF_STX if ins.code & 0xe0 == BPF_ATOMIC => {
            let op = match ins.imm {
                0x00 => "xadd",
                0x01 => "fetch_add",
                0xf1 => "cmpxchg",
                _ => "atomic",
            };
            format!("{op}{} [%r{d}{:+}], %r{s}", size_name(ins.code), ins.off)
        }
        BPF_STX => format!("stx{} [%r{d}{:+}], %r{s}", size_name(ins.code), ins.off),
        BPF_ST => format!("st{} [%r{d}{:+}], {}", size_name(ins.code), ins.off, ins.imm),
        BPF_JMP | BPF_JMP32 => {
            let op = ins.code & 0xf0;
            match op {
                BPF_CALL => format!("call {}", ins.imm),
                BPF_EXIT => "exit".to_string(),
                BPF_JA => format!("ja {:+}", ins.off),
                _ if ins.code & BPF_X != 0 => {
                    format!("{} %r{d}, %r{s}, {:+}", jmp_name(op), ins.off)
                }
                _ => format!("{} %r{d}, {}, {:+}", jmp_name(op), ins.imm, ins.off),
            }
        }
        _ => format!("?? {:#x}", ins.code),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_mov_and_exit() {
        assert_eq!(Insn::mov64_imm(R0, 7).to_bytes(), [0xb7, 0x00, 0, 0, 7, 0, 0, 0]);
        assert_eq!(Insn::exit().to_bytes(), [0x95, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(Insn::ldx(BPF_DW, R1, R2, -8).to_bytes(), [0x79, 0x21, 0xf8, 0xff, 0, 0, 0, 0]);
    }

    #[test]
    fn disassembles_wide_load_as_one_line() {
        let mut p = Insn::ld_imm64(R1, 0x1_0000_0002).to_vec();
        p.push(Insn::exit());
        let d = disassemble(&p);
        assert_eq!(d.len(), 2);
        assert!(d[0].ends_with("lddw %r1, 0x100000002"));
        assert!(d[1].ends_with("exit"));
    }
}
