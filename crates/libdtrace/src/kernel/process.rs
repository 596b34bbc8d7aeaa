//! This process and the ones it follows: who dtrace runs as (the `$uid`
//! family of macros), its CPU and descriptor limit, and the system calls
//! behind `-c` (fork, exec under ptrace, wait) and `-p` (pidfd).

use std::ffi::CString;
use std::io::{self, Read};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};

use crate::host::ProcessIds;

/// The ids of this process.
pub fn ids() -> ProcessIds {
    // SAFETY: none of these calls can fail or touch our memory.
    unsafe {
        ProcessIds {
            pid: std::process::id(),
            ppid: libc::getppid(),
            uid: libc::getuid(),
            gid: libc::getgid(),
            euid: libc::geteuid(),
            egid: libc::getegid(),
            pgid: libc::getpgrp(),
            sid: libc::getsid(0),
        }
    }
}

/// The CPU the calling thread runs on, if the kernel says.
pub fn current_cpu() -> Option<u32> {
    // SAFETY: no arguments; -1 on failure.
    let cpu = unsafe { libc::sched_getcpu() };
    (cpu >= 0).then_some(cpu as u32)
}

/// Every fbt probe holds a file descriptor: raises the soft limit on open
/// descriptors to the hard one (and the hard one too, as root, when it is
/// small).
pub fn raise_fd_limit() {
    // SAFETY: getrlimit/setrlimit read and write only the rlimits given.
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

/// Why [`spawn_held`] could not start a command.
#[derive(Debug)]
pub enum SpawnError {
    /// pipe(2) failed.
    Pipe,
    /// fork(2) failed.
    Fork,
    /// waitpid(2) failed: the child is no longer ours to wait for.
    Lost,
    /// execvp(3) failed in the child with this error.
    Exec(io::Error),
    /// The child ended before it reached exec.
    NoExec,
}

/// A command started by [`spawn_held`], held stopped.
#[derive(Clone, Copy, Debug)]
pub struct Held {
    pub pid: i32,
    /// Traced (ptrace'd by the calling thread, held after exec), else it
    /// stopped itself before exec, where ptrace is forbidden.
    pub traced: bool,
}

/// Forks and execs `argv` (execvp) traced by the calling thread, and
/// returns once the new program is held at its first instruction: nothing
/// it did before exec is traced, and it runs no code of its own until
/// [`resume`]d. Where ptrace is forbidden (Yama scope 3) the child stops
/// itself before exec instead, until SIGCONT.
pub fn spawn_held(argv: &[CString]) -> Result<Held, SpawnError> {
    // The child reports a failed exec through this close-on-exec pipe.
    let (reader, writer) = io::pipe().map_err(|_| SpawnError::Pipe)?;
    let mut ptrs: Vec<*const libc::c_char> = argv.iter().map(|w| w.as_ptr()).collect();
    ptrs.push(std::ptr::null());
    // SAFETY: the child makes only async-signal-safe calls (close, signal,
    // ptrace, raise, execvp, write, _exit) on memory prepared before fork.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err(SpawnError::Fork);
    }
    if pid == 0 {
        drop(reader);
        // SAFETY: as above; `ptrs` is a NULL-terminated array of C strings.
        unsafe {
            // Rust starts us with SIGPIPE ignored, and exec keeps ignored
            // signals ignored: give the command the default, as a shell would.
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
            // Traced: the kernel stops us with SIGTRAP once exec is done.
            if libc::ptrace(libc::PTRACE_TRACEME, 0, 0, 0) != 0 {
                libc::raise(libc::SIGSTOP);
            }
            libc::execvp(ptrs[0], ptrs.as_ptr());
            let e = *libc::__errno_location();
            libc::write(writer.as_raw_fd(), &e as *const i32 as *const _, 4);
            libc::_exit(127);
        }
    }
    drop(writer);
    let st = wait(pid, true).map_err(|_| SpawnError::Lost)?;
    if libc::WIFSTOPPED(st) && libc::WSTOPSIG(st) == libc::SIGSTOP {
        // Not traced: stopped before exec, which runs after SIGCONT.
        return Ok(Held { pid, traced: false });
    }
    if libc::WIFSTOPPED(st) {
        // Exec succeeded. If dtrace dies first, the kernel kills the
        // command. Its exit stops it once more, and later execs are
        // events, not SIGTRAPs.
        let opts = libc::PTRACE_O_EXITKILL | libc::PTRACE_O_TRACEEXIT | libc::PTRACE_O_TRACEEXEC;
        // SAFETY: no pointers involved.
        unsafe { libc::ptrace(libc::PTRACE_SETOPTIONS, pid, 0, opts) };
        return Ok(Held { pid, traced: true });
    }
    let mut e = [0u8; 4];
    match (&reader).read(&mut e) {
        Ok(4) => Err(SpawnError::Exec(io::Error::from_raw_os_error(i32::from_ne_bytes(e)))),
        _ => Err(SpawnError::NoExec),
    }
}

/// Waits for a change of state of the child `pid` (its stops too when
/// `untraced`), through interruptions; returns its wait status.
pub fn wait(pid: i32, untraced: bool) -> io::Result<i32> {
    let flags = if untraced { libc::WUNTRACED } else { 0 };
    loop {
        let mut st = 0;
        // SAFETY: waitpid writes only `st`.
        let r = unsafe { libc::waitpid(pid, &mut st, flags) };
        if r == pid {
            return Ok(st);
        }
        let e = io::Error::last_os_error();
        if r < 0 && e.raw_os_error() != Some(libc::EINTR) {
            return Err(e);
        }
    }
}

/// Lets a stopped tracee run on, delivering `sig` (0: none).
pub fn resume(pid: i32, sig: i32) -> io::Result<()> {
    // SAFETY: no pointers involved.
    match unsafe { libc::ptrace(libc::PTRACE_CONT, pid, 0, sig) } {
        0 => Ok(()),
        _ => Err(io::Error::last_os_error()),
    }
}

/// Stops tracing a stopped tracee, delivering `sig` (0: none).
pub fn detach(pid: i32, sig: i32) {
    // SAFETY: no pointers involved.
    unsafe { libc::ptrace(libc::PTRACE_DETACH, pid, 0, sig) };
}

/// Sends `sig` to the process `pid`.
pub fn kill(pid: i32, sig: i32) {
    // SAFETY: no pointers involved.
    unsafe { libc::kill(pid, sig) };
}

/// A process followed by `-p`: a pidfd, which polls readable once the
/// process has exited.
pub struct PidFd(OwnedFd);

impl PidFd {
    pub fn open(pid: i32) -> io::Result<PidFd> {
        // SAFETY: no pointers involved; the result is checked.
        let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) } as RawFd;
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: a new descriptor that we own.
        Ok(PidFd(unsafe { OwnedFd::from_raw_fd(fd) }))
    }

    /// Whether the process has exited (without waiting).
    pub fn exited(&self) -> bool {
        let mut p = libc::pollfd { fd: self.0.as_raw_fd(), events: libc::POLLIN, revents: 0 };
        // SAFETY: one valid pollfd.
        unsafe { libc::poll(&mut p, 1, 0) > 0 }
    }
}

impl AsFd for PidFd {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.0.as_fd()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_ids() {
        let ids = ids();
        assert_eq!(ids.pid, std::process::id());
        assert!(ids.ppid > 0 && ids.pgid > 0 && ids.sid >= 0);
        assert!(current_cpu().is_some());
    }

    #[test]
    fn held_command_runs_to_its_end() {
        let argv = [CString::new("true").unwrap()];
        let held = spawn_held(&argv).unwrap();
        let pidfd = PidFd::open(held.pid).unwrap();
        assert!(!pidfd.exited());
        if held.traced {
            resume(held.pid, 0).unwrap();
        } else {
            kill(held.pid, libc::SIGCONT);
        }
        // Traced, its exit stops it once more (PTRACE_O_TRACEEXIT).
        let mut st = wait(held.pid, false).unwrap();
        while libc::WIFSTOPPED(st) {
            resume(held.pid, 0).unwrap();
            st = wait(held.pid, false).unwrap();
        }
        assert!(libc::WIFEXITED(st) && libc::WEXITSTATUS(st) == 0);
    }

    #[test]
    fn failed_exec_says_why() {
        let argv = [CString::new("/nonexistent/command").unwrap()];
        match spawn_held(&argv) {
            Err(SpawnError::Exec(e)) => assert_eq!(e.raw_os_error(), Some(libc::ENOENT)),
            other => panic!("{other:?}"),
        }
    }
}
