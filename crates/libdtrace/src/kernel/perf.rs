//! perf_event_open(2): the events BPF programs hang on (software clocks
//! for profile-N/tick-N, tracepoints, uprobes, kprobes) and attaching a
//! program to one.

use std::ffi::CString;
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

pub const PERF_TYPE_HARDWARE: u32 = 0;
pub const PERF_TYPE_SOFTWARE: u32 = 1;
pub const PERF_TYPE_TRACEPOINT: u32 = 2;

pub const PERF_COUNT_SW_CPU_CLOCK: u64 = 0;
pub const PERF_COUNT_SW_TASK_CLOCK: u64 = 1;

const PERF_FLAG_FD_CLOEXEC: libc::c_ulong = 1 << 3;

// ioctl requests: _IO('$', 0), _IO('$', 1), _IOW('$', 8, __u32).
const PERF_EVENT_IOC_ENABLE: libc::c_ulong = 0x2400;
const PERF_EVENT_IOC_DISABLE: libc::c_ulong = 0x2401;
const PERF_EVENT_IOC_SET_BPF: libc::c_ulong = 0x4004_2408;

// Bits of the flags word of perf_event_attr.
const ATTR_DISABLED: u64 = 1 << 0;

/// `struct perf_event_attr` up to PERF_ATTR_SIZE_VER5 (112 bytes), which
/// every kernel since 4.1 understands.
#[repr(C)]
#[derive(Default, Clone, Copy)]
pub struct PerfEventAttr {
    pub type_: u32,
    pub size: u32,
    pub config: u64,
    /// sample_period, or sample_freq when the `freq` flag is set.
    pub sample_period: u64,
    pub sample_type: u64,
    pub read_format: u64,
    /// The bitfield word (disabled, inherit, pinned, ..., freq, ...).
    pub flags: u64,
    pub wakeup_events: u32,
    pub bp_type: u32,
    /// config1 (uprobe/kprobe: pointer to path or function name).
    pub config1: u64,
    /// config2 (uprobe/kprobe: offset or address).
    pub config2: u64,
    pub branch_sample_type: u64,
    pub sample_regs_user: u64,
    pub sample_stack_user: u32,
    pub clockid: i32,
    pub sample_regs_intr: u64,
    pub aux_watermark: u32,
    pub sample_max_stack: u16,
    pub _reserved_2: u16,
}

impl PerfEventAttr {
    /// A zeroed attribute of this type and config, created disabled.
    pub fn new(type_: u32, config: u64) -> PerfEventAttr {
        PerfEventAttr {
            type_,
            size: std::mem::size_of::<PerfEventAttr>() as u32,
            config,
            flags: ATTR_DISABLED,
            ..Default::default()
        }
    }
}

/// perf_event_open(2) with close-on-exec. `pid` -1 and `cpu` ≥ 0: every
/// task on that CPU; `pid` ≥ 0 and `cpu` -1: that task on any CPU.
pub fn perf_event_open(attr: &PerfEventAttr, pid: i32, cpu: i32) -> io::Result<OwnedFd> {
    // SAFETY: attr is a valid perf_event_attr whose size field matches.
    let r = unsafe {
        libc::syscall(libc::SYS_perf_event_open, attr as *const PerfEventAttr, pid as libc::c_long, cpu as libc::c_long, -1 as libc::c_long, PERF_FLAG_FD_CLOEXEC)
    };
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: a new fd we own.
    Ok(unsafe { OwnedFd::from_raw_fd(r as RawFd) })
}

/// A CPU-wide software clock on `cpu` that overflows every `period_ns`
/// nanoseconds (profile-N / tick-N). Created disabled.
pub fn open_cpu_clock(cpu: u32, period_ns: u64) -> io::Result<OwnedFd> {
    let mut a = PerfEventAttr::new(PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK);
    a.sample_period = period_ns.max(1);
    perf_event_open(&a, -1, cpu as i32)
}

/// The tracepoint with this tracefs id (see [`super::tracefs::event_id`]).
/// For BPF one event is enough, whatever its CPU: the program is attached
/// to the tracepoint itself and runs on every CPU. Created disabled.
pub fn open_tracepoint(tp_id: u64, cpu: u32) -> io::Result<OwnedFd> {
    let mut a = PerfEventAttr::new(PERF_TYPE_TRACEPOINT, tp_id);
    a.sample_period = 1;
    perf_event_open(&a, -1, cpu as i32)
}

/// Type number of a dynamic PMU ("uprobe", "kprobe") from sysfs.
pub fn pmu_type(pmu: &str) -> io::Result<u32> {
    let s = std::fs::read_to_string(format!("/sys/bus/event_source/devices/{pmu}/type"))?;
    s.trim().parse().map_err(|_| io::Error::new(io::ErrorKind::InvalidData, format!("bad {pmu} PMU type {s:?}")))
}

/// Bit of `config` that turns a kprobe/uprobe PMU event into a return
/// probe (sysfs format/retprobe, "config:0" everywhere so far).
fn retprobe_bit(pmu: &str) -> u64 {
    std::fs::read_to_string(format!("/sys/bus/event_source/devices/{pmu}/format/retprobe"))
        .ok()
        .and_then(|s| s.trim().strip_prefix("config:").and_then(|n| n.parse::<u32>().ok()))
        .map_or(1, |b| 1u64 << b)
}

/// A uprobe (or uretprobe) at file offset `offset` of `path`, via the
/// uprobe PMU (no tracefs writes, nothing left behind on exit).
/// `pid` -1 with `cpu` ≥ 0 traces every process on that CPU; `pid` ≥ 0 with
/// `cpu` -1 traces that process. Created disabled.
pub fn open_uprobe(path: &Path, offset: u64, retprobe: bool, pid: i32, cpu: i32) -> io::Result<OwnedFd> {
    let path = CString::new(path.as_os_str().as_bytes()).map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    let mut a = PerfEventAttr::new(pmu_type("uprobe")?, if retprobe { retprobe_bit("uprobe") } else { 0 });
    a.sample_period = 1;
    a.config1 = path.as_ptr() as usize as u64;
    a.config2 = offset;
    perf_event_open(&a, pid, cpu)
}

/// A kprobe (or kretprobe) on `func` + `offset`, via the kprobe PMU.
/// Like tracepoints, one event on any CPU covers all CPUs for BPF.
/// Fails with ENOENT where the kernel has no kprobe PMU. Created disabled.
pub fn open_kprobe(func: &str, offset: u64, retprobe: bool) -> io::Result<OwnedFd> {
    let func = CString::new(func).map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    let mut a = PerfEventAttr::new(pmu_type("kprobe")?, if retprobe { retprobe_bit("kprobe") } else { 0 });
    a.sample_period = 1;
    a.config1 = func.as_ptr() as usize as u64;
    a.config2 = offset;
    perf_event_open(&a, -1, 0)
}

/// A kprobe (or kretprobe) at a kernel address, for functions whose name
/// is not unique (the kprobe PMU takes the address when no name is given).
pub fn open_kprobe_addr(addr: u64, retprobe: bool) -> io::Result<OwnedFd> {
    let mut a = PerfEventAttr::new(pmu_type("kprobe")?, if retprobe { retprobe_bit("kprobe") } else { 0 });
    a.sample_period = 1;
    a.config1 = 0;
    a.config2 = addr;
    perf_event_open(&a, -1, 0)
}

fn ioctl(fd: BorrowedFd<'_>, req: libc::c_ulong, arg: libc::c_ulong) -> io::Result<()> {
    // SAFETY: perf ioctls with an integer argument.
    let r = unsafe { libc::ioctl(fd.as_raw_fd(), req as _, arg) };
    if r < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}

/// Starts counting / firing.
pub fn enable(perf_fd: BorrowedFd<'_>) -> io::Result<()> {
    ioctl(perf_fd, PERF_EVENT_IOC_ENABLE, 0)
}

/// Stops counting / firing.
pub fn disable(perf_fd: BorrowedFd<'_>) -> io::Result<()> {
    ioctl(perf_fd, PERF_EVENT_IOC_DISABLE, 0)
}

/// Attaches a BPF program (PERF_EVENT for clocks; TRACEPOINT for
/// tracepoints; KPROBE for kprobes and uprobes) to a perf event with
/// PERF_EVENT_IOC_SET_BPF and enables it. The attachment lives as long as
/// the perf fd; closing it detaches. Works on every kernel we support; see
/// [`super::sys::link_create_perf_event`] for the variant with a cookie.
pub fn attach_bpf(perf_fd: BorrowedFd<'_>, prog_fd: BorrowedFd<'_>) -> io::Result<()> {
    ioctl(perf_fd, PERF_EVENT_IOC_SET_BPF, prog_fd.as_raw_fd() as libc::c_ulong)?;
    enable(perf_fd)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attr_is_ver5_sized() {
        assert_eq!(std::mem::size_of::<PerfEventAttr>(), 112);
        let a = PerfEventAttr::new(PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK);
        assert_eq!(a.size, 112);
        assert_eq!(a.flags & ATTR_DISABLED, 1);
    }
}
