//! The processes a session follows: `-c cmd` (held stopped after its exec,
//! released after BEGIN, held again at its exit while its mappings are
//! read) and `-p pid` (watched until it exits).

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::{mpsc, Arc};

use libdtrace::host::strerror;
use libdtrace::session::{Target, TargetState};

/// A `-c` command. A thread of its own starts it and stays its ptrace
/// tracer: it holds it after exec until `release`, passes its signals on
/// at once, and holds it at its exit until the session has read its
/// mappings (or a moment has passed).
pub struct Child {
    pub pid: i32,
    /// To the tracer thread (dropped: kill).
    cmds: Option<mpsc::Sender<Cmd>>,
    events: mpsc::Receiver<Event>,
    thread: Option<std::thread::JoinHandle<()>>,
    /// Told `Exiting`; the next poll says the mappings were read.
    exiting: bool,
    done: bool,
    /// How it ended (its wait status), once known.
    status: Option<i32>,
    /// An eventfd the tracer thread signals with each event (shared, so it
    /// stays open while either side may use it).
    wake: Arc<OwnedFd>,
}

enum Cmd {
    Release,
    /// The session has what it needs of the exiting command.
    ExitSeen,
}

enum Event {
    Exiting,
    /// Its wait status, when waitpid gave one.
    Exited(Option<i32>),
}

/// How long a command is held at its exit waiting for the session (which
/// may be busy, e.g. running a system() action).
const EXIT_HOLD: std::time::Duration = std::time::Duration::from_secs(2);

impl Child {
    /// Starts `cmd` (split on whitespace and run via execvp, as DTrace does)
    /// and holds it stopped at the first instruction of the new program, as
    /// DTrace's -c does: nothing the child did before exec (fork, exec
    /// itself) is traced, and it runs no code of its own until `release`.
    pub fn spawn(cmd: &str) -> Result<Child, String> {
        let words: Vec<std::ffi::CString> =
            cmd.split_whitespace().map(|w| std::ffi::CString::new(w).unwrap_or_default()).collect();
        if words.is_empty() {
            return Err("failed to execute : empty command".into());
        }
        // Fail before anything is enabled when the command cannot run.
        let prog = cmd.split_whitespace().next().unwrap_or("").to_string();
        if let Err(e) = find_executable(&prog) {
            return Err(format!("failed to execute {}: {}", prog, e));
        }
        let (started_tx, started_rx) = mpsc::channel();
        let (cmd_tx, cmd_rx) = mpsc::channel();
        let (ev_tx, ev_rx) = mpsc::channel();
        let efd = unsafe { libc::eventfd(0, libc::EFD_NONBLOCK | libc::EFD_CLOEXEC) };
        if efd < 0 {
            return Err(format!("failed to create an eventfd: {}", strerror(&std::io::Error::last_os_error())));
        }
        // SAFETY: a new descriptor we own.
        let wake = Arc::new(unsafe { OwnedFd::from_raw_fd(efd) });
        let thread_wake = Arc::clone(&wake);
        let thread = std::thread::Builder::new()
            .name("dtrace-target".into())
            .spawn(move || {
                let (pid, traced) = match start(&words, &prog) {
                    Ok(x) => x,
                    Err(e) => {
                        let _ = started_tx.send(Err(e));
                        return;
                    }
                };
                let _ = started_tx.send(Ok(pid));
                let notify = |e: Event| {
                    let sent = ev_tx.send(e).is_ok();
                    let one = 1u64;
                    unsafe { libc::write(thread_wake.as_raw_fd(), &one as *const u64 as *const _, 8) };
                    sent
                };
                follow(pid, traced, &cmd_rx, notify);
            })
            .map_err(|e| format!("failed to start a thread: {}", strerror(&e)))?;
        match started_rx.recv() {
            Ok(Ok(pid)) => Ok(Child {
                pid,
                cmds: Some(cmd_tx),
                events: ev_rx,
                thread: Some(thread),
                exiting: false,
                done: false,
                status: None,
                wake,
            }),
            Ok(Err(e)) => {
                let _ = thread.join();
                Err(e)
            }
            Err(_) => Err("failed to execute: lost the child".into()),
        }
    }

    pub fn kill(&mut self) {
        while let Ok(e) = self.events.try_recv() {
            self.done |= matches!(e, Event::Exited(_));
        }
        if !self.done {
            unsafe { libc::kill(self.pid, libc::SIGKILL) };
            self.done = true;
        }
        self.cmds = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Forks and execs the command, traced; returns its pid once it is held
/// after exec, and whether it is ptrace'd (else it stopped itself before
/// exec, where ptrace is forbidden).
fn start(words: &[std::ffi::CString], prog: &str) -> Result<(i32, bool), String> {
    // The child reports a failed exec through this close-on-exec pipe.
    let mut fds = [0i32; 2];
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err("failed to create pipe".into());
    }
    let mut argv: Vec<*const libc::c_char> = words.iter().map(|w| w.as_ptr()).collect();
    argv.push(std::ptr::null());
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err("failed to fork".into());
    }
    if pid == 0 {
        unsafe {
            libc::close(fds[0]);
            // Rust starts us with SIGPIPE ignored, and exec keeps ignored
            // signals ignored: give the command the default, as a shell would.
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
            // Traced: the kernel stops us with SIGTRAP once exec is done.
            // Where ptrace is forbidden (Yama scope 3), stop ourselves
            // before exec instead.
            if libc::ptrace(libc::PTRACE_TRACEME, 0, 0, 0) != 0 {
                libc::raise(libc::SIGSTOP);
            }
            libc::execvp(argv[0], argv.as_ptr());
            let e = *libc::__errno_location();
            libc::write(fds[1], &e as *const i32 as *const _, 4);
            libc::_exit(127);
        }
    }
    unsafe { libc::close(fds[1]) };
    let mut st = 0;
    loop {
        let r = unsafe { libc::waitpid(pid, &mut st, libc::WUNTRACED) };
        if r == pid {
            break;
        }
        if r < 0 && std::io::Error::last_os_error().raw_os_error() != Some(libc::EINTR) {
            unsafe { libc::close(fds[0]) };
            return Err(format!("failed to execute {}: lost the child", prog));
        }
    }
    if libc::WIFSTOPPED(st) && libc::WSTOPSIG(st) == libc::SIGSTOP {
        // Not traced: stopped before exec, which runs after release.
        unsafe { libc::close(fds[0]) };
        return Ok((pid, false));
    }
    if libc::WIFSTOPPED(st) {
        // Exec succeeded. If dtrace dies first, the kernel kills the
        // command (dtrace kills it at the end anyway). Its exit stops it
        // once more, and later execs are events, not SIGTRAPs.
        let opts = libc::PTRACE_O_EXITKILL | libc::PTRACE_O_TRACEEXIT | libc::PTRACE_O_TRACEEXEC;
        unsafe {
            libc::ptrace(libc::PTRACE_SETOPTIONS, pid, 0, opts);
            libc::close(fds[0]);
        }
        return Ok((pid, true));
    }
    let mut e = 0i32;
    let n = unsafe { libc::read(fds[0], &mut e as *mut i32 as *mut _, 4) };
    unsafe { libc::close(fds[0]) };
    let why = if n == 4 { strerror(&std::io::Error::from_raw_os_error(e)) } else { "exited before exec".to_string() };
    Err(format!("failed to execute {}: {}", prog, why))
}

/// The tracer thread's work once the command is held: wait for release,
/// then follow it to its end.
fn follow(pid: i32, mut traced: bool, cmds: &mpsc::Receiver<Cmd>, notify: impl Fn(Event) -> bool) {
    let released = matches!(cmds.recv(), Ok(Cmd::Release));
    unsafe {
        if !released {
            libc::kill(pid, libc::SIGKILL);
        } else if !traced || libc::ptrace(libc::PTRACE_CONT, pid, 0, 0) != 0 {
            traced = false;
            libc::kill(pid, libc::SIGCONT);
        }
    }
    loop {
        let mut st = 0;
        let r = unsafe { libc::waitpid(pid, &mut st, 0) };
        if r < 0 && std::io::Error::last_os_error().raw_os_error() == Some(libc::EINTR) {
            continue;
        }
        if r < 0 || !libc::WIFSTOPPED(st) {
            notify(Event::Exited((r == pid).then_some(st)));
            return;
        }
        // A ptrace stop of the traced command.
        let event = st >> 16;
        if event == libc::PTRACE_EVENT_EXIT {
            if notify(Event::Exiting) {
                let _ = cmds.recv_timeout(EXIT_HOLD);
            }
            unsafe { libc::ptrace(libc::PTRACE_CONT, pid, 0, 0) };
            continue;
        }
        // Another exec: nothing to pass on. A signal: deliver it; a stop
        // signal after detaching, so that job control (and stop()) work as
        // for any process (its exit is then not held).
        let sig = if event != 0 { 0 } else { libc::WSTOPSIG(st) };
        if traced && matches!(sig, libc::SIGSTOP | libc::SIGTSTP | libc::SIGTTIN | libc::SIGTTOU) {
            unsafe { libc::ptrace(libc::PTRACE_DETACH, pid, 0, sig) };
            traced = false;
            continue;
        }
        unsafe { libc::ptrace(libc::PTRACE_CONT, pid, 0, sig) };
    }
}

impl Target for Child {
    fn pid(&self) -> i32 {
        self.pid
    }
    fn release(&mut self) {
        if let Some(c) = &self.cmds {
            let _ = c.send(Cmd::Release);
        }
    }
    fn wake_fd(&self) -> Option<std::os::fd::RawFd> {
        Some(self.wake.as_raw_fd())
    }
    /// As dtrace(1M)'s prochandler() words it from the wait status.
    fn ended(&self) -> String {
        match self.status {
            Some(st) if libc::WIFSIGNALED(st) => {
                format!("pid {} terminated by {}", self.pid, signal_name(libc::WTERMSIG(st)))
            }
            Some(st) if libc::WEXITSTATUS(st) != 0 => {
                format!("pid {} exited with status {}", self.pid, libc::WEXITSTATUS(st))
            }
            _ => format!("pid {} has exited", self.pid),
        }
    }
    fn poll(&mut self) -> TargetState {
        if self.done {
            return TargetState::Exited;
        }
        if std::mem::take(&mut self.exiting) {
            if let Some(c) = &self.cmds {
                let _ = c.send(Cmd::ExitSeen);
            }
        }
        // The eventfd is never read back: the session waits on it
        // edge-triggered (kernel/wakeup.rs).
        match self.events.try_recv() {
            Ok(Event::Exiting) => {
                self.exiting = true;
                TargetState::Exiting
            }
            Ok(Event::Exited(status)) => {
                self.done = true;
                self.status = status;
                TargetState::Exited
            }
            Err(mpsc::TryRecvError::Disconnected) => {
                self.done = true;
                TargetState::Exited
            }
            Err(mpsc::TryRecvError::Empty) => TargetState::Running,
        }
    }
}

pub struct Grabbed {
    pid: i32,
    pidfd: i32,
}

impl Grabbed {
    pub fn new(pid: i32) -> Result<Grabbed, String> {
        let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) } as i32;
        if fd < 0 {
            return Err(format!("failed to grab pid {}: {}", pid, strerror(&std::io::Error::last_os_error())));
        }
        Ok(Grabbed { pid, pidfd: fd })
    }
}

impl Target for Grabbed {
    fn pid(&self) -> i32 {
        self.pid
    }
    fn release(&mut self) {}
    fn wake_fd(&self) -> Option<std::os::fd::RawFd> {
        Some(self.pidfd)
    }
    fn poll(&mut self) -> TargetState {
        let mut p = libc::pollfd { fd: self.pidfd, events: libc::POLLIN, revents: 0 };
        match unsafe { libc::poll(&mut p, 1, 0) > 0 } {
            true => TargetState::Exited,
            false => TargetState::Running,
        }
    }
}

/// Resolves a command like execvp(3) would; the error says why it cannot run.
fn find_executable(prog: &str) -> Result<std::path::PathBuf, String> {
    use std::os::unix::fs::PermissionsExt;
    let check = |p: &std::path::Path| -> Result<(), String> {
        let m = std::fs::metadata(p).map_err(|e| strerror(&e))?;
        if m.is_dir() || m.permissions().mode() & 0o111 == 0 {
            return Err("Permission denied".into());
        }
        Ok(())
    };
    if prog.contains('/') {
        let p = std::path::PathBuf::from(prog);
        check(&p)?;
        return Ok(p);
    }
    let path = std::env::var("PATH").unwrap_or_else(|_| "/usr/local/bin:/usr/bin:/bin".into());
    for dir in path.split(':') {
        let p = std::path::Path::new(if dir.is_empty() { "." } else { dir }).join(prog);
        if check(&p).is_ok() {
            return Ok(p);
        }
    }
    Err("No such file or directory".into())
}

/// A signal's name as proc_signame() gives it ("SIGSEGV"), or its number.
fn signal_name(sig: i32) -> String {
    const NAMES: [(i32, &str); 31] = [
        (libc::SIGHUP, "SIGHUP"),
        (libc::SIGINT, "SIGINT"),
        (libc::SIGQUIT, "SIGQUIT"),
        (libc::SIGILL, "SIGILL"),
        (libc::SIGTRAP, "SIGTRAP"),
        (libc::SIGABRT, "SIGABRT"),
        (libc::SIGBUS, "SIGBUS"),
        (libc::SIGFPE, "SIGFPE"),
        (libc::SIGKILL, "SIGKILL"),
        (libc::SIGUSR1, "SIGUSR1"),
        (libc::SIGSEGV, "SIGSEGV"),
        (libc::SIGUSR2, "SIGUSR2"),
        (libc::SIGPIPE, "SIGPIPE"),
        (libc::SIGALRM, "SIGALRM"),
        (libc::SIGTERM, "SIGTERM"),
        (libc::SIGSTKFLT, "SIGSTKFLT"),
        (libc::SIGCHLD, "SIGCHLD"),
        (libc::SIGCONT, "SIGCONT"),
        (libc::SIGSTOP, "SIGSTOP"),
        (libc::SIGTSTP, "SIGTSTP"),
        (libc::SIGTTIN, "SIGTTIN"),
        (libc::SIGTTOU, "SIGTTOU"),
        (libc::SIGURG, "SIGURG"),
        (libc::SIGXCPU, "SIGXCPU"),
        (libc::SIGXFSZ, "SIGXFSZ"),
        (libc::SIGVTALRM, "SIGVTALRM"),
        (libc::SIGPROF, "SIGPROF"),
        (libc::SIGWINCH, "SIGWINCH"),
        (libc::SIGIO, "SIGIO"),
        (libc::SIGPWR, "SIGPWR"),
        (libc::SIGSYS, "SIGSYS"),
    ];
    match NAMES.iter().find(|(n, _)| *n == sig) {
        Some((_, name)) => name.to_string(),
        None => format!("SIG{}", sig),
    }
}
