//! `dtrace-workload`: a small, deterministic process for dtrace's end-to-end
//! tests and benchmarks.
//!
//! ```text
//! dtrace-workload [OPTIONS] COMMAND [ARGS...] [OPTIONS]
//!
//! Commands (each does exactly what it says, nothing more on the traced path):
//!   getppid N       N getppid() system calls (raw syscall(SYS_getppid), so libc
//!                   caching can never elide one)
//!   write N         N write() calls of 1 byte to /dev/null
//!   read N          N read() calls of 1 byte from /dev/zero
//!   open N PATH     N openat(AT_FDCWD, PATH, O_RDONLY) calls, closing each fd that
//!                   opened (a failing open still counts: it is still a syscall)
//!   badfd N         N close(-1) calls, each failing with EBADF
//!   sleep MS        sleep MS milliseconds (one nanosleep)
//!   spin MS         busy-loop on the CPU for MS milliseconds (no syscalls inside
//!                   the loop other than the vDSO clock)
//!   exec N          fork + exec /bin/true N times, waiting for each
//!   wait-start      block until stdin reaches EOF (or a signal ends us)
//!
//! Options:
//!   --delay-ms D    sleep D ms before the work (also: env DTRACE_WORKLOAD_DELAY_MS)
//!   --wait-usr1     before the work, block until SIGUSR1 arrives (a "go" signal)
//!   --say TEXT      print TEXT and a newline on stdout once, after the work
//!   -h, --help      this text
//! ```
//!
//! Nothing is printed on stdout unless `--say` is given. Exit status 0 on
//! success, 2 on a usage error, 1 if a required resource cannot be opened.

use std::ffi::CString;
use std::io::Write;
use std::process::exit;
use std::time::{Duration, Instant};

const USAGE: &str = "\
usage: dtrace-workload [OPTIONS] COMMAND [ARGS...]

commands:
  getppid N       N raw getppid() syscalls
  write N         N 1-byte write()s to /dev/null
  read N          N 1-byte read()s from /dev/zero
  open N PATH     N openat() calls of PATH (each fd closed)
  badfd N         N close(-1) calls, each failing with EBADF
  sleep MS        sleep MS milliseconds
  spin MS         busy-loop MS milliseconds
  exec N          fork+exec /bin/true N times, waiting for each
  wait-start      block until stdin is closed (EOF) or a signal

options:
  --delay-ms D    sleep D ms before the work (env DTRACE_WORKLOAD_DELAY_MS)
  --wait-usr1     block until SIGUSR1 before the work
  --say TEXT      print TEXT once on stdout after the work
";

fn usage_error(msg: &str) -> ! {
    eprintln!("dtrace-workload: {msg}");
    eprint!("{USAGE}");
    exit(2);
}

fn fatal(msg: &str) -> ! {
    eprintln!(
        "dtrace-workload: {msg}: {}",
        std::io::Error::last_os_error()
    );
    exit(1);
}

fn parse_num(what: &str, s: Option<&String>) -> u64 {
    let s = s.unwrap_or_else(|| usage_error(&format!("missing {what}")));
    let t = s.replace('_', "");
    t.parse::<u64>()
        .unwrap_or_else(|_| usage_error(&format!("bad {what}: {s:?}")))
}

#[derive(Default)]
struct Opts {
    delay_ms: Option<u64>,
    wait_usr1: bool,
    say: Option<String>,
}

/// Splits options (anywhere on the line) from the positional words.
fn parse_args(args: Vec<String>) -> (Opts, Vec<String>) {
    let mut o = Opts::default();
    let mut pos = Vec::new();
    let mut it = args.into_iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-h" | "--help" => {
                print!("{USAGE}");
                exit(0);
            }
            "--delay-ms" => o.delay_ms = Some(parse_num("--delay-ms value", it.next().as_ref())),
            "--wait-usr1" => o.wait_usr1 = true,
            "--say" => {
                o.say = Some(
                    it.next()
                        .unwrap_or_else(|| usage_error("missing --say text")),
                )
            }
            "--" => {
                pos.extend(it.by_ref());
            }
            _ => {
                if let Some(v) = a.strip_prefix("--delay-ms=") {
                    o.delay_ms = Some(parse_num("--delay-ms value", Some(&v.to_string())));
                } else if let Some(v) = a.strip_prefix("--say=") {
                    o.say = Some(v.to_string());
                } else if a.starts_with("--") {
                    usage_error(&format!("unknown option {a}"));
                } else {
                    pos.push(a);
                }
            }
        }
    }
    if o.delay_ms.is_none() {
        if let Ok(v) = std::env::var("DTRACE_WORKLOAD_DELAY_MS") {
            if !v.is_empty() {
                o.delay_ms = Some(parse_num("DTRACE_WORKLOAD_DELAY_MS", Some(&v)));
            }
        }
    }
    (o, pos)
}

/// Blocks SIGUSR1 and waits for it. Blocking must happen first so a signal sent
/// before we reach sigwait is kept pending rather than killing us.
fn wait_usr1() {
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGUSR1);
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
        let mut sig: libc::c_int = 0;
        libc::sigwait(&set, &mut sig);
    }
}

fn open_or_die(path: &str, flags: libc::c_int) -> libc::c_int {
    let c = CString::new(path).unwrap();
    let fd = unsafe { libc::open(c.as_ptr(), flags | libc::O_CLOEXEC) };
    if fd < 0 {
        fatal(&format!("cannot open {path}"));
    }
    fd
}

fn do_getppid(n: u64) {
    // DTRACE_WORKLOAD_RATE=R paces the calls at R per second (benchmarks
    // compare tracers at the same event rate).
    let rate: u64 = std::env::var("DTRACE_WORKLOAD_RATE").ok().and_then(|v| v.parse().ok()).unwrap_or(0);
    let start = std::time::Instant::now();
    for i in 0..n {
        if rate > 0 && i % 100 == 0 {
            let due = std::time::Duration::from_nanos(i * 1_000_000_000 / rate);
            let now = start.elapsed();
            if due > now {
                std::thread::sleep(due - now);
            }
        }
        unsafe {
            libc::syscall(libc::SYS_getppid);
        }
    }
}

fn do_write(n: u64) {
    let fd = open_or_die("/dev/null", libc::O_WRONLY);
    let buf = [b'x'; 1];
    for _ in 0..n {
        unsafe {
            libc::write(fd, buf.as_ptr().cast(), 1);
        }
    }
    unsafe { libc::close(fd) };
}

fn do_read(n: u64) {
    let fd = open_or_die("/dev/zero", libc::O_RDONLY);
    let mut buf = [0u8; 1];
    for _ in 0..n {
        unsafe {
            libc::read(fd, buf.as_mut_ptr().cast(), 1);
        }
    }
    unsafe { libc::close(fd) };
}

/// Failing system calls that nothing else makes (the dynamic loader's
/// failed openat()s of library paths would mix in with `open`).
fn do_badfd(n: u64) {
    for _ in 0..n {
        unsafe {
            libc::close(-1);
        }
    }
}

fn do_open(n: u64, path: &str) {
    let c = CString::new(path).unwrap_or_else(|_| usage_error("PATH contains a NUL byte"));
    for _ in 0..n {
        unsafe {
            let fd = libc::openat(libc::AT_FDCWD, c.as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC);
            if fd >= 0 {
                libc::close(fd);
            }
        }
    }
}

fn do_spin(ms: u64) {
    let end = Instant::now() + Duration::from_millis(ms);
    let mut x: u64 = 0;
    while Instant::now() < end {
        for i in 0..1000u64 {
            x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(i));
        }
    }
    std::hint::black_box(x);
}

fn do_exec(n: u64) {
    let prog = CString::new("/bin/true").unwrap();
    let argv = [prog.as_ptr(), std::ptr::null()];
    // Prepared before fork: the child only calls async-signal-safe functions.
    for _ in 0..n {
        unsafe {
            let pid = libc::fork();
            if pid < 0 {
                fatal("fork");
            }
            if pid == 0 {
                libc::execv(prog.as_ptr(), argv.as_ptr());
                libc::_exit(127);
            }
            let mut st: libc::c_int = 0;
            while libc::waitpid(pid, &mut st, 0) < 0 {
                if *libc::__errno_location() != libc::EINTR {
                    fatal("waitpid");
                }
            }
        }
    }
}

fn do_wait_start() {
    let mut buf = [0u8; 256];
    loop {
        let r = unsafe { libc::read(0, buf.as_mut_ptr().cast(), buf.len()) };
        if r == 0 {
            break;
        }
        if r < 0 {
            if unsafe { *libc::__errno_location() } == libc::EINTR {
                continue;
            }
            break;
        }
    }
}

fn main() {
    let (opts, pos) = parse_args(std::env::args().skip(1).collect());
    let cmd = pos
        .first()
        .unwrap_or_else(|| usage_error("missing COMMAND"));
    let args = &pos[1..];
    let nargs = match cmd.as_str() {
        "getppid" | "write" | "read" | "sleep" | "spin" | "exec" | "badfd" => 1,
        "open" => 2,
        "wait-start" => 0,
        _ => usage_error(&format!("unknown command {cmd:?}")),
    };
    if args.len() != nargs {
        usage_error(&format!(
            "{cmd} takes {nargs} argument(s), got {}",
            args.len()
        ));
    }

    // Parse every argument before waiting, so usage errors show at once.
    let n = if nargs >= 1 {
        parse_num(
            if matches!(cmd.as_str(), "sleep" | "spin") {
                "MS"
            } else {
                "N"
            },
            args.first(),
        )
    } else {
        0
    };

    if opts.wait_usr1 {
        wait_usr1();
    }
    if let Some(d) = opts.delay_ms {
        std::thread::sleep(Duration::from_millis(d));
    }

    match cmd.as_str() {
        "getppid" => do_getppid(n),
        "write" => do_write(n),
        "read" => do_read(n),
        "open" => do_open(n, &args[1]),
        "badfd" => do_badfd(n),
        "sleep" => std::thread::sleep(Duration::from_millis(n)),
        "spin" => do_spin(n),
        "exec" => do_exec(n),
        "wait-start" => do_wait_start(),
        _ => unreachable!(),
    }

    if let Some(text) = opts.say {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{text}");
        let _ = out.flush();
    }
}
