//! The profile provider: `profile-N` fires on every CPU, `tick-N` on one,
//! every period (a perf cpu-clock event per CPU). One program per probe
//! (attach key: the probe id; a probe's datum: its period in ns).

use super::attach::{enable_error, AttachError, Progress};
use super::{pt_regs, Catalog, Load, NewProbes, ProbeDesc, ProgInfo, Probe, Provider, Site, MatchError};
use crate::bpf::asm::Asm;
use crate::bpf::consts;
use crate::bpf::insn::*;
use crate::kernel::perf;
use crate::lang::ctypes::TypeEnv;
use crate::program::{ProgSpec, SLOT_CTX};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

/// Default profile-provider probes listed by `dtrace -l` (others are made
/// on demand when a description names them), as in illumos.
const PROFILE_DEFAULTS: &[&str] = &[
    "profile-97", "profile-199", "profile-499", "profile-997", "profile-1999", "profile-4001",
    "profile-4999", "tick-1", "tick-10", "tick-100", "tick-500", "tick-1000", "tick-5000",
];

pub struct Profile;

impl Provider for Profile {
    fn name(&self) -> &'static str {
        "profile"
    }

    fn populate(&mut self, new: &mut NewProbes) {
        for name in PROFILE_DEFAULTS {
            if let Some(t) = parse_profile_name(name) {
                new.add("", "", name, t.period_ns);
            }
        }
    }

    /// A profile-N or tick-N probe for any N a description names that no
    /// probe matches yet.
    fn provide(&mut self, d: &ProbeDesc, new: &mut NewProbes) -> Result<(), MatchError> {
        if (d.provider.is_empty() || d.provider == "profile") && d.module.is_empty() && d.function.is_empty() {
            if let Some(t) = parse_profile_name(&d.name) {
                if !new.any_match(d) {
                    new.add("", "", &d.name, t.period_ns);
                }
            }
        }
        Ok(())
    }

    fn attach_point(&self, p: &Probe, _: &TypeEnv) -> u64 {
        p.id as u64
    }

    fn program(&self, _: &Catalog, key: u64, _: &[u32], _: &TypeEnv) -> ProgInfo {
        ProgInfo {
            prog_type: consts::BPF_PROG_TYPE_PERF_EVENT,
            name: format!("dt_timer_{}", key),
            expected_attach_type: 0,
            attach_btf_id: 0,
        }
    }

    fn site(&self, _: u64) -> Site {
        Site { unsplittable: Some("profile or tick probe"), interrupt: Some(true), ..Site::default() }
    }

    fn load(&self, _: u64, what: Load, a: &mut Asm, r: Reg) {
        let Load::Arg(i @ (0 | 1)) = what else {
            a.emit(Insn::mov64_imm(r, 0));
            return;
        };
        // arg0: kernel pc (0 in user mode); arg1: user pc (0 in kernel).
        let user = a.label();
        let done = a.label();
        a.emit(Insn::ldx(BPF_DW, R1, FP, SLOT_CTX));
        a.emit(Insn::ldx(BPF_DW, R2, R1, pt_regs::CS));
        a.emit(Insn::alu64_imm(BPF_AND, R2, 3));
        a.emit(Insn::ldx(BPF_DW, r, R1, pt_regs::IP));
        a.jmp_imm(BPF_JEQ, R2, 3, user);
        if i == 1 {
            a.emit(Insn::mov64_imm(r, 0));
        }
        a.ja(done);
        a.bind(user);
        if i == 0 {
            a.emit(Insn::mov64_imm(r, 0));
        }
        a.bind(done);
    }

    fn describe(&self, _: &Catalog, p: &ProgSpec) -> String {
        format!("profile probe {}", p.attach.key)
    }

    fn describe_probes(&self, cat: &Catalog, p: &ProgSpec) -> String {
        let probe = p.attach.key as u32;
        cat.get(probe).map_or_else(|| format!("probe {}", probe), |q| q.full_name())
    }

    fn attach(
        &self,
        cat: &Catalog,
        p: &ProgSpec,
        prog: BorrowedFd,
        links: &mut Vec<OwnedFd>,
        _: &mut Progress,
    ) -> Result<(), AttachError> {
        let err = |what: &str, e| enable_error(&self.describe(cat, p), what, e);
        let Some(t) = cat.get(p.attach.key as u32).and_then(|q| parse_profile_name(&q.name)) else {
            return Ok(());
        };
        let online = crate::host::online_cpus();
        let cpus = if t.tick { vec![online.first().copied().unwrap_or(0)] } else { online };
        for cpu in cpus {
            let ev = perf::open_cpu_clock(cpu, t.period_ns).map_err(|e| err("perf_event_open", e))?;
            perf::attach_bpf(ev.as_fd(), prog).map_err(|e| err("attach", e))?;
            links.push(ev);
        }
        Ok(())
    }
}

/// A profile-provider probe name, parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timer {
    /// tick-N (one CPU) rather than profile-N (every CPU).
    pub tick: bool,
    pub period_ns: u64,
}

/// Parses `profile-N[unit]` / `tick-N[unit]`. Without a unit N is a rate in
/// hertz, as in DTrace; units: ns nsec us usec ms msec s sec m min h hour d day hz.
pub fn parse_profile_name(name: &str) -> Option<Timer> {
    let (tick, rest) = if let Some(r) = name.strip_prefix("profile-") {
        (false, r)
    } else if let Some(r) = name.strip_prefix("tick-") {
        (true, r)
    } else {
        return None;
    };
    let digits = rest.bytes().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 {
        return None;
    }
    let n: u64 = rest[..digits].parse().ok()?;
    if n == 0 {
        return None;
    }
    let unit = &rest[digits..];
    let ns_per: u64 = match unit {
        "ns" | "nsec" => 1,
        "us" | "usec" => 1_000,
        "ms" | "msec" => 1_000_000,
        "s" | "sec" => 1_000_000_000,
        "m" | "min" => 60_000_000_000,
        "h" | "hour" => 3_600_000_000_000,
        "d" | "day" => 86_400_000_000_000,
        "" | "hz" => 0,
        _ => return None,
    };
    let period_ns = if ns_per == 0 { 1_000_000_000 / n } else { n.checked_mul(ns_per)? };
    if period_ns == 0 {
        return None;
    }
    Some(Timer { tick, period_ns })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_names() {
        let t = |tick, period_ns| Some(Timer { tick, period_ns });
        assert_eq!(parse_profile_name("profile-97"), t(false, 1_000_000_000 / 97));
        assert_eq!(parse_profile_name("tick-1s"), t(true, 1_000_000_000));
        assert_eq!(parse_profile_name("tick-10ms"), t(true, 10_000_000));
        assert_eq!(parse_profile_name("profile-1000hz"), t(false, 1_000_000));
        assert_eq!(parse_profile_name("tick-"), None);
        assert_eq!(parse_profile_name("tick-5x"), None);
    }
}
