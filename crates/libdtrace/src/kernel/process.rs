//! This process: who dtrace runs as (the `$uid` family of macros), its CPU
//! and descriptor limit.

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
}
