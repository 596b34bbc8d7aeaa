//! Providers: the probe catalog (what `dtrace -l` lists), matching of probe
//! descriptions, and per-provider facts the compiler needs (how arguments
//! are found, which attach point serves a probe).
//!
//! Attaching is done by `attach.rs`; the catalog itself only reads tracefs.

pub mod attach;
#[path = "fbt/inventory.rs"]
pub mod fbt_inventory;
pub mod glob;
pub mod syscall_table;

use crate::lang::ast::ProbeDesc;
use glob::glob_match;
use std::collections::HashMap;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProbeKind {
    Begin,
    End,
    Error,
    /// syscall entry (raw_syscalls:sys_enter), by syscall number.
    SyscallEntry(u32),
    /// syscall return (raw_syscalls:sys_exit), by syscall number.
    SyscallReturn(u32),
    /// profile-N: fires on every CPU every `period_ns`.
    Profile { period_ns: u64 },
    /// tick-N: fires on one CPU every `period_ns`.
    Tick { period_ns: u64 },
    /// fbt entry / return of `Catalog::fbt_funcs[i]`.
    FbtEntry(u32),
    FbtReturn(u32),
}

/// A kernel function fbt can probe.
#[derive(Clone, Debug)]
pub struct FbtFunc {
    pub name: String,
    pub module: String,
    /// Address; attach by address when the name is not unique.
    pub addr: u64,
    pub duplicate: bool,
}

#[derive(Clone, Debug)]
pub struct Probe {
    pub id: u32,
    pub provider: String,
    pub module: String,
    pub function: String,
    pub name: String,
    pub kind: ProbeKind,
}

impl Probe {
    pub fn full_name(&self) -> String {
        format!("{}:{}:{}:{}", self.provider, self.module, self.function, self.name)
    }
}

/// Why a description matched nothing or could not be used.
#[derive(Debug, Clone)]
pub struct MatchError(pub String);

/// Every probe known to this session, with stable ids.
pub struct Catalog {
    pub probes: Vec<Probe>,
    /// syscall number -> index of its entry probe in `probes`.
    syscall_index: HashMap<u32, usize>,
    /// Argument descriptions of syscalls by function name (from tracefs).
    pub syscall_args: HashMap<String, Vec<SyscallArg>>,
    /// fbt functions, loaded on first use (kallsyms and tracefs are large).
    pub fbt_funcs: Vec<FbtFunc>,
    /// Functions fbt leaves out, one line each with the reason.
    pub fbt_excluded: String,
    fbt_state: FbtState,
}

#[derive(Clone, Debug, PartialEq)]
enum FbtState {
    NotLoaded,
    Loaded,
    Unavailable(String),
}

#[derive(Clone, Debug)]
pub struct SyscallArg {
    pub ty: String,
    pub name: String,
}

pub const BEGIN_ID: u32 = 1;
pub const END_ID: u32 = 2;
pub const ERROR_ID: u32 = 3;

/// Default profile-provider probes listed by `dtrace -l` (others are made
/// on demand when a description names them), as in illumos.
const PROFILE_DEFAULTS: &[&str] = &[
    "profile-97", "profile-199", "profile-499", "profile-997", "profile-1999", "profile-4001",
    "profile-4999", "tick-1", "tick-10", "tick-100", "tick-500", "tick-1000", "tick-5000",
];

impl Catalog {
    /// Builds the catalog from the running kernel (tracefs for syscalls).
    pub fn load() -> Catalog {
        let mut c = Catalog {
            probes: Vec::new(),
            syscall_index: HashMap::new(),
            syscall_args: HashMap::new(),
            fbt_funcs: Vec::new(),
            fbt_excluded: String::new(),
            fbt_state: FbtState::NotLoaded,
        };
        for (name, kind) in [("BEGIN", ProbeKind::Begin), ("END", ProbeKind::End), ("ERROR", ProbeKind::Error)] {
            c.push("dtrace", "", "", name, kind);
        }
        for (func, nr) in syscall_functions() {
            let idx = c.probes.len();
            c.push("syscall", "vmlinux", &func, "entry", ProbeKind::SyscallEntry(nr));
            c.push("syscall", "vmlinux", &func, "return", ProbeKind::SyscallReturn(nr));
            c.syscall_index.entry(nr).or_insert(idx);
        }
        for name in PROFILE_DEFAULTS {
            if let Some(kind) = parse_profile_name(name) {
                c.push("profile", "", "", name, kind);
            }
        }
        c
    }

    fn push(&mut self, prov: &str, module: &str, func: &str, name: &str, kind: ProbeKind) -> u32 {
        let id = self.probes.len() as u32 + 1;
        self.probes.push(Probe {
            id,
            provider: prov.to_string(),
            module: module.to_string(),
            function: func.to_string(),
            name: name.to_string(),
            kind,
        });
        id
    }

    /// The C types of a probe's `args[]`, where known: fbt from the
    /// function's BTF prototype (on return, DTrace's convention: args[0]
    /// the return offset, args[1] the return value).
    pub fn arg_types(&self, id: u32, types: &crate::lang::ctypes::TypeEnv) -> Option<Vec<crate::lang::types::Type>> {
        use crate::lang::types::Type;
        let p = self.get(id)?;
        let (ProbeKind::FbtEntry(i) | ProbeKind::FbtReturn(i)) = p.kind else { return None };
        let btf = types.btf()?;
        let func = btf.find_func(&self.fbt_funcs.get(i as usize)?.name)?;
        let (params, ret) = btf.func_params(func)?;
        Some(match p.kind {
            ProbeKind::FbtEntry(_) => params.iter().map(|(_, t)| types.from_btf(*t)).collect(),
            _ => vec![Type::LONG, types.from_btf(ret)],
        })
    }

    pub fn get(&self, id: u32) -> Option<&Probe> {
        self.probes.get(id.checked_sub(1)? as usize)
    }

    /// The probe of a syscall entry or return, by number.
    pub fn syscall_probe(&self, nr: u32, ret: bool) -> Option<&Probe> {
        self.syscall_index.get(&nr).map(|&i| &self.probes[i + ret as usize])
    }

    /// Ids of every probe matching `d`, creating profile/tick probes named
    /// by a description on demand.
    pub fn matching(&mut self, d: &ProbeDesc) -> Result<Vec<u32>, MatchError> {
        // Load fbt's probes only for descriptions that can name them.
        if glob_match(&d.provider, "fbt") && (glob_match(&d.name, "entry") || glob_match(&d.name, "return")) {
            let explicit = d.provider == "fbt";
            if let Err(e) = self.load_fbt() {
                if explicit {
                    return Err(e);
                }
            }
        }
        let mut ids: Vec<u32> = self
            .probes
            .iter()
            .filter(|p| desc_matches(d, p))
            .map(|p| p.id)
            .collect();
        if ids.is_empty() && (d.provider.is_empty() || d.provider == "profile") && d.module.is_empty() && d.function.is_empty() {
            if let Some(kind) = parse_profile_name(&d.name) {
                ids.push(self.push("profile", "", "", &d.name, kind));
            }
        }
        Ok(ids)
    }
}

impl Catalog {
    /// Adds every fbt probe (once). Fails, saying why, where fbt cannot work.
    pub fn load_fbt(&mut self) -> Result<(), MatchError> {
        match &self.fbt_state {
            FbtState::Loaded => return Ok(()),
            FbtState::Unavailable(m) => return Err(MatchError(m.clone())),
            FbtState::NotLoaded => {}
        }
        if !kprobes_available() {
            if let Err(why) = fentry_check("vfs_read") {
                let multi = match crate::consume::ksyms::kernel_function_range("vfs_read") {
                    Some((addr, _)) => kprobe_multi_check(addr),
                    None => Err("vfs_read's address is not in kallsyms".into()),
                };
                if let Err(multi_why) = multi {
                    let m = format!(
                        "fbt provider is not available: this kernel has no kprobes (no kprobe PMU in /sys/bus/event_source/devices), refuses fentry programs ({}) and kprobe.multi links ({})",
                        why, multi_why
                    );
                    self.fbt_state = FbtState::Unavailable(m.clone());
                    return Err(MatchError(m));
                }
            }
        }
        let inv = match fbt_inventory::load() {
            Ok(i) => i,
            Err(e) => {
                let m = format!(
                    "fbt provider is not available: cannot read the kernel's function list: {}",
                    crate::host::strerror(&e)
                );
                self.fbt_state = FbtState::Unavailable(m.clone());
                return Err(MatchError(m));
            }
        };
        self.fbt_excluded = inv.verbose_listing();
        for f in inv.functions {
            let i = self.fbt_funcs.len() as u32;
            self.push("fbt", &f.module, &f.name, "entry", ProbeKind::FbtEntry(i));
            self.push("fbt", &f.module, &f.name, "return", ProbeKind::FbtReturn(i));
            self.fbt_funcs.push(FbtFunc { name: f.name, module: f.module, addr: f.addr, duplicate: f.duplicate });
        }
        self.fbt_state = FbtState::Loaded;
        Ok(())
    }

    /// The function behind an fbt probe.
    pub fn fbt_func(&self, probe: u32) -> Option<&FbtFunc> {
        match self.get(probe)?.kind {
            ProbeKind::FbtEntry(i) | ProbeKind::FbtReturn(i) => self.fbt_funcs.get(i as usize),
            _ => None,
        }
    }
}

/// Can a fentry program be loaded for `func`? (BTF present, the kernel
/// accepts BPF_PROG_TYPE_TRACING; refused under lockdown, for instance.)
pub fn fentry_check(func: &str) -> Result<(), String> {
    use crate::bpf::consts;
    use crate::bpf::insn::{Insn, R0};
    use crate::kernel::sys;
    let btf = crate::bpf::btf::Btf::load_vmlinux()
        .map_err(|e| format!("no kernel BTF: {}", crate::host::strerror(&e)))?;
    let id = btf.find_func(func).ok_or_else(|| format!("{} has no BTF", func))?;
    let prog = [Insn::mov64_imm(R0, 0), Insn::exit()];
    sys::prog_load_btf(consts::BPF_PROG_TYPE_TRACING, &prog, "dt_fentry_chk", consts::BPF_TRACE_FENTRY, id.0, 0)
        .map(drop)
        .map_err(|e| errno_text(&e.io_error()))
}

/// An error as the kernel gave it: `EPERM: Operation not permitted`,
/// `errno 95: Operation not supported`.
fn errno_text(io: &std::io::Error) -> String {
    let s = crate::host::strerror(io);
    match io.raw_os_error() {
        Some(libc::EPERM) => format!("EPERM: {}", s),
        Some(n) => format!("errno {}: {}", n, s),
        None => s,
    }
}

/// Can a kprobe.multi link be created (kernel ≥ 5.18 with CONFIG_FPROBE)?
/// Tried for real: a trivial program attached to the function at `addr`
/// (one the script probes anyway), detached at once.
pub fn kprobe_multi_check(addr: u64) -> Result<(), String> {
    use crate::bpf::consts;
    use crate::bpf::insn::{Insn, R0};
    use crate::kernel::sys;
    use std::os::fd::AsFd;
    let prog = [Insn::mov64_imm(R0, 0), Insn::exit()];
    let fd = sys::prog_load_btf(consts::BPF_PROG_TYPE_KPROBE, &prog, "dt_kmulti_chk", consts::BPF_TRACE_KPROBE_MULTI, 0, 0)
        .map_err(|e| errno_text(&e.io_error()))?;
    sys::link_create_kprobe_multi(fd.as_fd(), &[addr], &[0], false).map(drop).map_err(|e| errno_text(&e))
}

/// Does this kernel let us create kprobes (the kprobe PMU)?
pub fn kprobes_available() -> bool {
    std::path::Path::new("/sys/bus/event_source/devices/kprobe/type").exists()
}

pub fn desc_matches(d: &ProbeDesc, p: &Probe) -> bool {
    glob_match(&d.provider, &p.provider)
        && glob_match(&d.module, &p.module)
        && glob_match(&d.function, &p.function)
        && glob_match(&d.name, &p.name)
}

/// Parses `profile-N[unit]` / `tick-N[unit]`. Without a unit N is a rate in
/// hertz, as in DTrace; units: ns nsec us usec ms msec s sec m min h hour d day hz.
pub fn parse_profile_name(name: &str) -> Option<ProbeKind> {
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
    Some(if tick { ProbeKind::Tick { period_ns } } else { ProbeKind::Profile { period_ns } })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_names() {
        assert_eq!(parse_profile_name("profile-97"), Some(ProbeKind::Profile { period_ns: 1_000_000_000 / 97 }));
        assert_eq!(parse_profile_name("tick-1s"), Some(ProbeKind::Tick { period_ns: 1_000_000_000 }));
        assert_eq!(parse_profile_name("tick-10ms"), Some(ProbeKind::Tick { period_ns: 10_000_000 }));
        assert_eq!(parse_profile_name("profile-1000hz"), Some(ProbeKind::Profile { period_ns: 1_000_000 }));
        assert_eq!(parse_profile_name("tick-"), None);
        assert_eq!(parse_profile_name("tick-5x"), None);
    }
}
