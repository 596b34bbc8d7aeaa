//! The fbt probe inventory: which kernel functions `fbt:MODULE:FUNCTION:entry`
//! and `:return` may name.
//!
//! Inventory = text symbols of `/proc/kallsyms` (with `[module]`, `vmlinux` for
//! the core kernel) that ftrace can attach to (tracefs
//! `available_filter_functions`, or `available_filter_functions_addrs` when the
//! kernel has it), minus the kprobe blacklist (debugfs `kprobes/blacklist`),
//! minus the functions that the probe path itself runs and the
//! paravirt/hypercall layer. Those last two exclusions are data: the table
//! [`EXCLUSIONS`] of (module, pattern, family, reason), so that `dtrace -l -v`
//! can say why each excluded function is not a probe.
//!
//! [`build`] is a pure function of the four files' contents; [`load`] reads
//! them from the running kernel.
//!
//! Names that are not unique within their module (static functions of the same
//! name in different files) are kept, each with its own address and marked
//! `duplicate`: they must be attached by address, not by name.

use super::glob::glob_match;
use crate::kernel::kallsyms;
use std::collections::HashMap;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// One fbt-traceable kernel function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FbtFunction {
    pub name: String,
    /// "vmlinux" for the core kernel, else the module's name.
    pub module: String,
    /// Start address of the function (kallsyms); 0 if unknown (kallsyms
    /// addresses hidden from non-root, or an ambiguous duplicate without
    /// `available_filter_functions_addrs`).
    pub addr: u64,
    /// Another text symbol of the same module has the same name: attach by
    /// address.
    pub duplicate: bool,
}

/// An ftrace-able function that is not a probe, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Excluded {
    pub name: String,
    pub module: String,
    pub addr: u64,
    /// The exclusion family ("kprobe-blacklist", "bpf", "paravirt", ...).
    pub family: &'static str,
    /// The pattern that matched (for the blacklist: "blacklist").
    pub rule: &'static str,
    pub reason: &'static str,
}

impl fmt::Display for Excluded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "fbt:{}:{} excluded ({}, rule {}): {}",
            self.module, self.name, self.family, self.rule, self.reason
        )
    }
}

/// One exclusion rule. `module` and `pattern` are globs (`*`, `?`, `[set]`);
/// `module` "" matches every module. `pattern` is matched against the
/// function name without compiler suffixes (`foo.isra.0` is matched as `foo`).
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    pub module: &'static str,
    pub pattern: &'static str,
    pub family: &'static str,
    pub reason: &'static str,
}

const fn r(pattern: &'static str, family: &'static str, reason: &'static str) -> Rule {
    Rule {
        module: "",
        pattern,
        family,
        reason,
    }
}

const fn rm(
    module: &'static str,
    pattern: &'static str,
    family: &'static str,
    reason: &'static str,
) -> Rule {
    Rule {
        module,
        pattern,
        family,
        reason,
    }
}

const BPF: &str = "BPF runtime: runs the probe's own program, its maps and helpers";
const BPF_JIT: &str = "BPF JIT images, trampolines and dispatchers: the probe's own code";
const BPF_MAP: &str =
    "BPF map code used by the probe's program (hash, array, per-CPU, ring buffer)";
const PERF: &str =
    "perf events: the kprobe/tracepoint/profile probe path and PMU drivers (some run in NMI)";
const FTRACE: &str = "ftrace, kprobes, rethook, fprobe: the attach mechanism itself";
const TEXT_POKE: &str = "live code patching used when probes are enabled and disabled";
const TRACING: &str = "tracing core that hands events to BPF programs";
const RCU: &str = "RCU read side used around every BPF program run";
const LOCKDEP: &str = "lockdep, called from the locking done under BPF programs";
const PREEMPT: &str = "preemption/migration accounting used around every BPF program run";
const ENTRY: &str = "kernel entry/exit code (noinstr: RCU or the entry state may not be set up)";
const IDLE: &str = "idle loop: runs where RCU is not watching";
const NMI: &str = "NMI handling: probes would run nested inside perf/BPF work in NMI context";
const XEN: &str = "Xen paravirt/hypercall layer: the probe path itself uses it in a Xen guest";
const PV: &str = "paravirt ops and their native backends: the probe path calls them (irq flags, MSRs, TLB, IPIs, clocks)";
const KVM_GUEST: &str = "KVM guest paravirt layer (pv clock, pv IPIs, pv TLB flush, pv spinlocks)";
const HYPERV: &str = "Hyper-V guest enlightenments (hypercalls, pv IPIs, TSC page clock)";
const HELPER_READ: &str = "memory reads done by bpf_probe_read*/copyin/copyinstr helpers";
const HELPER_STR: &str = "string copies done by helpers (execname: bpf_get_current_comm)";
const CLOCK: &str = "clocks read by bpf_ktime_get_ns and timestamps";
const WAKEUP: &str = "ring buffer wakeup (irq_work queued by the probe, self-IPI)";
const UNWIND: &str = "stack unwinding done by stack()/bpf_get_stack";
const FIXUP: &str = "exception-table fixup run when a probe's memory read faults";

/// The exclusion table, first match wins. Kept conservative: each entry is
/// on the probe path (what a BPF program attached by fbt runs or causes to run
/// before it returns), or the paravirt/hypercall layer underneath it.
///
/// Deliberately NOT excluded (decided, see the tests): `trace_event_*`
/// (ftrace ring-buffer writers, not on the BPF path); `exc_page_fault`'s
/// callees such as `handle_mm_fault` (normal to trace; the `exc_*` stubs
/// themselves are excluded as entry code, and are noinstr on x86 anyway);
/// `__wake_up*` (the ring buffer's wakeup runs later from irq_work, outside
/// probe context; tracing it only adds feedback bounded by the consumer);
/// `get_random_u32` (bpf_get_prandom_u32 uses its own `prandom` state);
/// `__lock_*` (names like `__lock_sock`, `__lock_task_sighand` are ordinary
/// code; lockdep's own `__lock_acquire` etc. are listed by name);
/// `__migrate_*` (page migration, not `migrate_disable`); `*_bpf_*` as a
/// whole (it would take `tcp_bpf_sendmsg`, `security_bpf_map`, ...: the BPF
/// trampoline/dispatcher/runner names are listed instead); spinlocks (the
/// kernel's recursion protection skips re-entered programs, and lock
/// profiling is a main use of fbt).
pub static EXCLUSIONS: &[Rule] = &[
    // BPF runtime and JIT.
    rm("bpf", "*", "bpf", BPF_JIT),
    r("bpf_*", "bpf", BPF),
    r("__bpf_*", "bpf", BPF),
    r("___bpf*", "bpf", BPF),
    r("*bpf_trampoline*", "bpf", BPF_JIT),
    r("*bpf_dispatcher*", "bpf", BPF_JIT),
    r("*bpf_prog_run*", "bpf", BPF),
    r("invoke_bpf*", "bpf", BPF_JIT),
    r("is_bpf_text_address", "bpf", BPF_JIT),
    r("htab_*", "bpf", BPF_MAP),
    r("__htab_*", "bpf", BPF_MAP),
    r("*_htab_elem*", "bpf", BPF_MAP),
    r("array_map_*", "bpf", BPF_MAP),
    r("percpu_array_map_*", "bpf", BPF_MAP),
    r("prog_array_map_*", "bpf", BPF_MAP),
    r("fd_array_map_*", "bpf", BPF_MAP),
    r("array_of_map_*", "bpf", BPF_MAP),
    r("stack_map_*", "bpf", BPF_MAP),
    r("queue_stack_map_*", "bpf", BPF_MAP),
    r("*pcpu_freelist_*", "bpf", BPF_MAP),
    r("ringbuf_*", "bpf", BPF_MAP),
    r("__bpf_ringbuf*", "bpf", BPF_MAP),
    // perf.
    r("perf_*", "perf", PERF),
    r("__perf_*", "perf", PERF),
    r("*callchain*", "perf", PERF),
    r("x86_pmu_*", "perf", PERF),
    r("intel_pmu_*", "perf", PERF),
    r("amd_pmu_*", "perf", PERF),
    // ftrace, kprobes, rethook, fprobe, code patching.
    r("*ftrace*", "ftrace-kprobes", FTRACE),
    r("*kprobe*", "ftrace-kprobes", FTRACE),
    r("*kretprobe*", "ftrace-kprobes", FTRACE),
    r("*rethook*", "ftrace-kprobes", FTRACE),
    r("fprobe*", "ftrace-kprobes", FTRACE),
    r("*optprobe*", "ftrace-kprobes", FTRACE),
    r("optimized_callback", "ftrace-kprobes", FTRACE),
    r("opt_pre_handler", "ftrace-kprobes", FTRACE),
    r("text_poke*", "ftrace-kprobes", TEXT_POKE),
    r("__text_poke*", "ftrace-kprobes", TEXT_POKE),
    r("poke_int3_handler", "ftrace-kprobes", TEXT_POKE),
    // Tracing core under BPF.
    r("trace_call_bpf", "tracing", TRACING),
    r("__traceiter_*", "tracing", TRACING),
    r("__probestub_*", "tracing", TRACING),
    r("tp_rcu_*", "tracing", TRACING),
    // RCU and lockdep used under BPF.
    r("rcu_read_lock*", "rcu-lockdep", RCU),
    r("rcu_read_unlock*", "rcu-lockdep", RCU),
    r("__rcu_read_*", "rcu-lockdep", RCU),
    r("rcu_is_watching", "rcu-lockdep", RCU),
    r("rcu_preempt_deferred_qs*", "rcu-lockdep", RCU),
    r("rcu_lockdep_current_cpu_online", "rcu-lockdep", RCU),
    r("debug_lockdep_rcu_enabled", "rcu-lockdep", LOCKDEP),
    r("lock_acquire*", "rcu-lockdep", LOCKDEP),
    r("lock_release", "rcu-lockdep", LOCKDEP),
    r("lock_acquired", "rcu-lockdep", LOCKDEP),
    r("lock_contended", "rcu-lockdep", LOCKDEP),
    r("lock_is_held*", "rcu-lockdep", LOCKDEP),
    r("lock_*pin_lock", "rcu-lockdep", LOCKDEP),
    r("lock_sync", "rcu-lockdep", LOCKDEP),
    r("lockdep_*", "rcu-lockdep", LOCKDEP),
    r("__lock_acquire*", "rcu-lockdep", LOCKDEP),
    r("__lock_release", "rcu-lockdep", LOCKDEP),
    r("__lock_acquired", "rcu-lockdep", LOCKDEP),
    r("__lock_contended", "rcu-lockdep", LOCKDEP),
    r("__lock_is_held", "rcu-lockdep", LOCKDEP),
    r("trace_hardirqs_*", "rcu-lockdep", LOCKDEP),
    // Preemption and migration accounting.
    r("preempt_count_*", "preempt", PREEMPT),
    r("__preempt_count_*", "preempt", PREEMPT),
    r("migrate_disable", "preempt", PREEMPT),
    r("migrate_enable", "preempt", PREEMPT),
    r("debug_smp_processor_id", "preempt", PREEMPT),
    r("__this_cpu_preempt_check", "preempt", PREEMPT),
    r("check_preemption_disabled", "preempt", PREEMPT),
    // Entry code.
    r("entry_*", "entry-idle", ENTRY),
    r("asm_*", "entry-idle", ENTRY),
    r("exc_*", "entry-idle", ENTRY),
    r("sysvec_*", "entry-idle", ENTRY),
    r("irqentry_*", "entry-idle", ENTRY),
    r("syscall_enter_from_user_mode*", "entry-idle", ENTRY),
    r("syscall_exit_to_user_mode", "entry-idle", ENTRY),
    r("enter_from_user_mode", "entry-idle", ENTRY),
    r("exit_to_user_mode", "entry-idle", ENTRY),
    r("do_syscall_64", "entry-idle", ENTRY),
    r("do_int80_syscall_32", "entry-idle", ENTRY),
    r("do_fast_syscall_32", "entry-idle", ENTRY),
    r("ct_*", "entry-idle", ENTRY),
    r("__ct_*", "entry-idle", ENTRY),
    r("context_tracking_*", "entry-idle", ENTRY),
    r("rcu_irq_enter*", "entry-idle", ENTRY),
    r("rcu_irq_exit*", "entry-idle", ENTRY),
    r("rcu_nmi_*", "entry-idle", ENTRY),
    r("rcu_eqs_*", "entry-idle", ENTRY),
    r("rcu_dynticks_*", "entry-idle", ENTRY),
    r("rcu_idle_*", "entry-idle", ENTRY),
    r("rcu_user_*", "entry-idle", ENTRY),
    // Idle.
    r("do_idle", "entry-idle", IDLE),
    r("default_idle*", "entry-idle", IDLE),
    r("arch_cpu_idle*", "entry-idle", IDLE),
    r("cpu_idle_poll*", "entry-idle", IDLE),
    r("call_cpuidle*", "entry-idle", IDLE),
    r("cpuidle_*", "entry-idle", IDLE),
    r("cpu_startup_entry", "entry-idle", IDLE),
    r("play_idle_precise", "entry-idle", IDLE),
    r("tick_nohz_idle_*", "entry-idle", IDLE),
    r("sched_idle_set_state", "entry-idle", IDLE),
    r("intel_idle*", "entry-idle", IDLE),
    r("acpi_idle_*", "entry-idle", IDLE),
    r("acpi_safe_halt", "entry-idle", IDLE),
    r("acpi_processor_ffh_cstate_enter", "entry-idle", IDLE),
    r("mwait_idle*", "entry-idle", IDLE),
    r("amd_e400_idle", "entry-idle", IDLE),
    r("haltpoll_*", "entry-idle", IDLE),
    r("default_enter_idle", "entry-idle", IDLE),
    // NMI.
    r("*nmi*", "nmi", NMI),
    // Paravirt / hypercall layer.
    r("xen_*", "paravirt", XEN),
    r("__xen_*", "paravirt", XEN),
    r("xenpv_*", "paravirt", XEN),
    r("*hypercall*", "paravirt", XEN),
    r("HYPERVISOR_*", "paravirt", XEN),
    r("pv_*", "paravirt", PV),
    r("__pv_*", "paravirt", PV),
    r("pvclock_*", "paravirt", PV),
    r("paravirt_*", "paravirt", PV),
    r("_paravirt_*", "paravirt", PV),
    r("native_*", "paravirt", PV),
    rm("vmlinux", "kvm_*", "paravirt", KVM_GUEST),
    rm("vmlinux", "__kvm_*", "paravirt", KVM_GUEST),
    rm("vmlinux", "hv_*", "paravirt", HYPERV),
    rm("vmlinux", "hyperv_*", "paravirt", HYPERV),
    rm("vmlinux", "read_hv_*", "paravirt", HYPERV),
    rm("vmlinux", "vmware_*", "paravirt", PV),
    // What the BPF helpers we use call into.
    r("copy_from_kernel_nofault*", "helpers", HELPER_READ),
    r("copy_from_user_nofault", "helpers", HELPER_READ),
    r("copy_to_user_nofault", "helpers", HELPER_READ),
    r("strncpy_from_kernel_nofault", "helpers", HELPER_READ),
    r("strncpy_from_user_nofault", "helpers", HELPER_READ),
    r("strnlen_user_nofault", "helpers", HELPER_READ),
    r("strncpy_from_user", "helpers", HELPER_READ),
    r("strnlen_user", "helpers", HELPER_READ),
    r("probe_read*", "helpers", HELPER_READ),
    r("probe_kernel_*", "helpers", HELPER_READ),
    r("probe_user_*", "helpers", HELPER_READ),
    r("__probe_*", "helpers", HELPER_READ),
    r("__get_user_*", "helpers", HELPER_READ),
    r("copy_user_*", "helpers", HELPER_READ),
    r("rep_movs_alternative", "helpers", HELPER_READ),
    r("strscpy*", "helpers", HELPER_STR),
    r("sized_strscpy", "helpers", HELPER_STR),
    r("__get_task_comm", "helpers", HELPER_STR),
    r("prandom_*", "helpers", BPF),
    r("ktime_get*", "helpers", CLOCK),
    r("sched_clock*", "helpers", CLOCK),
    r("local_clock*", "helpers", CLOCK),
    r("read_tsc", "helpers", CLOCK),
    r("irq_work_*", "helpers", WAKEUP),
    r("__irq_work_*", "helpers", WAKEUP),
    r("arch_irq_work_raise", "helpers", WAKEUP),
    r("*send_IPI_self*", "helpers", WAKEUP),
    r("unwind_*", "helpers", UNWIND),
    r("__unwind_*", "helpers", UNWIND),
    r("*orc_find", "helpers", UNWIND),
    r("get_stack_info*", "helpers", UNWIND),
    r("__kernel_text_address", "helpers", UNWIND),
    r("kernel_text_address", "helpers", UNWIND),
    r("core_kernel_text", "helpers", UNWIND),
    r("fixup_exception", "helpers", FIXUP),
    r("ex_handler_*", "helpers", FIXUP),
    r("search_exception_tables", "helpers", FIXUP),
    r("search_*extable*", "helpers", FIXUP),
];

/// The families of [`EXCLUSIONS`], in table order.
pub fn families() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = Vec::new();
    for rule in EXCLUSIONS {
        if !v.contains(&rule.family) {
            v.push(rule.family);
        }
    }
    v
}

pub const BLACKLIST_FAMILY: &str = "kprobe-blacklist";
const BLACKLIST_REASON: &str =
    "in the kernel's kprobe blacklist (NOKPROBE_SYMBOL, noinstr/entry/kprobes text)";
const NOT_IN_KALLSYMS_FAMILY: &str = "not-in-kallsyms";
const NOT_IN_KALLSYMS_REASON: &str = "listed by ftrace but not a text symbol in /proc/kallsyms";

/// Per-family counts over all kallsyms text symbols that a family's rules
/// match (whether ftrace-able or not).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FamilyStats {
    pub family: &'static str,
    /// Text symbols in kallsyms matching the family's patterns.
    pub in_kallsyms: usize,
    /// ... of which ftrace cannot attach to (notrace, noinstr, inline-only).
    pub not_ftrace_able: usize,
    /// ... of which are on the kprobe blacklist (ftrace-able or not).
    pub blacklisted: usize,
    /// ... of which are ftrace-able, not blacklisted, and excluded by the rule.
    pub excluded: usize,
    /// Distinct names of this family that occur more than once in a module.
    pub duplicate_names: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Text symbols (t/T/w/W) in kallsyms.
    pub kallsyms_text: usize,
    /// kallsyms showed real addresses (root); false when all were zero.
    pub kallsyms_addresses: bool,
    /// Lines in the ftrace list.
    pub ftrace_entries: usize,
    /// `__ftrace_invalid_address___N` entries (ftrace records of discarded
    /// code), skipped.
    pub ftrace_invalid: usize,
    /// Valid ftrace-able functions.
    pub ftrace_able: usize,
    /// `available_filter_functions_addrs` was used.
    pub ftrace_addrs: bool,
    /// ftrace-able but not a kallsyms text symbol (excluded).
    pub not_in_kallsyms: usize,
    /// Entries of the kprobe blacklist.
    pub blacklist_entries: usize,
    /// ftrace-able functions excluded by the blacklist.
    pub blacklisted: usize,
    /// ftrace-able functions excluded by each family of [`EXCLUSIONS`]
    /// (after the blacklist), in table order.
    pub excluded_by_family: Vec<(&'static str, usize)>,
    /// Per-family counts over kallsyms.
    pub families: Vec<FamilyStats>,
    /// Inventory functions whose name is not unique in their module.
    pub duplicate_functions: usize,
    /// Distinct names behind `duplicate_functions`.
    pub duplicate_names: usize,
    /// Inventory functions without an address.
    pub without_address: usize,
    /// Final number of functions (each gives an entry and a return probe).
    pub functions: usize,
}

#[derive(Clone, Debug, Default)]
pub struct Inventory {
    pub functions: Vec<FbtFunction>,
    pub excluded: Vec<Excluded>,
    pub stats: Stats,
}

impl Inventory {
    /// The verbose listing: every excluded function with its reason.
    pub fn verbose_listing(&self) -> String {
        let mut s = String::new();
        for e in &self.excluded {
            s.push_str(&e.to_string());
            s.push('\n');
        }
        s
    }

    /// Why `module`:`name` is excluded, if it is.
    pub fn why_excluded(&self, module: &str, name: &str) -> Option<&Excluded> {
        self.excluded
            .iter()
            .find(|e| e.module == module && e.name == name)
    }
}

// ---------------------------------------------------------------- matching

enum Matcher {
    Any,
    Exact(&'static str),
    Prefix(&'static str),
    Suffix(&'static str),
    Contains(&'static str),
    Glob(&'static str),
}

impl Matcher {
    fn new(p: &'static str) -> Matcher {
        let special = |s: &str| s.bytes().any(|c| matches!(c, b'*' | b'?' | b'[' | b'\\'));
        if p.is_empty() || p == "*" {
            return Matcher::Any;
        }
        if !special(p) {
            return Matcher::Exact(p);
        }
        let inner = p.trim_start_matches('*').trim_end_matches('*');
        if !special(inner) {
            let (lead, trail) = (p.starts_with('*'), p.ends_with('*'));
            return match (lead, trail) {
                (false, true) => Matcher::Prefix(inner),
                (true, false) => Matcher::Suffix(inner),
                (true, true) => Matcher::Contains(inner),
                (false, false) => Matcher::Exact(inner),
            };
        }
        Matcher::Glob(p)
    }

    fn is_match(&self, s: &str) -> bool {
        match self {
            Matcher::Any => true,
            Matcher::Exact(p) => s == *p,
            Matcher::Prefix(p) => s.starts_with(p),
            Matcher::Suffix(p) => s.ends_with(p),
            Matcher::Contains(p) => s.contains(p),
            Matcher::Glob(p) => glob_match(p, s),
        }
    }
}

struct Compiled {
    rules: Vec<(Matcher, Matcher, &'static Rule)>,
}

impl Compiled {
    fn new(table: &'static [Rule]) -> Compiled {
        Compiled {
            rules: table
                .iter()
                .map(|r| (Matcher::new(r.module), Matcher::new(r.pattern), r))
                .collect(),
        }
    }

    fn find(&self, module: &str, name: &str) -> Option<&'static Rule> {
        let base = base_name(name);
        self.rules
            .iter()
            .find(|(m, p, _)| m.is_match(module) && p.is_match(base))
            .map(|(_, _, r)| *r)
    }
}

/// The rule of [`EXCLUSIONS`] that excludes `module`:`name`, if any.
pub fn exclusion_for(module: &str, name: &str) -> Option<&'static Rule> {
    Compiled::new(EXCLUSIONS).find(module, name)
}

/// `foo.isra.0`, `foo.constprop.0`, `foo.part.0`, `foo.cold` → `foo`.
fn base_name(name: &str) -> &str {
    match name.find('.') {
        Some(i) if i > 0 => &name[..i],
        _ => name,
    }
}

// ----------------------------------------------------------------- parsing

/// Splits `name [module]` (tab or space separated) into (name, module).
fn split_module(rest: &str) -> (&str, &str) {
    let rest = rest.trim();
    if let Some(open) = rest.rfind('[') {
        if rest.ends_with(']') {
            let module = &rest[open + 1..rest.len() - 1];
            let name = rest[..open].trim_end();
            if !name.is_empty() && !module.is_empty() {
                return (name, module);
            }
        }
    }
    (rest.split_whitespace().next().unwrap_or(""), "vmlinux")
}

fn parse_hex(s: &str) -> Option<u64> {
    let s = s.trim();
    let s = s
        .strip_prefix("0x")
        .or_else(|| s.strip_prefix("0X"))
        .unwrap_or(s);
    u64::from_str_radix(s, 16).ok()
}

/// Text symbols of kallsyms.
fn parse_kallsyms(text: &str) -> Vec<kallsyms::Symbol<'_>> {
    kallsyms::parse(text).filter(kallsyms::Symbol::is_text).collect()
}

struct FtraceEntry<'a> {
    /// The ftrace record's address (the `__fentry__` call site, which may be
    /// a few bytes past the symbol, e.g. after `endbr64`), if known.
    ip: Option<u64>,
    name: &'a str,
    module: &'a str,
}

fn parse_ftrace(text: &str, with_addrs: bool) -> Vec<FtraceEntry<'_>> {
    let mut v = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if with_addrs {
            let Some((a, rest)) = line.split_once([' ', '\t']) else {
                continue;
            };
            let Some(ip) = parse_hex(a) else { continue };
            let (name, module) = split_module(rest);
            v.push(FtraceEntry {
                ip: Some(ip),
                name,
                module,
            });
        } else {
            let (name, module) = split_module(line);
            v.push(FtraceEntry {
                ip: None,
                name,
                module,
            });
        }
    }
    v
}

struct Blacklist<'a> {
    /// Sorted (start, end) address ranges with known addresses.
    ranges: Vec<(u64, u64)>,
    /// (module, name) of every entry.
    names: HashMap<(&'a str, &'a str), ()>,
    entries: usize,
}

fn parse_blacklist(text: &str) -> Blacklist<'_> {
    let mut bl = Blacklist {
        ranges: Vec::new(),
        names: HashMap::new(),
        entries: 0,
    };
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let (range, rest) = match line.split_once([' ', '\t']) {
            Some((a, b)) if a.contains('-') && a.starts_with("0x") => (Some(a), b),
            _ => (None, line),
        };
        let (name, module) = split_module(rest);
        if name.is_empty() {
            continue;
        }
        bl.entries += 1;
        bl.names.insert((module, name), ());
        if let Some((s, e)) = range.and_then(|r| r.split_once('-')) {
            if let (Some(s), Some(e)) = (parse_hex(s), parse_hex(e)) {
                if s != 0 && e > s {
                    bl.ranges.push((s, e));
                }
            }
        }
    }
    bl.ranges.sort_unstable();
    bl
}

impl Blacklist<'_> {
    fn contains(&self, module: &str, name: &str, addr: u64) -> bool {
        if addr != 0 && !self.ranges.is_empty() {
            // Last range starting at or before addr.
            let i = self.ranges.partition_point(|&(s, _)| s <= addr);
            if i > 0 && addr < self.ranges[i - 1].1 {
                return true;
            }
            // A duplicate name whose own address is not listed is not
            // blacklisted (the blacklist names the other copy), unless the
            // blacklist has no usable addresses for that name.
            return false;
        }
        self.names.contains_key(&(module, name))
    }
}

// ------------------------------------------------------------------- build

/// How far past its symbol a function's ftrace record may sit (`endbr64`,
/// arm64 BTI/patchable entries).
const MAX_FENTRY_OFFSET: u64 = 64;

/// Builds the inventory from the contents of `/proc/kallsyms`, tracefs
/// `available_filter_functions`, optionally `available_filter_functions_addrs`
/// (preferred when given), and debugfs `kprobes/blacklist` ("" if absent).
pub fn build(
    kallsyms: &str,
    filter_functions: &str,
    filter_functions_addrs: Option<&str>,
    blacklist: &str,
) -> Inventory {
    let syms = parse_kallsyms(kallsyms);
    let kallsyms_addresses = syms.iter().any(|s| s.addr != 0);
    // (module, name) -> addresses, in kallsyms order.
    let mut by_name: HashMap<(&str, &str), Vec<u64>> = HashMap::new();
    for s in &syms {
        by_name.entry((s.module, s.name)).or_default().push(s.addr);
    }

    let (entries, with_addrs) = match filter_functions_addrs {
        Some(t) if !t.trim().is_empty() => (parse_ftrace(t, true), true),
        _ => (parse_ftrace(filter_functions, false), false),
    };
    let bl = parse_blacklist(blacklist);
    let rules = Compiled::new(EXCLUSIONS);

    let mut stats = Stats {
        kallsyms_text: syms.len(),
        kallsyms_addresses,
        ftrace_entries: entries.len(),
        ftrace_addrs: with_addrs,
        blacklist_entries: bl.entries,
        ..Stats::default()
    };

    // Resolve every valid ftrace entry to (name, module, addr, in_kallsyms).
    let mut seen: HashMap<(&str, &str), usize> = HashMap::new();
    let mut resolved: Vec<(&str, &str, u64, bool)> = Vec::new();
    // How many times each (module, name) is listed by ftrace.
    let mut listed: HashMap<(&str, &str), usize> = HashMap::new();
    for e in &entries {
        if e.name.starts_with("__ftrace_invalid_address__") {
            continue;
        }
        *listed.entry((e.module, e.name)).or_default() += 1;
    }
    for e in &entries {
        if e.name.starts_with("__ftrace_invalid_address__") {
            stats.ftrace_invalid += 1;
            continue;
        }
        let key = (e.module, e.name);
        let k = seen.entry(key).or_default();
        let nth = *k;
        *k += 1;
        let cands = by_name.get(&key);
        let addr = match (cands, e.ip) {
            (None, ip) => ip.unwrap_or(0),
            (Some(c), Some(ip)) => {
                // The symbol this record belongs to: the nearest one at or below it.
                c.iter()
                    .copied()
                    .filter(|&a| a != 0 && a <= ip && ip - a < MAX_FENTRY_OFFSET)
                    .max()
                    .unwrap_or(if kallsyms_addresses { ip } else { 0 })
            }
            (Some(c), None) => {
                if c.len() == 1 {
                    c[0]
                } else if listed.get(&key).copied() == Some(c.len()) {
                    // Every copy is listed: ftrace and kallsyms are both in
                    // address order, so the n-th listed is the n-th symbol.
                    let mut sorted = c.clone();
                    sorted.sort_unstable();
                    sorted[nth.min(sorted.len() - 1)]
                } else {
                    0 // ambiguous: some copy is not ftrace-able
                }
            }
        };
        resolved.push((e.name, e.module, addr, cands.is_some()));
    }
    if !with_addrs && kallsyms_addresses {
        resolve_by_neighbours(&mut resolved, &by_name);
    }
    stats.ftrace_able = resolved.len();

    // The rule of every distinct kallsyms name, matched once.
    let rule_of: HashMap<(&str, &str), Option<&'static Rule>> = by_name
        .keys()
        .map(|&(m, n)| ((m, n), rules.find(m, n)))
        .collect();

    let fams = families();
    let mut fam_excluded: HashMap<&'static str, usize> = fams.iter().map(|f| (*f, 0)).collect();
    let mut functions = Vec::new();
    let mut excluded = Vec::new();
    for &(name, module, addr, in_kallsyms) in &resolved {
        let ex = |family, rule, reason| Excluded {
            name: name.to_string(),
            module: module.to_string(),
            addr,
            family,
            rule,
            reason,
        };
        if !in_kallsyms {
            stats.not_in_kallsyms += 1;
            excluded.push(ex(
                NOT_IN_KALLSYMS_FAMILY,
                "kallsyms",
                NOT_IN_KALLSYMS_REASON,
            ));
            continue;
        }
        if bl.contains(module, name, addr) {
            stats.blacklisted += 1;
            excluded.push(ex(BLACKLIST_FAMILY, "blacklist", BLACKLIST_REASON));
            continue;
        }
        let rule = match rule_of.get(&(module, name)) {
            Some(r) => *r,
            None => rules.find(module, name),
        };
        if let Some(rule) = rule {
            *fam_excluded.get_mut(rule.family).unwrap() += 1;
            excluded.push(ex(rule.family, rule.pattern, rule.reason));
            continue;
        }
        let duplicate = by_name.get(&(module, name)).is_some_and(|c| c.len() > 1)
            || listed.get(&(module, name)).is_some_and(|&n| n > 1);
        functions.push(FbtFunction {
            name: name.to_string(),
            module: module.to_string(),
            addr,
            duplicate,
        });
    }
    stats.excluded_by_family = fams.iter().map(|f| (*f, fam_excluded[f])).collect();

    // Per-family statistics over kallsyms text symbols.
    let ftrace_set: HashMap<(&str, &str), ()> =
        resolved.iter().map(|&(n, m, _, _)| ((m, n), ())).collect();
    let mut fstats: Vec<FamilyStats> = fams
        .iter()
        .map(|f| FamilyStats {
            family: f,
            ..Default::default()
        })
        .collect();
    let fidx: HashMap<&'static str, usize> =
        fams.iter().enumerate().map(|(i, f)| (*f, i)).collect();
    let mut counted: HashMap<(&str, &str), ()> = HashMap::new();
    for s in &syms {
        let Some(rule) = rule_of[&(s.module, s.name)] else {
            continue;
        };
        let fs = &mut fstats[fidx[rule.family]];
        fs.in_kallsyms += 1;
        let traceable = ftrace_set.contains_key(&(s.module, s.name));
        let blacklisted = bl.contains(s.module, s.name, s.addr);
        fs.not_ftrace_able += !traceable as usize;
        fs.blacklisted += blacklisted as usize;
        fs.excluded += (traceable && !blacklisted) as usize;
        if by_name[&(s.module, s.name)].len() > 1
            && counted.insert((s.module, s.name), ()).is_none()
        {
            fs.duplicate_names += 1;
        }
    }
    stats.families = fstats;

    functions.sort_by(|a, b| {
        (a.module != "vmlinux", &a.module, &a.name, a.addr).cmp(&(
            b.module != "vmlinux",
            &b.module,
            &b.name,
            b.addr,
        ))
    });
    excluded.sort_by(|a, b| {
        (a.module != "vmlinux", &a.module, &a.name, a.addr).cmp(&(
            b.module != "vmlinux",
            &b.module,
            &b.name,
            b.addr,
        ))
    });
    stats.functions = functions.len();
    stats.duplicate_functions = functions.iter().filter(|f| f.duplicate).count();
    let mut dn: Vec<(&str, &str)> = functions
        .iter()
        .filter(|f| f.duplicate)
        .map(|f| (f.module.as_str(), f.name.as_str()))
        .collect();
    dn.dedup();
    stats.duplicate_names = dn.len();
    stats.without_address = functions.iter().filter(|f| f.addr == 0).count();
    Inventory {
        functions,
        excluded,
        stats,
    }
}

/// Without addresses in the ftrace list, a name with several copies of which
/// only some are ftrace-able is ambiguous. ftrace lists its records in
/// address order (per module), so the copy that is meant lies between the
/// addresses of the nearest resolved entries before and after it.
fn resolve_by_neighbours(
    resolved: &mut [(&str, &str, u64, bool)],
    by_name: &HashMap<(&str, &str), Vec<u64>>,
) {
    for i in 0..resolved.len() {
        let (name, module, addr, known) = resolved[i];
        if addr != 0 || !known {
            continue;
        }
        let near = |it: &mut dyn Iterator<Item = &(&str, &str, u64, bool)>| {
            it.take_while(|r| r.1 == module)
                .find(|r| r.2 != 0)
                .map(|r| r.2)
        };
        let lo = near(&mut resolved[..i].iter().rev()).unwrap_or(0);
        let hi = near(&mut resolved[i + 1..].iter()).unwrap_or(u64::MAX);
        if lo >= hi {
            continue; // not in address order here: leave it unknown
        }
        let fits: Vec<u64> = by_name[&(module, name)]
            .iter()
            .copied()
            .filter(|&a| a > lo && a < hi)
            .collect();
        if let [a] = fits[..] {
            resolved[i].2 = a;
        }
    }
}

// -------------------------------------------------------------------- load

const KALLSYMS: &str = "/proc/kallsyms";
const DEBUGFS: &str = "/sys/kernel/debug";

fn read_explained(path: &Path, what: &str) -> io::Result<String> {
    std::fs::read_to_string(path).map_err(|e| {
        let why = match e.raw_os_error() {
            Some(libc::EPERM) => {
                let lockdown = std::fs::read_to_string("/sys/kernel/security/lockdown")
                    .ok()
                    .and_then(|s| s.split_whitespace().find(|w| w.starts_with('[')).map(|w| w.to_string()));
                match lockdown {
                    Some(l) if l != "[none]" => format!("the kernel is locked down ({l}), which forbids reading it"),
                    _ => "operation not permitted even to root: the kernel is probably locked down \
                          (lockdown=confidentiality forbids tracefs function lists; see dmesg for \"Kernel is locked down\")"
                        .to_string(),
                }
            }
            Some(libc::EACCES) => "permission denied (run as root)".to_string(),
            Some(libc::ENOENT) => "it does not exist".to_string(),
            _ => crate::host::strerror(&e),
        };
        io::Error::new(e.kind(), format!("fbt: cannot read {} ({what}): {why}", path.display()))
    })
}

/// debugfs `kprobes/blacklist`, mounting debugfs if needed. `Ok(None)` when
/// the kernel has no kprobes (no blacklist to honour).
fn blacklist_path() -> Option<PathBuf> {
    let p = Path::new(DEBUGFS).join("kprobes/blacklist");
    if p.exists() {
        return Some(p);
    }
    let debug = Path::new(DEBUGFS);
    let mounted = std::fs::read_to_string("/proc/mounts")
        .map(|m| {
            m.lines()
                .any(|l| l.split_whitespace().nth(1) == Some(DEBUGFS))
        })
        .unwrap_or(false);
    if !mounted && debug.is_dir() {
        crate::kernel::tracefs::mount("debugfs", DEBUGFS, "debugfs");
    }
    p.exists().then_some(p)
}

/// Reads the inventory of the running kernel. Root is needed for the ftrace
/// lists; without root kallsyms shows zero addresses, which only costs
/// `addr` (0) and address-precise blacklisting (names are used instead).
pub fn load() -> io::Result<Inventory> {
    let kallsyms = read_explained(Path::new(KALLSYMS), "kernel symbols")?;
    let root = crate::kernel::tracefs::tracefs_root()?;
    let ff_path = root.join("available_filter_functions");
    if !ff_path.exists() {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!(
                "fbt: {} does not exist: this kernel has no dynamic ftrace (CONFIG_DYNAMIC_FTRACE), so no function can be traced",
                ff_path.display()
            ),
        ));
    }
    // Prefer the list with addresses (Linux 6.5+); fall back to names.
    let addrs = std::fs::read_to_string(root.join("available_filter_functions_addrs")).ok();
    let ff = match &addrs {
        Some(_) => String::new(),
        None => read_explained(&ff_path, "ftrace-able functions")?,
    };
    let blacklist = match blacklist_path() {
        Some(p) => read_explained(&p, "kprobe blacklist")?,
        None => String::new(),
    };
    Ok(build(&kallsyms, &ff, addrs.as_deref(), &blacklist))
}

/// Whether this kernel has a kprobe blacklist file (kprobes built in).
pub fn has_kprobes() -> bool {
    blacklist_path().is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    const KALLSYMS: &str = "\
ffffffff81000000 T _stext
ffffffff81001000 T do_sys_open
ffffffff81001100 t vfs_read
ffffffff81001200 T bpf_map_lookup_elem
ffffffff81001300 t show_map
ffffffff81001400 t show_map
ffffffff81001500 T perf_trace_run_bpf_submit
ffffffff81001600 T xen_read_cr2
ffffffff81001700 T native_write_cr4
ffffffff81001800 T kprobe_ftrace_handler
ffffffff81001900 T notrace_fn
ffffffff81001a00 T exc_page_fault
ffffffff81001b00 T handle_mm_fault
ffffffff81001c00 T trace_event_buffer_commit
ffffffff81001d00 T __wake_up
ffffffff81001e00 T rcu_read_lock_held
ffffffff81001f00 T do_idle
ffffffff81002000 T blacklisted_fn
ffffffff81002100 t helper.isra.0
ffffffff81002200 T ktime_get_mono_fast_ns
ffffffff81002300 T copy_from_kernel_nofault
ffffffff81002400 D some_data
ffffffff81002480 V weak_data
ffffffff81002700 W __ia32_sys_rtas
ffffffff81002500 T default_do_nmi
ffffffff81002600 T kvm_clock_read
ffffffffc0001000 t ext4_file_read_iter\t[ext4]
ffffffffc0001100 t show_map\t[ext4]
ffffffffc0002000 t kvm_vcpu_ioctl\t[kvm]
ffffffffc0003000 t bpf_prog_1234_foo\t[bpf]
";

    const FILTER: &str = "\
do_sys_open
vfs_read
bpf_map_lookup_elem
show_map
show_map
perf_trace_run_bpf_submit
xen_read_cr2
native_write_cr4
kprobe_ftrace_handler
exc_page_fault
handle_mm_fault
trace_event_buffer_commit
__wake_up
rcu_read_lock_held
do_idle
blacklisted_fn
helper.isra.0
ktime_get_mono_fast_ns
copy_from_kernel_nofault
default_do_nmi
kvm_clock_read
__ia32_sys_rtas
weak_data
__ftrace_invalid_address___64
not_a_symbol
ext4_file_read_iter [ext4]
show_map [ext4]
kvm_vcpu_ioctl [kvm]
";

    const BLACKLIST: &str = "\
0xffffffff81002000-0xffffffff81002080\tblacklisted_fn
0xffffffffc0004000-0xffffffffc0004010\tsomething [othermod]
";

    fn inv() -> Inventory {
        build(
            KALLSYMS.replace("\\t", "\t").as_str(),
            FILTER,
            None,
            BLACKLIST,
        )
    }

    fn names(inv: &Inventory) -> Vec<String> {
        inv.functions
            .iter()
            .map(|f| format!("{}:{}", f.module, f.name))
            .collect()
    }

    fn reason_of(inv: &Inventory, module: &str, name: &str) -> &'static str {
        inv.why_excluded(module, name)
            .map(|e| e.family)
            .unwrap_or("kept")
    }

    #[test]
    fn keeps_ordinary_functions_with_modules_and_addresses() {
        let inv = inv();
        let n = names(&inv);
        for want in [
            "vmlinux:do_sys_open",
            "vmlinux:vfs_read",
            "vmlinux:handle_mm_fault",
            "ext4:ext4_file_read_iter",
            "kvm:kvm_vcpu_ioctl",
        ] {
            assert!(n.contains(&want.to_string()), "{want} missing from {n:?}");
        }
        let f = inv
            .functions
            .iter()
            .find(|f| f.name == "ext4_file_read_iter")
            .unwrap();
        assert_eq!(
            (f.module.as_str(), f.addr, f.duplicate),
            ("ext4", 0xffffffffc0001000, false)
        );
        // vmlinux first, then modules by name.
        assert_eq!(inv.functions[0].module, "vmlinux");
        assert_eq!(inv.functions.last().unwrap().module, "kvm");
        // Data symbols and non-ftrace-able text symbols are not probes.
        assert!(!n.iter().any(|s| s.ends_with(":some_data")
            || s.ends_with(":notrace_fn")
            || s.ends_with(":_stext")));
    }

    #[test]
    fn duplicates_are_kept_by_address() {
        let inv = inv();
        let dups: Vec<_> = inv
            .functions
            .iter()
            .filter(|f| f.name == "show_map")
            .collect();
        assert_eq!(dups.len(), 3);
        let core: Vec<_> = dups.iter().filter(|f| f.module == "vmlinux").collect();
        assert_eq!(core.len(), 2);
        assert!(core.iter().all(|f| f.duplicate));
        let mut addrs: Vec<u64> = core.iter().map(|f| f.addr).collect();
        addrs.sort();
        assert_eq!(addrs, vec![0xffffffff81001300, 0xffffffff81001400]);
        // The module's show_map is unique within its module.
        assert!(dups.iter().any(|f| f.module == "ext4" && !f.duplicate));
        assert_eq!(inv.stats.duplicate_functions, 2);
        assert_eq!(inv.stats.duplicate_names, 1);
    }

    #[test]
    fn ambiguous_duplicate_resolved_by_neighbours_in_ftrace_order() {
        let k = "\
ffffffff81000000 T a
ffffffff81000100 t t_next
ffffffff81000200 T b
ffffffff81000300 t t_next
ffffffff81000400 T c
ffffffff81000500 t t_next
";
        // Only the middle t_next is ftrace-able; its neighbours are b and c.
        let inv = build(k, "a\nb\nt_next\nc\n", None, "");
        let f = inv.functions.iter().find(|f| f.name == "t_next").unwrap();
        assert_eq!((f.addr, f.duplicate), (0xffffffff81000300, true));
        // Neighbours out of address order: left unknown rather than guessed.
        let inv = build(k, "c\nt_next\nb\n", None, "");
        let f = inv.functions.iter().find(|f| f.name == "t_next").unwrap();
        assert_eq!(f.addr, 0);
    }

    #[test]
    fn ambiguous_duplicate_without_addrs_file_has_no_address() {
        // Only one of the two copies is ftrace-able: which one is unknown.
        let ff = "show_map\n";
        let inv = build(KALLSYMS, ff, None, "");
        let f = &inv.functions[0];
        assert_eq!(
            (f.name.as_str(), f.addr, f.duplicate),
            ("show_map", 0, true)
        );
        assert_eq!(inv.stats.without_address, 1);
    }

    #[test]
    fn addrs_file_resolves_duplicates_and_fentry_offsets() {
        // Only the second copy is ftrace-able; its record sits after endbr64.
        let addrs = "ffffffff81001404 show_map\nffffffff81001004 do_sys_open\nffffffffc0001004 ext4_file_read_iter [ext4]\n";
        let inv = build(
            KALLSYMS.replace("\\t", "\t").as_str(),
            "ignored_when_addrs_given\n",
            Some(addrs),
            "",
        );
        assert!(inv.stats.ftrace_addrs);
        let f = inv.functions.iter().find(|f| f.name == "show_map").unwrap();
        assert_eq!((f.addr, f.duplicate), (0xffffffff81001400, true));
        let f = inv
            .functions
            .iter()
            .find(|f| f.name == "do_sys_open")
            .unwrap();
        assert_eq!(f.addr, 0xffffffff81001000);
        let f = inv
            .functions
            .iter()
            .find(|f| f.name == "ext4_file_read_iter")
            .unwrap();
        assert_eq!((f.module.as_str(), f.addr), ("ext4", 0xffffffffc0001000));
        assert_eq!(inv.stats.functions, 3);
    }

    #[test]
    fn blacklist_by_address_range_and_by_name() {
        let inv = inv();
        assert_eq!(
            reason_of(&inv, "vmlinux", "blacklisted_fn"),
            BLACKLIST_FAMILY
        );
        assert_eq!(inv.stats.blacklist_entries, 2);
        assert_eq!(inv.stats.blacklisted, 1);
        // Range check: only the listed copy of a duplicate is blacklisted.
        let bl = "0xffffffff81001300-0xffffffff81001380\tshow_map\n";
        let inv = build(KALLSYMS, FILTER, None, bl);
        let kept: Vec<u64> = inv
            .functions
            .iter()
            .filter(|f| f.name == "show_map" && f.module == "vmlinux")
            .map(|f| f.addr)
            .collect();
        assert_eq!(kept, vec![0xffffffff81001400]);
        // Non-root: zero addresses everywhere, so names decide.
        let zeroed: String = KALLSYMS
            .lines()
            .map(|l| format!("0000000000000000{}\n", &l[16..]))
            .collect();
        let bl0 = "0x0000000000000000-0x0000000000000000\tblacklisted_fn\n";
        let inv = build(&zeroed, FILTER, None, bl0);
        assert!(!inv.stats.kallsyms_addresses);
        assert_eq!(
            reason_of(&inv, "vmlinux", "blacklisted_fn"),
            BLACKLIST_FAMILY
        );
        assert!(inv.functions.iter().all(|f| f.addr == 0));
        assert!(names(&inv).contains(&"vmlinux:vfs_read".to_string()));
    }

    #[test]
    fn blacklist_entries_with_module_suffix() {
        let bl = "0x0000000000000000-0x0000000000000000\text4_file_read_iter [ext4]\n";
        let inv = build(KALLSYMS.replace("\\t", "\t").as_str(), FILTER, None, bl);
        assert_eq!(
            reason_of(&inv, "ext4", "ext4_file_read_iter"),
            BLACKLIST_FAMILY
        );
    }

    #[test]
    fn every_family_rule_applies() {
        let inv = inv();
        let cases = [
            ("bpf_map_lookup_elem", "bpf"),
            ("perf_trace_run_bpf_submit", "perf"),
            ("xen_read_cr2", "paravirt"),
            ("native_write_cr4", "paravirt"),
            ("kvm_clock_read", "paravirt"),
            ("kprobe_ftrace_handler", "ftrace-kprobes"),
            ("exc_page_fault", "entry-idle"),
            ("do_idle", "entry-idle"),
            ("rcu_read_lock_held", "rcu-lockdep"),
            ("ktime_get_mono_fast_ns", "helpers"),
            ("copy_from_kernel_nofault", "helpers"),
            ("default_do_nmi", "nmi"),
            // Decided to stay traceable:
            ("handle_mm_fault", "kept"),
            ("trace_event_buffer_commit", "kept"),
            ("__wake_up", "kept"),
            ("helper.isra.0", "kept"),
        ];
        for (name, fam) in cases {
            assert_eq!(reason_of(&inv, "vmlinux", name), fam, "{name}");
        }
        // kvm_* is the guest layer only in vmlinux; the kvm module stays.
        assert_eq!(reason_of(&inv, "kvm", "kvm_vcpu_ioctl"), "kept");
        // Listed by ftrace but unknown to kallsyms; invalid records skipped.
        assert_eq!(
            reason_of(&inv, "vmlinux", "not_a_symbol"),
            NOT_IN_KALLSYMS_FAMILY
        );
        assert_eq!(inv.stats.ftrace_invalid, 1);
        assert_eq!(inv.stats.ftrace_entries, 28);
        assert_eq!(inv.stats.ftrace_able, 27);
        // Weak functions are text; weak objects are not.
        assert_eq!(reason_of(&inv, "vmlinux", "__ia32_sys_rtas"), "kept");
        assert_eq!(
            reason_of(&inv, "vmlinux", "weak_data"),
            NOT_IN_KALLSYMS_FAMILY
        );
        let by: HashMap<_, _> = inv.stats.excluded_by_family.iter().cloned().collect();
        assert_eq!(by["paravirt"], 3);
        assert_eq!(by["helpers"], 2);
        let total: usize = by.values().sum();
        assert_eq!(
            inv.stats.functions + total + inv.stats.blacklisted + inv.stats.not_in_kallsyms,
            inv.stats.ftrace_able
        );
    }

    #[test]
    fn table_patterns_match_the_kernel_names_they_are_for() {
        let excluded = [
            "bpf_prog_run_generic_xdp",
            "__bpf_prog_enter",
            "___bpf_prog_run",
            "bpf_trampoline_6442",
            "__bpf_trace_sched_switch",
            "bpf_trace_run2",
            "htab_map_update_elem",
            "__htab_map_lookup_elem",
            "array_map_lookup_elem",
            "percpu_array_map_lookup_elem",
            "pcpu_freelist_pop",
            "___pcpu_freelist_pop",
            "__bpf_ringbuf_reserve",
            "ringbuf_map_poll",
            "perf_event_output",
            "__perf_event_overflow",
            "get_perf_callchain",
            "ftrace_ops_list_func",
            "arch_ftrace_update_trampoline",
            "__ftrace_trace_stack",
            "kprobe_dispatcher",
            "pre_handler_kretprobe",
            "rethook_trampoline_handler",
            "arch_rethook_fixup_return",
            "fprobe_handler",
            "text_poke_bp_batch",
            "trace_call_bpf",
            "__traceiter_sched_switch",
            "rcu_read_lock_sched_held",
            "__rcu_read_unlock",
            "rcu_is_watching",
            "lock_acquire",
            "lock_release",
            "lockdep_hardirqs_on",
            "__lock_acquire",
            "lock_pin_lock",
            "lock_unpin_lock",
            "lock_repin_lock",
            "preempt_count_add",
            "migrate_disable",
            "migrate_enable",
            "entry_SYSCALL_64",
            "syscall_enter_from_user_mode",
            "irqentry_exit",
            "asm_exc_page_fault",
            "sysvec_apic_timer_interrupt",
            "ct_irq_enter",
            "default_idle_call",
            "arch_cpu_idle",
            "cpuidle_enter_state",
            "intel_idle",
            "acpi_idle_enter",
            "nmi_handle",
            "perf_event_nmi_handler",
            "xen_hypercall_pv",
            "__xen_hypercall_setfunc",
            "xenpv_exc_nmi",
            "hypercall_page",
            "pv_native_read_cr2",
            "native_read_msr",
            "native_flush_tlb_one_user",
            "paravirt_read_msr",
            "_paravirt_nop",
            "__pv_queued_spin_lock_slowpath",
            "pvclock_clocksource_read",
            "hv_send_ipi",
            "bpf_get_current_comm",
            "copy_from_user_nofault",
            "strncpy_from_user_nofault",
            "strncpy_from_kernel_nofault",
            "__get_user_8",
            "ktime_get",
            "ktime_get_mono_fast_ns",
            "sched_clock_cpu",
            "irq_work_queue",
            "arch_irq_work_raise",
            "x2apic_send_IPI_self",
            "strscpy",
            "unwind_next_frame",
            "__unwind_start",
            "fixup_exception",
            "search_bpf_extables",
            "is_bpf_text_address",
        ];
        for name in excluded {
            assert!(
                exclusion_for("vmlinux", name).is_some(),
                "{name} should be excluded"
            );
        }
        let kept = [
            "do_sys_openat2",
            "vfs_read",
            "handle_mm_fault",
            "do_user_addr_fault",
            "__wake_up",
            "__wake_up_common",
            "get_random_u32",
            "trace_event_raw_event_sched_switch",
            "trace_event_buffer_commit",
            "__lock_sock",
            "__lock_task_sighand",
            "__migrate_device_pages",
            "migrate_pages",
            "tcp_bpf_sendmsg",
            "security_bpf_map",
            "percpu_counter_add_batch",
            "percpu_ref_put_many",
            "_raw_spin_lock_irqsave",
            "schedule",
            "idle_cpu",
            "pick_next_task_idle",
            "hrtimer_interrupt",
            "xenbus_read",
            "kmem_cache_alloc",
            "tcp_sendmsg",
            "native",
            "lock_page",
        ];
        for name in kept {
            assert!(
                exclusion_for("vmlinux", name).is_none(),
                "{name} should stay traceable, got {:?}",
                exclusion_for("vmlinux", name)
            );
        }
        assert!(exclusion_for("kvm", "kvm_arch_vcpu_ioctl").is_none());
        assert!(exclusion_for("hv_vmbus", "hv_ringbuffer_write").is_none());
        assert!(exclusion_for("bpf", "bpf_prog_abc_foo").is_some());
        assert!(exclusion_for("vmlinux", "cpuidle_enter_state.cold").is_some());
    }

    #[test]
    fn every_rule_is_well_formed_and_reachable() {
        let compiled = Compiled::new(EXCLUSIONS);
        for (i, rule) in EXCLUSIONS.iter().enumerate() {
            assert!(!rule.pattern.is_empty() && !rule.reason.is_empty() && !rule.family.is_empty());
            // A name made from the pattern must be matched by this rule or
            // an earlier one (no rule is dead behind an earlier one only by
            // accident: that is fine, but it must match something).
            let sample = rule.pattern.replace(['*', '?'], "x");
            let module = if rule.module.is_empty() {
                "vmlinux"
            } else {
                rule.module
            };
            let hit = compiled.find(module, &sample);
            assert!(
                hit.is_some(),
                "rule {i} {:?} matches nothing like {sample}",
                rule.pattern
            );
        }
    }

    #[test]
    fn family_stats_count_kallsyms() {
        let k = "\
ffffffff81000000 T xen_a
ffffffff81000100 T xen_b
ffffffff81000200 t xen_b
ffffffff81000300 T xen_c
ffffffff81000400 T xen_d
";
        let ff = "xen_a\nxen_c\nxen_d\n";
        let bl = "0xffffffff81000300-0xffffffff81000310\txen_c\n";
        let inv = build(k, ff, None, bl);
        let x = inv
            .stats
            .families
            .iter()
            .find(|f| f.family == "paravirt")
            .unwrap();
        assert_eq!(
            (
                x.in_kallsyms,
                x.not_ftrace_able,
                x.blacklisted,
                x.excluded,
                x.duplicate_names
            ),
            (5, 2, 1, 2, 1)
        );
        // A blacklisted symbol that ftrace cannot attach to counts in both.
        let inv2 = build(k, "xen_a\n", None, bl);
        let x = inv2
            .stats
            .families
            .iter()
            .find(|f| f.family == "paravirt")
            .unwrap();
        assert_eq!(
            (x.in_kallsyms, x.not_ftrace_able, x.blacklisted, x.excluded),
            (5, 4, 1, 1)
        );
        assert!(inv.functions.is_empty());
        assert_eq!(inv.verbose_listing().lines().count(), 3);
        assert!(inv
            .verbose_listing()
            .contains("fbt:vmlinux:xen_a excluded (paravirt, rule xen_*): Xen paravirt"));
    }

    #[test]
    fn parsing_edge_cases() {
        assert_eq!(split_module("foo [ext4]"), ("foo", "ext4"));
        assert_eq!(split_module("foo\t[ext4]"), ("foo", "ext4"));
        assert_eq!(split_module("foo"), ("foo", "vmlinux"));
        assert_eq!(base_name("foo.constprop.0"), "foo");
        assert_eq!(base_name(".weird"), ".weird");
        assert_eq!(parse_hex("0xffffffff81000000"), Some(0xffffffff81000000));
        let inv = build("", "", None, "");
        assert_eq!(
            inv.stats,
            Stats {
                excluded_by_family: families().into_iter().map(|f| (f, 0)).collect(),
                families: families()
                    .into_iter()
                    .map(|f| FamilyStats {
                        family: f,
                        ..Default::default()
                    })
                    .collect(),
                ..Stats::default()
            }
        );
        // Blank and malformed lines are ignored.
        let inv = build(
            "garbage\n\nffffffff81000000 T ok\n",
            "\nok\n",
            Some("   \n"),
            "\n",
        );
        assert_eq!(names(&inv), vec!["vmlinux:ok"]);
    }

    /// On the running kernel: either a plausible inventory, or an error that
    /// says which file is missing or unreadable and why.
    #[test]
    fn load_on_this_machine() {
        match load() {
            Ok(inv) => {
                let s = &inv.stats;
                eprintln!("fbt inventory: {s:?}");
                assert!(s.kallsyms_text > 1000);
                assert!(s.ftrace_able > 1000, "{s:?}");
                assert!(s.functions > 1000 && s.functions < s.ftrace_able);
                assert_eq!(inv.excluded.len() + s.functions, s.ftrace_able);
            }
            Err(e) => {
                let msg = e.to_string();
                eprintln!("fbt inventory unavailable: {msg}");
                assert!(
                    msg.starts_with("fbt: ") || msg.contains("tracefs"),
                    "unexplained error: {msg}"
                );
                if crate::kernel::is_root() {
                    assert!(
                        msg.contains("available_filter_functions") || msg.contains("tracefs"),
                        "as root only the ftrace list may be missing: {msg}"
                    );
                }
            }
        }
    }
}
