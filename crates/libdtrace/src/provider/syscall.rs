//! The syscall provider: entry and return of every system call. Two
//! programs serve them all, on the raw tracepoints `sys_enter` and
//! `sys_exit`; the syscall number tells the probe (attach key 0: entry,
//! 1: return; a probe's datum: its syscall number).

use super::attach::{enable_error, AttachError, Progress};
use super::{pt_regs, syscall_table, Catalog, Disc, Load, NewProbes, ProgInfo, Probe, Provider, Site};
use crate::bpf::asm::{Asm, Label};
use crate::bpf::consts;
use crate::bpf::helpers::H_READ_KERNEL;
use crate::bpf::insn::*;
use crate::kernel::sys;
use crate::lang::ctypes::TypeEnv;
use crate::program::{ProgSpec, SLOT_B, SLOT_CTX, SLOT_NR};
use std::collections::HashMap;
use std::os::fd::{BorrowedFd, OwnedFd};

#[derive(Default)]
pub struct Syscall {
    /// Syscall number and entry probe id (its return probe follows), in
    /// probe order.
    entries: Vec<(u32, u32)>,
    /// Syscall number -> entry probe id.
    by_nr: HashMap<u32, u32>,
}

const ENTRY: u64 = 0;
const RETURN: u64 = 1;

impl Provider for Syscall {
    fn name(&self) -> &'static str {
        "syscall"
    }

    fn populate(&mut self, new: &mut NewProbes) {
        for (func, nr) in syscall_functions() {
            let id = new.add("vmlinux", &func, "entry", nr as u64);
            new.add("vmlinux", &func, "return", nr as u64);
            self.entries.push((nr, id));
            self.by_nr.entry(nr).or_insert(id);
        }
    }

    fn attach_point(&self, p: &Probe, _: &TypeEnv) -> u64 {
        if p.name == "return" {
            RETURN
        } else {
            ENTRY
        }
    }

    fn program(&self, _: &Catalog, key: u64, _: &[u32], _: &TypeEnv) -> ProgInfo {
        let name = if key == RETURN { "dt_sys_exit" } else { "dt_sys_enter" };
        ProgInfo { prog_type: consts::BPF_PROG_TYPE_RAW_TRACEPOINT, name: name.into(), expected_attach_type: 0, attach_btf_id: 0 }
    }

    fn site(&self, key: u64) -> Site {
        Site {
            disc: Disc::Number { slot: key as u8 },
            interrupt: Some(false),
            // Our program, bpf_trace_runN and __bpf_trace_<event>.
            stack_skip: 3,
            glue: Some(if key == RETURN { "__traceiter_sys_exit" } else { "__traceiter_sys_enter" }),
            ..Site::default()
        }
    }

    fn prologue(&self, key: u64, a: &mut Asm) {
        if key == ENTRY {
            a.emit(Insn::ldx(BPF_DW, R1, FP, SLOT_CTX));
            a.emit(Insn::ldx(BPF_DW, R1, R1, 8));
            a.emit(Insn::stx(BPF_DW, FP, R1, SLOT_NR));
        } else {
            // The syscall number is not an argument of sys_exit: read
            // regs->orig_ax.
            a.emit(Insn::ldx(BPF_DW, R3, FP, SLOT_CTX));
            a.emit(Insn::ldx(BPF_DW, R3, R3, 0));
            a.emit(Insn::alu64_imm(BPF_ADD, R3, pt_regs::ORIG_AX as i32));
            a.emit(Insn::mov64_reg(R1, FP));
            a.emit(Insn::alu64_imm(BPF_ADD, R1, SLOT_NR as i32));
            a.emit(Insn::mov64_imm(R2, 8));
            a.emit(Insn::call(H_READ_KERNEL));
        }
    }

    /// The programs run on every syscall: unless `probes` are all the
    /// entry (or return) probes, the syscall numbers that are theirs.
    fn filter(&self, cat: &Catalog, _: u64, probes: &[u32], _: usize) -> Option<Vec<u32>> {
        if probes.len() >= self.entries.len() {
            return None;
        }
        let mut nrs: Vec<u32> = probes.iter().filter_map(|&p| Some(cat.get(p)?.data as u32)).collect();
        nrs.sort();
        Some(nrs)
    }

    fn load(&self, key: u64, what: Load, a: &mut Asm, r: Reg) {
        match (key, what) {
            (ENTRY, Load::Arg(i)) if i < 6 => {
                a.emit(Insn::ldx(BPF_DW, R3, FP, SLOT_CTX));
                a.emit(Insn::ldx(BPF_DW, R3, R3, 0));
                a.emit(Insn::alu64_imm(BPF_ADD, R3, pt_regs::SYSCALL_ARGS[i] as i32));
                a.emit(Insn::mov64_reg(R1, FP));
                a.emit(Insn::alu64_imm(BPF_ADD, R1, SLOT_B as i32));
                a.emit(Insn::mov64_imm(R2, 8));
                a.emit(Insn::call(H_READ_KERNEL));
                a.emit(Insn::ldx(BPF_DW, r, FP, SLOT_B));
            }
            (RETURN, Load::Arg(i)) if i < 2 => {
                a.emit(Insn::ldx(BPF_DW, r, FP, SLOT_CTX));
                a.emit(Insn::ldx(BPF_DW, r, r, 8));
            }
            (RETURN, Load::Errno) => errno(a, r),
            _ => a.emit(Insn::mov64_imm(r, 0)),
        }
    }

    fn number_table(&self, cat: &Catalog) -> Vec<(u32, [u32; 2], String)> {
        self.entries
            .iter()
            .filter_map(|&(nr, id)| Some((nr, [id, id + 1], cat.get(id)?.function.clone())))
            .collect()
    }

    fn describe(&self, _: &Catalog, p: &ProgSpec) -> String {
        if p.attach.key == RETURN { "syscall:::return" } else { "syscall:::entry" }.into()
    }

    fn attach(
        &self,
        cat: &Catalog,
        p: &ProgSpec,
        prog: BorrowedFd,
        links: &mut Vec<OwnedFd>,
        _: &mut Progress,
    ) -> Result<(), AttachError> {
        let tp = if p.attach.key == RETURN { "sys_exit" } else { "sys_enter" };
        links.push(sys::raw_tracepoint_open(tp, prog).map_err(|e| enable_error(&self.describe(cat, p), tp, e))?);
        Ok(())
    }

    fn probe_of(&self, key: u64, disc: u32) -> Option<u32> {
        self.by_nr.get(&disc).map(|id| id + key as u32)
    }
}

/// errno at a syscall's return: the negated return value when it is an
/// error (-4095..-1), else 0.
fn errno(a: &mut Asm, r: Reg) {
    let zero: Label = a.label();
    let done = a.label();
    a.emit(Insn::ldx(BPF_DW, r, FP, SLOT_CTX));
    a.emit(Insn::ldx(BPF_DW, r, r, 8));
    a.jmp_imm(BPF_JSGE, r, 0, zero);
    a.jmp_imm(BPF_JSLT, r, -4095, zero);
    a.emit(Insn::neg64(r));
    a.ja(done);
    a.bind(zero);
    a.emit(Insn::mov64_imm(r, 0));
    a.bind(done);
}

/// The syscalls this kernel can trace, as (probe function name, number):
/// the names of the `syscalls:sys_enter_*` tracepoints (Oracle DTrace's
/// naming), each resolved to its number through the architecture's table.
fn syscall_functions() -> Vec<(String, u32)> {
    let mut out = Vec::new();
    let names = crate::kernel::tracefs::list_events("syscalls").unwrap_or_default();
    for ev in names {
        let Some(func) = ev.strip_prefix("sys_enter_") else { continue };
        let nr = syscall_table::syscall_nr_for_tracepoint(func);
        if let Some(nr) = nr {
            out.push((func.to_string(), nr));
        }
    }
    if out.is_empty() {
        // No syscall tracepoints listed (tracefs missing): fall back to the
        // table, since raw_syscalls still works.
        out = syscall_table::SYSCALLS.iter().map(|&(n, nr)| (n.to_string(), nr)).collect();
    }
    out.sort();
    out
}
