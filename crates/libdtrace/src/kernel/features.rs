//! What this kernel lets BPF programs do, found by loading small programs
//! once (the answers are cached for the process).

use crate::bpf::consts;
use crate::bpf::helpers::H_PROBE_WRITE_USER;
use crate::bpf::insn::*;
use std::sync::OnceLock;

use super::sys;

/// Does the kernel refuse bpf_probe_write_user to tracing programs (as
/// kernel lockdown does)? A load that fails for another reason (no
/// privilege for BPF) is left to the real load to report.
pub fn write_user_refused() -> bool {
    static REFUSED: OnceLock<bool> = OnceLock::new();
    *REFUSED.get_or_init(|| {
        let prog = [
            Insn::st_imm(BPF_DW, FP, -8, 0),
            Insn::mov64_imm(R1, 0),
            Insn::mov64_reg(R2, FP),
            Insn::alu64_imm(BPF_ADD, R2, -8),
            Insn::mov64_imm(R3, 1),
            Insn::call(H_PROBE_WRITE_USER),
            Insn::mov64_imm(R0, 0),
            Insn::exit(),
        ];
        match sys::prog_load(consts::BPF_PROG_TYPE_RAW_TRACEPOINT, &prog, "dt_wuser_chk", 0, 0) {
            Err(e) => e.log.contains("cannot use helper"),
            Ok(_) => false,
        }
    })
}
