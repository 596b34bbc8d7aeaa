//! A bounded, deterministic mutation fuzz of `dtrace` (issue 8): the D
//! programs of tests/ are the seeds; each iteration mutates one (deletions,
//! duplications, swaps, splices, deep nesting, huge literals, random bytes,
//! stray tokens) and compiles it (`dtrace -e`, as a script or as `-n`).
//! Some of the mutants that compile are then run for real, with a
//! `tick-10ms { exit(0); }` clause added. Every run must end by itself
//! within a bound, by no signal, with exit status 0, 1 or 2 and, on
//! failure, an error in DTrace's form (`dtrace: ...`, no panic); a real run
//! must leave no BPF program, map or link behind.
//!
//! Knobs: `DTRACE_FUZZ_ITERS` (compilations, default 1500),
//! `DTRACE_FUZZ_RUNS` (real runs, default 100; none without root), and
//! `DTRACE_FUZZ_SEED`. A failing input is saved under
//! `target/fuzz-failures/` and named in the report.

use std::collections::BTreeSet;
use std::io::Read;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const DTRACE: &str = env!("CARGO_BIN_EXE_dtrace");
/// Far more than any compilation or run here needs: only a hang gets there.
const TIMEOUT: Duration = Duration::from_secs(30);
/// The clause that ends a real run.
const EXIT_CLAUSE: &str = "tick-10ms { exit(0); }";

fn main() {
    let knob = |name: &str, default: u64| std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    let iters = knob("DTRACE_FUZZ_ITERS", 1500);
    let root = unsafe { libc::geteuid() } == 0;
    let runs = if root { knob("DTRACE_FUZZ_RUNS", 100) } else { 0 };
    let seed = knob("DTRACE_FUZZ_SEED", 0x5eed_d7ace);
    let seeds = seeds(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests"));
    assert!(!seeds.is_empty(), "no seeds in tests/");
    let work = std::env::temp_dir().join(format!("dtrace-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&work).expect("scratch directory");

    let start = Instant::now();
    let mut rng = Rng(seed | 1);
    let mut failures = Vec::new();
    let mut compiled = Vec::new();
    for i in 0..iters {
        let input = mutate(&mut rng, &seeds);
        let as_spec = rng.below(5) == 0 && input.len() < 64 << 10 && !input.contains(&0);
        let out = compile(&work, &input, as_spec);
        match judge(&out, false) {
            Err(why) => failures.push(save(&format!("compile-{}", i), &input, as_spec, &why)),
            Ok(()) if out.code == Some(0) && !as_spec => compiled.push(input),
            Ok(()) => {}
        }
    }
    let compile_time = start.elapsed();
    println!(
        "test fuzz/compile ... {} ({} inputs from {} seeds, {} compiled, seed {:#x}, {:.1?})",
        if failures.is_empty() { "ok" } else { "FAILED" },
        iters,
        seeds.len(),
        compiled.len(),
        seed,
        compile_time
    );

    let compile_failures = failures.len();
    let safe: Vec<&Vec<u8>> = compiled.iter().filter(|p| runnable(p)).collect();
    let mut ran = 0;
    for (i, input) in safe.iter().enumerate().take(runs as usize) {
        let out = run(&work, input);
        ran += 1;
        if let Err(why) = judge(&out, true).and_then(|()| left_behind(&out)) {
            failures.push(save(&format!("run-{}", i), input, false, &format!("real run: {}", why)));
        }
    }
    if runs == 0 {
        println!("test fuzz/run ... ignored, {}", if root { "DTRACE_FUZZ_RUNS=0" } else { "needs root for BPF" });
    } else {
        println!(
            "test fuzz/run ... {} ({} of {} runnable inputs, {:.1?})",
            if failures.len() == compile_failures { "ok" } else { "FAILED" },
            ran,
            safe.len(),
            start.elapsed() - compile_time
        );
    }
    let _ = std::fs::remove_dir_all(&work);
    for f in &failures {
        println!("\n{}", f);
    }
    let failed = (compile_failures > 0) as usize + (failures.len() > compile_failures) as usize;
    let passed = 1 + (runs > 0) as usize - failed;
    println!(
        "\ntest result: {}. {} passed; {} failed; {} ignored; 0 measured; 0 filtered out; finished in {:.2}s",
        if failed == 0 { "ok" } else { "FAILED" },
        passed,
        failed,
        (runs == 0) as usize,
        start.elapsed().as_secs_f64()
    );
    if failed > 0 {
        std::process::exit(101);
    }
}

/// Every `.d` file under `dir`, sorted (the fuzz is deterministic).
fn seeds(dir: &Path) -> Vec<Vec<u8>> {
    let mut paths = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "d") {
                paths.push(p);
            }
        }
    }
    paths.sort();
    paths.iter().filter_map(|p| std::fs::read(p).ok()).collect()
}

/// xorshift64*: small, and the same sequence everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
    /// A range of `s`, at most `max` long.
    fn range(&mut self, s: &[u8], max: usize) -> std::ops::Range<usize> {
        let a = self.below(s.len() + 1);
        let len = self.below(max.min(s.len() - a) + 1);
        a..a + len
    }
}

/// Constructs that nest: what opens a level, what closes it.
const NESTERS: &[(&str, &str)] = &[
    ("(", ")"),
    ("! ", ""),
    ("- ", ""),
    ("~", ""),
    ("(int)", ""),
    ("*", ""),
    ("x = ", ""),
    ("strlen(", ")"),
    ("a[", "]"),
    ("1 + ", ""),
    ("y ? 1 : ", ""),
    ("self->x ? ", " : 0"),
    ("if (x) ", ""),
    ("{ ", " }"),
    ("struct t { ", "} m; "),
    ("stringof(", ")"),
    ("curthread->real_parent->", ""),
    ("&", ""),
];
const DEPTHS: &[usize] = &[3, 50, 1000, 9_999, 10_001, 30_000];
const TOKENS: &[&str] = &[
    "BEGIN",
    "END",
    "tick-1ms",
    "syscall::read:entry",
    "profile-97",
    "ERROR",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "/",
    "*",
    ";",
    ",",
    "=",
    "?",
    ":",
    "->",
    ".",
    "@",
    "@a",
    "$1",
    "$$1",
    "$target",
    "self->",
    "this->",
    "int",
    "char *",
    "string",
    "struct",
    "union",
    "enum",
    "typedef",
    "inline",
    "translator",
    "xlate",
    "sizeof",
    "offsetof",
    "stringof",
    "if",
    "else",
    "#pragma D option quiet\n",
    "#pragma D option bufsize=",
    "\n",
    "\"",
    "'",
    "\\",
    "/*",
    "*/",
    "//",
    "0x",
    "07",
    "1ULL",
    "-1",
    "printf(\"%s %d\", ",
    "trace(",
    "@[",
    "] = count();",
    "quantize(",
    "lquantize(x, 0, 10, 1)",
    "stack()",
    "ustack()",
    "copyinstr(",
    "arg0",
    "args[0]",
    "curthread",
    "curpsinfo->pr_psargs",
    "execname",
    "pid",
    "probefunc",
    "`",
    "::",
    "++",
    "--",
    "<<=",
    "^^",
];

/// One seed with 1 to 4 mutations.
fn mutate(rng: &mut Rng, seeds: &[Vec<u8>]) -> Vec<u8> {
    let mut s = rng.pick(seeds).clone();
    for _ in 0..1 + rng.below(4) {
        match rng.below(9) {
            0 => {
                let r = rng.range(&s, 64);
                s.drain(r);
            }
            1 => {
                let r = rng.range(&s, 200);
                let piece = s[r].to_vec();
                let at = rng.below(s.len() + 1);
                s.splice(at..at, piece);
            }
            2 => {
                let (a, b) = (rng.range(&s, 80), rng.range(&s, 80));
                let (a, b) = if a.start <= b.start { (a, b) } else { (b, a) };
                if a.end <= b.start {
                    let mut out = s[..a.start].to_vec();
                    out.extend_from_slice(&s[b.clone()]);
                    out.extend_from_slice(&s[a.end..b.start]);
                    out.extend_from_slice(&s[a.clone()]);
                    out.extend_from_slice(&s[b.end..]);
                    s = out;
                }
            }
            3 => {
                let other = rng.pick(seeds);
                let piece = other[rng.range(other, 300)].to_vec();
                let at = rng.below(s.len() + 1);
                s.splice(at..at, piece);
            }
            4 | 5 => {
                let (open, close) = *rng.pick(NESTERS);
                let n = *rng.pick(DEPTHS);
                let mut deep = open.repeat(n);
                deep.push('1');
                deep.push_str(&close.repeat(n));
                insert_operand(rng, &mut s, deep.as_bytes());
            }
            6 => {
                let n = 1 + rng.below(100_000);
                let huge = match rng.below(5) {
                    0 => "9".repeat(n),
                    1 => format!("0x{}", "f".repeat(n.min(1000))),
                    2 => format!("\"{}\"", "a".repeat(n)),
                    3 => format!("'{}'", "b".repeat(n.min(100))),
                    _ => format!("v{}", "_".repeat(n)),
                };
                insert_operand(rng, &mut s, huge.as_bytes());
            }
            7 => {
                let n = 1 + rng.below(16);
                let at = rng.below(s.len() + 1);
                let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
                s.splice(at..at, bytes);
            }
            _ => {
                let t = rng.pick(TOKENS).as_bytes();
                let at = rng.below(s.len() + 1);
                s.splice(at..at, t.iter().copied());
            }
        }
    }
    s
}

/// Inserts an operand after an `=` or `(` when the program has one (where
/// an expression may stand), else anywhere.
fn insert_operand(rng: &mut Rng, s: &mut Vec<u8>, what: &[u8]) {
    let spots: Vec<usize> = (0..s.len()).filter(|&i| s[i] == b'=' || s[i] == b'(').map(|i| i + 1).collect();
    let at = if spots.is_empty() || rng.below(4) == 0 { rng.below(s.len() + 1) } else { *rng.pick(&spots) };
    s.splice(at..at, what.iter().copied());
}

/// What one `dtrace` process did.
struct Outcome {
    code: Option<i32>,
    signal: Option<i32>,
    timed_out: bool,
    stderr: String,
    /// BPF objects it held while it ran (`prog_id:` ... in its fdinfo).
    held: BTreeSet<(&'static str, u32)>,
}

fn compile(work: &Path, input: &[u8], as_spec: bool) -> Outcome {
    let mut cmd = Command::new(DTRACE);
    if as_spec {
        cmd.arg("-e").arg("-n").arg(String::from_utf8_lossy(input).as_ref());
    } else {
        std::fs::write(work.join("fuzz.d"), input).expect("write input");
        cmd.args(["-e", "-s", "fuzz.d"]);
    }
    spawn(cmd, work, false)
}

fn run(work: &Path, input: &[u8]) -> Outcome {
    std::fs::write(work.join("fuzz.d"), input).expect("write input");
    let mut cmd = Command::new(DTRACE);
    cmd.args(["-q", "-s", "fuzz.d", "-n", EXIT_CLAUSE]);
    spawn(cmd, work, true)
}

/// Runs `cmd` in `work`, in a process group of its own, killed at TIMEOUT.
fn spawn(mut cmd: Command, work: &Path, watch_bpf: bool) -> Outcome {
    let err_path = work.join("stderr");
    let err = std::fs::File::create(&err_path).expect("stderr file");
    cmd.current_dir(work).stdin(Stdio::null()).stdout(Stdio::null()).stderr(err).process_group(0);
    let mut child = cmd.spawn().expect("spawn dtrace");
    let (deadline, mut timed_out, mut held) = (Instant::now() + TIMEOUT, false, BTreeSet::new());
    let status = loop {
        if watch_bpf {
            bpf_fds(child.id(), &mut held);
        }
        if let Some(st) = child.try_wait().expect("wait") {
            break st;
        }
        if Instant::now() >= deadline {
            timed_out = true;
            unsafe { libc::kill(-(child.id() as i32), libc::SIGKILL) };
            break child.wait().expect("wait");
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    unsafe { libc::kill(-(child.id() as i32), libc::SIGKILL) };
    let mut stderr = String::new();
    let _ = std::fs::File::open(&err_path).and_then(|mut f| f.read_to_string(&mut stderr));
    Outcome { code: status.code(), signal: status.signal(), timed_out, stderr, held }
}

/// Adds the BPF objects behind the process's descriptors.
fn bpf_fds(pid: u32, held: &mut BTreeSet<(&'static str, u32)>) {
    let dir = format!("/proc/{}/fdinfo", pid);
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let Ok(info) = std::fs::read_to_string(e.path()) else { continue };
        for line in info.lines() {
            for kind in ["prog_id", "map_id", "link_id"] {
                if let Some(id) = line.strip_prefix(kind).and_then(|r| r.strip_prefix(':')) {
                    if let Ok(id) = id.trim().parse() {
                        held.insert((kind, id));
                    }
                }
            }
        }
    }
}

/// No signal, no hang, a known status (any, when the program may have
/// chosen it with exit()), errors in DTrace's form.
fn judge(o: &Outcome, ran: bool) -> Result<(), String> {
    if o.timed_out {
        return Err(format!("still running after {:?}", TIMEOUT));
    }
    if let Some(sig) = o.signal {
        return Err(format!("killed by signal {}\n{}", sig, o.stderr));
    }
    if !ran && !matches!(o.code, Some(0..=2)) {
        return Err(format!("exit status {:?}\n{}", o.code, o.stderr));
    }
    if ["panicked", "RUST_BACKTRACE", "overflowed its stack", "fatal runtime error"]
        .iter()
        .any(|p| o.stderr.contains(p))
    {
        return Err(format!("a panic\n{}", o.stderr));
    }
    // What dtrace says comes first (a script's own exit status may come alone).
    let first = o.stderr.lines().find(|l| !l.trim().is_empty());
    let failed_silently = first.is_none() && !ran && o.code != Some(0);
    if failed_silently || first.is_some_and(|l| !l.starts_with("dtrace: ") && !l.starts_with("Usage: ")) {
        return Err(format!("an error not in DTrace's form\n{}", o.stderr));
    }
    Ok(())
}

/// What the run held and the kernel still has (it frees BPF objects from
/// deferred work: allow it a few seconds).
fn left_behind(o: &Outcome) -> Result<(), String> {
    use libdtrace::kernel::sys;
    let t = Instant::now();
    loop {
        let mut live = BTreeSet::new();
        live.extend(sys::loaded_prog_names().unwrap_or_default().into_iter().map(|(id, _)| ("prog_id", id)));
        live.extend(sys::loaded_map_names().unwrap_or_default().into_iter().map(|(id, _)| ("map_id", id)));
        live.extend(sys::loaded_links().unwrap_or_default().into_iter().map(|l| ("link_id", l.id)));
        let left: Vec<_> = o.held.intersection(&live).collect();
        if left.is_empty() {
            return Ok(());
        }
        if t.elapsed() > Duration::from_secs(5) {
            return Err(format!("left attached after exit: {:?}", left));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A real run must not be able to harm the machine: no destructive actions
/// (they need -w or this pragma, which the runs never have).
fn runnable(input: &[u8]) -> bool {
    !input.windows(11).any(|w| w.eq_ignore_ascii_case(b"destructive"))
}

/// Keeps a failing input; returns the report's paragraph about it.
fn save(name: &str, input: &[u8], as_spec: bool, why: &str) -> String {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("../fuzz-failures");
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("{}.d", name));
    let _ = std::fs::write(&path, input);
    let how = match (as_spec, name.starts_with("run")) {
        (true, _) => format!("dtrace -e -n \"$(cat {})\"", path.display()),
        (false, false) => format!("dtrace -e -s {}", path.display()),
        (false, true) => format!("dtrace -q -s {} -n '{}'", path.display(), EXIT_CLAUSE),
    };
    let why: String = why.chars().take(2000).collect();
    format!("---- fuzz: {} ----\n{}", how, why)
}
