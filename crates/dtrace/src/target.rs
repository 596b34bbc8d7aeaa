//! The processes a session follows: `-c cmd` (started held, released after
//! BEGIN) and `-p pid` (watched until it exits).

use libdtrace::session::Target;

pub struct Child {
    pub pid: i32,
    /// Write end of the pipe the child waits on before exec.
    gate: Option<i32>,
    done: bool,
}

impl Child {
    /// Forks; the child blocks until `release`, then runs `cmd` via
    /// execvp (split on whitespace, as DTrace does).
    pub fn spawn(cmd: &str) -> Result<Child, String> {
        let words: Vec<std::ffi::CString> =
            cmd.split_whitespace().map(|w| std::ffi::CString::new(w).unwrap_or_default()).collect();
        if words.is_empty() {
            return Err("failed to execute : empty command".into());
        }
        // Fail before anything is enabled when the command cannot run, as
        // DTrace does (it execs the command before enabling probes).
        let prog = cmd.split_whitespace().next().unwrap_or("");
        if let Err(e) = find_executable(prog) {
            return Err(format!("failed to execute {}: {}", prog, e));
        }
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
                libc::close(fds[1]);
                let mut b = [0u8; 1];
                // Go only if the parent released us (wrote a byte); if it
                // closed the pipe or died instead, never run the command.
                if libc::read(fds[0], b.as_mut_ptr() as *mut _, 1) != 1 {
                    libc::_exit(127);
                }
                libc::execvp(argv[0], argv.as_ptr());
                let msg = format!("dtrace: failed to execute {}: {}\n", cmd, std::io::Error::last_os_error());
                libc::write(2, msg.as_ptr() as *const _, msg.len());
                libc::_exit(127);
            }
        }
        unsafe { libc::close(fds[0]) };
        Ok(Child { pid, gate: Some(fds[1]), done: false })
    }

    pub fn kill(&mut self) {
        if !self.done {
            unsafe {
                libc::kill(self.pid, libc::SIGKILL);
            }
        }
        if let Some(g) = self.gate.take() {
            unsafe { libc::close(g) };
        }
        if !self.done {
            unsafe {
                libc::waitpid(self.pid, std::ptr::null_mut(), 0);
            }
            self.done = true;
        }
    }
}

impl Target for Child {
    fn pid(&self) -> i32 {
        self.pid
    }
    fn release(&mut self) {
        if let Some(g) = self.gate.take() {
            unsafe {
                libc::write(g, b"g".as_ptr() as *const _, 1);
                libc::close(g);
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
            return Err(format!("failed to grab pid {}: {}", pid, std::io::Error::last_os_error()));
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
        let mut p = libc::pollfd { fd: self.pidfd, events: libc::POLLIN, revents: 0 };
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
