//! The processes a session follows: `-c cmd` (held stopped after its exec,
//! released after BEGIN, held again at its exit while its mappings are
//! read) and `-p pid` (watched until it exits).

use std::os::fd::{AsFd, AsRawFd};
use std::sync::{mpsc, Arc};

use libdtrace::host::strerror;
use libdtrace::kernel::process::{self, Held, PidFd, SpawnError};
use libdtrace::kernel::wakeup::EventFd;
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
    wake: Arc<EventFd>,
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
        let wake = Arc::new(EventFd::new().map_err(|e| format!("failed to create an eventfd: {}", strerror(&e)))?);
        let thread_wake = Arc::clone(&wake);
        let thread = std::thread::Builder::new()
            .name("dtrace-target".into())
            .spawn(move || {
                let held = match process::spawn_held(&words) {
                    Ok(held) => held,
                    Err(e) => {
                        let _ = started_tx.send(Err(spawn_error(e, &prog)));
                        return;
                    }
                };
                let _ = started_tx.send(Ok(held.pid));
                let notify = |e: Event| {
                    let sent = ev_tx.send(e).is_ok();
                    thread_wake.poke();
                    sent
                };
                follow(held, &cmd_rx, notify);
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
            process::kill(self.pid, libc::SIGKILL);
            self.done = true;
        }
        self.cmds = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// What `dtrace -c` says when the command could not be started.
fn spawn_error(e: SpawnError, prog: &str) -> String {
    match e {
        SpawnError::Pipe => "failed to create pipe".into(),
        SpawnError::Fork => "failed to fork".into(),
        SpawnError::Lost => format!("failed to execute {}: lost the child", prog),
        SpawnError::Exec(e) => format!("failed to execute {}: {}", prog, strerror(&e)),
        SpawnError::NoExec => format!("failed to execute {}: exited before exec", prog),
    }
}

/// The tracer thread's work once the command is held: wait for release,
/// then follow it to its end.
fn follow(Held { pid, mut traced }: Held, cmds: &mpsc::Receiver<Cmd>, notify: impl Fn(Event) -> bool) {
    let released = matches!(cmds.recv(), Ok(Cmd::Release));
    if !released {
        process::kill(pid, libc::SIGKILL);
    } else if !traced || process::resume(pid, 0).is_err() {
        traced = false;
        process::kill(pid, libc::SIGCONT);
    }
    loop {
        let st = match process::wait(pid, false) {
            Ok(st) if libc::WIFSTOPPED(st) => st,
            st => {
                notify(Event::Exited(st.ok()));
                return;
            }
        };
        // A ptrace stop of the traced command.
        let event = st >> 16;
        if event == libc::PTRACE_EVENT_EXIT {
            if notify(Event::Exiting) {
                let _ = cmds.recv_timeout(EXIT_HOLD);
            }
            let _ = process::resume(pid, 0);
            continue;
        }
        // Another exec: nothing to pass on. A signal: deliver it; a stop
        // signal after detaching, so that job control (and stop()) work as
        // for any process (its exit is then not held).
        let sig = if event != 0 { 0 } else { libc::WSTOPSIG(st) };
        if traced && matches!(sig, libc::SIGSTOP | libc::SIGTSTP | libc::SIGTTIN | libc::SIGTTOU) {
            process::detach(pid, sig);
            traced = false;
            continue;
        }
        let _ = process::resume(pid, sig);
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
        Some(self.wake.as_fd().as_raw_fd())
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
    pidfd: PidFd,
}

impl Grabbed {
    pub fn new(pid: i32) -> Result<Grabbed, String> {
        match PidFd::open(pid) {
            Ok(pidfd) => Ok(Grabbed { pid, pidfd }),
            Err(e) => Err(format!("failed to grab pid {}: {}", pid, strerror(&e))),
        }
    }
}

impl Target for Grabbed {
    fn pid(&self) -> i32 {
        self.pid
    }
    fn release(&mut self) {}
    fn wake_fd(&self) -> Option<std::os::fd::RawFd> {
        Some(self.pidfd.as_fd().as_raw_fd())
    }
    fn poll(&mut self) -> TargetState {
        match self.pidfd.exited() {
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
