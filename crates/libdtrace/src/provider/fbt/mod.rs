//! The fbt provider: entry and return of every kernel function that can
//! be probed (the inventory, `inventory.rs`, loaded on first use). Three
//! ways to attach, chosen per session (`prepare`): fentry/fexit, one
//! program per function typed by BTF; or one shared kprobe program per
//! entry/return, the probe id as its BPF cookie, attached by one
//! kprobe.multi link or by one kprobe per function.
//!
//! A probe's datum is its function's index in `Fbt::funcs`. Attach keys:
//! 0 and 1 the shared entry and return programs; a fentry program's key
//! packs its probe id, argument count and direction (`Point`).

pub mod inventory;

use super::attach::{enable_error, AttachError, Progress};
use super::glob::glob_match;
use super::{pt_regs, Catalog, Disc, Load, MatchError, NewProbes, ProbeDesc, ProgInfo, Probe, Provider, Site};
use crate::bpf::asm::Asm;
use crate::bpf::consts;
use crate::bpf::helpers::H_GET_ATTACH_COOKIE;
use crate::bpf::insn::*;
use crate::kernel::{perf, sys};
use crate::lang::ctypes::TypeEnv;
use crate::lang::types::Type;
use crate::options::Options;
use crate::program::{ProgSpec, SLOT_CTX, SLOT_NR};
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

// The inventory names the probe-description matcher `super::glob`.
use super::glob;

/// A kernel function fbt can probe.
#[derive(Clone, Debug)]
pub struct FbtFunc {
    pub name: String,
    pub module: String,
    /// Address; attach by address when the name is not unique.
    pub addr: u64,
    pub duplicate: bool,
}

#[derive(Clone, Debug, PartialEq)]
enum State {
    NotLoaded,
    Loaded,
    Unavailable(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FbtBackend {
    /// Single kprobes/kretprobes sharing one program (BPF cookies).
    Kprobe,
    /// The same program attached to every function at once through one
    /// kprobe.multi link (fprobe), the function's probe id as its cookie.
    KprobeMulti,
    /// fentry/fexit, one program per function, arguments typed by BTF.
    Fentry,
}

pub struct Fbt {
    /// The functions, loaded on first use (kallsyms and tracefs are large).
    funcs: Vec<FbtFunc>,
    /// Functions fbt leaves out, one line each with the reason.
    excluded: String,
    state: State,
    backend: FbtBackend,
}

impl Default for Fbt {
    fn default() -> Fbt {
        Fbt { funcs: Vec::new(), excluded: String::new(), state: State::NotLoaded, backend: FbtBackend::Kprobe }
    }
}

/// An attach point, as its key packs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Point {
    /// The program shared by every function's entry or return.
    Shared { ret: bool },
    /// fentry/fexit of one probe's function, which has `nargs` arguments.
    Fentry { probe: u32, nargs: u32, ret: bool },
}

impl Point {
    fn key(self) -> u64 {
        match self {
            Point::Shared { ret } => ret as u64,
            Point::Fentry { probe, nargs, ret } => (probe as u64) << 4 | (nargs as u64) << 1 | ret as u64,
        }
    }

    fn of(key: u64) -> Point {
        let ret = key & 1 == 1;
        match (key >> 4) as u32 {
            0 => Point::Shared { ret },
            probe => Point::Fentry { probe, nargs: (key >> 1 & 7) as u32, ret },
        }
    }
}

/// At most this many functions get fentry/fexit (each needs its own
/// program and trampoline) unless the kernel has no kprobes.
const FENTRY_MAX_FUNCTIONS: usize = 64;

impl Fbt {
    /// The function behind a probe.
    fn func(&self, p: &Probe) -> Option<&FbtFunc> {
        self.funcs.get(p.data as usize)
    }

    /// Loads every function (once). Fails, saying why, where fbt cannot
    /// work.
    fn load(&mut self, new: &mut NewProbes) -> Result<(), MatchError> {
        match &self.state {
            State::Loaded => return Ok(()),
            State::Unavailable(m) => return Err(MatchError(m.clone())),
            State::NotLoaded => {}
        }
        if !kprobes_available() {
            if let Err(why) = fentry_check("vfs_read") {
                let multi = match crate::kernel::kallsyms::function_address("vfs_read") {
                    Some(addr) => kprobe_multi_check(addr),
                    None => Err("vfs_read's address is not in kallsyms".into()),
                };
                if let Err(multi_why) = multi {
                    let m = format!(
                        "fbt provider is not available: this kernel has no kprobes (no kprobe PMU in /sys/bus/event_source/devices), refuses fentry programs ({}) and kprobe.multi links ({})",
                        why, multi_why
                    );
                    self.state = State::Unavailable(m.clone());
                    return Err(MatchError(m));
                }
            }
        }
        let inv = match inventory::load() {
            Ok(i) => i,
            Err(e) => {
                let m = format!(
                    "fbt provider is not available: cannot read the kernel's function list: {}",
                    crate::host::strerror(&e)
                );
                self.state = State::Unavailable(m.clone());
                return Err(MatchError(m));
            }
        };
        self.excluded = inv.verbose_listing();
        for f in inv.functions {
            let i = self.funcs.len() as u64;
            new.add(&f.module, &f.name, "entry", i);
            new.add(&f.module, &f.name, "return", i);
            self.funcs.push(FbtFunc { name: f.name, module: f.module, addr: f.addr, duplicate: f.duplicate });
        }
        self.state = State::Loaded;
        Ok(())
    }

    /// kprobe.multi: one link for every function, each with its probe id.
    fn attach_multi(
        &self,
        cat: &Catalog,
        p: &ProgSpec,
        prog: BorrowedFd,
        links: &mut Vec<OwnedFd>,
        progress: &mut Progress,
        ret: bool,
    ) -> Result<(), AttachError> {
        let (addrs, cookies): (Vec<u64>, Vec<u64>) = p
            .probes
            .iter()
            .filter_map(|&probe| Some((self.func(cat.get(probe)?)?.addr, probe as u64)))
            .unzip();
        // One system call, seconds long for tens of thousands of
        // functions: say it has started.
        progress.starting()?;
        links.push(sys::link_create_kprobe_multi(prog, &addrs, &cookies, ret).map_err(|e| {
            enable_error(&self.describe(cat, p), &format!("kprobe.multi link for {} functions", addrs.len()), e)
        })?);
        progress.add(p.probes.len())
    }

    /// One kprobe per function. A function the kernel refuses (not
    /// probe-able after all, gone with its module) is skipped and
    /// reported, not fatal.
    fn attach_kprobes(
        &self,
        cat: &Catalog,
        p: &ProgSpec,
        prog: BorrowedFd,
        links: &mut Vec<OwnedFd>,
        progress: &mut Progress,
        ret: bool,
    ) -> Result<(), AttachError> {
        let err = |f: &str, e| enable_error(&self.describe(cat, p), &format!("kprobe on {}", f), e);
        let mut failed: Vec<(String, io::Error)> = Vec::new();
        for &probe in &p.probes {
            let Some(func) = cat.get(probe).and_then(|q| self.func(q)) else {
                continue;
            };
            // By name (the kernel then adjusts to the probe-able entry
            // point); by address only where the name is ambiguous.
            let ev = if func.duplicate && func.addr != 0 {
                perf::open_kprobe_addr(func.addr, ret)
            } else {
                perf::open_kprobe(&func.name, 0, ret)
            };
            let link = ev.and_then(|ev| {
                // The link keeps the perf event; our fd can go.
                let link = sys::link_create_perf_event(prog, ev.as_fd(), probe as u64)?;
                let _ = perf::enable(ev.as_fd());
                Ok(link)
            });
            match link {
                Ok(link) => links.push(link),
                Err(e) => {
                    if crate::kernel::is_privilege_error(&e) {
                        return Err(err(&func.name, e));
                    }
                    failed.push((func.name.clone(), e));
                }
            }
            progress.one()?;
        }
        if !failed.is_empty() {
            if links.is_empty() {
                let (f, e) = failed.swap_remove(0);
                return Err(err(&f, e));
            }
            let (f, e) = &failed[0];
            crate::note!(
                "dtrace: {} of {} {} probes could not be enabled and are skipped (first: {}: {})",
                failed.len(),
                p.probes.len(),
                self.describe(cat, p),
                f,
                crate::kernel::explain(e)
            );
        }
        Ok(())
    }
}

impl Provider for Fbt {
    fn name(&self) -> &'static str {
        "fbt"
    }

    /// Loads the functions for descriptions that can name them; fails only
    /// for one that names fbt.
    fn provide(&mut self, d: &ProbeDesc, new: &mut NewProbes) -> Result<(), MatchError> {
        if glob_match(&d.provider, "fbt") && (glob_match(&d.name, "entry") || glob_match(&d.name, "return")) {
            if let Err(e) = self.load(new) {
                if d.provider == "fbt" {
                    return Err(e);
                }
            }
        }
        Ok(())
    }

    fn excluded(&self) -> &str {
        &self.excluded
    }

    /// From the function's BTF prototype; on return, DTrace's convention:
    /// args[0] the return offset, args[1] the return value.
    fn arg_types(&self, p: &Probe, types: &TypeEnv) -> Option<Vec<Type>> {
        let btf = types.btf()?;
        let func = btf.find_func(&self.func(p)?.name)?;
        let (params, ret) = btf.func_params(func)?;
        Some(match p.name.as_str() {
            "entry" => params.iter().map(|(_, t)| types.from_btf(*t)).collect(),
            _ => vec![Type::LONG, types.from_btf(ret)],
        })
    }

    /// fentry/fexit where the kernel allows it and few functions are
    /// probed; else one shared kprobe program, attached to every function
    /// at once by a kprobe.multi link where the kernel has them, by one
    /// kprobe per function otherwise. `-x fbtbackend=` forces one.
    fn prepare(&mut self, probes: &[Probe], ids: &[u32], opts: &Options) -> Result<(), String> {
        let mut fbt = ids.to_vec();
        fbt.sort();
        fbt.dedup();
        self.backend = FbtBackend::Kprobe;
        if fbt.is_empty() {
            return Ok(());
        }
        let probe = |id: u32| &probes[id as usize - 1];
        let first = probe(fbt[0]).function.clone();
        let kprobes = kprobes_available();
        // kprobe.multi attaches by address: every function needs one.
        let multi = || -> Result<(), String> {
            if fbt.iter().any(|&id| self.func(probe(id)).is_none_or(|f| f.addr == 0)) {
                return Err("function addresses are hidden (kallsyms)".into());
            }
            kprobe_multi_check(self.func(probe(fbt[0])).map_or(0, |f| f.addr))
        };
        self.backend = match opts.fbt_backend.as_deref() {
            Some("kprobe") if !kprobes => return Err("fbt: cannot use the kprobe backend: this kernel has no kprobes".into()),
            Some("kprobe") => FbtBackend::Kprobe,
            Some("kprobe.multi") => match multi() {
                Ok(()) => FbtBackend::KprobeMulti,
                Err(why) => return Err(format!("fbt: cannot use the kprobe.multi backend: {}", why)),
            },
            Some("fentry") => match fentry_check(&first) {
                Ok(()) => FbtBackend::Fentry,
                Err(why) => {
                    return Err(format!(
                        "fbt: cannot use the fentry backend: the kernel refuses fentry programs ({})",
                        why
                    ))
                }
            },
            _ => {
                if (fbt.len() <= FENTRY_MAX_FUNCTIONS || !kprobes) && fentry_check(&first).is_ok() {
                    FbtBackend::Fentry
                } else if multi().is_ok() {
                    FbtBackend::KprobeMulti
                } else {
                    FbtBackend::Kprobe
                }
            }
        };
        Ok(())
    }

    fn attach_point(&self, p: &Probe, types: &TypeEnv) -> u64 {
        let ret = p.name == "return";
        let point = match (self.backend, fentry_target(types, &p.function)) {
            (FbtBackend::Fentry, Some((_, nargs))) if !self.func(p).is_some_and(|f| f.duplicate) => {
                Point::Fentry { probe: p.id, nargs, ret }
            }
            _ => Point::Shared { ret },
        };
        point.key()
    }

    fn program(&self, cat: &Catalog, key: u64, _: &[u32], types: &TypeEnv) -> ProgInfo {
        match Point::of(key) {
            Point::Shared { ret } => ProgInfo {
                prog_type: consts::BPF_PROG_TYPE_KPROBE,
                name: if ret { "dt_fbt_return" } else { "dt_fbt_entry" }.into(),
                expected_attach_type: match self.backend {
                    FbtBackend::KprobeMulti => consts::BPF_TRACE_KPROBE_MULTI,
                    _ => 0,
                },
                attach_btf_id: 0,
            },
            Point::Fentry { probe, ret, .. } => ProgInfo {
                prog_type: consts::BPF_PROG_TYPE_TRACING,
                name: format!("dt_f{}_{}", if ret { "exit" } else { "entry" }, probe),
                expected_attach_type: if ret { consts::BPF_TRACE_FEXIT } else { consts::BPF_TRACE_FENTRY },
                attach_btf_id: cat
                    .get(probe)
                    .and_then(|p| fentry_target(types, &p.function))
                    .map_or(0, |(btf_id, _)| btf_id),
            },
        }
    }

    fn site(&self, key: u64) -> Site {
        match Point::of(key) {
            Point::Shared { ret } => Site { disc: Disc::Cookie, caller_frame: !ret as i16, ..Site::default() },
            // Our program and the trampoline (then the function itself, as
            // fbt shows it); from fexit also the function, so the stack
            // starts at the caller, as a return probe's does.
            Point::Fentry { ret, .. } => Site { stack_skip: 2 + ret as i32, caller_frame: !ret as i16, ..Site::default() },
        }
    }

    fn prologue(&self, key: u64, a: &mut Asm) {
        if let Point::Shared { .. } = Point::of(key) {
            // The probe id travels as the link's BPF cookie.
            a.emit(Insn::ldx(BPF_DW, R1, FP, SLOT_CTX));
            a.emit(Insn::call(H_GET_ATTACH_COOKIE));
            a.emit(Insn::stx(BPF_DW, FP, R0, SLOT_NR));
        }
    }

    fn filter(&self, _: &Catalog, key: u64, probes: &[u32], n: usize) -> Option<Vec<u32>> {
        if !matches!(Point::of(key), Point::Shared { .. }) || probes.len() >= n {
            return None;
        }
        let mut ids = probes.to_vec();
        ids.sort();
        Some(ids)
    }

    fn load(&self, key: u64, what: Load, a: &mut Asm, r: Reg) {
        let Load::Arg(i) = what else {
            a.emit(Insn::mov64_imm(r, 0));
            return;
        };
        let off = match Point::of(key) {
            Point::Shared { ret: false } if i < 6 => pt_regs::CALL_ARGS[i],
            // arg1 is the return value (arg0, the return offset, is not
            // known to a kretprobe: 0).
            Point::Shared { ret: true } if i == 1 => pt_regs::AX,
            // fentry: the arguments as the trampoline saved them.
            Point::Fentry { nargs, ret: false, .. } if (i as u32) < nargs => 8 * i as i16,
            // fexit: the return value follows the arguments.
            Point::Fentry { nargs, ret: true, .. } if i == 1 => 8 * nargs as i16,
            _ => {
                a.emit(Insn::mov64_imm(r, 0));
                return;
            }
        };
        a.emit(Insn::ldx(BPF_DW, r, FP, SLOT_CTX));
        a.emit(Insn::ldx(BPF_DW, r, r, off));
    }

    fn describe(&self, _: &Catalog, p: &ProgSpec) -> String {
        match Point::of(p.attach.key) {
            Point::Shared { ret } => if ret { "fbt:::return" } else { "fbt:::entry" }.into(),
            Point::Fentry { probe, ret, .. } => format!("fbt probe {} ({})", probe, if ret { "fexit" } else { "fentry" }),
        }
    }

    fn describe_probes(&self, cat: &Catalog, p: &ProgSpec) -> String {
        match Point::of(p.attach.key) {
            Point::Shared { .. } => format!("{} ({} probes)", self.describe(cat, p), p.probes.len()),
            Point::Fentry { probe, .. } => cat.get(probe).map_or_else(|| format!("probe {}", probe), |q| q.full_name()),
        }
    }

    fn attach_count(&self, p: &ProgSpec) -> usize {
        match Point::of(p.attach.key) {
            Point::Shared { .. } => p.probes.len(),
            Point::Fentry { .. } => 0,
        }
    }

    fn attach(
        &self,
        cat: &Catalog,
        p: &ProgSpec,
        prog: BorrowedFd,
        links: &mut Vec<OwnedFd>,
        progress: &mut Progress,
    ) -> Result<(), AttachError> {
        match Point::of(p.attach.key) {
            Point::Fentry { .. } => {
                let link = sys::tracing_attach(prog).map_err(|e| enable_error(&self.describe(cat, p), "fentry attach", e))?;
                links.push(link);
                Ok(())
            }
            Point::Shared { ret } if p.expected_attach_type == consts::BPF_TRACE_KPROBE_MULTI => {
                self.attach_multi(cat, p, prog, links, progress, ret)
            }
            Point::Shared { ret } => self.attach_kprobes(cat, p, prog, links, progress, ret),
        }
    }

    fn notes(&self, progs: &[&ProgSpec]) -> Vec<String> {
        let mut notes = Vec::new();
        let shared: usize = progs.iter().map(|p| self.attach_count(p)).sum();
        if shared > 0 {
            let multi = progs.iter().any(|p| p.expected_attach_type == consts::BPF_TRACE_KPROBE_MULTI);
            notes.push(format!(
                "dtrace: fbt: {} (one shared program per entry/return, probe id as BPF cookie)",
                if multi { "kprobe.multi backend, one link for all functions" } else { "kprobe backend" }
            ));
        }
        let fentry = progs.iter().filter(|p| matches!(Point::of(p.attach.key), Point::Fentry { .. })).count();
        if fentry > 0 {
            notes.push(format!(
                "dtrace: fbt: fentry backend ({} program{}, one per probe, arguments typed by BTF)",
                fentry,
                if fentry == 1 { "" } else { "s" }
            ));
        }
        notes
    }

    fn probe_of(&self, key: u64, disc: u32) -> Option<u32> {
        match Point::of(key) {
            Point::Fentry { probe, .. } => Some(probe),
            Point::Shared { .. } => Some(disc),
        }
    }
}

/// BTF id and parameter count of a kernel function fentry can attach to
/// (at most 6 arguments, all passed in registers).
fn fentry_target(types: &TypeEnv, func: &str) -> Option<(u32, u32)> {
    let btf = types.btf()?;
    let id = btf.find_func(func)?;
    let (params, _) = btf.func_params(id)?;
    if params.len() > 6 || btf.is_variadic(id) {
        return None;
    }
    Some((id.0, params.len() as u32))
}

/// Can a fentry program be loaded for `func`? (BTF present, the kernel
/// accepts BPF_PROG_TYPE_TRACING; refused under lockdown, for instance.)
pub fn fentry_check(func: &str) -> Result<(), String> {
    let btf = crate::bpf::btf::Btf::load_vmlinux()
        .map_err(|e| format!("no kernel BTF: {}", crate::host::strerror(&e)))?;
    let id = btf.find_func(func).ok_or_else(|| format!("{} has no BTF", func))?;
    let prog = [Insn::mov64_imm(R0, 0), Insn::exit()];
    sys::prog_load_btf(consts::BPF_PROG_TYPE_TRACING, &prog, "dt_fentry_chk", consts::BPF_TRACE_FENTRY, id.0, 0)
        .map(drop)
        .map_err(|e| errno_text(&e.io_error()))
}

/// Can a kprobe.multi link be created (kernel ≥ 5.18 with CONFIG_FPROBE)?
/// Tried for real: a trivial program attached to the function at `addr`
/// (one the script probes anyway), detached at once.
pub fn kprobe_multi_check(addr: u64) -> Result<(), String> {
    let prog = [Insn::mov64_imm(R0, 0), Insn::exit()];
    let fd = sys::prog_load_btf(consts::BPF_PROG_TYPE_KPROBE, &prog, "dt_kmulti_chk", consts::BPF_TRACE_KPROBE_MULTI, 0, 0)
        .map_err(|e| errno_text(&e.io_error()))?;
    sys::link_create_kprobe_multi(fd.as_fd(), &[addr], &[0], false).map(drop).map_err(|e| errno_text(&e))
}

/// Does this kernel let us create kprobes (the kprobe PMU)?
pub fn kprobes_available() -> bool {
    std::path::Path::new("/sys/bus/event_source/devices/kprobe/type").exists()
}

/// An error as the kernel gave it: `EPERM: Operation not permitted`,
/// `errno 95: Operation not supported`.
fn errno_text(io: &io::Error) -> String {
    let s = crate::host::strerror(io);
    match io.raw_os_error() {
        Some(libc::EPERM) => format!("EPERM: {}", s),
        Some(n) => format!("errno {}: {}", n, s),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attach_keys() {
        for p in [
            Point::Shared { ret: false },
            Point::Shared { ret: true },
            Point::Fentry { probe: 1, nargs: 0, ret: false },
            Point::Fentry { probe: u32::MAX, nargs: 6, ret: true },
        ] {
            assert_eq!(Point::of(p.key()), p);
        }
    }
}
