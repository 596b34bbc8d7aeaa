//! Facts about the machine dtrace runs on, which every layer may read: the
//! CPUs (from sysfs) and the words of an errno.

use std::io;
use std::sync::OnceLock;

/// An error as DTrace prints one: strerror()'s words ("No space left on
/// device"), without the " (os error 28)" Rust's Display adds.
pub fn strerror(e: &io::Error) -> String {
    let Some(errno) = e.raw_os_error() else { return e.to_string() };
    let mut buf = [0 as libc::c_char; 256];
    // SAFETY: the buffer and its length are ours; strerror_r NUL-terminates.
    if unsafe { libc::strerror_r(errno, buf.as_mut_ptr(), buf.len()) } != 0 {
        return format!("Unknown error {}", errno);
    }
    // SAFETY: NUL-terminated by strerror_r.
    unsafe { std::ffi::CStr::from_ptr(buf.as_ptr()) }.to_string_lossy().into_owned()
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
    fn cpu_lists() {
        assert_eq!(parse_cpu_list("0-1\n"), vec![0, 1]);
        assert_eq!(parse_cpu_list("0"), vec![0]);
        assert_eq!(parse_cpu_list("0-3,8,10-11"), vec![0, 1, 2, 3, 8, 10, 11]);
        assert_eq!(parse_cpu_list(""), Vec::<u32>::new());
        assert!(possible_cpus() >= 1);
        assert!(!online_cpus().is_empty());
    }
}
