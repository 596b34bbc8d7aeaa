//! Loading compiled programs and attaching them, each by its provider.
//! Everything attached is owned here: dropping `Loaded` detaches and frees
//! it all.

use crate::bpf::consts;
use crate::bpf::insn::{Insn, BPF_PSEUDO_MAP_FD, BPF_PSEUDO_MAP_VALUE};
use crate::program::{Attach, Compiled, ProgSpec};
use crate::kernel::sys;
use crate::provider::Catalog;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};

/// Why loading or attaching failed, with what the user should read.
#[derive(Debug)]
pub struct AttachError {
    pub msg: String,
    /// The verifier log, when the verifier refused a program.
    pub log: Option<String>,
}

pub struct Loaded {
    pub maps: Vec<OwnedFd>,
    /// One per program of `Compiled::programs`.
    pub progs: Vec<OwnedFd>,
    /// Per program: its links and perf events; dropped to detach.
    attachments: Vec<Vec<OwnedFd>>,
}

impl Loaded {
    pub fn map(&self, i: usize) -> BorrowedFd<'_> {
        self.maps[i].as_fd()
    }

    /// Detaches every probe (programs and maps stay until drop).
    pub fn detach(&mut self) {
        let all: Vec<OwnedFd> = self.attachments.iter_mut().flat_map(std::mem::take).collect();
        // Removing each kprobe waits for an RCU grace period under a kernel
        // mutex (tracepoint_synchronize_unregister): for many probes, ask
        // for expedited grace periods while we detach, then restore.
        let _expedite = if all.len() >= 256 { RcuExpedite::start() } else { None };
        close_in_parallel(all);
    }

    /// Detaches one program's probes (auto-disable).
    pub fn detach_program(&mut self, i: usize) {
        if let Some(a) = self.attachments.get_mut(i) {
            a.clear();
        }
    }

    /// Probe firings the kernel skipped because the program was already
    /// running on that CPU (recursion), per program.
    pub fn recursion_misses(&self) -> Vec<u64> {
        self.progs.iter().map(|p| sys::prog_info(p.as_fd()).map(|i| i.recursion_misses).unwrap_or(0)).collect()
    }
}

/// Holds /sys/kernel/rcu_expedited at 1 and puts back the old value on drop.
struct RcuExpedite {
    old: String,
}

const RCU_EXPEDITED: &str = "/sys/kernel/rcu_expedited";

impl RcuExpedite {
    fn start() -> Option<RcuExpedite> {
        let old = std::fs::read_to_string(RCU_EXPEDITED).ok()?;
        if old.trim() == "1" {
            return None;
        }
        std::fs::write(RCU_EXPEDITED, "1").ok()?;
        Some(RcuExpedite { old })
    }
}

impl Drop for RcuExpedite {
    fn drop(&mut self) {
        let _ = std::fs::write(RCU_EXPEDITED, self.old.trim());
    }
}

/// Closes many attachments at once. Each kprobe's removal waits for an
/// RCU grace period (outside the kprobe lock): closing from several threads
/// lets those waits overlap instead of adding up.
fn close_in_parallel(fds: Vec<OwnedFd>) {
    const THREADS: usize = 32;
    if fds.len() < 64 {
        drop(fds);
        return;
    }
    let chunk = fds.len().div_ceil(THREADS);
    let mut fds = fds;
    std::thread::scope(|s| {
        while !fds.is_empty() {
            let part: Vec<OwnedFd> = fds.drain(..chunk.min(fds.len())).collect();
            s.spawn(move || drop(part));
        }
    });
}

/// Creates the maps, fills their initial contents and loads every program.
pub fn load(c: &Compiled, cat: &Catalog) -> Result<Loaded, AttachError> {
    let mut maps = Vec::new();
    for m in &c.maps {
        if m.max_entries == 0 {
            // aggsize or dynvarsize too small for one entry (EDT_BUFTOOSMALL).
            return Err(AttachError {
                msg: "could not enable tracing: Enabling exceeds size of buffer".into(),
                log: None,
            });
        }
        let fd = sys::map_create(m.map_type, m.key_size, m.value_size, m.max_entries, 0, &m.name).map_err(|e| {
            if crate::kernel::is_privilege_error(&e) {
                return AttachError {
                    msg: format!("failed to initialize dtrace: {}", crate::kernel::PRIVILEGE_MESSAGE),
                    log: None,
                };
            }
            AttachError {
                msg: format!(
                    "failed to create BPF map '{}' ({} entries of {} bytes): {}",
                    m.name,
                    m.max_entries,
                    m.value_size,
                    crate::kernel::explain(&e)
                ),
                log: None,
            }
        })?;
        for (k, v) in &m.init {
            sys::map_update(fd.as_fd(), k, v, consts::BPF_ANY).map_err(|e| AttachError {
                msg: format!("failed to initialise map {}: {}", m.name, crate::kernel::explain(&e)),
                log: None,
            })?;
        }
        maps.push(fd);
    }
    // Programs with callbacks describe their functions in BTF of their own.
    let btf = match c.programs.iter().any(|p| !p.funcs.is_empty()) {
        false => None,
        true => Some(sys::btf_load(&c.func_btf).map_err(|e| AttachError {
            msg: format!(
                "failed to load the BTF of the program's functions: {}{} (bpf_loop callbacks need BTF: kernel 5.17 or later)",
                crate::kernel::explain(&e.io_error()),
                e.log.lines().rev().find(|l| !l.trim().is_empty()).map(|l| format!(": {}", l.trim())).unwrap_or_default()
            ),
            log: Some(e.log.clone()),
        })?),
    };
    let mut progs = Vec::new();
    for p in &c.programs {
        let insns = relocate(&p.insns, &maps);
        let funcs = match (&btf, p.funcs.is_empty()) {
            (Some(fd), false) => Some(sys::ProgFuncs { btf: fd.as_fd(), funcs: &p.funcs }),
            _ => None,
        };
        let fd = sys::prog_load_funcs(p.prog_type, &insns, &p.name, p.expected_attach_type, p.attach_btf_id, funcs, 0)
            .map_err(|e| {
                let io = e.io_error();
                if crate::kernel::is_privilege_error(&io) {
                    return AttachError { msg: crate::kernel::PRIVILEGE_MESSAGE.to_string(), log: None };
                }
                if !matches!(e.errno, libc::EACCES | libc::EINVAL | libc::E2BIG) {
                    // Not the verifier's verdict (EMFILE, ENOMEM, ...): in
                    // DTrace's words (dt_bpf_load_prog()).
                    let msg = format!("BPF program load for '{}' failed: {}", describe(cat, p), crate::kernel::explain(&io));
                    return AttachError { msg, log: None };
                }
                AttachError { msg: rejection_message(cat, p, &verifier_reason(&e.log, &io)), log: Some(e.log.clone()) }
            })?;
        progs.push(fd);
    }
    let attachments = progs.iter().map(|_| Vec::new()).collect();
    Ok(Loaded { maps, progs, attachments })
}

/// The program in messages, as its provider names it.
fn describe(cat: &Catalog, p: &ProgSpec) -> String {
    cat.provider(p.attach.provider).describe(cat, p)
}

/// A program's attachment failed: `what` failed with `e`.
pub fn enable_error(desc: &str, what: &str, e: io::Error) -> AttachError {
    AttachError { msg: format!("failed to enable {}: {}: {}", desc, what, crate::kernel::explain(&e)), log: None }
}

/// The verifier's rejection: which probe and clauses, the verifier's own
/// reason and, for the limits a script can run into, what to change. The
/// whole log is printed with `-x bpflog`.
fn rejection_message(cat: &Catalog, p: &ProgSpec, reason: &str) -> String {
    let lines: Vec<String> = p.clause_lines.iter().map(|l| l.to_string()).collect();
    let clauses = match lines.len() {
        0 => String::new(),
        1 => format!(" (clause at line {})", lines[0]),
        _ => format!(" (clauses at lines {})", lines.join(", ")),
    };
    let advice = if reason.contains("too large") || reason.contains("too complex") || reason.contains("16-bit range") {
        "; the program is beyond what the verifier accepts: split the clause into smaller ones, or lower strsize"
    } else if reason.contains("stack") && (reason.contains("invalid") || reason.contains("size")) {
        "; the clause needs more than the 512-byte BPF stack: use fewer this-> variables or split the clause"
    } else {
        ""
    };
    format!(
        "BPF verifier rejected the program for {}{}: {}{} (-x bpflog shows the verifier's log)",
        describe(cat, p),
        clauses,
        reason,
        advice
    )
}

/// The verifier's own reason: the last non-empty line of its log that is
/// not a statistics line.
fn verifier_reason(log: &str, e: &io::Error) -> String {
    log.lines()
        .rev()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("processed ") && !l.starts_with("verification time"))
        .map(str::to_string)
        .unwrap_or_else(|| crate::kernel::explain(e))
}

/// Replaces map indices in `ld_imm64` instructions by map fds.
fn relocate(insns: &[Insn], maps: &[OwnedFd]) -> Vec<Insn> {
    let mut out = insns.to_vec();
    for ins in out.iter_mut() {
        if ins.code == 0x18 && (ins.src() == BPF_PSEUDO_MAP_FD || ins.src() == BPF_PSEUDO_MAP_VALUE) {
            ins.imm = maps[ins.imm as usize].as_raw_fd();
        }
    }
    out
}

/// Attaches every program (BEGIN and END attach to nothing: they are
/// run). `progress(done, total)` is told of long attaches and may return
/// false to stop (Ctrl-C); what was attached stays owned by `l` and is
/// freed with it.
pub fn attach_all(
    c: &Compiled,
    cat: &Catalog,
    l: &mut Loaded,
    progress: &mut dyn FnMut(usize, usize) -> bool,
) -> Result<(), AttachError> {
    let total = c.programs.iter().map(|p| cat.provider(p.attach.provider).attach_count(p)).sum();
    let mut progress = Progress { total, done: 0, reported: usize::MAX, report: progress };
    for (pi, (p, fd)) in c.programs.iter().zip(&l.progs).enumerate() {
        let mut links = Vec::new();
        let r = cat.provider(p.attach.provider).attach(cat, p, fd.as_fd(), &mut links, &mut progress);
        l.attachments[pi] = links;
        r?;
    }
    progress.finish();
    Ok(())
}

/// Attaching shows its progress when it attaches this many probes one by
/// one or more.
const LONG_ATTACH: usize = 500;

/// The progress of a long attach, told to the session (whose answer false
/// stops it: Ctrl-C).
pub struct Progress<'a> {
    total: usize,
    done: usize,
    /// The count last shown, so that the final report is not shown twice.
    reported: usize,
    report: &'a mut dyn FnMut(usize, usize) -> bool,
}

impl Progress<'_> {
    fn show(&mut self, done: usize) -> Result<(), AttachError> {
        self.reported = done;
        match (self.report)(done, self.total) {
            true => Ok(()),
            false => Err(AttachError { msg: "interrupted while attaching probes".into(), log: None }),
        }
    }

    /// Before one long system call that attaches many probes: says it
    /// has started.
    pub fn starting(&mut self) -> Result<(), AttachError> {
        match self.total >= LONG_ATTACH && self.done == 0 {
            true => self.show(0),
            false => Ok(()),
        }
    }

    /// `n` probes were attached at once.
    pub fn add(&mut self, n: usize) -> Result<(), AttachError> {
        self.done += n;
        match self.total >= LONG_ATTACH {
            true => self.show(self.done),
            false => Ok(()),
        }
    }

    /// One more probe was attached (shown every `LONG_ATTACH`).
    pub fn one(&mut self) -> Result<(), AttachError> {
        self.done += 1;
        match self.done % LONG_ATTACH == 0 {
            true => self.show(self.done),
            false => Ok(()),
        }
    }

    fn finish(&mut self) {
        if self.total >= LONG_ATTACH && self.reported != self.total {
            (self.report)(self.total, self.total);
        }
    }
}

/// Runs the BEGIN or END program once, on the current CPU.
pub fn run_once(c: &Compiled, l: &Loaded, which: &Attach) -> io::Result<bool> {
    // Several programs when a probe's clauses were split, run in order.
    let mut ran = false;
    for (p, fd) in c.programs.iter().zip(&l.progs) {
        if &p.attach == which {
            // On the CPU -x cpu names (DTrace binds BEGIN and END there),
            // else on this one.
            let cpu = c.cpu.or(crate::kernel::process::current_cpu());
            sys::prog_test_run(fd.as_fd(), &[0u8; 16], cpu)?;
            ran = true;
        }
    }
    Ok(ran)
}
