//! Tests that load and run real programs (root only; skipped otherwise).

use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::time::{Duration, Instant};

use super::perf;
use super::ringbuf::RingBuf;
use super::sys::*;
use super::tracefs;
use crate::bpf::consts::*;
use crate::bpf::insn::*;
use crate::host::{online_cpus, possible_cpus};

fn root() -> bool {
    if !super::is_root() {
        eprintln!("skipped: needs root");
        return false;
    }
    true
}

/// A program name unique to this test process.
fn uname(tag: &str) -> String {
    format!("kt_{tag}{}", std::process::id())
}

/// `map[0] += 1` on a 1-entry u32 → u64 array map, then `return 0`.
fn counter_prog(map: &OwnedFd) -> Vec<Insn> {
    let mut p = Vec::new();
    p.push(Insn::st_imm(BPF_W, FP, -4, 0));
    p.extend(Insn::ld_map_fd(R1, map.as_raw_fd()));
    p.push(Insn::mov64_reg(R2, FP));
    p.push(Insn::alu64_imm(BPF_ADD, R2, -4));
    p.push(Insn::call(1)); // map_lookup_elem
    p.push(Insn::jmp_imm(BPF_JEQ, R0, 0, 2));
    p.push(Insn::mov64_imm(R1, 1));
    p.push(Insn::atomic_add(BPF_DW, R0, R1, 0));
    p.push(Insn::mov64_imm(R0, 0));
    p.push(Insn::exit());
    p
}

fn counter_map(name: &str) -> OwnedFd {
    map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0, name).expect("array map")
}

fn read_counter(map: &OwnedFd) -> u64 {
    let mut v = [0u8; 8];
    assert!(map_lookup(map.as_fd(), &0u32.to_ne_bytes(), &mut v).unwrap());
    u64::from_ne_bytes(v)
}

/// Waits (up to 3 s: the kernel frees programs and maps from deferred
/// work after the last reference goes) until `list` no longer has `name`.
fn wait_gone_from(list: fn() -> std::io::Result<Vec<(u32, String)>>, name: &str) -> bool {
    let t = Instant::now();
    while t.elapsed() < Duration::from_secs(3) {
        if !list().unwrap().iter().any(|(_, n)| n == name) {
            eprintln!("{name} gone after {:?}", t.elapsed());
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    false
}

fn wait_gone(name: &str) -> bool {
    wait_gone_from(loaded_prog_names, name)
}

#[test]
fn map_crud_and_iteration() {
    if !root() {
        return;
    }
    let m = map_create(BPF_MAP_TYPE_HASH, 4, 8, 16, 0, &uname("hash")).unwrap();
    for k in 0u32..5 {
        map_update(m.as_fd(), &k.to_ne_bytes(), &(k as u64 * 10).to_ne_bytes(), BPF_ANY).unwrap();
    }
    let mut v = [0u8; 8];
    assert!(map_lookup(m.as_fd(), &3u32.to_ne_bytes(), &mut v).unwrap());
    assert_eq!(u64::from_ne_bytes(v), 30);
    assert!(!map_lookup(m.as_fd(), &9u32.to_ne_bytes(), &mut v).unwrap());
    let e = map_update(m.as_fd(), &3u32.to_ne_bytes(), &v, BPF_NOEXIST).unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::EEXIST));
    assert!(map_delete(m.as_fd(), &3u32.to_ne_bytes()).unwrap());
    assert!(!map_delete(m.as_fd(), &3u32.to_ne_bytes()).unwrap());
    let mut keys = Vec::new();
    let mut cur: Option<[u8; 4]> = None;
    let mut next = [0u8; 4];
    while map_next_key(m.as_fd(), cur.as_ref().map(|k| &k[..]), &mut next).unwrap() {
        keys.push(u32::from_ne_bytes(next));
        cur = Some(next);
    }
    keys.sort();
    assert_eq!(keys, [0, 1, 2, 4]);
    let info = map_info(m.as_fd()).unwrap();
    assert_eq!((info.map_type, info.key_size, info.value_size, info.max_entries), (BPF_MAP_TYPE_HASH, 4, 8, 16));
    assert_eq!(info.name, uname("hash"));
    assert!(loaded_map_names().unwrap().iter().any(|(id, n)| *id == info.id && *n == info.name));

    // Per-CPU: one 8-byte slot per possible CPU.
    let pc = map_create(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 4, 1, 0, &uname("pcpu")).unwrap();
    let n = possible_cpus();
    let mut vals = vec![0u8; percpu_value_size(4)];
    for cpu in 0..n {
        vals[cpu * 8..cpu * 8 + 4].copy_from_slice(&(cpu as u32 + 7).to_ne_bytes());
    }
    map_update(pc.as_fd(), &0u32.to_ne_bytes(), &vals, BPF_ANY).unwrap();
    let mut back = vec![0u8; percpu_value_size(4)];
    assert!(map_lookup(pc.as_fd(), &0u32.to_ne_bytes(), &mut back).unwrap());
    assert_eq!(vals, back);
}

#[test]
fn verifier_log_on_failure() {
    if !root() {
        return;
    }
    // Reads r0 before writing it: the verifier must refuse and say why.
    let err = prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, &[Insn::exit()], "kt_bad", 0, 0).unwrap_err();
    assert_eq!(err.errno, libc::EACCES, "{err}");
    assert!(err.log.contains("R0 !read_ok"), "log: {}", err.log);
    assert_eq!(err.io_error().raw_os_error(), Some(libc::EACCES));
}

/// (a) A RAW_TRACEPOINT program run by BPF_PROG_TEST_RUN writes
/// {arg0, cpu} with bpf_ringbuf_output; we read it back.
#[test]
fn test_run_into_ringbuf() {
    if !root() {
        return;
    }
    let rb = map_create(BPF_MAP_TYPE_RINGBUF, 0, 0, 4096, 0, &uname("rb")).unwrap();
    let mut p = vec![
        Insn::mov64_reg(R6, R1),
        Insn::ldx(BPF_DW, R7, R6, 0),
        Insn::stx(BPF_DW, FP, R7, -16),
        Insn::call(8), // get_smp_processor_id
        Insn::stx(BPF_DW, FP, R0, -8),
    ];
    p.extend(Insn::ld_map_fd(R1, rb.as_raw_fd()));
    p.extend([
        Insn::mov64_reg(R2, FP),
        Insn::alu64_imm(BPF_ADD, R2, -16),
        Insn::mov64_imm(R3, 16),
        Insn::mov64_imm(R4, 0),
        Insn::call(130), // ringbuf_output
        Insn::mov64_imm(R0, 42),
        Insn::exit(),
    ]);
    let prog = prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, &p, &uname("rbout"), 0, 0).unwrap_or_else(|e| panic!("{e}"));
    let mut ring = RingBuf::new(rb.as_fd()).unwrap();
    drop(rb); // the RingBuf holds its own reference
    assert_eq!(ring.size(), 4096);
    assert!(!ring.wait(0).unwrap());

    let last = *online_cpus().last().unwrap();
    assert_eq!(prog_test_run(prog.as_fd(), &0xdead_beef_u64.to_ne_bytes(), None).unwrap(), 42);
    assert_eq!(prog_test_run(prog.as_fd(), &7u64.to_ne_bytes(), Some(last)).unwrap(), 42);
    assert!(ring.wait(100).unwrap());
    assert_eq!(ring.avail(), 2 * 24);
    let mut recs = Vec::new();
    let n = ring.drain(|r| recs.push((u64::from_ne_bytes(r[..8].try_into().unwrap()), u64::from_ne_bytes(r[8..16].try_into().unwrap()), r.len())));
    assert_eq!(n, 2);
    assert_eq!(recs[0].0, 0xdead_beef);
    assert_eq!(recs[0].2, 16);
    assert_eq!((recs[1].0, recs[1].1), (7, last as u64));
    assert_eq!(ring.avail(), 0);

    // Wrap-around: 24-byte records do not divide 4096, so some straddle
    // the end of the data area and must come out whole and in order.
    let mut seen = Vec::new();
    for i in 0..600u64 {
        prog_test_run(prog.as_fd(), &i.to_ne_bytes(), None).unwrap();
        if i % 7 == 6 {
            ring.drain(|r| seen.push(u64::from_ne_bytes(r[..8].try_into().unwrap())));
        }
    }
    ring.drain(|r| seen.push(u64::from_ne_bytes(r[..8].try_into().unwrap())));
    assert_eq!(seen, (0..600).collect::<Vec<_>>());

    // A full buffer drops records (bpf_ringbuf_output fails) instead of
    // blocking; draining makes room again.
    for i in 0..400u64 {
        prog_test_run(prog.as_fd(), &i.to_ne_bytes(), None).unwrap();
    }
    let mut full = Vec::new();
    ring.drain(|r| full.push(u64::from_ne_bytes(r[..8].try_into().unwrap())));
    assert_eq!(full, (0..(4096 / 24)).collect::<Vec<_>>());
}

/// Reserve/submit/discard: discarded records are skipped by drain.
#[test]
fn ringbuf_skips_discarded_records() {
    if !root() {
        return;
    }
    let rb = map_create(BPF_MAP_TYPE_RINGBUF, 0, 0, 4096, 0, &uname("rbd")).unwrap();
    let mut p = vec![Insn::mov64_reg(R6, R1)];
    p.extend(Insn::ld_map_fd(R1, rb.as_raw_fd()));
    p.extend([
        Insn::mov64_imm(R2, 8),
        Insn::mov64_imm(R3, 0),
        Insn::call(131), // ringbuf_reserve
        Insn::jmp_imm(BPF_JEQ, R0, 0, 11),
        Insn::ldx(BPF_DW, R7, R6, 0),
        Insn::stx(BPF_DW, R0, R7, 0),
        Insn::alu64_imm(BPF_AND, R7, 1),
        Insn::jmp_imm(BPF_JNE, R7, 0, 4),
        Insn::mov64_reg(R1, R0),
        Insn::mov64_imm(R2, 0),
        Insn::call(132), // ringbuf_submit
        Insn::ja(3),
        Insn::mov64_reg(R1, R0),
        Insn::mov64_imm(R2, 0),
        Insn::call(133), // ringbuf_discard
        Insn::mov64_imm(R0, 0),
        Insn::exit(),
    ]);
    let prog = prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, &p, &uname("rbdisc"), 0, 0).unwrap_or_else(|e| panic!("{e}"));
    let mut ring = RingBuf::new(rb.as_fd()).unwrap();
    for i in 0..10u64 {
        prog_test_run(prog.as_fd(), &i.to_ne_bytes(), None).unwrap();
    }
    assert_eq!(ring.avail(), 10 * 16);
    let mut got = Vec::new();
    assert_eq!(ring.drain(|r| got.push(u64::from_ne_bytes(r.try_into().unwrap()))), 5);
    assert_eq!(got, [0, 2, 4, 6, 8]);
    assert_eq!(ring.avail(), 0);
}

/// (b) A raw tracepoint program on sys_enter counts syscalls; after the
/// link and the program are closed nothing of it stays loaded.
#[test]
fn raw_tracepoint_counts_syscalls_and_unloads() {
    if !root() {
        return;
    }
    let name = uname("sysent");
    let map = counter_map(&uname("cnt"));
    let prog = prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, &counter_prog(&map), &name, 0, 0).unwrap_or_else(|e| panic!("{e}"));
    let stats = enable_stats().unwrap();
    let link = raw_tracepoint_open("sys_enter", prog.as_fd()).unwrap();
    for _ in 0..20 {
        unsafe { libc::getppid() };
    }
    let n = read_counter(&map);
    assert!(n >= 20, "counter {n}");
    let info = prog_info(prog.as_fd()).unwrap();
    assert_eq!(info.name, name);
    assert_eq!(info.prog_type, BPF_PROG_TYPE_RAW_TRACEPOINT);
    assert!(info.run_cnt >= 20, "{info:?}");
    assert_eq!(info.recursion_misses, 0);
    let li = link_info(link.as_fd()).unwrap();
    assert_eq!(li.prog_id, info.id);
    assert!(loaded_links().unwrap().iter().any(|l| l.id == li.id));
    assert!(loaded_prog_names().unwrap().contains(&(info.id, name.clone())));
    drop(stats);

    drop(link);
    let after = read_counter(&map);
    unsafe { libc::getppid() };
    std::thread::sleep(Duration::from_millis(10));
    assert_eq!(read_counter(&map), after, "still counting after detach");
    drop(prog);
    drop(map);
    assert!(wait_gone(&name), "program {name} still loaded");
    assert!(!loaded_links().unwrap().iter().any(|l| l.id == li.id));
    assert!(wait_gone_from(loaded_map_names, &uname("cnt")), "map still there");
}

fn spin_on_cpu(cpu: u32, d: Duration) {
    std::thread::spawn(move || {
        unsafe {
            let mut set: libc::cpu_set_t = std::mem::zeroed();
            libc::CPU_SET(cpu as usize, &mut set);
            libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set);
        }
        let t = Instant::now();
        while t.elapsed() < d {
            std::hint::spin_loop();
        }
    })
    .join()
    .unwrap();
}

/// (c) A 1 ms cpu-clock perf event on CPU 0 runs a PERF_EVENT program.
#[test]
fn cpu_clock_perf_event() {
    if !root() {
        return;
    }
    let name = uname("clk");
    let map = counter_map(&uname("clkc"));
    let prog = prog_load(BPF_PROG_TYPE_PERF_EVENT, &counter_prog(&map), &name, 0, 0).unwrap_or_else(|e| panic!("{e}"));
    let ev = perf::open_cpu_clock(0, 1_000_000).unwrap();
    perf::attach_bpf(ev.as_fd(), prog.as_fd()).unwrap();
    spin_on_cpu(0, Duration::from_millis(100));
    let n = read_counter(&map);
    assert!(n >= 20, "only {n} ticks in 100 ms");
    drop(ev);
    let after = read_counter(&map);
    std::thread::sleep(Duration::from_millis(20));
    assert_eq!(read_counter(&map), after);
    drop(prog);
    assert!(wait_gone(&name));
}

/// The same through a BPF link, with a cookie the program reads back.
#[test]
fn perf_event_link_with_cookie() {
    if !root() {
        return;
    }
    let map = counter_map(&uname("cookie"));
    let mut p = vec![
        Insn::call(174), // get_attach_cookie(ctx): r1 is still the context
        Insn::mov64_reg(R6, R0),
        Insn::st_imm(BPF_W, FP, -4, 0),
    ];
    p.extend(Insn::ld_map_fd(R1, map.as_raw_fd()));
    p.extend([
        Insn::mov64_reg(R2, FP),
        Insn::alu64_imm(BPF_ADD, R2, -4),
        Insn::call(1),
        Insn::jmp_imm(BPF_JEQ, R0, 0, 1),
        Insn::stx(BPF_DW, R0, R6, 0),
        Insn::mov64_imm(R0, 0),
        Insn::exit(),
    ]);
    let prog = prog_load(BPF_PROG_TYPE_PERF_EVENT, &p, &uname("cookie"), 0, 0).unwrap_or_else(|e| panic!("{e}"));
    let ev = perf::open_cpu_clock(0, 1_000_000).unwrap();
    let link = link_create_perf_event(prog.as_fd(), ev.as_fd(), 0x1234_5678_9abc).unwrap();
    perf::enable(ev.as_fd()).unwrap();
    spin_on_cpu(0, Duration::from_millis(30));
    assert_eq!(read_counter(&map), 0x1234_5678_9abc);
    drop(link);
}

/// A TRACEPOINT program on syscalls:sys_enter_getppid through perf.
#[test]
fn tracepoint_perf_event() {
    if !root() {
        return;
    }
    let id = tracefs::event_id("syscalls", "sys_enter_getppid").unwrap();
    let map = counter_map(&uname("tpc"));
    let prog = prog_load(BPF_PROG_TYPE_TRACEPOINT, &counter_prog(&map), &uname("tp"), 0, 0).unwrap_or_else(|e| panic!("{e}"));
    let ev = perf::open_tracepoint(id, 0).unwrap();
    perf::attach_bpf(ev.as_fd(), prog.as_fd()).unwrap();
    // From every CPU: one event on CPU 0 covers them all.
    for cpu in online_cpus() {
        std::thread::spawn(move || unsafe {
            let mut set: libc::cpu_set_t = std::mem::zeroed();
            libc::CPU_SET(cpu as usize, &mut set);
            libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set);
            for _ in 0..5 {
                libc::getppid();
            }
        })
        .join()
        .unwrap();
    }
    assert!(read_counter(&map) >= 5 * online_cpus().len() as u64);
}

#[inline(never)]
#[no_mangle]
pub extern "C" fn kt_uprobe_target(x: u64) -> u64 {
    std::hint::black_box(x.wrapping_mul(3))
}

/// File and file offset of a code address of this process.
fn file_offset_of(addr: usize) -> (std::path::PathBuf, u64) {
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
    for line in maps.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        let (lo, hi) = f[0].split_once('-').unwrap();
        let (lo, hi) = (usize::from_str_radix(lo, 16).unwrap(), usize::from_str_radix(hi, 16).unwrap());
        if addr >= lo && addr < hi && f.len() >= 6 {
            let off = u64::from_str_radix(f[2], 16).unwrap();
            return (f[5].into(), (addr - lo) as u64 + off);
        }
    }
    panic!("address {addr:#x} not mapped");
}

/// A KPROBE-type program on a uprobe of a function of this test binary.
#[test]
fn uprobe_on_own_function() {
    if !root() {
        return;
    }
    let (path, off) = file_offset_of(kt_uprobe_target as *const () as usize);
    let map = counter_map(&uname("upc"));
    let prog = prog_load(BPF_PROG_TYPE_KPROBE, &counter_prog(&map), &uname("up"), 0, 0).unwrap_or_else(|e| panic!("{e}"));
    let tid = unsafe { libc::gettid() };
    let ev = perf::open_uprobe(&path, off, false, tid, -1).unwrap();
    perf::attach_bpf(ev.as_fd(), prog.as_fd()).unwrap();
    for i in 0..3 {
        kt_uprobe_target(std::hint::black_box(i));
    }
    assert_eq!(read_counter(&map), 3);
    drop(ev);
    kt_uprobe_target(std::hint::black_box(9));
    assert_eq!(read_counter(&map), 3);
}

#[test]
fn explains_errors() {
    let e = std::io::Error::from_raw_os_error(libc::EPERM);
    let msg = super::explain(&e);
    if !super::is_root() {
        assert_eq!(msg, super::PRIVILEGE_MESSAGE);
        assert!(super::is_privilege_error(&e));
    } else {
        assert!(msg.contains("EPERM"));
    }
    assert!(super::explain(&std::io::Error::from_raw_os_error(libc::ENOMEM)).contains("memory"));
}
