//! A tracing session: compile → load → attach → BEGIN → consume → END →
//! final aggregation printing → detach. The command (crates/dtrace) only
//! parses flags and drives this.

use crate::cg::codegen::{self, CgEnv, ClauseIn, FbtBackend};
use crate::cg::layout::{Attach, Compiled, MAP_DROPS, MAP_RINGBUF, MAP_STATE, STATE_ACTIVE, STATE_EXITING, STATE_PREBEGIN};
use crate::consume::records::Consumer;
use crate::kernel::{ringbuf::RingBuf, sys};
use crate::lang::ast::{Item, Program};
use crate::lang::diag::CompileError;
use crate::lang::parser;
use crate::lang::sema::{expand_macros, MacroEnv, Sema};
use crate::lang::types::Type;
use crate::options::Options;
use crate::provider::attach::{self, AttachError, Loaded};
use crate::provider::Catalog;
use std::io::Write;
use std::os::fd::AsFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// One program source, in command-line order.
#[derive(Clone, Debug)]
pub enum Source {
    /// `-s file` (name as given, and its text).
    Script { name: String, text: String },
    /// `-n desc`, `-P prov`, `-m mod`, `-f func`, `-i id`: a probe
    /// description (possibly with predicate and actions).
    Desc { flag: char, text: String },
}

impl Source {
    /// How DTrace names this source in messages.
    pub fn label(&self) -> String {
        match self {
            Source::Script { name, .. } => format!("script '{}'", name),
            // DTrace shows a -n description up to its predicate or actions.
            Source::Desc { text, .. } => {
                let end = text.find(['{', '/', ';']).unwrap_or(text.len());
                format!("description '{}'", &text[..end])
            }
        }
    }
}

/// A compile or run failure, already worded as DTrace words it (without
/// the leading `dtrace: `).
#[derive(Debug)]
pub struct Failure(pub String);

/// Formats a compile error for a source, DTrace's way.
pub fn compile_failure(src: &Source, e: &CompileError, errtags: bool) -> Failure {
    match src {
        Source::Script { name, .. } => Failure(format!("failed to compile script {}: {}", name, e.render(errtags))),
        Source::Desc { text, .. } => {
            let mut e = e.clone();
            e.line = None;
            Failure(format!("invalid probe specifier {}: {}", text, e.render(errtags)))
        }
    }
}

/// The parsed program with, for each clause, which source it came from.
pub struct Parsed {
    pub program: Program,
    pub origin: Vec<usize>,
}

/// Parses every source; applies `#pragma D option` lines to `opts`.
pub fn parse_sources(sources: &[Source], opts: &mut Options) -> Result<Parsed, Failure> {
    let mut program = Program::default();
    let mut origin = Vec::new();
    for (i, s) in sources.iter().enumerate() {
        let p = match s {
            Source::Script { text, .. } => parser::parse_program(text),
            Source::Desc { flag, text } => parse_desc(*flag, text),
        }
        .map_err(|e| compile_failure(s, &e, opts.errtags))?;
        for item in p.items {
            if let Item::Pragma { words, line } = &item {
                apply_pragma(words, opts).map_err(|m| compile_failure(s, &CompileError::new(*line, "D_PRAGMA_INVAL", m), opts.errtags))?;
            }
            program.items.push(item);
            origin.push(i);
        }
    }
    Ok(Parsed { program, origin })
}

/// `-P`, `-m`, `-f` and `-i` name one field of a description.
fn parse_desc(flag: char, text: &str) -> Result<Program, CompileError> {
    let spec = match flag {
        'P' => format!("{}:::", text),
        'm' => match text.matches(':').count() {
            0 => format!(":{}::", text),
            _ => format!("{}::", text),
        },
        'f' => match text.matches(':').count() {
            0 => format!("::{}:", text),
            1 => format!(":{}:", text),
            _ => format!("{}:", text),
        },
        _ => text.to_string(),
    };
    parser::parse_probe_spec(&spec)
}

fn apply_pragma(words: &[String], opts: &mut Options) -> Result<(), String> {
    match words {
        [d, o, rest @ ..] if d == "D" && o == "option" => {
            for w in rest {
                opts.set(w)?;
            }
            Ok(())
        }
        // Other pragmas (attributes, depends_on, binding) are accepted.
        _ => Ok(()),
    }
}

/// Everything compiled, with per-source match counts for the banner.
pub struct Prepared {
    pub compiled: Compiled,
    pub catalog: Catalog,
    /// Matched probe count per source index.
    pub matched: Vec<usize>,
}

/// Expands macros, checks types, matches probes and generates code.
pub fn prepare(parsed: &mut Parsed, sources: &[Source], opts: &Options, macros: &MacroEnv, zdefs: bool) -> Result<Prepared, Failure> {
    let src_of = |item: usize| &sources[parsed.origin[item]];
    expand_macros(&mut parsed.program, macros).map_err(|e| compile_failure(&sources[0], &e, opts.errtags))?;
    let library = crate::lang::xlate::library();
    crate::lang::xlate::expand(&mut parsed.program, &library).map_err(|(i, e)| compile_failure(src_of(i), &e, opts.errtags))?;
    let mut catalog = Catalog::load();
    let mut matched = vec![0usize; sources.len()];
    let mut clauses = Vec::new();
    for (i, item) in parsed.program.items.iter().enumerate() {
        let Item::Clause(c) = item else { continue };
        let mut probes = Vec::new();
        for d in &c.probes {
            let ids = catalog.matching(d).map_err(|e| Failure(e.0))?;
            if ids.is_empty() && !zdefs {
                let e = CompileError::new(d.line, "D_PDESC_ZERO", format!("probe description {} does not match any probes", full_desc(d)));
                return Err(compile_failure(src_of(i), &e, opts.errtags));
            }
            for id in ids {
                if !probes.contains(&id) {
                    probes.push(id);
                }
            }
        }
        matched[parsed.origin[i]] += probes.len();
        clauses.push((i, probes));
    }
    let mut sema = Sema::new(opts.strsize);
    sema.declare_program(&library).map_err(|e| Failure(format!("dtrace: internal error in built-in library: {}", e.msg)))?;
    let arg_types: Vec<Option<Vec<Type>>> = clauses.iter().map(|(_, probes)| clause_arg_types(&catalog, probes, &sema)).collect();
    // Check item by item so an error names the right source.
    let mut ci = 0;
    for (i, item) in parsed.program.items.iter().enumerate() {
        if let Item::Clause(_) = item {
            *sema.clause_args.borrow_mut() = arg_types[ci].clone();
            ci += 1;
        }
        let one = Program { items: vec![item.clone()] };
        sema.declare_program(&one).map_err(|e| compile_failure(src_of(i), &e, opts.errtags))?;
    }
    let wall_offset_ns = wall_offset();
    let fbt_backend = choose_fbt_backend(&catalog, &clauses, opts)?;
    let env = CgEnv { sema: &sema, opts, catalog: &catalog, wall_offset_ns, fbt_backend };
    let ins: Vec<ClauseIn> = clauses
        .iter()
        .enumerate()
        .map(|(ci, (i, probes))| {
            let Item::Clause(c) = &parsed.program.items[*i] else { unreachable!() };
            ClauseIn { clause: c, probes: probes.clone(), arg_types: arg_types[ci].clone() }
        })
        .collect();
    let compiled = match codegen::compile(&env, &ins) {
        Ok(c) => c,
        Err(e) => {
            // Name the source of the clause at fault when we can tell.
            let src = clauses
                .iter()
                .find(|(i, _)| match &parsed.program.items[*i] {
                    Item::Clause(c) => e.line.map_or(false, |l| l >= c.line),
                    _ => false,
                })
                .map(|(i, _)| src_of(*i))
                .unwrap_or(&sources[0]);
            return Err(compile_failure(src, &e, opts.errtags));
        }
    };
    Ok(Prepared { compiled, catalog, matched })
}

/// `args[]` types of a clause: those of its probes when they all agree
/// (DTrace types args[] only when the probes' prototypes match).
fn clause_arg_types(cat: &Catalog, probes: &[u32], sema: &Sema) -> Option<Vec<Type>> {
    let mut all = probes.iter().map(|&id| cat.arg_types(id, &sema.types));
    let first = all.next()??;
    for t in all {
        if t.as_ref() != Some(&first) {
            return None;
        }
    }
    Some(first)
}

/// fentry/fexit where the kernel allows it and few functions are probed
/// (each needs its own program and trampoline); one shared kprobe program
/// otherwise. `-x fbtbackend=` forces either.
const FENTRY_MAX_FUNCTIONS: usize = 64;

fn choose_fbt_backend(cat: &Catalog, clauses: &[(usize, Vec<u32>)], opts: &Options) -> Result<FbtBackend, Failure> {
    use crate::provider::ProbeKind;
    let mut fbt: Vec<u32> = clauses
        .iter()
        .flat_map(|(_, p)| p.iter().copied())
        .filter(|&id| matches!(cat.get(id).map(|p| &p.kind), Some(ProbeKind::FbtEntry(_) | ProbeKind::FbtReturn(_))))
        .collect();
    fbt.sort();
    fbt.dedup();
    if fbt.is_empty() {
        return Ok(FbtBackend::Kprobe);
    }
    let first = cat.get(fbt[0]).map(|p| p.function.clone()).unwrap_or_default();
    let kprobes = crate::provider::kprobes_available();
    match opts.fbt_backend.as_deref() {
        Some("kprobe") if !kprobes => Err(Failure("fbt: cannot use the kprobe backend: this kernel has no kprobes".into())),
        Some("kprobe") => Ok(FbtBackend::Kprobe),
        Some("fentry") => match crate::provider::fentry_check(&first) {
            Ok(()) => Ok(FbtBackend::Fentry),
            Err(why) => Err(Failure(format!("fbt: cannot use the fentry backend: the kernel refuses fentry programs ({})", why))),
        },
        _ => {
            if (fbt.len() <= FENTRY_MAX_FUNCTIONS || !kprobes) && crate::provider::fentry_check(&first).is_ok() {
                Ok(FbtBackend::Fentry)
            } else {
                Ok(FbtBackend::Kprobe)
            }
        }
    }
}

fn full_desc(d: &crate::lang::ast::ProbeDesc) -> String {
    format!("{}:{}:{}:{}", d.provider, d.module, d.function, d.name)
}

/// realtime - monotonic, in ns (walltimestamp = ktime_get_ns + this).
fn wall_offset() -> i64 {
    let mut rt = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    let mut mono = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    unsafe {
        libc::clock_gettime(libc::CLOCK_REALTIME, &mut rt);
        libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut mono);
    }
    (rt.tv_sec - mono.tv_sec) * 1_000_000_000 + (rt.tv_nsec - mono.tv_nsec)
}

static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

/// Installs SIGINT/SIGTERM handlers that ask the session to stop.
pub fn install_signal_handlers() {
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = on_signal as *const () as usize;
        sa.sa_flags = 0;
        libc::sigemptyset(&mut sa.sa_mask);
        libc::sigaction(libc::SIGINT, &sa, std::ptr::null_mut());
        libc::sigaction(libc::SIGTERM, &sa, std::ptr::null_mut());
        libc::sigaction(libc::SIGHUP, &sa, std::ptr::null_mut());
    }
}

pub fn stop_requested() -> bool {
    STOP.load(Ordering::SeqCst)
}

/// A process the session follows (`-c` or `-p`): tracing stops when it exits.
pub trait Target {
    fn pid(&self) -> i32;
    /// Lets a `-c` child run (after BEGIN).
    fn release(&mut self);
    /// Has it exited? (non-blocking)
    fn exited(&mut self) -> bool;
}

/// Runs an attached session until exit(), a signal or the target's exit;
/// returns the exit status.
pub fn run(
    prep: &Prepared,
    opts: &Options,
    out: &mut dyn Write,
    banner: &mut dyn FnMut(&Prepared),
    mut target: Option<&mut dyn Target>,
) -> Result<i32, Failure> {
    let c = &prep.compiled;
    let fail = |e: AttachError| Failure(e.msg);
    let mut loaded = attach::load(c).map_err(|e| {
        if opts.verbose_verifier {
            if let Some(l) = &e.log {
                crate::note!("{}", l);
            }
        }
        fail(e)
    })?;
    let mut ring = RingBuf::new(loaded.map(MAP_RINGBUF)).map_err(|e| Failure(format!("failed to map the output buffer: {}", e)))?;
    let mut consumer = Consumer::new(c, &prep.catalog, opts);
    if let Some(t) = target.as_deref() {
        consumer.set_target(t.pid() as u32);
    }
    raise_fd_limit();
    let mut progress = |done: usize, total: usize| {
        crate::note!("dtrace: attached {} of {} probes", done, total);
        !stop_requested()
    };
    let t0 = Instant::now();
    attach::attach_all(c, &prep.catalog, &mut loaded, &mut progress).map_err(fail)?;
    if opts.verbose {
        let fbt: usize = c.programs.iter().filter(|p| matches!(p.attach, Attach::FbtEntry | Attach::FbtReturn)).map(|p| p.probes.len()).sum();
        if fbt > 0 {
            crate::note!("dtrace: fbt: kprobe backend (one shared program per entry/return, probe id as BPF cookie)");
        }
        crate::note!("dtrace: attached in {:.3} s", t0.elapsed().as_secs_f64());
    }
    banner(prep);

    let mut status: Option<i32> = None;
    attach::run_once(c, &loaded, &Attach::Begin).map_err(|e| Failure(format!("failed to run BEGIN: {}", e)))?;
    set_state_active(&loaded);
    if let Some(t) = target.as_deref_mut() {
        t.release();
    }
    let mut drops_seen = Vec::new();
    let mut misses_seen = vec![0u64; c.programs.len()];
    let poll_ms = (opts.switchrate_ns / 1_000_000).clamp(1, 100) as i32;
    let mut last_drop_check = Instant::now();
    loop {
        ring.drain(|rec| consumer.record(rec, &loaded, out));
        consumer.watch_target();
        if let Some(s) = consumer.exit_status() {
            status = Some(s);
            break;
        }
        if stop_requested() {
            // dtrace(1M) writes a newline as soon as it notices the signal,
            // before END runs (even in quiet mode).
            let _ = out.write_all(b"\n");
            break;
        }
        if let Some(t) = target.as_deref_mut() {
            if t.exited() {
                ring.drain(|rec| consumer.record(rec, &loaded, out));
                crate::note!("dtrace: pid {} has exited", t.pid());
                break;
            }
        }
        if last_drop_check.elapsed() >= Duration::from_millis(1000) {
            report_drops(&loaded, &mut drops_seen, opts);
            report_spec_drops(&mut consumer, opts);
            check_recursion(c, &mut loaded, &mut misses_seen);
            last_drop_check = Instant::now();
        }
        let _ = out.flush();
        let _ = ring.wait(poll_ms);
    }
    // Stop every probe, then END.
    set_state_exiting(&loaded);
    let t1 = Instant::now();
    loaded.detach();
    if opts.verbose {
        crate::note!("dtrace: detached in {:.3} s", t1.elapsed().as_secs_f64());
    }
    ring.drain(|rec| consumer.record(rec, &loaded, out));
    attach::run_once(c, &loaded, &Attach::End).map_err(|e| Failure(format!("failed to run END: {}", e)))?;
    ring.drain(|rec| consumer.record(rec, &loaded, out));
    if status.is_none() {
        status = consumer.exit_status();
    }
    report_drops(&loaded, &mut drops_seen, opts);
    report_spec_drops(&mut consumer, opts);
    for (p, n) in c.programs.iter().zip(loaded.recursion_misses()) {
        if n > 0 {
            crate::note!("dtrace: {} firing{} of {} missed: the probe fired again on a CPU where it was already running", n, if n == 1 { "" } else { "s" }, program_desc(p));
        }
    }
    consumer.print_all_aggregations(&loaded, out);
    let _ = out.flush();
    Ok(status.unwrap_or(0))
}

/// Re-entered firings per second past which a program is disabled: a
/// probe that recurses into itself this often would drown the machine.
const RECURSION_LIMIT_PER_SEC: u64 = 100_000;

/// Auto-disables programs whose probes keep recursing.
fn check_recursion(c: &Compiled, l: &mut Loaded, seen: &mut [u64]) {
    let now = l.recursion_misses();
    for (i, n) in now.iter().enumerate() {
        if n.saturating_sub(seen[i]) > RECURSION_LIMIT_PER_SEC {
            crate::note!(
                "dtrace: disabling the probes of {}: {} re-entered firings in one second",
                program_desc(&c.programs[i]),
                n - seen[i]
            );
            l.detach_program(i);
        }
        seen[i] = *n;
    }
}

fn program_desc(p: &crate::cg::layout::ProgSpec) -> String {
    match &p.attach {
        Attach::FbtEntry => format!("fbt:::entry ({} probes)", p.probes.len()),
        Attach::FbtReturn => format!("fbt:::return ({} probes)", p.probes.len()),
        Attach::SysEnter => "syscall:::entry".into(),
        Attach::SysExit => "syscall:::return".into(),
        a => format!("{:?}", a),
    }
}

/// Every fbt probe holds a file descriptor: raise the soft limit to the
/// hard one (and the hard one too, as root, when it is small).
fn raise_fd_limit() {
    unsafe {
        let mut r = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut r) != 0 {
            return;
        }
        let want: libc::rlim_t = 1 << 20;
        if r.rlim_max < want {
            let more = libc::rlimit { rlim_cur: want, rlim_max: want };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &more) == 0 {
                return;
            }
        }
        r.rlim_cur = r.rlim_max;
        libc::setrlimit(libc::RLIMIT_NOFILE, &r);
    }
}

fn state(l: &Loaded) -> [u8; 8] {
    let mut v = [0u8; 8];
    let _ = sys::map_lookup(l.map(MAP_STATE).as_fd(), &0u32.to_le_bytes(), &mut v);
    v
}

fn set_state(l: &Loaded, mut v: [u8; 8], s: i32) {
    v[0..4].copy_from_slice(&s.to_le_bytes());
    let _ = sys::map_update(l.map(MAP_STATE).as_fd(), &0u32.to_le_bytes(), &v, sys::BPF_ANY);
}

/// BEGIN has run: let every other probe act (unless BEGIN called exit()).
fn set_state_active(l: &Loaded) {
    let v = state(l);
    if i32::from_le_bytes(v[0..4].try_into().unwrap()) == STATE_PREBEGIN {
        set_state(l, v, STATE_ACTIVE);
    }
}

fn set_state_exiting(l: &Loaded) {
    let v = state(l);
    if i32::from_le_bytes(v[0..4].try_into().unwrap()) != STATE_EXITING {
        set_state(l, v, STATE_EXITING);
    }
}

/// Prints drop counts that grew since the last report, DTrace's way:
/// principal-buffer drops per CPU, the others as totals.
/// DTrace's "N speculative drops": speculative records past `specsize`.
fn report_spec_drops(consumer: &mut Consumer, opts: &Options) {
    let n = consumer.take_spec_drops();
    if n > 0 {
        let tag = if opts.droptags { "[DTRACEDROP_SPEC] " } else { "" };
        crate::note!("dtrace: {}{} speculative drop{}", tag, n, if n == 1 { "" } else { "s" });
    }
}

fn report_drops(l: &Loaded, seen: &mut Vec<u64>, opts: &Options) {
    let ncpu = sys::possible_cpus();
    let slots = crate::cg::layout::DROP_SLOTS as usize;
    let vs = slots * 8;
    let mut buf = vec![0u8; vs * ncpu];
    if sys::map_lookup(l.map(MAP_DROPS).as_fd(), &0u32.to_le_bytes(), &mut buf).is_err() {
        return;
    }
    seen.resize(slots * ncpu, 0);
    let get = |cpu: usize, k: usize| u64::from_le_bytes(buf[cpu * vs + k * 8..cpu * vs + k * 8 + 8].try_into().unwrap());
    let tag = |t: &str| if opts.droptags { format!("[{}] ", t) } else { String::new() };
    let plural = |n: u64, one: &str, many: &str| if n == 1 { one.to_string() } else { many.to_string() };
    for cpu in 0..ncpu {
        let now = get(cpu, 0);
        if now > seen[cpu * slots] {
            let n = now - seen[cpu * slots];
            crate::note!("dtrace: {}{} {} on CPU {}", tag("DTRACEDROP_PRINCIPAL"), n, plural(n, "drop", "drops"), cpu);
            seen[cpu * slots] = now;
        }
    }
    for cpu in 0..ncpu {
        let now = get(cpu, 3);
        if now > seen[cpu * slots + 3] {
            let n = now - seen[cpu * slots + 3];
            crate::note!("dtrace: {} {} on CPU {}", n, plural(n, "error", "errors"), cpu);
            seen[cpu * slots + 3] = now;
        }
    }
    let kinds = [
        (1, "DTRACEDROP_AGGREGATION", "aggregation drop", "aggregation drops"),
        (2, "DTRACEDROP_DYNAMIC", "dynamic variable drop", "dynamic variable drops"),
        (4, "DTRACEDROP_SPECUNAVAIL", "failed speculation (no speculative buffer available)", "failed speculations (no speculative buffer available)"),
    ];
    for (k, t, one, many) in kinds {
        let total: u64 = (0..ncpu).map(|c| get(c, k)).sum();
        let before: u64 = (0..ncpu).map(|c| seen[c * slots + k]).sum();
        if total > before {
            let n = total - before;
            crate::note!("dtrace: {}{} {}", tag(t), n, plural(n, one, many));
            for c in 0..ncpu {
                seen[c * slots + k] = get(c, k);
            }
        }
    }
}
