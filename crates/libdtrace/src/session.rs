//! A tracing session: compile → load → attach → BEGIN → consume → END →
//! final aggregation printing → detach. The command (crates/dtrace) only
//! parses flags and drives this.

use crate::bpf::consts;
use crate::cg::codegen::{self, CgEnv, ClauseIn};
use crate::program::{
    Compiled, ProgSpec, DROP_AGG, DROP_DYNVAR, DROP_ERRORS, DROP_PRINCIPAL, DROP_SLOTS, DROP_SPECUNAVAIL, ERROR_EPID,
    MAP_DROPS, MAP_RINGBUF, MAP_STATE, STATE_ACTIVE, STATE_EXITING, STATE_PREBEGIN,
};
use crate::consume::records::Consumer;
use crate::kernel::{process, ringbuf::RingBuf, signal, sys, time, wakeup::Wakeup};
use crate::lang::ast::{Item, Program};
use crate::lang::diag::CompileError;
use crate::lang::{nesting, parser};
use crate::lang::sema::{expand_macros, MacroEnv, Sema};
use crate::lang::types::Type;
use crate::options::{self, Options, Origin};
use crate::provider::attach::{self, AttachError, Loaded};
use crate::provider::{dtrace, Catalog};
use bufpolicy::PrincipalBuffer;
use std::io::Write;
use std::os::fd::AsFd;
use std::time::{Duration, Instant};

mod bufpolicy;

// SIGINT, SIGTERM and SIGHUP end a session.
pub use crate::kernel::signal::{install_stop_handlers as install_signal_handlers, stop_requested};

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
        let empty = p.items.iter().all(|item| matches!(item, Item::Pragma { .. }));
        for item in p.items {
            if let Item::Pragma { words, line } = &item {
                apply_pragma(words, *line, opts).map_err(|e| compile_failure(s, &e, opts.errtags))?;
            }
            program.items.push(item);
            origin.push(i);
        }
        // As dt_compile(): a translation unit with nothing but pragmas is
        // an error unless -x empty (set by now, pragmas included); the
        // line is the one after the last.
        if let (true, false, Source::Script { text, .. }) = (empty, opts.empty, s) {
            let e = CompileError::new(text.matches('\n').count() as u32 + 1, "D_EMPTY", "empty D program translation unit");
            return Err(compile_failure(s, &e, opts.errtags));
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

/// `#pragma D option name[=value]`, as dt_pragma_option() takes it: one
/// option per pragma, an identifier-like word. Other pragmas
/// (attributes, depends_on, binding) are accepted.
fn apply_pragma(words: &[String], line: u32, opts: &mut Options) -> Result<(), CompileError> {
    let [d, o, args @ ..] = words else {
        return Ok(());
    };
    if d == "D" && !["attributes", "binding", "depends_on", "error", "ident", "line", "option"].contains(&o.as_str()) {
        // dt_pragma(): an unknown `#pragma D` directive.
        return Err(CompileError::new(line, "D_PRAGMA_INVAL", format!("invalid D pragma: {}", o)));
    }
    if d != "D" || o != "option" {
        return Ok(());
    }
    let malformed = |m: &str| CompileError::new(line, "D_PRAGMA_MALFORM", m);
    let opt = match args.first() {
        Some(w) if !w.starts_with(|c: char| c.is_ascii_digit() || c == '"') => w,
        _ => return Err(malformed("malformed #pragma option <option>=<val>")),
    };
    if args.len() > 1 {
        return Err(malformed("superfluous arguments specified for #pragma option"));
    }
    let (name, value) = options::split(opt);
    opts.set(Origin::Pragma, name, value).map_err(|e| {
        let msg = match value {
            None => format!("failed to set option '{}': {}", name, e),
            Some(v) => format!("failed to set option '{}' to '{}': {}", name, v, e),
        };
        CompileError::new(line, "D_PRAGMA_OPTSET", msg)
    })
}

/// Everything compiled, with per-source match counts for the banner.
pub struct Prepared {
    pub compiled: Compiled,
    pub catalog: Catalog,
    /// Matched probe count per source index.
    pub matched: Vec<usize>,
}

/// Expands macros, checks types, matches probes and generates code, on
/// the compiler's stack (see [`nesting`]).
pub fn prepare(
    parsed: Parsed,
    sources: &[Source],
    opts: &Options,
    macros: &MacroEnv,
    zdefs: bool,
) -> Result<Prepared, Failure> {
    nesting::on_compiler_stack(move || {
        let mut parsed = parsed;
        prepare_here(&mut parsed, sources, opts, macros, zdefs)
    })
}

fn prepare_here(
    parsed: &mut Parsed,
    sources: &[Source],
    opts: &Options,
    macros: &MacroEnv,
    zdefs: bool,
) -> Result<Prepared, Failure> {
    let src_of = |item: usize| &sources[parsed.origin[item]];
    expand_macros(&mut parsed.program, macros).map_err(|e| compile_failure(&sources[0], &e, opts.errtags))?;
    let library = crate::lang::xlate::library();
    crate::lang::xlate::expand(&mut parsed.program, &library, crate::host::cpu_places)
        .map_err(|(i, e)| compile_failure(src_of(i), &e, opts.errtags))?;
    // Translations add to the depth of what they replace.
    for (i, item) in parsed.program.items.iter().enumerate() {
        nesting::check_item(item).map_err(|e| compile_failure(src_of(i), &e, opts.errtags))?;
    }
    let mut catalog = Catalog::load();
    let mut matched = vec![0usize; sources.len()];
    let mut clauses = Vec::new();
    for (i, item) in parsed.program.items.iter().enumerate() {
        let Item::Clause(c) = item else { continue };
        let mut probes = Vec::new();
        for d in &c.probes {
            let ids = catalog.matching(d).map_err(|e| Failure(e.0))?;
            if ids.is_empty() && !zdefs {
                let e = CompileError::new(
                    d.line,
                    "D_PDESC_ZERO",
                    format!("probe description {} does not match any probes", full_desc(d)),
                );
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
    sema.stackframes = opts.stackframes.clamp(1, 127);
    sema.ustackframes = opts.ustackframes.clamp(1, 127);
    sema.declare_program(&library)
        .map_err(|e| Failure(format!("dtrace: internal error in built-in library: {}", e.msg)))?;
    let arg_types: Vec<Option<Vec<Type>>> =
        clauses.iter().map(|(_, probes)| clause_arg_types(&catalog, probes, &sema)).collect();
    // Check item by item so an error names the right source.
    let mut clause_args = arg_types.iter();
    for (i, item) in parsed.program.items.iter_mut().enumerate() {
        let args = match item {
            Item::Clause(_) => clause_args.next().and_then(|a| a.as_deref()),
            _ => None,
        };
        sema.check_item(item, args).map_err(|e| compile_failure(src_of(i), &e, opts.errtags))?;
    }
    let wall_offset_ns = time::wall_offset_ns();
    // Each provider chooses how to attach its probes (fbt: its backend).
    let mut enabled: Vec<u32> = clauses.iter().flat_map(|(_, p)| p.iter().copied()).collect();
    enabled.sort();
    enabled.dedup();
    catalog.prepare(&enabled, opts).map_err(Failure)?;
    let env = CgEnv {
        sema: &sema,
        opts,
        catalog: &catalog,
        wall_offset_ns,
        kernel_function: &crate::consume::ksyms::kernel_function_range,
        write_user_refused: &crate::kernel::features::write_user_refused,
    };
    let ins: Vec<ClauseIn> = clauses
        .iter()
        .map(|(i, probes)| {
            let Item::Clause(c) = &parsed.program.items[*i] else { unreachable!() };
            ClauseIn { clause: c, probes: probes.clone() }
        })
        .collect();
    let compiled = match codegen::compile(&env, &ins) {
        Ok(mut c) => {
            c.enums = sema.types.script_enums();
            c
        }
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

fn full_desc(d: &crate::lang::ast::ProbeDesc) -> String {
    format!("{}:{}:{}:{}", d.provider, d.module, d.function, d.name)
}


/// A process the session follows (`-c` or `-p`): tracing stops when it exits.
pub trait Target {
    fn pid(&self) -> i32;
    /// Lets a `-c` child run (after BEGIN).
    fn release(&mut self);
    /// Where it is (non-blocking).
    fn poll(&mut self) -> TargetState;
    /// A descriptor that signals each piece of news for `poll`, so that
    /// the session need not wait out its period. It is watched
    /// edge-triggered and never read (kernel/wakeup.rs).
    fn wake_fd(&self) -> Option<std::os::fd::RawFd> {
        None
    }
    /// How it ended, as dtrace(1M) reports it ("pid N has exited").
    fn ended(&self) -> String {
        format!("pid {} has exited", self.pid())
    }
}

/// What [`Target::poll`] saw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TargetState {
    Running,
    /// Held at its exit with its address space intact (a `-c` child): the
    /// next poll lets it go.
    Exiting,
    Exited,
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
    let mut loaded = attach::load(c, &prep.catalog).map_err(|e| {
        if opts.verbose_verifier {
            if let Some(l) = &e.log {
                crate::note!("{}", l);
            }
        }
        fail(e)
    })?;
    let ring = RingBuf::new(loaded.map(MAP_RINGBUF))
        .map_err(|e| Failure(format!("failed to map the output buffer: {}", crate::host::strerror(&e))))?;
    let mut ring = PrincipalBuffer::new(ring, opts);
    let mut consumer = Consumer::new(c, &prep.catalog, opts);
    if let Some(t) = target.as_deref() {
        consumer.set_target(t.pid() as u32);
    }
    process::raise_fd_limit();
    let mut progress = |done: usize, total: usize| {
        crate::note!("dtrace: attached {} of {} probes", done, total);
        !stop_requested()
    };
    let t0 = Instant::now();
    attach::attach_all(c, &prep.catalog, &mut loaded, &mut progress).map_err(fail)?;
    if opts.verbose {
        for (id, provider) in prep.catalog.providers() {
            let progs: Vec<&ProgSpec> = c.programs.iter().filter(|p| p.attach.provider == id).collect();
            for note in provider.notes(&progs) {
                crate::note!("{}", note);
            }
        }
        crate::note!("dtrace: attached in {:.3} s", t0.elapsed().as_secs_f64());
    }
    banner(prep);
    // As dtrace(1M): nothing to trace is an error, unless -Z.
    if prep.matched.iter().sum::<usize>() == 0 && !opts.zdefs {
        return Err(Failure("no probes matched".into()));
    }
    // As DTrace when it enables tracing (the program compiled either way).
    if c.destructive && !opts.destructive {
        return Err(Failure("could not enable tracing: Destructive actions not allowed".into()));
    }
    // As dtrace_go(): the principal buffer must hold the largest record
    // (and the ring buffer's 8-byte header).
    let largest = c.epids.iter().map(|e| e.size as u64).max().unwrap_or(0);
    if opts.bufsize == 0 || opts.bufsize < 8 + largest {
        return Err(Failure("could not enable tracing: Enabling exceeds size of buffer".into()));
    }

    let mut status: Option<i32> = None;
    attach::run_once(c, &loaded, &dtrace::BEGIN)
        .map_err(|e| Failure(format!("failed to run BEGIN: {}", crate::host::strerror(&e))))?;
    set_state_active(&loaded);
    if let Some(t) = target.as_deref_mut() {
        t.release();
    }
    let mut drops = Drops::default();
    let mut misses_seen = vec![0u64; c.programs.len()];
    // The buffer is read every switchrate and the drop counters every
    // statusrate, as dtrace_sleep() does; in between the consumer sleeps
    // (kernel/wakeup.rs says what ends the sleep early, and why).
    let switch_every = Duration::from_nanos(opts.switchrate_ns.max(1_000_000));
    let status_every = Duration::from_nanos(opts.statusrate_ns.max(1_000_000));
    let wakeup = Wakeup::new(
        ring.fd(),
        target.as_deref().and_then(|t| t.wake_fd()),
        signal::stop_fd(),
    )
    .map_err(|e| Failure(format!("failed to wait for the output buffer: {}", crate::host::strerror(&e))))?;
    let mut next_switch = Instant::now() + switch_every;
    let mut next_status = Instant::now() + status_every;
    loop {
        drain(&mut ring, &mut consumer, &loaded, out, &mut drops);
        consumer.watch_target();
        if let Some(s) = consumer.exit_status().or_else(|| exit_requested(&loaded)) {
            status = Some(s);
            break;
        }
        // bufpolicy=fill: a record did not fit, which stops tracing.
        if ring.filled() {
            break;
        }
        if stop_requested() {
            // dtrace(1M) writes a newline as soon as it notices the signal,
            // before END runs (even in quiet mode).
            let _ = out.write_all(b"\n");
            break;
        }
        if let Some(t) = target.as_deref_mut() {
            let mut state = t.poll();
            if state == TargetState::Exiting {
                // Its user stacks and symbols still in the buffers need its
                // mappings, which go with it.
                consumer.snapshot_target();
                state = t.poll();
            }
            if state == TargetState::Exited {
                drain(&mut ring, &mut consumer, &loaded, out, &mut drops);
                // A notice: -q silences it (dtrace.c, notice()).
                if !consumer.quiet() {
                    crate::note!("dtrace: {}", t.ended());
                }
                break;
            }
        }
        let now = Instant::now();
        if now >= next_status {
            check_drops(&mut ring, &mut consumer, &loaded, out, &mut drops, opts);
            report_spec_drops(&mut consumer, opts);
            check_recursion(c, &prep.catalog, &mut loaded, &mut misses_seen);
            next_status = now + status_every;
        }
        out.flush().map_err(|e| write_failure(opts, &e))?;
        if now >= next_switch {
            next_switch = now + switch_every;
        }
        let sleep = next_switch.min(next_status).saturating_duration_since(Instant::now());
        let _ = wakeup.wait(sleep.as_millis().min(i32::MAX as u128) as i32);
    }
    // Stop every probe, then END.
    set_state_exiting(&loaded);
    let t1 = Instant::now();
    loaded.detach();
    ring.stop();
    if opts.verbose {
        crate::note!("dtrace: detached in {:.3} s", t1.elapsed().as_secs_f64());
    }
    drain(&mut ring, &mut consumer, &loaded, out, &mut drops);
    attach::run_once(c, &loaded, &dtrace::END)
        .map_err(|e| Failure(format!("failed to run END: {}", crate::host::strerror(&e))))?;
    check_drops(&mut ring, &mut consumer, &loaded, out, &mut drops, opts);
    if let Some(s) = consumer.exit_status() {
        status = Some(s);
    }
    report_spec_drops(&mut consumer, opts);
    for (p, n) in c.programs.iter().zip(loaded.recursion_misses()) {
        if n > 0 {
            crate::note!(
                "dtrace: {} firing{} of {} missed: the probe fired again on a CPU where it was already running",
                n,
                if n == 1 { "" } else { "s" },
                program_desc(p, &prep.catalog)
            );
        }
    }
    consumer.print_all_aggregations(&loaded, out);
    out.flush().map_err(|e| write_failure(opts, &e))?;
    Ok(status.unwrap_or(0))
}

/// Output that could not be written, in dtrace(1M)'s words (oprintf()).
/// The writer must keep reporting an error once one happened: the
/// consumer does not look at every write.
fn write_failure(opts: &Options, e: &std::io::Error) -> Failure {
    let to = opts.output.as_deref().unwrap_or("<stdout>");
    Failure(format!("failed to write to {}: {}", to, crate::host::strerror(e)))
}

/// Re-entered firings per second past which a program is disabled: a
/// probe that recurses into itself this often would drown the machine.
const RECURSION_LIMIT_PER_SEC: u64 = 100_000;

/// Auto-disables programs whose probes keep recursing.
fn check_recursion(c: &Compiled, cat: &Catalog, l: &mut Loaded, seen: &mut [u64]) {
    let now = l.recursion_misses();
    for (i, n) in now.iter().enumerate() {
        if n.saturating_sub(seen[i]) > RECURSION_LIMIT_PER_SEC {
            crate::note!(
                "dtrace: disabling the probes of {}: {} re-entered firings in one second",
                program_desc(&c.programs[i], cat),
                n - seen[i]
            );
            l.detach_program(i);
        }
        seen[i] = *n;
    }
}

/// A program as the user knows it: the probe it serves, or the provider's
/// probes it shares.
fn program_desc(p: &ProgSpec, cat: &Catalog) -> String {
    cat.provider(p.attach.provider).describe_probes(cat, p)
}

fn state(l: &Loaded) -> [u8; 8] {
    let mut v = [0u8; 8];
    let _ = sys::map_lookup(l.map(MAP_STATE).as_fd(), &0u32.to_le_bytes(), &mut v);
    v
}

fn set_state(l: &Loaded, mut v: [u8; 8], s: i32) {
    v[0..4].copy_from_slice(&s.to_le_bytes());
    let _ = sys::map_update(l.map(MAP_STATE).as_fd(), &0u32.to_le_bytes(), &v, consts::BPF_ANY);
}

/// BEGIN has run: let every other probe act (unless BEGIN called exit()).
fn set_state_active(l: &Loaded) {
    let v = state(l);
    if i32::from_le_bytes(v[0..4].try_into().unwrap()) == STATE_PREBEGIN {
        set_state(l, v, STATE_ACTIVE);
    }
}

/// exit() was called: the state says so even when its record was
/// dropped (then its status is in the state too). DTrace exits then as well.
fn exit_requested(l: &Loaded) -> Option<i32> {
    let v = state(l);
    let word = |o: usize| i32::from_le_bytes(v[o..o + 4].try_into().unwrap());
    (word(0) == STATE_EXITING).then(|| word(4))
}

fn set_state_exiting(l: &Loaded) {
    let v = state(l);
    if i32::from_le_bytes(v[0..4].try_into().unwrap()) != STATE_EXITING {
        set_state(l, v, STATE_EXITING);
    }
}

/// DTrace's "N speculative drops": speculative records past `specsize`.
fn report_spec_drops(consumer: &mut Consumer, opts: &Options) {
    let n = consumer.take_spec_drops();
    if n > 0 {
        let tag = if opts.droptags { "[DTRACEDROP_SPEC] " } else { "" };
        crate::note!("dtrace: {}{} speculative drop{}", tag, n, if n == 1 { "" } else { "s" });
    }
}

/// Hands every record in the buffer to the consumer (now or, under the
/// ring and fill policies, once tracing stopped), counting error records
/// on the way.
fn drain(ring: &mut PrincipalBuffer, consumer: &mut Consumer, l: &Loaded, out: &mut dyn Write, drops: &mut Drops) {
    ring.consume(|rec| drops.note_record(rec), |rec| consumer.record(rec, l, out));
}

/// Reads the drop counters, drains the buffer (so that error records
/// still in it are not taken for lost ones), then reports new drops
/// (with the records the buffer policy dropped).
fn check_drops(
    ring: &mut PrincipalBuffer,
    consumer: &mut Consumer,
    l: &Loaded,
    out: &mut dyn Write,
    drops: &mut Drops,
    opts: &Options,
) {
    let Some(mut counters) = read_drop_counters(l) else {
        return;
    };
    drain(ring, consumer, l, out, drops);
    for (cpu, n) in ring.drops().iter().enumerate() {
        if let Some(c) = counters.get_mut(cpu * DROP_SLOTS as usize + slot(DROP_PRINCIPAL)) {
            *c += n;
        }
    }
    for m in drops.report(&counters, opts.droptags) {
        crate::note!("dtrace: {}", m);
    }
}

/// The `MAP_DROPS` counters of every CPU, `DROP_SLOTS` per CPU.
fn read_drop_counters(l: &Loaded) -> Option<Vec<u64>> {
    let ncpu = crate::host::possible_cpus();
    let mut buf = vec![0u8; DROP_SLOTS as usize * 8 * ncpu];
    sys::map_lookup(l.map(MAP_DROPS).as_fd(), &0u32.to_le_bytes(), &mut buf).ok()?;
    Some(buf.chunks_exact(8).map(|b| u64::from_le_bytes(b.try_into().unwrap())).collect())
}

/// Index of a drop counter in a CPU's slots (the `DROP_*` byte offsets).
const fn slot(off: i16) -> usize {
    off as usize / 8
}

/// Per-CPU drop kinds, as dt_handle_cpudrop() words them:
/// `N [aggregation ]drop[s] on CPU C`.
const CPU_DROPS: [(usize, &str, &str); 2] =
    [(slot(DROP_PRINCIPAL), "DTRACEDROP_PRINCIPAL", ""), (slot(DROP_AGG), "DTRACEDROP_AGGREGATION", "aggregation ")];

/// Drop kinds reported as totals, as dt_handle_status() words them:
/// `N what[s]` (speculative drops are counted by the consumer: see
/// `report_spec_drops`).
const TOTAL_DROPS: [(usize, &str, &str, &str); 2] = [
    (slot(DROP_DYNVAR), "DTRACEDROP_DYNAMIC", "dynamic variable drop", ""),
    (slot(DROP_SPECUNAVAIL), "DTRACEDROP_SPECUNAVAIL", "failed speculation", " (no speculative buffer available)"),
];

/// Drop accounting across reports.
#[derive(Default)]
struct Drops {
    /// Error records received, per CPU. The programs count every error
    /// (`DROP_ERRORS`); one that never arrived did not fit in the buffer,
    /// which DTrace counts as a principal-buffer drop.
    errors_received: Vec<u64>,
    /// Counts already reported, per CPU and slot (principal drops
    /// include lost error records).
    reported: Vec<u64>,
}

impl Drops {
    fn note_record(&mut self, rec: &[u8]) {
        let word = |o: usize| rec.get(o..o + 4).map(|b| u32::from_le_bytes(b.try_into().unwrap()));
        if let (Some(ERROR_EPID), Some(cpu)) = (word(0), word(8)) {
            let cpu = cpu as usize;
            if self.errors_received.len() <= cpu {
                self.errors_received.resize(cpu + 1, 0);
            }
            self.errors_received[cpu] += 1;
        }
    }

    /// The drops counted since the last report, in DTrace's words
    /// (`[DTRACEDROP_*] ` first under `droptags`). `counters` must have
    /// been read before the records received so far were drained.
    fn report(&mut self, counters: &[u64], droptags: bool) -> Vec<String> {
        let slots = DROP_SLOTS as usize;
        let ncpu = counters.len() / slots;
        self.reported.resize(counters.len(), 0);
        let mut now = counters.to_vec();
        for cpu in 0..ncpu {
            let received = self.errors_received.get(cpu).copied().unwrap_or(0);
            now[cpu * slots + slot(DROP_PRINCIPAL)] += now[cpu * slots + slot(DROP_ERRORS)].saturating_sub(received);
        }
        let tag = |t: &str| {
            if droptags {
                format!("[{}] ", t)
            } else {
                String::new()
            }
        };
        let s = |n: u64| if n > 1 { "s" } else { "" };
        let mut msgs = Vec::new();
        for (k, t, what, why) in TOTAL_DROPS {
            let total = |v: &[u64]| (0..ncpu).map(|c| v[c * slots + k]).sum::<u64>();
            let n = total(&now).saturating_sub(total(&self.reported));
            if n > 0 {
                msgs.push(format!("{}{} {}{}{}", tag(t), n, what, s(n), why));
            }
        }
        for cpu in 0..ncpu {
            for (k, t, what) in CPU_DROPS {
                let i = cpu * slots + k;
                let n = now[i].saturating_sub(self.reported[i]);
                if n > 0 {
                    msgs.push(format!("{}{} {}drop{} on CPU {}", tag(t), n, what, s(n), cpu));
                }
            }
        }
        let kinds = CPU_DROPS.iter().map(|d| d.0).chain(TOTAL_DROPS.iter().map(|d| d.0));
        for k in kinds {
            for cpu in 0..ncpu {
                let i = cpu * slots + k;
                self.reported[i] = self.reported[i].max(now[i]);
            }
        }
        msgs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counters of `ncpu` CPUs from (cpu, slot, value) triples.
    fn counters(ncpu: usize, set: &[(usize, i16, u64)]) -> Vec<u64> {
        let mut v = vec![0; ncpu * DROP_SLOTS as usize];
        for &(cpu, off, n) in set {
            v[cpu * DROP_SLOTS as usize + slot(off)] = n;
        }
        v
    }

    fn error_record(cpu: u32) -> Vec<u8> {
        let mut r = vec![0u8; 40];
        r[0..4].copy_from_slice(&ERROR_EPID.to_le_bytes());
        r[8..12].copy_from_slice(&cpu.to_le_bytes());
        r
    }

    #[test]
    fn drop_messages() {
        let mut d = Drops::default();
        let c = counters(
            2,
            &[
                (0, DROP_PRINCIPAL, 1),
                (1, DROP_PRINCIPAL, 5),
                (1, DROP_AGG, 2),
                (0, DROP_DYNVAR, 1),
                (1, DROP_DYNVAR, 2),
            ],
        );
        assert_eq!(
            d.report(&c, false),
            vec!["3 dynamic variable drops", "1 drop on CPU 0", "5 drops on CPU 1", "2 aggregation drops on CPU 1"]
        );
        // Only what grew since is reported again.
        let c = counters(
            2,
            &[
                (0, DROP_PRINCIPAL, 1),
                (1, DROP_PRINCIPAL, 6),
                (1, DROP_AGG, 2),
                (0, DROP_DYNVAR, 1),
                (1, DROP_DYNVAR, 2),
            ],
        );
        assert_eq!(d.report(&c, true), vec!["[DTRACEDROP_PRINCIPAL] 1 drop on CPU 1"]);
        assert!(d.report(&c, true).is_empty());
    }

    #[test]
    fn lost_error_records_are_principal_drops() {
        let mut d = Drops::default();
        d.note_record(&error_record(1));
        // Three errors on CPU 1, one received: two did not fit.
        let c = counters(2, &[(1, DROP_ERRORS, 3)]);
        assert_eq!(d.report(&c, false), vec!["2 drops on CPU 1"]);
        d.note_record(&error_record(1));
        assert!(d.report(&c, false).is_empty());
    }
}
