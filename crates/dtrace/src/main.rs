//! The `dtrace` command: DTrace's flags, parsed getopt-style as DTrace
//! does, driving a libdtrace session.

mod flags;
mod target;

use flags::{Flags, Mode};
use libdtrace::lang::sema::MacroEnv;
use libdtrace::options::Options;
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
            println!("dtrace: Sun D 1.13 (dtrace for Linux, in Rust {})", env!("CARGO_PKG_VERSION"));
            return 0;
        }
        Mode::Unsupported(what) => return die(format!("{} is not supported", what)),
        _ => {}
    }
    let mut opts = Options::default();
    for x in &fl.xopts {
        if let Err(m) = opts.set(x) {
            return die(m);
        }
    }
    if fl.quiet {
        opts.quiet = true;
    }
    if fl.destructive {
        opts.destructive = true;
    }
    if fl.flowindent {
        opts.flowindent = true;
    }
    if fl.verbose {
        opts.verbose = true;
    }
    opts.output = fl.output.clone();
    if let Some(b) = &fl.bufsize {
        if let Err(m) = opts.set(&format!("bufsize={}", b)) {
            return die(m);
        }
    }
    // Read scripts.
    let mut sources = Vec::new();
    for s in &fl.sources {
        match s {
            flags::Src::Script(path) => {
                let text = if path == "-" {
                    let mut t = String::new();
                    let _ = std::io::Read::read_to_string(&mut std::io::stdin(), &mut t);
                    t
                } else {
                    match std::fs::read(path) {
                        Ok(b) => String::from_utf8_lossy(&b).into_owned(),
                        Err(e) => return die(format!("failed to open {}: {}", path, io_msg(&e))),
                    }
                };
                let text = if fl.cpp {
                    match run_cpp(&text, &fl.cpp_args) {
                        Ok(t) => t,
                        Err(m) => return die(m),
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
    let mut parsed = match session::parse_sources(&sources, &mut opts) {
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
    let macros = MacroEnv { args, target: target_pid, defaultargs: opts.defaultargs };
    let prep = match session::prepare(&mut parsed, &sources, &opts, &macros, fl.zdefs || opts.zdefs) {
        Ok(p) => p,
        Err(Failure(m)) => {
            if let Some(c) = tgt.as_mut() {
                c.kill();
            }
            return die(m);
        }
    };
    if fl.print_bpf {
        for p in &prep.compiled.programs {
            libdtrace::note!("\nDisassembly of {} ({} instructions):", p.name, p.insns.len());
            for l in libdtrace::cg::insn::disassemble(&p.insns) {
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
            Ok(f) => Box::new(std::io::BufWriter::new(f)),
            Err(e) => {
                if let Some(c) = tgt.as_mut() {
                    c.kill();
                }
                return die(format!("failed to open output file '{}': {}", path, io_msg(&e)));
            }
        },
        None => Box::new(std::io::BufWriter::new(std::io::stdout())),
    };
    session::install_signal_handlers();
    // -q (or -x quiet) suppresses the "matched N probes" notices, as notice()
    // does in illumos dtrace(1M).
    let quiet = opts.quiet;
    let mut banner = |p: &session::Prepared| {
        if quiet {
            return;
        }
        for (i, s) in sources.iter().enumerate() {
            let n = p.matched[i];
            libdtrace::note!("dtrace: {} matched {} probe{}", s.label(), n, if n == 1 { "" } else { "s" });
        }
    };
    let target: Option<&mut dyn session::Target> = match (tgt.as_mut(), grabbed.as_mut()) {
        (Some(c), _) => Some(c),
        (_, Some(g)) => Some(g),
        _ => None,
    };
    let r = session::run(&prep, &opts, &mut *out, &mut banner, target);
    let _ = out.flush();
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

fn io_msg(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// `-C`: runs the system's C preprocessor over a script.
fn run_cpp(text: &str, args: &[String]) -> Result<String, String> {
    use std::process::{Command, Stdio};
    let cpp = ["/usr/bin/cpp", "/usr/local/bin/cpp", "/bin/cpp"].iter().find(|p| std::path::Path::new(p).exists());
    let Some(cpp) = cpp else {
        return Err("failed to run cpp: no C preprocessor (cpp) is installed; install cpp (e.g. apt-get install cpp) or drop -C".into());
    };
    let mut child = Command::new(cpp)
        .args(["-P", "-undef", "-nostdinc", "-D__linux", "-D__unix", "-D__SUNW_D=1", "-D__SUNW_D_VERSION=0x01010000"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("failed to run cpp: {}", e))?;
    child.stdin.take().unwrap().write_all(text.as_bytes()).map_err(|e| e.to_string())?;
    let o = child.wait_with_output().map_err(|e| e.to_string())?;
    if !o.status.success() {
        return Err("preprocessor failed".into());
    }
    Ok(String::from_utf8_lossy(&o.stdout).into_owned())
}

const LIST_HEADER: &str = "   ID   PROVIDER            MODULE                          FUNCTION NAME";

fn list_line(p: &libdtrace::provider::Probe) -> String {
    format!("{:>5} {:>10} {:>17} {:>33} {}", p.id, p.provider, p.module, p.function, p.name)
}

/// `dtrace -l` with no descriptions: every probe (fbt's too where the
/// kernel allows it).
fn list(_: &[Source], _opts: &Options, verbose: bool) -> i32 {
    let mut cat = libdtrace::provider::Catalog::load();
    let _ = cat.load_fbt();
    let mut out = std::io::BufWriter::new(std::io::stdout());
    let _ = writeln!(out, "{}", LIST_HEADER);
    for p in &cat.probes {
        let _ = writeln!(out, "{}", list_line(p));
    }
    list_excluded(&mut out, &cat, verbose);
    0
}

/// With -v: the functions fbt leaves out, and why.
fn list_excluded(out: &mut dyn Write, cat: &libdtrace::provider::Catalog, verbose: bool) {
    if verbose && !cat.fbt_excluded.is_empty() {
        let n = cat.fbt_excluded.lines().count();
        let _ = writeln!(out, "\nExcluded from fbt ({} functions):", n);
        let _ = out.write_all(cat.fbt_excluded.as_bytes());
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
