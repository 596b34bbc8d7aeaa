//! Facts about the machine dtrace runs on, which every layer may read: the
//! CPUs (from sysfs), the words of an errno, and the ids of the process
//! (which `kernel::process::ids` reads).

use std::io;
use std::sync::OnceLock;

/// An error as DTrace prints one: strerror()'s words ("No space left on
/// device"), without the " (os error 28)" Rust's Display adds.
pub fn strerror(e: &io::Error) -> String {
    let words = e.to_string();
    // std words an OS error with strerror_r(), then adds the number.
    match e.raw_os_error() {
        Some(errno) => words.strip_suffix(&format!(" (os error {})", errno)).unwrap_or(&words).to_string(),
        None => words,
    }
}

/// Who dtrace runs as: the values of the `$pid`, `$ppid`, `$uid`, `$gid`,
/// `$euid`, `$egid`, `$pgid` and `$sid` macros.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ProcessIds {
    pub pid: u32,
    pub ppid: i32,
    pub uid: u32,
    pub gid: u32,
    pub euid: u32,
    pub egid: u32,
    pub pgid: i32,
    pub sid: i32,
}

/// Parses a kernel CPU list such as `"0-3,8,10-11\n"`.
pub fn parse_cpu_list(s: &str) -> Vec<u32> {
    let mut out = Vec::new();
    for part in s.trim().split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (lo, hi) = match part.split_once('-') {
            Some((a, b)) => (a.trim().parse::<u32>(), b.trim().parse::<u32>()),
            None => (part.parse::<u32>(), part.parse::<u32>()),
        };
        if let (Ok(lo), Ok(hi)) = (lo, hi) {
            out.extend(lo..=hi);
        }
    }
    out
}

/// Number of possible CPUs (the kernel's `num_possible_cpus()`), which
/// sizes per-CPU map values. Read once from /sys/devices/system/cpu/possible.
pub fn possible_cpus() -> usize {
    static N: OnceLock<usize> = OnceLock::new();
    *N.get_or_init(|| {
        std::fs::read_to_string("/sys/devices/system/cpu/possible")
            .map(|s| parse_cpu_list(&s).len())
            .ok()
            .filter(|&n| n > 0)
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
    })
}

/// Where a CPU is: its physical package and NUMA node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CpuPlace {
    pub cpu: u32,
    pub package: i64,
    pub node: i64,
}

/// Package and node of every possible CPU, from sysfs (0 where sysfs does
/// not say).
pub fn cpu_places() -> Vec<CpuPlace> {
    let list =
        std::fs::read_to_string("/sys/devices/system/cpu/possible").map(|s| parse_cpu_list(&s)).unwrap_or_default();
    list.into_iter()
        .map(|cpu| {
            let dir = format!("/sys/devices/system/cpu/cpu{}", cpu);
            let package = std::fs::read_to_string(format!("{}/topology/physical_package_id", dir))
                .ok()
                .and_then(|s| s.trim().parse().ok())
                .unwrap_or(0);
            let node = std::fs::read_dir(&dir)
                .ok()
                .and_then(|entries| {
                    entries.flatten().find_map(|e| e.file_name().to_str()?.strip_prefix("node")?.parse().ok())
                })
                .unwrap_or(0);
            CpuPlace { cpu, package, node }
        })
        .collect()
}

/// The CPUs online now (/sys/devices/system/cpu/online).
pub fn online_cpus() -> Vec<u32> {
    match std::fs::read_to_string("/sys/devices/system/cpu/online") {
        Ok(s) => parse_cpu_list(&s),
        Err(_) => (0..possible_cpus() as u32).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errno_words() {
        let os = |n| strerror(&io::Error::from_raw_os_error(n));
        assert_eq!(os(libc::ENOSPC), "No space left on device");
        assert_eq!(os(libc::EPERM), "Operation not permitted");
        assert_eq!(os(4242), "Unknown error 4242");
        assert_eq!(strerror(&io::Error::other("plain words")), "plain words");
    }

    #[test]
    fn cpu_lists() {
        assert_eq!(parse_cpu_list("0-1\n"), vec![0, 1]);
        assert_eq!(parse_cpu_list("0"), vec![0]);
        assert_eq!(parse_cpu_list("0-3,8,10-11"), vec![0, 1, 2, 3, 8, 10, 11]);
        assert_eq!(parse_cpu_list(""), Vec::<u32>::new());
        assert!(possible_cpus() >= 1);
        assert!(!online_cpus().is_empty());
    }
}
