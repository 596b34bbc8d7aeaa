//! The processes a session follows: `-c cmd` (held stopped after its exec,
//! released after BEGIN) and `-p pid` (watched until it exits).

use libdtrace::session::Target;

pub struct Child {
    pub pid: i32,
    /// The command is stopped (ptrace) right after its exec, waiting for
    /// `release`.
    held: bool,
    done: bool,
}

impl Child {
    /// Starts `cmd` (split on whitespace and run via execvp, as DTrace does)
    /// and holds it stopped at the first instruction of the new program, as
    /// DTrace's -c does: nothing the child did before exec (fork, exec
    /// itself) is traced, and it runs no code of its own until `release`.
    pub fn spawn(cmd: &str) -> Result<Child, String> {
        let words: Vec<std::ffi::CString> = cmd
            .split_whitespace()
            .map(|w| std::ffi::CString::new(w).unwrap_or_default())
            .collect();
        if words.is_empty() {
            return Err("failed to execute : empty command".into());
        }
        // Fail before anything is enabled when the command cannot run.
        let prog = cmd.split_whitespace().next().unwrap_or("");
        if let Err(e) = find_executable(prog) {
            return Err(format!("failed to execute {}: {}", prog, e));
        }
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
        let mut child = Child {
            pid,
            held: false,
            done: false,
        };
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
            child.held = true;
            return Ok(child);
        }
        if libc::WIFSTOPPED(st) {
            // Exec succeeded. If dtrace dies before release, the kernel
            // kills the command rather than letting it run untraced.
            unsafe {
                libc::ptrace(libc::PTRACE_SETOPTIONS, pid, 0, libc::PTRACE_O_EXITKILL);
                libc::close(fds[0]);
            }
            child.held = true;
            return Ok(child);
        }
        let mut e = 0i32;
        let n = unsafe { libc::read(fds[0], &mut e as *mut i32 as *mut _, 4) };
        unsafe { libc::close(fds[0]) };
        let why = if n == 4 {
            let s = std::io::Error::from_raw_os_error(e).to_string();
            s.split(" (os error").next().unwrap_or(&s).to_string()
        } else {
            "exited before exec".to_string()
        };
        Err(format!("failed to execute {}: {}", prog, why))
    }

    pub fn kill(&mut self) {
        if !self.done {
            unsafe {
                libc::kill(self.pid, libc::SIGKILL);
                libc::waitpid(self.pid, std::ptr::null_mut(), 0);
            }
            self.done = true;
        }
        self.held = false;
    }
}

impl Target for Child {
    fn pid(&self) -> i32 {
        self.pid
    }
    fn release(&mut self) {
        if std::mem::take(&mut self.held) {
            unsafe {
                // Detach if traced (stopped after exec); else continue the
                // self-stopped child.
                if libc::ptrace(libc::PTRACE_DETACH, self.pid, 0, 0) != 0 {
                    libc::kill(self.pid, libc::SIGCONT);
                }
            }
        }
    }
    fn exited(&mut self) -> bool {
        if self.done {
            return true;
        }
        let mut st = 0;
        let r = unsafe { libc::waitpid(self.pid, &mut st, libc::WNOHANG) };
        if r == self.pid || r < 0 {
            self.done = true;
        }
        self.done
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
            return Err(format!(
                "failed to grab pid {}: {}",
                pid,
                std::io::Error::last_os_error()
            ));
        }
        Ok(Grabbed { pid, pidfd: fd })
    }
}

impl Target for Grabbed {
    fn pid(&self) -> i32 {
        self.pid
    }
    fn release(&mut self) {}
    fn exited(&mut self) -> bool {
        let mut p = libc::pollfd {
            fd: self.pidfd,
            events: libc::POLLIN,
            revents: 0,
        };
        unsafe { libc::poll(&mut p, 1, 0) > 0 }
    }
}

/// Resolves a command like execvp(3) would; the error says why it cannot run.
fn find_executable(prog: &str) -> Result<std::path::PathBuf, String> {
    use std::os::unix::fs::PermissionsExt;
    let check = |p: &std::path::Path| -> Result<(), String> {
        let m = std::fs::metadata(p).map_err(|e| {
            let s = e.to_string();
            s.split(" (os error").next().unwrap_or(&s).to_string()
        })?;
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
