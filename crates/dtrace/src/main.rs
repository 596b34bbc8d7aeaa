//! The `dtrace` command: DTrace's flags, parsed getopt-style as DTrace
//! does, driving a libdtrace session.

#![forbid(unsafe_code)]

mod flags;
mod target;

use flags::{Flags, Mode};
use libdtrace::lang::sema::MacroEnv;
use libdtrace::options::{Options, Origin};
use libdtrace::session::{self, Failure, Source};
use std::io::Write;
use std::process::exit;

fn main() {
    let argv: Vec<String> = std::env::args().collect();
    let flags = match flags::parse(&argv[1..]) {
        Ok(f) => f,
        Err(msg) => {
            if !msg.is_empty() {
                libdtrace::note!("dtrace: {}", msg);
            }
            let _ = std::io::Write::write_all(&mut std::io::stderr(), flags::USAGE.as_bytes());
            exit(2);
        }
    };
    exit(run(flags));
}

fn die(msg: impl AsRef<str>) -> i32 {
    libdtrace::note!("dtrace: {}", msg.as_ref());
    1
}

fn run(fl: Flags) -> i32 {
    match fl.mode {
        Mode::Version => {
            println!("dtrace: Sun D {}.{} (dtrace for Linux, in Rust {})", D_VERSION.0, D_VERSION.1, env!("CARGO_PKG_VERSION"));
            return 0;
        }
        Mode::Unsupported(what) => return die(format!("{} is not supported", what)),
        _ => {}
    }
    let mut opts = Options::default();
    // dtrace(1M) applies option flags in command-line order, before
    // compiling anything.
    for st in &fl.settings {
        if let Err(e) = opts.set(Origin::CommandLine, &st.name, st.value.as_deref()) {
            return die(format!("failed to set {}: {}", st.label, e));
        }
    }
    opts.verbose = fl.verbose;
    opts.output = fl.output.clone();
    // Read scripts.
    let mut sources = Vec::new();
    for s in &fl.sources {
        match s {
            flags::Src::Script(path) => {
                let text = match read_script(path) {
                    Ok(t) => t,
                    Err(e) => return die(format!("failed to open {}: {}", path, e)),
                };
                let text = if opts.cpp {
                    match preprocess(&text, &opts) {
                        Ok(t) => t,
                        Err(why) => return die(format!("failed to compile script {}: {}", path, why)),
                    }
                } else {
                    text
                };
                sources.push(Source::Script { name: path.clone(), text });
            }
            flags::Src::Desc(flag, text) => sources.push(Source::Desc { flag: *flag, text: text.clone() }),
        }
    }
    if fl.mode == Mode::List && sources.is_empty() {
        return list(&[], &opts, fl.verbose);
    }
    if sources.is_empty() {
        let _ = std::io::Write::write_all(&mut std::io::stderr(), flags::USAGE.as_bytes());
        return 2;
    }
    let parsed = match session::parse_sources(&sources, &mut opts) {
        Ok(p) => p,
        Err(Failure(m)) => return die(m),
    };
    if fl.mode == Mode::List {
        return list_program(&parsed, &sources, &opts, fl.verbose);
    }
    // Start the -c command (held until tracing is on) so $target is known.
    let mut tgt: Option<target::Child> = None;
    let mut grabbed: Option<target::Grabbed> = None;
    if let Some(cmd) = &fl.command {
        match target::Child::spawn(cmd) {
            Ok(c) => tgt = Some(c),
            Err(m) => return die(m),
        }
    } else if let Some(p) = fl.pid {
        match target::Grabbed::new(p) {
            Ok(g) => grabbed = Some(g),
            Err(m) => return die(m),
        }
    }
    let target_pid = tgt.as_ref().map(|c| c.pid).or(fl.pid);
    let mut args = vec![fl.sources.iter().find_map(|s| match s {
        flags::Src::Script(p) => Some(p.clone()),
        _ => None,
    })
    .unwrap_or_else(|| "dtrace".into())];
    args.extend(fl.macro_args.iter().cloned());
    let ids = libdtrace::kernel::process::ids();
    let macros = MacroEnv { args, target: target_pid, defaultargs: opts.defaultargs, ids };
    let prep = match session::prepare(parsed, &sources, &opts, &macros, opts.zdefs) {
        Ok(p) => p,
        Err(Failure(m)) => {
            if let Some(c) = tgt.as_mut() {
                c.kill();
            }
            return die(m);
        }
    };
    if opts.print_code {
        for p in &prep.compiled.programs {
            libdtrace::note!("\nDisassembly of {} ({} instructions):", p.name, p.insns.len());
            for l in libdtrace::bpf::insn::disassemble(&p.insns) {
                libdtrace::note!("{}", l);
            }
        }
    }
    if fl.mode == Mode::CompileOnly {
        if let Some(c) = tgt.as_mut() {
            c.kill();
        }
        return 0;
    }
    // Output: stdout or -o file.
    let mut out: Box<dyn Write> = match &fl.output {
        Some(path) => match std::fs::OpenOptions::new().create(true).append(true).open(path) {
            Ok(f) => Box::new(std::io::BufWriter::new(Latch::new(f))),
            Err(e) => {
                if let Some(c) = tgt.as_mut() {
                    c.kill();
                }
                return die(format!("failed to open output file '{}': {}", path, strerror(&e)));
            }
        },
        None => Box::new(std::io::BufWriter::new(Latch::new(std::io::stdout()))),
    };
    session::install_signal_handlers();
    // -q (or -x quiet) suppresses the "matched N probes" notices, as notice()
    // does in illumos dtrace(1M).
    let (quiet, destructive) = (opts.quiet, opts.destructive);
    let mut banner = |p: &session::Prepared| {
        if quiet {
            return;
        }
        for (i, s) in sources.iter().enumerate() {
            let n = p.matched[i];
            libdtrace::note!("dtrace: {} matched {} probe{}", s.label(), n, if n == 1 { "" } else { "s" });
        }
        if destructive {
            libdtrace::note!("dtrace: allowing destructive actions");
        }
    };
    let target: Option<&mut dyn session::Target> = match (tgt.as_mut(), grabbed.as_mut()) {
        (Some(c), _) => Some(c),
        (_, Some(g)) => Some(g),
        _ => None,
    };
    let r = session::run(&prep, &opts, &mut *out, &mut banner, target);
    match r {
        Ok(status) => {
            if let Some(c) = tgt.as_mut() {
                c.kill();
            }
            status
        }
        Err(Failure(m)) => {
            if let Some(c) = tgt.as_mut() {
                c.kill();
            }
            die(m)
        }
    }
}

use libdtrace::host::strerror;

/// The trace output's writer: once a write failed, every later write and
/// flush fails with that errno, so the session sees it at its next flush
/// even when the write that failed was not checked.
struct Latch<W> {
    inner: W,
    failed: Option<i32>,
}

impl<W: Write> Latch<W> {
    fn new(inner: W) -> Latch<W> {
        Latch { inner, failed: None }
    }

    fn pass<T>(&mut self, op: impl FnOnce(&mut W) -> std::io::Result<T>) -> std::io::Result<T> {
        if let Some(errno) = self.failed {
            return Err(std::io::Error::from_raw_os_error(errno));
        }
        op(&mut self.inner).inspect_err(|e| {
            if e.kind() != std::io::ErrorKind::Interrupted {
                self.failed = Some(e.raw_os_error().unwrap_or(libc::EIO));
            }
        })
    }
}

impl<W: Write> Write for Latch<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.pass(|w| w.write(buf))
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.pass(|w| w.flush())
    }
}

/// The largest script read (`-s`): far beyond any D program, but a bound
/// on what an endless file (`-s /dev/zero`) can take.
const MAX_SCRIPT: u64 = 64 << 20;

/// Reads a script file (`-` is standard input), at most [`MAX_SCRIPT`]
/// bytes; the error is what DTrace would add to "failed to open FILE".
fn read_script(path: &str) -> Result<String, String> {
    use std::io::Read;
    let file: Box<dyn Read> = match path {
        "-" => Box::new(std::io::stdin()),
        _ => Box::new(std::fs::File::open(path).map_err(|e| strerror(&e))?),
    };
    let mut bytes = Vec::new();
    file.take(MAX_SCRIPT + 1).read_to_end(&mut bytes).map_err(|e| strerror(&e))?;
    if bytes.len() as u64 > MAX_SCRIPT {
        let big = std::io::Error::from_raw_os_error(libc::EFBIG);
        return Err(format!("{} (scripts are limited to {} MB)", strerror(&big), MAX_SCRIPT >> 20));
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The D language version (`-V`, `__SUNW_D_VERSION`).
const D_VERSION: (u32, u32) = (1, 13);

/// The macros DTrace defines for cpp on Linux (dt_vopen()): GCC's own
/// predefined macros stay (`__LP64__`, `_LP64`, `__x86_64__` ...) except
/// `__GNUC__`.
fn cpp_predefs() -> Vec<String> {
    let mut v: Vec<String> =
        ["-D__linux", "-D__unix", "-D__SVR4", "-D__SUNW_D=1", "-U__GNUC__", "-D__SUNW_D_64", "-D__Linux"].map(String::from).to_vec();
    if cfg!(target_arch = "x86_64") {
        v.push("-D__amd64".into());
    }
    v
}

/// `-C`: runs a script through the C preprocessor as dt_preproc() does:
/// DTrace's macros, then the `-D`/`-U`/`-I`/`-H` options in order, then
/// `__SUNW_D_VERSION` and the ISO C mode (`-X s`: traditional). Line
/// markers are kept so error lines stay right; a `#!` first line is
/// blanked (cpp would reject it). The error is DTrace's (EDT_CPP*).
fn preprocess(text: &str, opts: &Options) -> Result<String, &'static str> {
    use std::process::{Command, Stdio};
    let text = match text.strip_prefix("#!") {
        Some(rest) => rest.find('\n').map_or("", |i| &rest[i..]).to_string(),
        None => text.to_string(),
    };
    let version = format!("-D__SUNW_D_VERSION=0x{:08x}", (D_VERSION.0 << 24) | (D_VERSION.1 << 12));
    let stdc = if opts.cpp_traditional { "-traditional-cpp" } else { "-std=c99" };
    let mut child = Command::new(&opts.cpp_path)
        .args(cpp_predefs())
        .args(&opts.cpp_args)
        .args([version.as_str(), stdc])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| if e.kind() == std::io::ErrorKind::NotFound { "Preprocessor not found" } else { "Failed to exec preprocessor" })?;
    // Feed it from another thread: cpp may fill its output pipe before it
    // has read all of its input.
    let mut stdin = child.stdin.take().expect("piped stdin");
    let feeder = std::thread::spawn(move || stdin.write_all(text.as_bytes()));
    let out = child.wait_with_output();
    let _ = feeder.join();
    match out {
        Ok(o) if o.status.success() => Ok(String::from_utf8_lossy(&o.stdout).into_owned()),
        _ => Err("Preprocessor failed to process input program"),
    }
}

const LIST_HEADER: &str = "   ID   PROVIDER            MODULE                          FUNCTION NAME";

fn list_line(p: &libdtrace::provider::Probe) -> String {
    format!("{:>5} {:>10} {:>17} {:>33} {}", p.id, p.provider, p.module, p.function, p.name)
}

/// `dtrace -l` with no descriptions: every probe (fbt's too where the
/// kernel allows it).
fn list(_: &[Source], _opts: &Options, verbose: bool) -> i32 {
    let mut cat = libdtrace::provider::Catalog::load();
    cat.provide_all();
    let mut out = std::io::BufWriter::new(std::io::stdout());
    let _ = writeln!(out, "{}", LIST_HEADER);
    for p in &cat.probes {
        let _ = writeln!(out, "{}", list_line(p));
    }
    list_excluded(&mut out, &cat, verbose);
    0
}

/// With -v: what each provider leaves out (fbt: functions), and why.
fn list_excluded(out: &mut dyn Write, cat: &libdtrace::provider::Catalog, verbose: bool) {
    for (_, prov) in cat.providers() {
        let excluded = prov.excluded();
        if verbose && !excluded.is_empty() {
            let n = excluded.lines().count();
            let _ = writeln!(out, "\nExcluded from {} ({} functions):", prov.name(), n);
            let _ = out.write_all(excluded.as_bytes());
        }
    }
}

/// `dtrace -l -n ...`: the probes each clause matches.
fn list_program(parsed: &session::Parsed, sources: &[Source], opts: &Options, verbose: bool) -> i32 {
    let mut cat = libdtrace::provider::Catalog::load();
    let mut ids = Vec::new();
    for (i, item) in parsed.program.items.iter().enumerate() {
        if let libdtrace::lang::ast::Item::Clause(c) = item {
            for d in &c.probes {
                let m = match cat.matching(d) {
                    Ok(m) => m,
                    Err(e) => return die(e.0),
                };
                if m.is_empty() {
                    let e = libdtrace::lang::diag::CompileError::new(
                        d.line,
                        "D_PDESC_ZERO",
                        format!("probe description {}:{}:{}:{} does not match any probes", d.provider, d.module, d.function, d.name),
                    );
                    return die(session::compile_failure(&sources[parsed.origin[i]], &e, opts.errtags).0);
                }
                for id in m {
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                }
            }
        }
    }
    let mut out = std::io::BufWriter::new(std::io::stdout());
    let _ = writeln!(out, "{}", LIST_HEADER);
    for id in ids {
        if let Some(p) = cat.get(id) {
            let _ = writeln!(out, "{}", list_line(p));
        }
    }
    list_excluded(&mut out, &cat, verbose);
    0
}
