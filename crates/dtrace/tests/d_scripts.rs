//! End-to-end test runner for the D test cases under the top-level `tests/`
//! directory (see `tests/README.md` for the case format).
//!
//! This is a `harness = false` test target: it has its own `main`, runs every
//! case in sequence (BPF cases interfere when run in parallel) and prints one
//! `test GROUP/NAME ... ok|FAILED|ignored` line per case and a final
//! `test result: ...` line in libtest's format.
//!
//! Selecting cases: `DTRACE_TEST=substr[,substr...]` in the environment, or
//! positional filters after `--` (`cargo test --test d_scripts -- basic/`).
//! `DTRACE_TEST_VERBOSE=1` prints each command and its full output;
//! `DTRACE_BIN=/path/to/dtrace` runs the cases against another binary.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs;
use std::io::{Read, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const DEFAULT_TIMEOUT_SECS: u64 = 30;
/// Default timeout of cases that need `vm` (each boots a QEMU VM, TCG).
const DEFAULT_VM_TIMEOUT_SECS: u64 = 300;
/// How long to wait for stdout/stderr to reach EOF after the child has exited
/// and its process group has been killed.
const PIPE_GRACE: Duration = Duration::from_secs(5);
/// Cap on captured output per stream, so a runaway case cannot eat memory.
const MAX_CAPTURE: usize = 16 << 20;

// ---------------------------------------------------------------------------
// Case discovery
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    D,
    Sh,
}

#[derive(Debug)]
struct Case {
    /// `group/NAME` (path of the case relative to tests/, without extension)
    name: String,
    /// Directory holding the case's files.
    dir: PathBuf,
    /// File stem `NAME`.
    stem: String,
    kind: Kind,
}

impl Case {
    fn file(&self, ext: &str) -> PathBuf {
        self.dir.join(format!("{}.{}", self.stem, ext))
    }
    fn read_opt(&self, ext: &str) -> Result<Option<String>, String> {
        let p = self.file(ext);
        match fs::read(&p) {
            Ok(b) => String::from_utf8(b)
                .map(Some)
                .map_err(|_| format!("{} is not UTF-8", p.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!("cannot read {}: {e}", p.display())),
        }
    }
}

fn discover(root: &Path) -> Vec<Case> {
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out.sort_by(|a, b| {
        a.name
            .cmp(&b.name)
            .then((a.kind as u8).cmp(&(b.kind as u8)))
    });
    out
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<Case>) {
    let Ok(rd) = fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = rd.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            // tests/pending/ holds cases that document known failures of our
            // implementation (see tests/README.md): they are never run.
            if p.parent() == Some(root) && p.file_name().is_some_and(|n| n == "pending") {
                continue;
            }
            walk(root, &p, out);
            continue;
        }
        // Only files in a group directory are cases (tests/README.md etc. are not).
        if p.parent() == Some(root) {
            continue;
        }
        // A group's `lib.sh` is a helper that its cases source, not a case.
        if p.file_name().is_some_and(|n| n == "lib.sh") {
            continue;
        }
        let kind = match p.extension().and_then(|e| e.to_str()) {
            Some("d") => Kind::D,
            Some("sh") => Kind::Sh,
            _ => continue,
        };
        let stem = p.file_stem().unwrap().to_string_lossy().into_owned();
        let rel_dir = p.parent().unwrap().strip_prefix(root).unwrap();
        let name = format!("{}/{}", rel_dir.display(), stem);
        out.push(Case {
            name,
            dir: p.parent().unwrap().to_path_buf(),
            stem,
            kind,
        });
    }
}

// ---------------------------------------------------------------------------
// Shell-like word splitting for NAME.flags
// ---------------------------------------------------------------------------

/// Splits like a POSIX shell without expansions: whitespace (including
/// newlines) separates words; '...' is literal; "..." allows \" \\ \$ \`;
/// a backslash outside quotes escapes the next character; a `#` starting a
/// word comments out the rest of the line.
fn shell_split(s: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        match c {
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            '#' if !in_word => {
                for c in it.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match it.next() {
                        Some('\'') => break,
                        Some(c) => cur.push(c),
                        None => return Err("unterminated '".into()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match it.next() {
                        Some('"') => break,
                        Some('\\') => match it.next() {
                            Some(c @ ('"' | '\\' | '$' | '`')) => cur.push(c),
                            Some('\n') => {}
                            Some(c) => {
                                cur.push('\\');
                                cur.push(c);
                            }
                            None => return Err("unterminated \"".into()),
                        },
                        Some(c) => cur.push(c),
                        None => return Err("unterminated \"".into()),
                    }
                }
            }
            '\\' => match it.next() {
                Some('\n') => {}
                Some(c) => {
                    in_word = true;
                    cur.push(c);
                }
                None => return Err("trailing backslash".into()),
            },
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

// ---------------------------------------------------------------------------
// Substitution and normalisation
// ---------------------------------------------------------------------------

struct Paths {
    dtrace: PathBuf,
    workload: PathBuf,
}

struct CaseCtx<'a> {
    paths: &'a Paths,
    case_dir: PathBuf,
    tmp: PathBuf,
}

impl CaseCtx<'_> {
    /// `@WORKLOAD@`, `@DTRACE@`, `@TESTDIR@`, `@TMP@` in flags and env values.
    fn substitute(&self, s: &str) -> String {
        s.replace("@WORKLOAD@", &self.paths.workload.to_string_lossy())
            .replace("@DTRACE@", &self.paths.dtrace.to_string_lossy())
            .replace("@TESTDIR@", &self.case_dir.to_string_lossy())
            .replace("@TMP@", &self.tmp.to_string_lossy())
    }

    /// Stderr normalisation (documented in tests/README.md):
    /// absolute paths back to placeholders, the dtrace process's own pid to
    /// `@DTRACE_PID@`, and any number right after a word `pid`/`PID`/`process`
    /// followed by ' ', '=' or ':' to `@PID@`.
    fn normalize(&self, s: &str, dtrace_pid: u32) -> String {
        // Longest paths first so a path inside another is not half-replaced.
        let mut reps: Vec<(String, &str)> = vec![
            (self.paths.dtrace.to_string_lossy().into_owned(), "@DTRACE@"),
            (
                self.paths.workload.to_string_lossy().into_owned(),
                "@WORKLOAD@",
            ),
            (self.tmp.to_string_lossy().into_owned(), "@TMP@"),
            (self.case_dir.to_string_lossy().into_owned(), "@TESTDIR@"),
        ];
        reps.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
        let mut s = s.to_string();
        for (from, to) in reps {
            if !from.is_empty() {
                s = s.replace(&from, to);
            }
        }
        let s = replace_number_token(&s, &dtrace_pid.to_string(), "@DTRACE_PID@");
        normalize_pid_words(&s)
    }
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Replaces `num` where it stands as a whole number (not inside a longer
/// run of digits/letters).
fn replace_number_token(s: &str, num: &str, with: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    let mut prev: Option<char> = None;
    while let Some(i) = rest.find(num) {
        let before = rest[..i].chars().next_back().or(prev);
        let after = rest[i + num.len()..].chars().next();
        out.push_str(&rest[..i]);
        if before.is_none_or(|c| !is_word_char(c)) && after.is_none_or(|c| !is_word_char(c)) {
            out.push_str(with);
        } else {
            out.push_str(num);
        }
        prev = num.chars().next_back();
        rest = &rest[i + num.len()..];
    }
    out.push_str(rest);
    out
}

fn normalize_pid_words(s: &str) -> String {
    const WORDS: [&str; 3] = ["pid", "PID", "process"];
    let mut out = String::with_capacity(s.len());
    let b = s.as_bytes();
    let mut i = 0;
    'outer: while i < b.len() {
        for w in WORDS {
            let wb = w.as_bytes();
            if b[i..].starts_with(wb)
                && (i == 0 || !is_word_char(b[i - 1] as char))
                && i + wb.len() < b.len()
                && matches!(b[i + wb.len()], b' ' | b'=' | b':')
            {
                let mut j = i + wb.len() + 1;
                let start = j;
                while j < b.len() && b[j].is_ascii_digit() {
                    j += 1;
                }
                if j > start && (j == b.len() || !is_word_char(b[j] as char)) {
                    out.push_str(&s[i..start]);
                    out.push_str("@PID@");
                    i = j;
                    continue 'outer;
                }
            }
        }
        let ch = s[i..].chars().next().unwrap();
        out.push(ch);
        i += ch.len_utf8();
    }
    out
}

// ---------------------------------------------------------------------------
// Requirements
// ---------------------------------------------------------------------------

fn euid() -> u32 {
    unsafe { libc::geteuid() }
}

fn tracefs_file(name: &str) -> bool {
    ["/sys/kernel/tracing", "/sys/kernel/debug/tracing"]
        .iter()
        .any(|d| Path::new(d).join(name).exists())
}

/// Where the VM runner is: `$VMRUN` if set (`.ci/run` exports it), else
/// `../shared/vm/vmrun` beside the repository. Err(reason) when it is absent.
fn find_vmrun() -> Result<PathBuf, String> {
    let (p, from) = match std::env::var_os("VMRUN").filter(|v| !v.is_empty()) {
        Some(v) => (PathBuf::from(v), "VMRUN="),
        None => {
            // crates/dtrace -> the repository root -> ../shared/vm/vmrun
            let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
            let root = root.canonicalize().unwrap_or(root);
            let up = root.parent().unwrap_or(&root).to_path_buf();
            (up.join("shared/vm/vmrun"), "VMRUN is unset and ")
        }
    };
    let p = p.canonicalize().unwrap_or(p);
    let executable = fs::metadata(&p).is_ok_and(|m| {
        use std::os::unix::fs::PermissionsExt;
        m.is_file() && m.permissions().mode() & 0o111 != 0
    });
    if executable {
        Ok(p)
    } else {
        Err(format!(
            "needs the VM runner vmrun: {from}{} is not an executable file",
            p.display()
        ))
    }
}

/// The dtrace under test: DTRACE_BIN runs the cases against another one
/// (e.g. a reference one).
fn dtrace_bin() -> PathBuf {
    std::env::var_os("DTRACE_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_dtrace")))
}

/// Does the kernel let BPF programs write user memory (copyout())? Kernel
/// lockdown forbids it; dtrace then refuses copyout() at compile time.
fn write_user_allowed() -> bool {
    static ALLOWED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ALLOWED.get_or_init(|| {
        Command::new(dtrace_bin())
            .args(["-w", "-e", "-n", "BEGIN { copyoutstr(\"\", 0, 1) }"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

/// What `NAME.requires` asks for.
struct Requirements {
    /// Some(reason) if the case must be skipped here.
    skip: Option<String>,
    /// For `vm` cases: the VM runner, passed to the case as `$VMRUN`.
    vmrun: Option<PathBuf>,
    /// The case needs `vm` (longer default timeout).
    vm: bool,
}

/// Checks NAME.requires; Err(msg) if the requirements file itself is wrong.
fn check_requirements(case: &Case) -> Result<Requirements, String> {
    let words: Vec<String> = match case.read_opt("requires")? {
        Some(s) => shell_split(&s).map_err(|e| format!("{}.requires: {e}", case.stem))?,
        None => Vec::new(),
    };
    let mut needs_root = true;
    let mut reasons = Vec::new();
    let (mut vm, mut vmrun) = (false, None);
    for w in &words {
        match w.as_str() {
            "vm" => {
                vm = true;
                // `.ci/run` sets this when `vmrun --setup` failed: fail fast
                // instead of letting each case retry the installation.
                if let Some(why) = std::env::var_os("DTRACE_VM_SETUP_FAILED") {
                    return Err(format!(
                        "VM setup failed in .ci/run: {}",
                        why.to_string_lossy()
                    ));
                }
                match find_vmrun() {
                    Ok(p) => vmrun = Some(p),
                    Err(why) => reasons.push(why),
                }
            }
            "unprivileged" => needs_root = false,
            "root" => needs_root = true,
            "kprobes" => {
                if !tracefs_file("kprobe_events") {
                    reasons.push("kernel has no kprobes (no kprobe_events in tracefs)".to_string());
                }
            }
            "uprobes" => {
                if !tracefs_file("uprobe_events") {
                    reasons.push("kernel has no uprobes (no uprobe_events in tracefs)".to_string());
                }
            }
            "write_user" => {
                if !write_user_allowed() {
                    reasons.push("kernel refuses bpf_probe_write_user (kernel lockdown)".to_string());
                }
            }
            "btf" => {
                if !Path::new("/sys/kernel/btf/vmlinux").exists() {
                    reasons.push("kernel has no BTF (/sys/kernel/btf/vmlinux)".to_string());
                }
            }
            w if w.starts_with("cmd:") => {
                let prog = &w[4..];
                let found = std::env::var_os("PATH")
                    .map(|p| std::env::split_paths(&p).any(|d| d.join(prog).is_file()))
                    .unwrap_or(false);
                if !found {
                    reasons.push(format!("command {prog} not found in PATH"));
                }
            }
            other => {
                return Err(format!(
                    "{}.requires: unknown requirement {other:?}",
                    case.stem
                ))
            }
        }
    }
    if needs_root && euid() != 0 {
        reasons.insert(0, format!("needs root for BPF (euid is {})", euid()));
    }
    Ok(Requirements {
        skip: if reasons.is_empty() {
            None
        } else {
            Some(reasons.join("; "))
        },
        vmrun,
        vm,
    })
}

// ---------------------------------------------------------------------------
// Running one process with a timeout
// ---------------------------------------------------------------------------

struct RunResult {
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    status: Option<ExitStatus>,
    timed_out: bool,
    pid: u32,
    elapsed: Duration,
    note: Option<String>,
}

fn spawn_reader<R: Read + Send + 'static>(
    mut r: R,
    tx: mpsc::Sender<(usize, Vec<u8>)>,
    idx: usize,
) {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let mut chunk = [0u8; 65536];
        loop {
            match r.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => {
                    if buf.len() < MAX_CAPTURE {
                        buf.extend_from_slice(&chunk[..n]);
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
        let _ = tx.send((idx, buf));
    });
}

fn kill_group(pgid: u32) {
    unsafe {
        libc::kill(-(pgid as libc::pid_t), libc::SIGKILL);
    }
}

fn run_with_timeout(mut cmd: Command, timeout: Duration) -> std::io::Result<RunResult> {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // Own process group, so a timeout (or cleanup) kills the whole tree.
    cmd.process_group(0);
    let start = Instant::now();
    let mut child: Child = cmd.spawn()?;
    let pid = child.id();
    let (tx, rx) = mpsc::channel();
    spawn_reader(child.stdout.take().unwrap(), tx.clone(), 0);
    spawn_reader(child.stderr.take().unwrap(), tx, 1);

    let deadline = start + timeout;
    let mut timed_out = false;
    let status = loop {
        if let Some(st) = child.try_wait()? {
            break Some(st);
        }
        if Instant::now() >= deadline {
            timed_out = true;
            kill_group(pid);
            let _ = child.kill();
            break child.wait().ok();
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let elapsed = start.elapsed();
    // Anything the case left behind in its process group goes too; it would
    // otherwise hold our pipes open (and perturb the next case).
    kill_group(pid);

    let mut outs: [Option<Vec<u8>>; 2] = [None, None];
    let mut note = None;
    let grace_end = Instant::now() + PIPE_GRACE;
    while outs.iter().any(|o| o.is_none()) {
        let left = grace_end.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok((i, b)) => outs[i] = Some(b),
            Err(_) => {
                note = Some(
                    "stdout/stderr still open after exit: a process outside the case's \
                     process group kept them (output may be incomplete)"
                        .to_string(),
                );
                break;
            }
        }
    }
    let [o, e] = outs;
    Ok(RunResult {
        stdout: o.unwrap_or_default(),
        stderr: e.unwrap_or_default(),
        status,
        timed_out,
        pid,
        elapsed,
        note,
    })
}

// ---------------------------------------------------------------------------
// Diff
// ---------------------------------------------------------------------------

/// A small unified-style line diff (LCS); falls back to "first difference"
/// for very large inputs.
fn diff(expected: &str, actual: &str) -> String {
    let a: Vec<&str> = expected.split_inclusive('\n').collect();
    let b: Vec<&str> = actual.split_inclusive('\n').collect();
    let show = |l: &str| -> String {
        match l.strip_suffix('\n') {
            Some(x) => x.to_string(),
            None => format!("{l}\\ (no newline at end)"),
        }
    };
    let mut out = String::from("--- expected\n+++ actual\n");
    if a.len() * b.len() > 4_000_000 {
        let i = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
        out.push_str(&format!(
            "(large output; first difference at line {})\n",
            i + 1
        ));
        if let Some(l) = a.get(i) {
            out.push_str(&format!("-{}\n", show(l)));
        }
        if let Some(l) = b.get(i) {
            out.push_str(&format!("+{}\n", show(l)));
        }
        return out;
    }
    let (n, m) = (a.len(), b.len());
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    // Edit script: (' ' | '-' | '+', line)
    let mut ops: Vec<(char, &str)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            ops.push((' ', a[i]));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            ops.push(('-', a[i]));
            i += 1;
        } else {
            ops.push(('+', b[j]));
            j += 1;
        }
    }
    // Print changes with 3 lines of context; at most 200 lines.
    const CTX: usize = 3;
    let changed: Vec<usize> = ops
        .iter()
        .enumerate()
        .filter(|(_, o)| o.0 != ' ')
        .map(|(k, _)| k)
        .collect();
    let mut printed = 0usize;
    let mut last_end = 0usize;
    let mut k = 0;
    while k < changed.len() {
        let start = changed[k].saturating_sub(CTX).max(last_end);
        let mut end = changed[k] + 1;
        while k + 1 < changed.len() && changed[k + 1] <= end + 2 * CTX {
            k += 1;
            end = changed[k] + 1;
        }
        let end = (end + CTX).min(ops.len());
        if start > last_end || last_end == 0 {
            let line_a = ops[..start].iter().filter(|o| o.0 != '+').count() + 1;
            let line_b = ops[..start].iter().filter(|o| o.0 != '-').count() + 1;
            out.push_str(&format!("@@ -{line_a} +{line_b} @@\n"));
        }
        for (c, l) in &ops[start..end] {
            out.push_str(&format!("{c}{}\n", show(l)));
            printed += 1;
            if printed >= 200 {
                out.push_str("... (diff truncated)\n");
                return out;
            }
        }
        last_end = end;
        k += 1;
    }
    out
}

// ---------------------------------------------------------------------------
// Running a case
// ---------------------------------------------------------------------------

enum Outcome {
    Pass,
    Fail(String),
    Skip(String),
}

fn parse_env_file(text: &str, ctx: &CaseCtx) -> Result<Vec<(String, Option<String>)>, String> {
    let mut v = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(k) = line.strip_prefix("unset ") {
            v.push((k.trim().to_string(), None));
        } else if let Some((k, val)) = line.split_once('=') {
            v.push((k.trim().to_string(), Some(ctx.substitute(val))));
        } else {
            return Err(format!(
                ".env line {}: expected KEY=VALUE or `unset KEY`",
                n + 1
            ));
        }
    }
    Ok(v)
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn run_case(case: &Case, paths: &Paths, verbose: bool) -> Outcome {
    match run_case_inner(case, paths, verbose) {
        Ok(o) => o,
        Err(e) => Outcome::Fail(e),
    }
}

fn run_case_inner(case: &Case, paths: &Paths, verbose: bool) -> Result<Outcome, String> {
    let req = check_requirements(case)?;
    if let Some(reason) = req.skip {
        return Ok(Outcome::Skip(reason));
    }
    let expected_out = case
        .read_opt("out")?
        .ok_or_else(|| format!("missing {}.out", case.stem))?;
    let expected_err = case.read_opt("err")?;
    let expected_status: i32 = match case.read_opt("status")? {
        Some(s) => s
            .trim()
            .parse()
            .map_err(|_| format!("bad {}.status: {s:?}", case.stem))?,
        None => 0,
    };
    let timeout = match case.read_opt("timeout")? {
        Some(s) => s
            .trim()
            .parse()
            .map_err(|_| format!("bad {}.timeout: {s:?}", case.stem))?,
        None if req.vm => DEFAULT_VM_TIMEOUT_SECS,
        None => DEFAULT_TIMEOUT_SECS,
    };

    let tmp = std::env::temp_dir().join(format!(
        "dtrace-test-{}-{}",
        std::process::id(),
        case.name.replace('/', "-")
    ));
    let _ = fs::remove_dir_all(&tmp);
    fs::create_dir_all(&tmp).map_err(|e| format!("cannot create {}: {e}", tmp.display()))?;
    let ctx = CaseCtx {
        paths,
        case_dir: case.dir.clone(),
        tmp: tmp.clone(),
    };

    let mut cmd;
    let mut shown: Vec<OsString>;
    match case.kind {
        Kind::D => {
            let flags = match case.read_opt("flags")? {
                Some(f) => shell_split(&f).map_err(|e| format!("{}.flags: {e}", case.stem))?,
                None => Vec::new(),
            };
            cmd = Command::new(&paths.dtrace);
            shown = vec![paths.dtrace.clone().into()];
            let script = format!("{}.d", case.stem);
            let mut args: Vec<OsString> = vec!["-s".into(), script.into()];
            args.extend(flags.iter().map(|f| OsString::from(ctx.substitute(f))));
            cmd.args(&args);
            shown.extend(args);
        }
        Kind::Sh => {
            cmd = Command::new("bash");
            let script = format!("{}.sh", case.stem);
            cmd.arg(&script);
            shown = vec!["bash".into(), script.into()];
        }
    }
    cmd.current_dir(&case.dir)
        .env("DTRACE", &paths.dtrace)
        .env("WORKLOAD", &paths.workload)
        .env("TESTDIR", &case.dir)
        .env("CASE_TMP", &tmp)
        .env("CASE_TIMEOUT", timeout.to_string())
        .env("LC_ALL", "C")
        .env("TZ", "UTC");
    if let Some(v) = &req.vmrun {
        cmd.env("VMRUN", v);
    }
    if let Some(e) = case.read_opt("env")? {
        for (k, v) in parse_env_file(&e, &ctx)? {
            match v {
                Some(v) => cmd.env(k, v),
                None => cmd.env_remove(k),
            };
        }
    }

    if verbose {
        let line: Vec<String> = shown
            .iter()
            .map(|s| s.to_string_lossy().into_owned())
            .collect();
        eprintln!(
            "[{}] cwd {}: {}",
            case.name,
            case.dir.display(),
            line.join(" ")
        );
    }
    let r = run_with_timeout(cmd, Duration::from_secs(timeout))
        .map_err(|e| format!("cannot run {:?}: {e}", shown[0]))?;
    let _ = fs::remove_dir_all(&tmp);

    let out = text(&r.stdout);
    let err_raw = text(&r.stderr);
    let err_norm = ctx.normalize(&err_raw, r.pid);
    if verbose {
        eprintln!(
            "[{}] status {:?} in {:.2?}\n--- stdout ---\n{out}--- stderr ---\n{err_raw}--- end ---",
            case.name, r.status, r.elapsed
        );
    }

    let mut problems = Vec::new();
    if r.timed_out {
        problems.push(format!(
            "timed out after {timeout} s (process group killed)"
        ));
    }
    if let Some(n) = &r.note {
        problems.push(n.clone());
    }
    if !r.timed_out {
        match r.status {
            Some(st) => match (st.code(), st.signal()) {
                (Some(c), _) if c == expected_status => {}
                (Some(c), _) => {
                    problems.push(format!("exit status {c}, expected {expected_status}"))
                }
                (None, Some(sig)) => problems.push(format!(
                    "killed by signal {sig}, expected exit status {expected_status}"
                )),
                _ => problems.push(format!("unknown exit status {st:?}")),
            },
            None => problems.push("could not collect exit status".into()),
        }
    }
    if out != expected_out {
        problems.push(format!("stdout differs:\n{}", diff(&expected_out, &out)));
    }
    if let Some(exp) = &expected_err {
        if &err_norm != exp {
            problems.push(format!(
                "stderr differs (after normalisation):\n{}",
                diff(exp, &err_norm)
            ));
        }
    }
    if problems.is_empty() {
        return Ok(Outcome::Pass);
    }
    let mut msg = format!("command: (cd {} && ", case.dir.display());
    msg.push_str(
        &shown
            .iter()
            .map(|s| shell_quote(&s.to_string_lossy()))
            .collect::<Vec<_>>()
            .join(" "),
    );
    msg.push_str(")\n");
    for p in problems {
        msg.push_str(&p);
        if !msg.ends_with('\n') {
            msg.push('\n');
        }
    }
    if expected_err.is_none() && !err_raw.is_empty() {
        msg.push_str("stderr was:\n");
        for l in err_raw.lines().take(40) {
            msg.push_str("  ");
            msg.push_str(l);
            msg.push('\n');
        }
    }
    Ok(Outcome::Fail(msg))
}

fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:@%+,".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

// ---------------------------------------------------------------------------
// Locating the binaries
// ---------------------------------------------------------------------------

fn find_workload(dtrace: &Path) -> Result<PathBuf, String> {
    if let Some(p) = std::env::var_os("DTRACE_WORKLOAD") {
        return Ok(PathBuf::from(p));
    }
    // Cargo puts every binary of the workspace beside `dtrace`
    // (target/<profile>/). `cargo test --workspace` builds it there because
    // the dtrace-workload crate has an integration test; otherwise build it.
    let profile_dir = dtrace
        .parent()
        .ok_or("dtrace binary has no parent directory")?;
    let w = profile_dir.join("dtrace-workload");
    if w.is_file() {
        return Ok(w);
    }
    let target_dir = profile_dir
        .parent()
        .ok_or("cannot find the target directory")?;
    let profile = match profile_dir.file_name().and_then(|s| s.to_str()) {
        Some("debug") => "dev".to_string(),
        Some(p) => p.to_string(),
        None => "dev".to_string(),
    };
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    eprintln!(
        "building dtrace-workload (profile {profile}) into {}",
        target_dir.display()
    );
    let st = Command::new(cargo)
        .args([
            "build",
            "-q",
            "-p",
            "dtrace-workload",
            "--profile",
            &profile,
        ])
        .env("CARGO_TARGET_DIR", target_dir)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .map_err(|e| format!("cannot run cargo to build dtrace-workload: {e}"))?;
    if !st.success() || !w.is_file() {
        return Err(format!(
            "building dtrace-workload failed ({st}); expected {}",
            w.display()
        ));
    }
    Ok(w)
}

// ---------------------------------------------------------------------------
// main: libtest-compatible command line and output
// ---------------------------------------------------------------------------

struct Args {
    filters: Vec<String>,
    skips: Vec<String>,
    exact: bool,
    list: bool,
    ignored_only: bool,
    include_ignored: bool,
}

fn parse_cli() -> Args {
    let mut a = Args {
        filters: Vec::new(),
        skips: Vec::new(),
        exact: false,
        list: false,
        ignored_only: false,
        include_ignored: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(s) = it.next() {
        match s.as_str() {
            "--list" => a.list = true,
            "--exact" => a.exact = true,
            "--ignored" => a.ignored_only = true,
            "--include-ignored" => a.include_ignored = true,
            "--skip" => a.skips.extend(it.next()),
            // libtest options taking a separate value: accept and ignore.
            "--test-threads" | "--format" | "--color" | "--logfile" | "-Z" | "--shuffle-seed" => {
                it.next();
            }
            s if s.starts_with('-') => {} // --nocapture, --quiet, --bench, ...
            s => a.filters.push(s.to_string()),
        }
    }
    if let Ok(v) = std::env::var("DTRACE_TEST") {
        a.filters.extend(
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from),
        );
    }
    a
}

fn main() {
    selftest();
    let args = parse_cli();
    let verbose = std::env::var("DTRACE_TEST_VERBOSE").is_ok_and(|v| !v.is_empty() && v != "0");
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tests_root = std::env::var_os("DTRACE_TESTS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("../../tests"));
    let tests_root = tests_root.canonicalize().unwrap_or(tests_root);

    let all = discover(&tests_root);
    let total = all.len();
    let selected: Vec<Case> = all
        .into_iter()
        .filter(|c| {
            let m = |f: &String| {
                if args.exact {
                    &c.name == f
                } else {
                    c.name.contains(f.as_str())
                }
            };
            (args.filters.is_empty() || args.filters.iter().any(m)) && !args.skips.iter().any(m)
        })
        .collect();
    let filtered_out = total - selected.len();

    if args.list {
        for c in &selected {
            println!("{}: test", c.name);
        }
        return;
    }
    if args.ignored_only {
        // No case is #[ignore]d in the libtest sense; skips are decided at run time.
        println!("\nrunning 0 tests\n\ntest result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; {total} filtered out; finished in 0.00s\n");
        return;
    }
    let _ = args.include_ignored;

    // Duplicate NAME.d + NAME.sh is a failure of that name (ambiguous .out).
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for c in &selected {
        *seen.entry(c.name.as_str()).or_default() += 1;
    }

    let dtrace = dtrace_bin();
    let start = Instant::now();
    println!("\nrunning {} tests", selected.len());
    let _ = std::io::stdout().flush();

    let workload = if selected.is_empty() {
        Ok(PathBuf::new())
    } else {
        find_workload(Path::new(env!("CARGO_BIN_EXE_dtrace")))
    };
    let paths = Paths {
        dtrace: dtrace.clone(),
        workload: workload.clone().unwrap_or_default(),
    };

    let (mut passed, mut failed, mut ignored) = (0, 0, 0);
    let mut failures: Vec<(String, String)> = Vec::new();
    for case in &selected {
        let label = match case.kind {
            Kind::D => case.name.clone(),
            Kind::Sh if seen[case.name.as_str()] > 1 => format!("{} (sh)", case.name),
            Kind::Sh => case.name.clone(),
        };
        let outcome = if seen[case.name.as_str()] > 1 {
            Outcome::Fail(format!(
                "both {0}.d and {0}.sh exist; they would share {0}.out",
                case.stem
            ))
        } else if let Err(e) = &workload {
            Outcome::Fail(format!("no dtrace-workload binary: {e}"))
        } else {
            run_case(case, &paths, verbose)
        };
        match outcome {
            Outcome::Pass => {
                passed += 1;
                println!("test {label} ... ok");
            }
            Outcome::Skip(why) => {
                ignored += 1;
                println!("test {label} ... ignored, {why}");
            }
            Outcome::Fail(msg) => {
                failed += 1;
                println!("test {label} ... FAILED");
                failures.push((label, msg));
            }
        }
        let _ = std::io::stdout().flush();
    }

    if !failures.is_empty() {
        println!("\nfailures:\n");
        for (name, msg) in &failures {
            println!("---- {name} ----\n{msg}");
        }
        println!("\nfailures:");
        for (name, _) in &failures {
            println!("    {name}");
        }
    }
    let result = if failed == 0 { "ok" } else { "FAILED" };
    println!(
        "\ntest result: {result}. {passed} passed; {failed} failed; {ignored} ignored; 0 measured; {filtered_out} filtered out; finished in {:.2}s\n",
        start.elapsed().as_secs_f64()
    );
    let _ = std::io::stdout().flush();
    if failed > 0 {
        std::process::exit(101);
    }
}

/// Checks of the runner's own helpers; run at every start (cheap).
fn selftest() {
    assert_eq!(
        shell_split(r#"-q -c '@WORKLOAD@ getppid 100' -x "a b\"c" d\ e # comment"#).unwrap(),
        vec!["-q", "-c", "@WORKLOAD@ getppid 100", "-x", "a b\"c", "d e"]
    );
    assert_eq!(
        normalize_pid_words("dtrace: pid 1234 has exited"),
        "dtrace: pid @PID@ has exited"
    );
    assert_eq!(
        normalize_pid_words("ppid 12 pid=7x pid:9"),
        "ppid 12 pid=7x pid:@PID@"
    );
    assert_eq!(
        replace_number_token("a 123 1234 123", "123", "X"),
        "a X 1234 X"
    );
}
