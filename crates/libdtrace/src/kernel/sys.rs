//! Thin wrappers over the `bpf(2)` system call.
//!
//! Each command gets its own `#[repr(C)]` slice of `union bpf_attr`, passed
//! with its own size: the kernel zero-fills what we do not pass, so the same
//! structures work from 6.1 to 6.18. Errors are plain `io::Error`s carrying
//! the errno (see [`super::explain`] for user-facing wording).

use std::ffi::CString;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};

use crate::bpf::consts::*;
use crate::bpf::insn::Insn;
use crate::host::possible_cpus;

// bpf(2) commands.
const BPF_MAP_CREATE: i32 = 0;
const BPF_MAP_LOOKUP_ELEM: i32 = 1;
const BPF_MAP_UPDATE_ELEM: i32 = 2;
const BPF_MAP_DELETE_ELEM: i32 = 3;
const BPF_MAP_GET_NEXT_KEY: i32 = 4;
const BPF_PROG_LOAD: i32 = 5;
const BPF_PROG_TEST_RUN: i32 = 10;
const BPF_PROG_GET_NEXT_ID: i32 = 11;
const BPF_MAP_GET_NEXT_ID: i32 = 12;
const BPF_PROG_GET_FD_BY_ID: i32 = 13;
const BPF_MAP_GET_FD_BY_ID: i32 = 14;
const BPF_OBJ_GET_INFO_BY_FD: i32 = 15;
const BPF_RAW_TRACEPOINT_OPEN: i32 = 17;
const BPF_BTF_LOAD: i32 = 18;
const BPF_LINK_CREATE: i32 = 28;
const BPF_LINK_GET_FD_BY_ID: i32 = 30;
const BPF_LINK_GET_NEXT_ID: i32 = 31;
const BPF_ENABLE_STATS: i32 = 32;

/// `BPF_PROG_TEST_RUN` flag: run on the CPU named in the request.
const BPF_F_TEST_RUN_ON_CPU: u32 = 1 << 0;
/// `BPF_ENABLE_STATS` type: count run time and run count of every program.
const BPF_STATS_RUN_TIME: u32 = 0;

/// Object names (program, map) hold at most this many characters.
pub const BPF_OBJ_NAME_LEN: usize = 16;

fn bpf<T>(cmd: i32, attr: &mut T) -> io::Result<i64> {
    // SAFETY: `attr` is a live, fully initialised #[repr(C)] structure whose
    // size we pass; pointers inside it refer to buffers the caller keeps
    // alive for the duration of the call.
    let r = unsafe {
        libc::syscall(
            libc::SYS_bpf,
            cmd as libc::c_long,
            attr as *mut T as *mut libc::c_void,
            std::mem::size_of::<T>() as libc::c_uint,
        )
    };
    if r < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(r as i64)
    }
}

fn bpf_fd<T>(cmd: i32, attr: &mut T) -> io::Result<OwnedFd> {
    let fd = bpf(cmd, attr)?;
    // SAFETY: the command returned a new file descriptor that we now own.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

/// Copies `name` into a kernel object name: at most 15 characters, and only
/// the characters the kernel accepts (letters, digits, `_`, `.`); anything
/// else becomes `_`.
fn obj_name(name: &str) -> [u8; BPF_OBJ_NAME_LEN] {
    let mut out = [0u8; BPF_OBJ_NAME_LEN];
    for (o, c) in out.iter_mut().zip(name.bytes().take(BPF_OBJ_NAME_LEN - 1)) {
        *o = if c.is_ascii_alphanumeric() || c == b'_' || c == b'.' { c } else { b'_' };
    }
    out
}

fn name_from(bytes: &[u8]) -> String {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    String::from_utf8_lossy(&bytes[..end]).into_owned()
}

fn ptr<T>(p: *const T) -> u64 {
    p as usize as u64
}

// ---------------------------------------------------------------------------
// Maps

#[repr(C)]
#[derive(Default)]
struct MapCreateAttr {
    map_type: u32,
    key_size: u32,
    value_size: u32,
    max_entries: u32,
    map_flags: u32,
    inner_map_fd: u32,
    numa_node: u32,
    map_name: [u8; BPF_OBJ_NAME_LEN],
}

/// Creates a map. `name` is truncated to 15 characters (see the kernel's
/// `map_name`); it shows up in `bpftool map` and in [`loaded_map_names`].
/// Ring buffers take key_size = value_size = 0 and a power-of-two page
/// multiple as `max_entries` (the data size in bytes).
pub fn map_create(
    map_type: u32,
    key_size: u32,
    value_size: u32,
    max_entries: u32,
    flags: u32,
    name: &str,
) -> io::Result<OwnedFd> {
    let mut a = MapCreateAttr {
        map_type,
        key_size,
        value_size,
        max_entries,
        map_flags: flags,
        map_name: obj_name(name),
        ..Default::default()
    };
    bpf_fd(BPF_MAP_CREATE, &mut a)
}

#[repr(C)]
#[derive(Default)]
struct MapElemAttr {
    map_fd: u32,
    _pad: u32,
    key: u64,
    value: u64, // or next_key
    flags: u64,
}

fn elem_attr(fd: BorrowedFd<'_>, key: *const u8, value: *const u8, flags: u64) -> MapElemAttr {
    MapElemAttr { map_fd: fd.as_raw_fd() as u32, _pad: 0, key: ptr(key), value: ptr(value), flags }
}

fn key_ptr(key: &[u8]) -> *const u8 {
    if key.is_empty() {
        std::ptr::null()
    } else {
        key.as_ptr()
    }
}

/// Looks `key` up and copies the value into `value`. Returns `Ok(false)`
/// when the key is absent. `value` must hold the map's value size; for
/// per-CPU maps [`percpu_value_size`] bytes (one 8-aligned slot per
/// possible CPU, in CPU order).
pub fn map_lookup(fd: BorrowedFd<'_>, key: &[u8], value: &mut [u8]) -> io::Result<bool> {
    let mut a = elem_attr(fd, key_ptr(key), value.as_mut_ptr(), 0);
    match bpf(BPF_MAP_LOOKUP_ELEM, &mut a) {
        Ok(_) => Ok(true),
        Err(e) if e.raw_os_error() == Some(libc::ENOENT) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Stores `value` at `key`; `flags` is [`BPF_ANY`], [`BPF_NOEXIST`] or
/// [`BPF_EXIST`]. Per-CPU maps take one 8-aligned slot per possible CPU.
pub fn map_update(fd: BorrowedFd<'_>, key: &[u8], value: &[u8], flags: u64) -> io::Result<()> {
    let mut a = elem_attr(fd, key_ptr(key), value.as_ptr(), flags);
    bpf(BPF_MAP_UPDATE_ELEM, &mut a).map(|_| ())
}

/// Deletes `key`; `Ok(false)` when it was not there.
pub fn map_delete(fd: BorrowedFd<'_>, key: &[u8]) -> io::Result<bool> {
    let mut a = elem_attr(fd, key_ptr(key), std::ptr::null(), 0);
    match bpf(BPF_MAP_DELETE_ELEM, &mut a) {
        Ok(_) => Ok(true),
        Err(e) if e.raw_os_error() == Some(libc::ENOENT) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Iteration: writes the key following `key` (the first key when `None`)
/// into `next`; `Ok(false)` at the end. When `key` was deleted meanwhile,
/// hash maps restart from the first key.
pub fn map_next_key(fd: BorrowedFd<'_>, key: Option<&[u8]>, next: &mut [u8]) -> io::Result<bool> {
    let k = key.map_or(std::ptr::null(), |k| k.as_ptr());
    let mut a = elem_attr(fd, k, next.as_mut_ptr(), 0);
    match bpf(BPF_MAP_GET_NEXT_KEY, &mut a) {
        Ok(_) => Ok(true),
        Err(e) if e.raw_os_error() == Some(libc::ENOENT) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Bytes a lookup in a per-CPU map with this value size returns: the value
/// size rounded up to 8, once per possible CPU.
pub fn percpu_value_size(value_size: u32) -> usize {
    (value_size as usize).div_ceil(8) * 8 * possible_cpus()
}

// ---------------------------------------------------------------------------
// Programs

#[repr(C)]
#[derive(Default)]
struct ProgLoadAttr {
    prog_type: u32,
    insn_cnt: u32,
    insns: u64,
    license: u64,
    log_level: u32,
    log_size: u32,
    log_buf: u64,
    kern_version: u32,
    prog_flags: u32,
    prog_name: [u8; BPF_OBJ_NAME_LEN],
    prog_ifindex: u32,
    expected_attach_type: u32,
    prog_btf_fd: u32,
    func_info_rec_size: u32,
    func_info: u64,
    func_info_cnt: u32,
    line_info_rec_size: u32,
    line_info: u64,
    line_info_cnt: u32,
    attach_btf_id: u32,
    attach_prog_fd: u32,
    _pad: u32,
}

/// A program the kernel refused, with the verifier's explanation.
#[derive(Debug, Clone)]
pub struct LoadError {
    /// errno of the load (EACCES / EINVAL: verifier; EPERM: privileges).
    pub errno: i32,
    /// The verifier log (empty when the kernel gave none).
    pub log: String,
}

impl LoadError {
    /// The errno as an `io::Error` (so `raw_os_error()` works).
    pub fn io_error(&self) -> io::Error {
        io::Error::from_raw_os_error(self.errno)
    }
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "BPF program load failed: {}", crate::host::strerror(&self.io_error()))?;
        if !self.log.is_empty() {
            write!(f, "\n{}", self.log.trim_end())?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {}

impl From<LoadError> for io::Error {
    fn from(e: LoadError) -> io::Error {
        e.io_error()
    }
}

/// First verifier log buffer (grown ×4 on ENOSPC up to [`LOG_MAX`]).
const LOG_START: usize = 16 << 20;
const LOG_MAX: usize = 256 << 20;

/// Loads a program.
///
/// The license is "GPL": the helpers we generate calls to
/// (bpf_probe_read_kernel, bpf_perf_event_output, bpf_get_stack, ...) are
/// GPL-only and the verifier refuses them to other programs.
///
/// The first attempt goes without a verifier log (no cost on success). If
/// it fails, the load is retried with a log at `log_level` (1 when 0 is
/// given; 2 for the verbose per-instruction trace) in a 16 MiB buffer that
/// grows on ENOSPC, and the log is returned in the error. Should the retry
/// succeed after all, its program is returned.
pub fn prog_load(
    prog_type: u32,
    insns: &[Insn],
    name: &str,
    expected_attach_type: u32,
    log_level: u32,
) -> Result<OwnedFd, LoadError> {
    prog_load_btf(prog_type, insns, name, expected_attach_type, 0, log_level)
}

/// [`prog_load`] for programs that name a kernel BTF type to attach to
/// (fentry/fexit: `attach_btf_id` is the function's id in vmlinux BTF).
pub fn prog_load_btf(
    prog_type: u32,
    insns: &[Insn],
    name: &str,
    expected_attach_type: u32,
    attach_btf_id: u32,
    log_level: u32,
) -> Result<OwnedFd, LoadError> {
    prog_load_funcs(prog_type, insns, name, expected_attach_type, attach_btf_id, None, log_level)
}

/// The program's own BTF (from [`btf_load`]) and its func_info: the
/// instruction offset and BTF type id of each function, in order.
pub struct ProgFuncs<'a> {
    pub btf: BorrowedFd<'a>,
    pub funcs: &'a [(u32, u32)],
}

/// [`prog_load_btf`] for programs made of several functions (bpf_loop
/// callbacks), which the kernel accepts only with their func_info.
pub fn prog_load_funcs(
    prog_type: u32,
    insns: &[Insn],
    name: &str,
    expected_attach_type: u32,
    attach_btf_id: u32,
    funcs: Option<ProgFuncs<'_>>,
    log_level: u32,
) -> Result<OwnedFd, LoadError> {
    let license = b"GPL\0";
    let bytes: Vec<u8> = insns.iter().flat_map(|i| i.to_bytes()).collect();
    let info: Vec<u32> =
        funcs.as_ref().map(|f| f.funcs.iter().flat_map(|&(off, id)| [off, id]).collect()).unwrap_or_default();
    let mut attr = ProgLoadAttr {
        prog_type,
        insn_cnt: insns.len() as u32,
        insns: ptr(bytes.as_ptr()),
        license: ptr(license.as_ptr()),
        prog_name: obj_name(name),
        expected_attach_type,
        attach_btf_id,
        ..Default::default()
    };
    if let Some(f) = &funcs {
        attr.prog_btf_fd = f.btf.as_raw_fd() as u32;
        attr.func_info_rec_size = 8;
        attr.func_info = ptr(info.as_ptr());
        attr.func_info_cnt = f.funcs.len() as u32;
    }
    let first = match bpf_fd(BPF_PROG_LOAD, &mut attr) {
        Ok(fd) => return Ok(fd),
        Err(e) => e.raw_os_error().unwrap_or(libc::EINVAL),
    };
    let level = if log_level == 0 { 1 } else { log_level };
    let mut size = LOG_START;
    loop {
        let mut log = vec![0u8; size];
        attr.log_level = level;
        attr.log_size = size as u32;
        attr.log_buf = ptr(log.as_mut_ptr());
        match bpf_fd(BPF_PROG_LOAD, &mut attr) {
            Ok(fd) => return Ok(fd),
            Err(e) => {
                let errno = e.raw_os_error().unwrap_or(first);
                let truncated = errno == libc::ENOSPC;
                if truncated && size < LOG_MAX {
                    size *= 4;
                    continue;
                }
                let mut text = name_from(&log);
                if truncated {
                    text.push_str("\n(verifier log truncated)");
                }
                // ENOSPC only says the log overflowed; report the real failure.
                let errno = if truncated { first } else { errno };
                return Err(LoadError { errno, log: text });
            }
        }
    }
}

#[repr(C)]
#[derive(Default)]
struct BtfLoadAttr {
    btf: u64,
    btf_log_buf: u64,
    btf_size: u32,
    btf_log_size: u32,
    btf_log_level: u32,
    /// Set by newer kernels; must be zero for older ones, which check that
    /// the bytes past the fields they know are (so no implicit padding).
    btf_log_true_size: u32,
}

/// Loads a BTF blob (a program's description of its functions); on
/// failure the kernel's BTF log is in the error.
pub fn btf_load(blob: &[u8]) -> Result<OwnedFd, LoadError> {
    let mut attr = BtfLoadAttr { btf: ptr(blob.as_ptr()), btf_size: blob.len() as u32, ..Default::default() };
    if let Ok(fd) = bpf_fd(BPF_BTF_LOAD, &mut attr) {
        return Ok(fd);
    }
    let mut log = vec![0u8; 64 << 10];
    attr.btf_log_buf = ptr(log.as_mut_ptr());
    attr.btf_log_size = log.len() as u32;
    attr.btf_log_level = 1;
    match bpf_fd(BPF_BTF_LOAD, &mut attr) {
        Ok(fd) => Ok(fd),
        Err(e) => Err(LoadError { errno: e.raw_os_error().unwrap_or(libc::EINVAL), log: name_from(&log) }),
    }
}

#[repr(C)]
#[derive(Default)]
struct RawTpOpenAttr {
    name: u64,
    prog_fd: u32,
    _pad: u32,
}

/// Attaches a RAW_TRACEPOINT program to the raw tracepoint `tp_name`
/// (e.g. `"sys_enter"`, `"sched_switch"`). The returned link fd keeps it
/// attached; closing it detaches.
pub fn raw_tracepoint_open(tp_name: &str, prog_fd: BorrowedFd<'_>) -> io::Result<OwnedFd> {
    let name = CString::new(tp_name).map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    let mut a = RawTpOpenAttr { name: ptr(name.as_ptr()), prog_fd: prog_fd.as_raw_fd() as u32, _pad: 0 };
    bpf_fd(BPF_RAW_TRACEPOINT_OPEN, &mut a)
}

/// Attaches a tracing program (fentry/fexit, whose target is fixed at load
/// time) through BPF_RAW_TRACEPOINT_OPEN with no name; the link detaches
/// when closed.
pub fn tracing_attach(prog_fd: BorrowedFd<'_>) -> io::Result<OwnedFd> {
    let mut a = RawTpOpenAttr { name: 0, prog_fd: prog_fd.as_raw_fd() as u32, _pad: 0 };
    bpf_fd(BPF_RAW_TRACEPOINT_OPEN, &mut a)
}

#[repr(C)]
#[derive(Default)]
struct LinkCreatePerfAttr {
    prog_fd: u32,
    target_fd: u32,
    attach_type: u32,
    flags: u32,
    bpf_cookie: u64,
}

/// Attaches a program to a perf event (kprobe, uprobe, tracepoint or
/// software event opened with [`super::perf`]) through a BPF link
/// (BPF_LINK_CREATE, attach type BPF_PERF_EVENT; kernel ≥ 5.15), with a
/// 64-bit cookie the program reads with bpf_get_attach_cookie (helper 174).
/// The event still has to be enabled ([`super::perf::enable`]).
pub fn link_create_perf_event(prog_fd: BorrowedFd<'_>, perf_fd: BorrowedFd<'_>, cookie: u64) -> io::Result<OwnedFd> {
    let mut a = LinkCreatePerfAttr {
        prog_fd: prog_fd.as_raw_fd() as u32,
        target_fd: perf_fd.as_raw_fd() as u32,
        attach_type: BPF_PERF_EVENT,
        flags: 0,
        bpf_cookie: cookie,
    };
    bpf_fd(BPF_LINK_CREATE, &mut a)
}

#[repr(C)]
#[derive(Default)]
struct LinkCreateKprobeMultiAttr {
    prog_fd: u32,
    target_fd: u32,
    attach_type: u32,
    flags: u32,
    kprobe_multi_flags: u32,
    cnt: u32,
    syms: u64,
    addrs: u64,
    cookies: u64,
}

/// `kprobe_multi.flags`: return probes (the program runs at each
/// function's return, like a kretprobe).
const BPF_F_KPROBE_MULTI_RETURN: u32 = 1;

/// Attaches a kprobe program loaded with expected_attach_type
/// BPF_TRACE_KPROBE_MULTI to every function at `addrs` at once, each with
/// its cookie (BPF_LINK_CREATE, kernel ≥ 5.18 with CONFIG_FPROBE): one
/// ftrace registration for all of them. The link detaches when closed.
pub fn link_create_kprobe_multi(
    prog_fd: BorrowedFd<'_>,
    addrs: &[u64],
    cookies: &[u64],
    ret: bool,
) -> io::Result<OwnedFd> {
    assert_eq!(addrs.len(), cookies.len());
    let mut a = LinkCreateKprobeMultiAttr {
        prog_fd: prog_fd.as_raw_fd() as u32,
        attach_type: BPF_TRACE_KPROBE_MULTI,
        kprobe_multi_flags: if ret { BPF_F_KPROBE_MULTI_RETURN } else { 0 },
        cnt: addrs.len() as u32,
        addrs: ptr(addrs.as_ptr()),
        cookies: ptr(cookies.as_ptr()),
        ..Default::default()
    };
    bpf_fd(BPF_LINK_CREATE, &mut a)
}

#[repr(C)]
#[derive(Default)]
struct TestRunAttr {
    prog_fd: u32,
    retval: u32,
    data_size_in: u32,
    data_size_out: u32,
    data_in: u64,
    data_out: u64,
    repeat: u32,
    duration: u32,
    ctx_size_in: u32,
    ctx_size_out: u32,
    ctx_in: u64,
    ctx_out: u64,
    flags: u32,
    cpu: u32,
}

/// Runs a program once with BPF_PROG_TEST_RUN and returns its return
/// value. For RAW_TRACEPOINT programs (how BEGIN and END run) `ctx_in` is
/// the u64 argument array the program sees (at most 12 arguments); it must
/// cover every argument the program reads. With `cpu`, the kernel runs the
/// program on that CPU (BPF_F_TEST_RUN_ON_CPU); without, on the caller's.
pub fn prog_test_run(prog_fd: BorrowedFd<'_>, ctx_in: &[u8], cpu: Option<u32>) -> io::Result<u32> {
    let mut a = TestRunAttr {
        prog_fd: prog_fd.as_raw_fd() as u32,
        ctx_size_in: ctx_in.len() as u32,
        ctx_in: if ctx_in.is_empty() { 0 } else { ptr(ctx_in.as_ptr()) },
        flags: if cpu.is_some() { BPF_F_TEST_RUN_ON_CPU } else { 0 },
        cpu: cpu.unwrap_or(0),
        ..Default::default()
    };
    bpf(BPF_PROG_TEST_RUN, &mut a)?;
    Ok(a.retval)
}

// ---------------------------------------------------------------------------
// Object information and enumeration

#[repr(C)]
#[derive(Default)]
struct InfoAttr {
    bpf_fd: u32,
    info_len: u32,
    info: u64,
}

/// Fetches `bpf_*_info` for an object into a zeroed byte buffer; returns
/// how many bytes the kernel filled.
fn obj_info(fd: BorrowedFd<'_>, buf: &mut [u8]) -> io::Result<usize> {
    let mut a = InfoAttr { bpf_fd: fd.as_raw_fd() as u32, info_len: buf.len() as u32, info: ptr(buf.as_mut_ptr()) };
    bpf(BPF_OBJ_GET_INFO_BY_FD, &mut a)?;
    Ok(a.info_len as usize)
}

fn rd_u32(b: &[u8], off: usize) -> u32 {
    b.get(off..off + 4).map_or(0, |s| u32::from_ne_bytes(s.try_into().unwrap()))
}

fn rd_u64(b: &[u8], off: usize) -> u64 {
    b.get(off..off + 8).map_or(0, |s| u64::from_ne_bytes(s.try_into().unwrap()))
}

/// What the kernel says about a loaded program (a subset of
/// `struct bpf_prog_info`). Run counters count only while statistics are
/// enabled ([`enable_stats`] or the sysctl kernel.bpf_stats_enabled);
/// `recursion_misses` always counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProgInfo {
    pub prog_type: u32,
    pub id: u32,
    pub name: String,
    pub run_time_ns: u64,
    pub run_cnt: u64,
    /// Times the program was skipped because it was already running on
    /// that CPU (kernel ≥ 5.12).
    pub recursion_misses: u64,
    /// Instructions the verifier processed (kernel ≥ 5.16).
    pub verified_insns: u32,
}

/// `bpf_prog_info` of a program fd.
pub fn prog_info(fd: BorrowedFd<'_>) -> io::Result<ProgInfo> {
    let mut b = [0u8; 256];
    let n = obj_info(fd, &mut b)?;
    let b = &b[..n.min(b.len())];
    Ok(ProgInfo {
        prog_type: rd_u32(b, 0),
        id: rd_u32(b, 4),
        name: name_from(b.get(64..80).unwrap_or(&[])),
        run_time_ns: rd_u64(b, 192),
        run_cnt: rd_u64(b, 200),
        recursion_misses: rd_u64(b, 208),
        verified_insns: rd_u32(b, 216),
    })
}

/// A subset of `struct bpf_map_info`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MapInfo {
    pub map_type: u32,
    pub id: u32,
    pub key_size: u32,
    pub value_size: u32,
    pub max_entries: u32,
    pub flags: u32,
    pub name: String,
}

/// `bpf_map_info` of a map fd.
pub fn map_info(fd: BorrowedFd<'_>) -> io::Result<MapInfo> {
    let mut b = [0u8; 128];
    let n = obj_info(fd, &mut b)?;
    let b = &b[..n.min(b.len())];
    Ok(MapInfo {
        map_type: rd_u32(b, 0),
        id: rd_u32(b, 4),
        key_size: rd_u32(b, 8),
        value_size: rd_u32(b, 12),
        max_entries: rd_u32(b, 16),
        flags: rd_u32(b, 20),
        name: name_from(b.get(24..40).unwrap_or(&[])),
    })
}

/// A subset of `struct bpf_link_info`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkInfo {
    pub link_type: u32,
    pub id: u32,
    pub prog_id: u32,
}

/// `bpf_link_info` of a link fd.
pub fn link_info(fd: BorrowedFd<'_>) -> io::Result<LinkInfo> {
    let mut b = [0u8; 128];
    let n = obj_info(fd, &mut b)?;
    let b = &b[..n.min(b.len())];
    Ok(LinkInfo { link_type: rd_u32(b, 0), id: rd_u32(b, 4), prog_id: rd_u32(b, 8) })
}

#[repr(C)]
#[derive(Default)]
struct IdAttr {
    id: u32, // start_id, or prog_id / map_id / link_id
    next_id: u32,
    open_flags: u32,
}

fn next_id(cmd: i32, start: u32) -> io::Result<Option<u32>> {
    let mut a = IdAttr { id: start, ..Default::default() };
    match bpf(cmd, &mut a) {
        Ok(_) => Ok(Some(a.next_id)),
        Err(e) if e.raw_os_error() == Some(libc::ENOENT) => Ok(None),
        Err(e) => Err(e),
    }
}

fn fd_by_id(cmd: i32, id: u32) -> io::Result<OwnedFd> {
    let mut a = IdAttr { id, ..Default::default() };
    bpf_fd(cmd, &mut a)
}

/// The id of the next loaded program after `start` (0: the first), or None.
pub fn prog_get_next_id(start: u32) -> io::Result<Option<u32>> {
    next_id(BPF_PROG_GET_NEXT_ID, start)
}

/// Opens the loaded program with this id.
pub fn prog_get_fd_by_id(id: u32) -> io::Result<OwnedFd> {
    fd_by_id(BPF_PROG_GET_FD_BY_ID, id)
}

/// The id of the next map after `start` (0: the first), or None.
pub fn map_get_next_id(start: u32) -> io::Result<Option<u32>> {
    next_id(BPF_MAP_GET_NEXT_ID, start)
}

/// Opens the map with this id.
pub fn map_get_fd_by_id(id: u32) -> io::Result<OwnedFd> {
    fd_by_id(BPF_MAP_GET_FD_BY_ID, id)
}

/// The id of the next link after `start` (0: the first), or None.
pub fn link_get_next_id(start: u32) -> io::Result<Option<u32>> {
    next_id(BPF_LINK_GET_NEXT_ID, start)
}

/// Opens the link with this id.
pub fn link_get_fd_by_id(id: u32) -> io::Result<OwnedFd> {
    fd_by_id(BPF_LINK_GET_FD_BY_ID, id)
}

/// Walks every object of one kind; objects that vanish between listing and
/// opening are skipped.
fn walk<T>(
    next: fn(u32) -> io::Result<Option<u32>>,
    open: fn(u32) -> io::Result<OwnedFd>,
    mut info: impl FnMut(u32, BorrowedFd<'_>) -> io::Result<T>,
) -> io::Result<Vec<T>> {
    let mut out = Vec::new();
    let mut id = 0;
    while let Some(n) = next(id)? {
        id = n;
        match open(id) {
            Ok(fd) => match info(id, fd.as_fd()) {
                Ok(t) => out.push(t),
                Err(e) if e.raw_os_error() == Some(libc::ENOENT) => {}
                Err(e) => return Err(e),
            },
            Err(e) if e.raw_os_error() == Some(libc::ENOENT) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

/// (id, name) of every BPF program loaded on the system (needs root).
pub fn loaded_prog_names() -> io::Result<Vec<(u32, String)>> {
    walk(prog_get_next_id, prog_get_fd_by_id, |id, fd| Ok((id, prog_info(fd)?.name)))
}

/// (id, name) of every BPF map on the system (needs root).
pub fn loaded_map_names() -> io::Result<Vec<(u32, String)>> {
    walk(map_get_next_id, map_get_fd_by_id, |id, fd| Ok((id, map_info(fd)?.name)))
}

/// Every BPF link on the system (needs root).
pub fn loaded_links() -> io::Result<Vec<LinkInfo>> {
    walk(link_get_next_id, link_get_fd_by_id, |_, fd| link_info(fd))
}

#[repr(C)]
#[derive(Default)]
struct EnableStatsAttr {
    stats_type: u32,
}

/// Turns on run-time statistics (run_cnt, run_time_ns) for every program
/// while the returned fd stays open (BPF_ENABLE_STATS, kernel ≥ 5.8).
pub fn enable_stats() -> io::Result<OwnedFd> {
    let mut a = EnableStatsAttr { stats_type: BPF_STATS_RUN_TIME };
    bpf_fd(BPF_ENABLE_STATS, &mut a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_names() {
        assert_eq!(&obj_name("dt_begin")[..9], b"dt_begin\0");
        let long = obj_name("a_very_long_program_name");
        assert_eq!(&long[..15], b"a_very_long_pro");
        assert_eq!(long[15], 0);
        assert_eq!(&obj_name("syscall::read:entry")[..8], b"syscall_");
    }

    #[test]
    fn attr_layouts_match_the_kernel() {
        use std::mem::size_of;
        assert_eq!(size_of::<MapCreateAttr>(), 44);
        assert_eq!(size_of::<MapElemAttr>(), 32);
        assert_eq!(size_of::<ProgLoadAttr>(), 120);
        assert_eq!(std::mem::offset_of!(ProgLoadAttr, attach_btf_id), 108);
        assert_eq!(size_of::<TestRunAttr>(), 72);
        assert_eq!(size_of::<RawTpOpenAttr>(), 16);
        assert_eq!(size_of::<LinkCreatePerfAttr>(), 24);
        assert_eq!(percpu_value_size(4), 8 * possible_cpus());
        assert_eq!(percpu_value_size(16), 16 * possible_cpus());
    }
}
