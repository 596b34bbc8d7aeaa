//! User-space symbols for `ustack()`, `usym()`/`ufunc()`, `umod()`,
//! `uaddr()` and `%A`: a process's mappings from `/proc/PID/maps`, and the
//! ELF symbol tables of the files mapped.
//!
//! What DTrace prints (`dt_print_ustack()` with libproc's `Pobjname()` and
//! `Plookup_by_addr()`):
//!
//! * The object is any *file-backed* mapping containing the address (not
//!   only executable ones); its name is the base name the dynamic linker
//!   knows it by. We use the ELF's `DT_SONAME` (which is what `DT_NEEDED`
//!   loads by: `libc.so.6`, `libstdc++.so.6` rather than the real file
//!   `libstdc++.so.6.0.33`), else the base name of the mapped path (the main
//!   executable: `dtrace-workload`). Anonymous memory (JIT code) and special
//!   mappings (`[vdso]`, `[stack]`, `[heap]`) have no object: the frame is
//!   a plain `0x...`.
//! * The symbol is one of `.symtab` and `.dynsym` whose `[value, value +
//!   size)` contains the address: the one starting last; among several
//!   starting there, a function over a data object, a global over a local,
//!   then the name without a leading `$`, with fewer leading underscores,
//!   the smaller one, the first name in byte order. Zero-sized symbols
//!   contain nothing. Names are printed as stored (mangled: DTrace does not
//!   demangle; pipe through `c++filt`/`rustfilt`).
//! * Where the address is in an object but no symbol contains it:
//!   ``object`0xaddr`` (see `value::fmt_sym`).
//!
//! A file address is placed in the ELF's address space through the
//! `PT_LOAD` segment holding its file offset (`pc - map start + map file
//! offset`), which is right for executables, PIE and shared objects even
//! when a segment's `p_vaddr` differs from its `p_offset` (lld's layout).
//!
//! Mappings are read the first time a process is looked up, and again when
//! an address misses them (a `dlopen()` since, or a first read taken while
//! the dynamic linker was still loading) if the process still lives. A
//! process that has exited keeps the mappings last read; one never read
//! while it lived (a short-lived process whose stacks are only printed at
//! exit, as aggregation keys) resolves nothing: its frames print as
//! `0x...`, as in DTrace. [`UserSymbols::watch`] keeps a `-c`/`-p` target's
//! mappings current so its stacks resolve after it exits. After an
//! `exec()` the old image's addresses are looked up in the new mappings.
//!
//! Files are opened through `/proc/PID/map_files/` while the process lives
//! (deleted, replaced or namespaced files still work), else by path if the
//! inode there is still the mapped one; each is parsed once, by (device,
//! inode). Only little-endian ELF64 is understood; anything else has no
//! symbols. Bad files never panic: every read is bounds-checked.

use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::os::unix::fs::{FileExt, MetadataExt};
use std::rc::Rc;
use std::time::{Duration, Instant};

use super::ksyms::KernelSymbols;
use super::value::{Symbol, Symbolizer};

/// Kernel and user symbols: what the consumer formats addresses with.
#[derive(Default)]
pub struct Symbols {
    pub kernel: KernelSymbols,
    pub user: UserSymbols,
}

impl Symbolizer for Symbols {
    fn kernel(&self, addr: u64) -> Option<Symbol> {
        self.kernel.kernel(addr)
    }
    fn user(&self, pid: u32, addr: u64) -> Option<Symbol> {
        self.user.user(pid, addr)
    }
}

/// User symbols of every process looked up, cached for the session.
#[derive(Default)]
pub struct UserSymbols {
    procs: RefCell<HashMap<u32, Proc>>,
    files: RefCell<FileCache>,
    /// The `-c`/`-p` process (`$target`).
    target: Option<u32>,
}

/// Parsed files by (device, inode); `None`: not an ELF file we can read.
type FileCache = HashMap<(u64, u64), Option<Rc<ElfSymbols>>>;

/// How often [`UserSymbols::watch`] rereads the target's mappings.
const WATCH_PERIOD: Duration = Duration::from_millis(50);

/// Distinct unmapped addresses remembered per process (each would reread
/// the mappings); past this, the set starts over.
const MAX_MISSES: usize = 4096;

impl UserSymbols {
    pub fn new() -> UserSymbols {
        UserSymbols::default()
    }

    /// Sets the `-c`/`-p` process and reads its mappings now.
    pub fn set_target(&mut self, pid: u32) {
        self.target = Some(pid);
        self.watch();
    }

    /// The `-c`/`-p` process, if any.
    pub fn target(&self) -> Option<u32> {
        self.target
    }

    /// Rereads the target's mappings if the last read is older than
    /// [`WATCH_PERIOD`]: called from the consume loop, so that aggregation
    /// keys printed after the target exits still resolve.
    pub fn watch(&self) {
        let Some(pid) = self.target else { return };
        let mut procs = self.procs.borrow_mut();
        match procs.get_mut(&pid) {
            Some(p) if !p.gone && p.read_at.elapsed() >= WATCH_PERIOD => p.reread(pid),
            Some(_) => {}
            None => {
                procs.insert(pid, Proc::read(pid));
            }
        }
    }

    /// Reads the target's mappings now and parses every file mapped, so
    /// that its addresses still resolve after it is gone: called while the
    /// target is held at its exit.
    pub fn snapshot_target(&self) {
        let Some(pid) = self.target else { return };
        let maps = {
            let mut procs = self.procs.borrow_mut();
            let p = procs.entry(pid).or_insert_with(|| Proc::read(pid));
            p.reread(pid);
            p.maps.clone()
        };
        for m in &maps {
            self.elf(pid, m);
        }
    }

    /// The mapping of `pid` holding `addr`, reading or rereading the
    /// mappings as the module documentation says.
    fn mapping(&self, pid: u32, addr: u64) -> Option<Mapping> {
        let mut procs = self.procs.borrow_mut();
        let mut fresh = false;
        let p = procs.entry(pid).or_insert_with(|| {
            fresh = true;
            Proc::read(pid)
        });
        if p.find(addr).is_none() && !fresh && !p.gone && !p.misses.contains(&addr) {
            p.reread(pid);
        }
        let m = p.find(addr).cloned();
        if m.is_none() {
            p.note_miss(addr);
        }
        m
    }

    /// The symbols of the file behind `m` (parsed once per file).
    fn elf(&self, pid: u32, m: &Mapping) -> Option<Rc<ElfSymbols>> {
        let key = (m.dev, m.ino);
        if let Some(e) = self.files.borrow().get(&key) {
            return e.clone();
        }
        // Not cached when it cannot be opened: a live process may map it later.
        let file = open_mapped(pid, m)?;
        let e = ElfSymbols::parse(&file).map(Rc::new);
        self.files.borrow_mut().insert(key, e.clone());
        e
    }
}

impl Symbolizer for UserSymbols {
    fn user(&self, pid: u32, addr: u64) -> Option<Symbol> {
        let m = self.mapping(pid, addr)?;
        let elf = self.elf(pid, &m);
        Some(symbolize(&m, elf.as_deref(), addr))
    }
}

/// ``object`symbol`` for `addr` in mapping `m` of a file with symbols `elf`.
fn symbolize(m: &Mapping, elf: Option<&ElfSymbols>, addr: u64) -> Symbol {
    let module = match elf.and_then(|e| e.soname.as_deref()) {
        Some(s) => s.to_string(),
        None => m.path.rsplit('/').next().unwrap_or_default().to_string(),
    };
    let found = elf.and_then(|e| {
        let vaddr = e.vaddr_of((addr - m.start).checked_add(m.offset)?)?;
        let s = e.lookup(vaddr)?;
        // The runtime start: as far before `addr` as the symbol's start is
        // before `vaddr` (wrapping: a corrupt file must not panic).
        Some((s.name.to_string(), addr.wrapping_sub(vaddr - s.value)))
    });
    match found {
        Some((name, start)) => Symbol { module, name: Some(name), addr: start },
        None => Symbol { module, name: None, addr: 0 },
    }
}

/// Opens the file mapped at `m`: through `/proc/PID/map_files` while the
/// process lives, else by path; either only if it is still the mapped inode
/// (not a file mapped there since, or a rebuilt one).
fn open_mapped(pid: u32, m: &Mapping) -> Option<File> {
    let same = |f: File| (f.metadata().ok()?.ino() == m.ino).then_some(f);
    let mapped = format!("/proc/{}/map_files/{:x}-{:x}", pid, m.start, m.end);
    File::open(mapped).ok().and_then(same).or_else(|| File::open(&*m.path).ok().and_then(same))
}

// ---- process mappings ----------------------------------------------------

/// One file-backed mapping of `/proc/PID/maps`.
#[derive(Clone, Debug, PartialEq)]
struct Mapping {
    start: u64,
    end: u64,
    /// File offset of `start`.
    offset: u64,
    /// Device as `major << 32 | minor` (only a cache key).
    dev: u64,
    ino: u64,
    path: Rc<str>,
}

/// What is known of one process's address space.
struct Proc {
    /// File-backed mappings, sorted by address.
    maps: Vec<Mapping>,
    read_at: Instant,
    /// The last read failed: the process has exited (keep `maps`).
    gone: bool,
    /// Addresses found in no mapping since the last read.
    misses: HashSet<u64>,
}

impl Proc {
    fn read(pid: u32) -> Proc {
        let maps = read_maps(pid);
        Proc { gone: maps.is_none(), maps: maps.unwrap_or_default(), read_at: Instant::now(), misses: HashSet::new() }
    }

    fn reread(&mut self, pid: u32) {
        match read_maps(pid) {
            Some(maps) => {
                self.maps = maps;
                self.misses.clear();
            }
            None => self.gone = true,
        }
        self.read_at = Instant::now();
    }

    fn find(&self, addr: u64) -> Option<&Mapping> {
        let i = self.maps.partition_point(|m| m.start <= addr).checked_sub(1)?;
        let m = &self.maps[i];
        (addr < m.end).then_some(m)
    }

    fn note_miss(&mut self, addr: u64) {
        if self.misses.len() >= MAX_MISSES {
            self.misses.clear();
        }
        self.misses.insert(addr);
    }
}

/// The file-backed mappings of `pid`; `None` when the process is gone (no
/// maps file, or an empty one: a zombie).
fn read_maps(pid: u32) -> Option<Vec<Mapping>> {
    let text = std::fs::read_to_string(format!("/proc/{}/maps", pid)).ok()?;
    let mut maps: Vec<Mapping> = text.lines().filter_map(parse_map_line).collect();
    if maps.is_empty() && text.is_empty() {
        return None;
    }
    maps.sort_by_key(|m| m.start);
    Some(maps)
}

/// `START-END PERMS OFFSET MAJ:MIN INODE PATH`; `None` for anonymous and
/// special (`[vdso]`, ...) mappings, which have no object.
fn parse_map_line(line: &str) -> Option<Mapping> {
    let mut f = line.splitn(6, ' ');
    let (range, _perms, offset, dev, ino) = (f.next()?, f.next()?, f.next()?, f.next()?, f.next()?);
    let path = f.next()?.trim_start();
    if !path.starts_with('/') {
        return None;
    }
    let hex = |s: &str| u64::from_str_radix(s, 16).ok();
    let (start, end) = range.split_once('-')?;
    let (major, minor) = dev.split_once(':')?;
    Some(Mapping {
        start: hex(start)?,
        end: hex(end)?,
        offset: hex(offset)?,
        dev: hex(major)? << 32 | hex(minor)?,
        ino: ino.parse().ok()?,
        path: path.strip_suffix(" (deleted)").unwrap_or(path).into(),
    })
}

// ---- ELF symbol tables ----------------------------------------------------

/// One symbol, by its address in the ELF's own address space.
#[derive(Debug)]
struct Sym {
    value: u64,
    size: u64,
    name: Box<str>,
    func: bool,
    local: bool,
}

impl Sym {
    fn end(&self) -> u64 {
        self.value.saturating_add(self.size)
    }
}

/// What lookups need from one ELF file.
#[derive(Debug, Default)]
struct ElfSymbols {
    /// `PT_LOAD` segments as (p_offset, p_filesz, p_vaddr).
    loads: Vec<(u64, u64, u64)>,
    /// Function and object symbols of `.symtab` and `.dynsym`, by address,
    /// the preferred first among equal addresses.
    syms: Vec<Sym>,
    /// `max_end[i]`: the largest end of `syms[..=i]` (bounds the search back).
    max_end: Vec<u64>,
    soname: Option<String>,
}

const PT_LOAD: u32 = 1;
const SHT_SYMTAB: u32 = 2;
const SHT_DYNAMIC: u32 = 6;
const SHT_DYNSYM: u32 = 11;
const STT_OBJECT: u8 = 1;
const STT_FUNC: u8 = 2;
const STT_GNU_IFUNC: u8 = 10;
const STB_LOCAL: u8 = 0;
const DT_SONAME: u64 = 14;

/// Little-endian readers: `None` past the end.
fn u16_at(b: &[u8], o: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(o..o.checked_add(2)?)?.try_into().ok()?))
}
fn u32_at(b: &[u8], o: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(o..o.checked_add(4)?)?.try_into().ok()?))
}
fn u64_at(b: &[u8], o: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(o..o.checked_add(8)?)?.try_into().ok()?))
}

/// The NUL-terminated string at `off` of a string table.
fn str_at(strtab: &[u8], off: usize) -> Option<&[u8]> {
    let s = strtab.get(off..)?;
    Some(&s[..s.iter().position(|&c| c == 0)?])
}

/// Reads `len` bytes at `off` of a file of `size` bytes (never past its end,
/// so corrupt headers cannot ask for huge buffers).
fn read_at(f: &File, size: u64, off: u64, len: u64) -> Option<Vec<u8>> {
    if off.checked_add(len)? > size {
        return None;
    }
    let mut b = vec![0u8; usize::try_from(len).ok()?];
    f.read_exact_at(&mut b, off).ok()?;
    Some(b)
}

/// A section header: (type, offset, size, link).
struct Section {
    ty: u32,
    offset: u64,
    size: u64,
    link: u32,
}

impl ElfSymbols {
    /// Parses a little-endian ELF64 file; `None` if it is not one.
    fn parse(f: &File) -> Option<ElfSymbols> {
        let size = f.metadata().ok()?.len();
        let eh = read_at(f, size, 0, 64)?;
        if eh[..4] != *b"\x7fELF" || eh[4] != 2 || eh[5] != 1 {
            return None;
        }
        let table = |off: usize, entsize: usize, num: usize| -> Option<Vec<u8>> {
            let (o, es, n) = (u64_at(&eh, off)?, u16_at(&eh, entsize)? as u64, u16_at(&eh, num)? as u64);
            read_at(f, size, o, es.checked_mul(n)?)
        };
        let ph = table(32, 54, 56).unwrap_or_default();
        let phent = (u16_at(&eh, 54)? as usize).max(1);
        let loads = ph
            .chunks_exact(phent)
            .filter(|p| u32_at(p, 0) == Some(PT_LOAD))
            .filter_map(|p| Some((u64_at(p, 8)?, u64_at(p, 32)?, u64_at(p, 16)?)))
            .collect();
        let sh = table(40, 58, 60).unwrap_or_default();
        let shent = (u16_at(&eh, 58)? as usize).max(1);
        let sections: Vec<Section> = sh
            .chunks_exact(shent)
            .filter_map(|s| {
                Some(Section { ty: u32_at(s, 4)?, offset: u64_at(s, 24)?, size: u64_at(s, 32)?, link: u32_at(s, 40)? })
            })
            .collect();
        let data = |s: &Section| read_at(f, size, s.offset, s.size);
        let linked = |s: &Section| sections.get(s.link as usize).and_then(data);
        let mut e = ElfSymbols { loads, ..ElfSymbols::default() };
        for s in &sections {
            match s.ty {
                SHT_SYMTAB | SHT_DYNSYM => {
                    if let (Some(t), Some(strs)) = (data(s), linked(s)) {
                        e.syms.extend(t.chunks_exact(24).filter_map(|b| symbol(b, &strs)));
                    }
                }
                SHT_DYNAMIC if e.soname.is_none() => {
                    if let (Some(d), Some(strs)) = (data(s), linked(s)) {
                        e.soname = soname(&d, &strs);
                    }
                }
                _ => {}
            }
        }
        Some(e.indexed())
    }

    /// Sorts the symbols for [`lookup`](Self::lookup) and fills `max_end`.
    fn indexed(mut self) -> ElfSymbols {
        self.syms.sort_by(|a, b| a.value.cmp(&b.value).then_with(|| prefer(a, b)));
        self.max_end = self
            .syms
            .iter()
            .scan(0, |m, s| {
                *m = s.end().max(*m);
                Some(*m)
            })
            .collect();
        self
    }

    /// The ELF address of file offset `off` (through its `PT_LOAD`).
    fn vaddr_of(&self, off: u64) -> Option<u64> {
        let &(o, _, v) = self.loads.iter().find(|&&(o, n, _)| off >= o && off - o < n)?;
        Some(off - o + v)
    }

    /// The symbol containing ELF address `a` that starts last (the
    /// preferred one among those starting there).
    fn lookup(&self, a: u64) -> Option<&Sym> {
        let mut i = self.syms.partition_point(|s| s.value <= a);
        let mut found: Option<&Sym> = None;
        while i > 0 && self.max_end[i - 1] > a {
            i -= 1;
            let s = &self.syms[i];
            if found.is_some_and(|f| f.value != s.value) {
                break;
            }
            if a < s.end() {
                found = Some(s);
            }
        }
        found
    }
}

/// A function or data-object symbol from a 24-byte `Elf64_Sym`; `None` for
/// other kinds, undefined or unnamed symbols.
fn symbol(b: &[u8], strs: &[u8]) -> Option<Sym> {
    let info = *b.get(4)?;
    let ty = info & 0xf;
    if !matches!(ty, STT_FUNC | STT_GNU_IFUNC | STT_OBJECT) || u16_at(b, 6)? == 0 {
        return None;
    }
    let name = str_at(strs, u32_at(b, 0)? as usize)?;
    if name.is_empty() {
        return None;
    }
    Some(Sym {
        value: u64_at(b, 8)?,
        size: u64_at(b, 16)?,
        name: String::from_utf8_lossy(name).into(),
        func: ty != STT_OBJECT,
        local: info >> 4 == STB_LOCAL,
    })
}

/// `DT_SONAME` of a `.dynamic` section.
fn soname(dynamic: &[u8], strs: &[u8]) -> Option<String> {
    let v = dynamic.chunks_exact(16).find(|d| u64_at(d, 0) == Some(DT_SONAME))?;
    let name = str_at(strs, usize::try_from(u64_at(v, 8)?).ok()?)?;
    Some(String::from_utf8_lossy(name).into_owned())
}

/// DTrace's preference among symbols at one address (`Less`: `a` wins):
/// function, global, no leading `$`, fewer leading `_`, smaller, name order.
fn prefer(a: &Sym, b: &Sym) -> Ordering {
    let dollar = |s: &Sym| s.name.starts_with('$');
    let unders = |s: &Sym| s.name.bytes().take_while(|&c| c == b'_').count();
    b.func
        .cmp(&a.func)
        .then(a.local.cmp(&b.local))
        .then(dollar(a).cmp(&dollar(b)))
        .then(unders(a).cmp(&unders(b)))
        .then(a.size.cmp(&b.size))
        .then_with(|| a.name.cmp(&b.name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consume::value::{uaddr2str, umod_str, ustack_frame, usym_str};

    #[inline(never)]
    fn marker_function(x: u64) -> u64 {
        std::hint::black_box(x).wrapping_mul(3)
    }

    fn me() -> u32 {
        std::process::id()
    }

    fn exe_name() -> String {
        std::env::current_exe().unwrap().file_name().unwrap().to_string_lossy().into_owned()
    }

    #[test]
    fn own_executable_symbols() {
        let u = UserSymbols::new();
        let f = marker_function as *const () as u64;
        assert_eq!(marker_function(2), 6);
        let s = u.user(me(), f).expect("our own text is mapped");
        assert_eq!(s.module, exe_name());
        let name = s.name.expect("test binaries keep .symtab");
        assert!(name.contains("marker_function"), "{}", name);
        assert_eq!(s.addr, f);
        // Inside the function: same symbol, offset past its start.
        let inner = u.user(me(), f + 2).unwrap();
        assert_eq!(inner.addr, f);
        assert_eq!(uaddr2str(&u, me(), f + 2), format!("{}`{}+0x2", exe_name(), name));
        assert_eq!(usym_str(&u, me(), f + 2), format!("{}`{}", exe_name(), name));
        assert_eq!(ustack_frame(&u, me(), f), format!("{}`{}", exe_name(), name));
        assert_eq!(umod_str(&u, me(), f), exe_name());
    }

    #[test]
    fn libc_dynsym() {
        let u = UserSymbols::new();
        let f = libc::getppid as *const () as u64;
        let s = u.user(me(), f).expect("libc is mapped");
        // By its soname (not, say, libc-2.31.so).
        assert_eq!(s.module, "libc.so.6");
        assert_eq!(s.addr, f);
        let name = s.name.unwrap();
        assert!(name.contains("getppid"), "{}", name);
    }

    #[test]
    fn unknown_addresses() {
        let u = UserSymbols::new();
        // Unmapped, pid 0 / no such process: plain addresses.
        assert_eq!(ustack_frame(&u, me(), 0x10), "0x10");
        assert_eq!(ustack_frame(&u, 0, 0x401000), "0x401000");
        assert_eq!(umod_str(&u, u32::MAX, 0x401000), "0x401000");
        // The vDSO is not an object DTrace names.
        let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
        let vdso = maps.lines().find(|l| l.ends_with("[vdso]")).and_then(|l| l.split('-').next());
        if let Some(vdso) = vdso.and_then(|a| u64::from_str_radix(a, 16).ok()) {
            assert_eq!(u.user(me(), vdso + 0x10), None);
        }
        // Anonymous memory (as JIT code would be).
        let v = vec![0u8; 1 << 20];
        assert_eq!(u.user(me(), v.as_ptr() as u64 + 4096), None);
    }

    #[test]
    fn map_lines() {
        let m = parse_map_line("7f3e3bef1000-7f3e3c047000 r-xp 00026000 fe:00 326279                     /usr/lib/x86_64-linux-gnu/libc.so.6").unwrap();
        assert_eq!(
            (m.start, m.end, m.offset, m.dev, m.ino),
            (0x7f3e3bef1000, 0x7f3e3c047000, 0x26000, 0xfe << 32, 326279)
        );
        assert_eq!(&*m.path, "/usr/lib/x86_64-linux-gnu/libc.so.6");
        let d = parse_map_line("55d0c0a00000-55d0c0a01000 r-xp 00001000 08:01 42  /tmp/my prog (deleted)").unwrap();
        assert_eq!(&*d.path, "/tmp/my prog");
        assert_eq!(
            parse_map_line("7ffccf23e000-7ffccf240000 r-xp 00000000 00:00 0                          [vdso]"),
            None
        );
        assert_eq!(parse_map_line("7f343f1d0000-7f343f1d1000 rw-p 00000000 00:00 0 "), None);
        assert_eq!(parse_map_line("garbage"), None);
        assert_eq!(parse_map_line("zz-10 r-xp 0 08:01 42 /x"), None);
    }

    #[test]
    fn symbol_preference_and_bounds() {
        let sym = |value, size, name: &str, func, local| Sym { value, size, name: name.into(), func, local };
        let e = ElfSymbols {
            loads: vec![(0x1000, 0x1000, 0x2000)],
            syms: vec![
                sym(0x2000, 0x100, "outer", true, false),
                sym(0x2010, 0x10, "inner", true, true),
                sym(0x2200, 0x10, "data", false, false),
                sym(0x2200, 0x10, "__alias", true, false),
                sym(0x2200, 0x10, "_alias", true, false),
                sym(0x2300, 0, "empty", true, false),
            ],
            ..ElfSymbols::default()
        }
        .indexed();
        let name = |a| e.lookup(a).map(|s| &*s.name);
        assert_eq!(name(0x2000), Some("outer"));
        assert_eq!(name(0x2015), Some("inner"));
        assert_eq!(name(0x2020), Some("outer"));
        assert_eq!(name(0x2205), Some("_alias"));
        assert_eq!(name(0x2300), None);
        assert_eq!(name(0x1fff), None);
        assert_eq!(e.vaddr_of(0x1010), Some(0x2010));
        assert_eq!(e.vaddr_of(0x2000), None);
    }

    #[test]
    fn bad_files() {
        let dir = std::env::temp_dir().join(format!("usyms-test-{}", me()));
        std::fs::create_dir_all(&dir).unwrap();
        let exe = std::fs::read(std::env::current_exe().unwrap()).unwrap();
        let cases: Vec<Vec<u8>> = vec![
            Vec::new(),
            b"\x7fELF".to_vec(),
            vec![0xff; 4096],
            exe[..64].to_vec(),
            exe[..4096.min(exe.len())].to_vec(),
            // Header pointing everywhere: section/program tables at the end.
            {
                let mut h = exe[..64].to_vec();
                h[32..40].copy_from_slice(&u64::MAX.to_le_bytes());
                h[40..48].copy_from_slice(&(u64::MAX - 10).to_le_bytes());
                h
            },
        ];
        for (i, bytes) in cases.iter().enumerate() {
            let p = dir.join(format!("f{}", i));
            std::fs::write(&p, bytes).unwrap();
            if let Some(e) = ElfSymbols::parse(&File::open(&p).unwrap()) {
                let _ = e.lookup(0x1000);
                assert!(e.soname.is_none());
            }
        }
        std::fs::remove_dir_all(&dir).unwrap();
        // The whole executable parses and has symbols.
        let e = ElfSymbols::parse(&File::open(std::env::current_exe().unwrap()).unwrap()).unwrap();
        assert!(!e.syms.is_empty() && !e.loads.is_empty());
    }
}
