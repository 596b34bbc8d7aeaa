//! Decoded record data, symbolic address formats, and the ordering of
//! aggregation keys.
//!
//! A [`Value`] is the decoded content of one record item (one argument of
//! `trace()`/`printf()`, one aggregation key, ...). The consumer keeps, per
//! statement, the layout it compiled and turns the raw bytes into `Value`s;
//! everything in `consume::` formats `Value`s.

use std::cmp::Ordering;

/// The decoded data of one record item.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// An integer of `size` bytes (1, 2, 4 or 8). `v` holds the raw bits,
    /// zero-extended; `signed` is the signedness of the D type.
    Int { v: u64, size: u8, signed: bool },
    /// A floating-point value (D has no float arithmetic, but kernel types
    /// may carry them; also the lenient target of `%e/%f/%g`).
    Float(f64),
    /// A D string: the record buffer (NUL-terminated, or filling the whole
    /// buffer). The content stops at the first NUL. Keep the terminating NUL
    /// when it is in the buffer: `%S` prints it as `\0`, as DTrace does.
    Str(Vec<u8>),
    /// A `char[]` array (a fixed buffer that may or may not hold a string):
    /// printed as a string when it looks like one, else as a hex dump
    /// (DTrace's `dt_print_bytes()` heuristic).
    Chars(Vec<u8>),
    /// Raw memory: structs, unions, `tracemem()` data. `trace()` prints it as
    /// a hex dump.
    Bytes(Vec<u8>),
    /// A kernel stack (`stack()`): program counters, innermost first; a zero
    /// pc ends the stack.
    Stack(Vec<u64>),
    /// A user stack (`ustack()`): the process and its program counters.
    UStack { pid: u32, pcs: Vec<u64> },
    /// `sym()`/`func()`: a kernel address printed as ``module`symbol``.
    Sym(u64),
    /// `mod()`: a kernel address printed as its module name.
    Mod(u64),
    /// `usym()`/`ufunc()`: a user address printed as ``object`symbol``.
    USym { pid: u32, addr: u64 },
    /// `umod()`: a user address printed as its object name.
    UMod { pid: u32, addr: u64 },
    /// `uaddr()`: a user address printed as ``object`symbol+0xoff``.
    UAddr { pid: u32, addr: u64 },
}

impl Value {
    /// A signed integer of `size` bytes.
    pub fn int(v: i64, size: u8) -> Value {
        Value::Int { v: truncate(v as u64, size), size, signed: true }
    }

    /// An unsigned integer of `size` bytes.
    pub fn uint(v: u64, size: u8) -> Value {
        Value::Int { v: truncate(v, size), size, signed: false }
    }

    /// A string value from text (no terminating NUL kept).
    pub fn str(s: &str) -> Value {
        Value::Str(s.as_bytes().to_vec())
    }

    /// The content of a string-like value: the bytes before the first NUL.
    pub fn str_bytes(&self) -> Option<&[u8]> {
        match self {
            Value::Str(b) | Value::Chars(b) | Value::Bytes(b) => Some(until_nul(b)),
            _ => None,
        }
    }

    /// The integer view of a value as (raw bits, size, signed), leniently:
    /// addresses give the address, floats are converted, strings give 0.
    pub(crate) fn int_parts(&self) -> (u64, u8, bool) {
        match *self {
            Value::Int { v, size, signed } => (v, norm_size(size), signed),
            Value::Float(f) => (f as i64 as u64, 8, true),
            Value::Sym(a) | Value::Mod(a) => (a, 8, false),
            Value::USym { addr, .. } | Value::UMod { addr, .. } | Value::UAddr { addr, .. } => {
                (addr, 8, false)
            }
            Value::Stack(ref pcs) => (pcs.first().copied().unwrap_or(0), 8, false),
            Value::UStack { ref pcs, .. } => (pcs.first().copied().unwrap_or(0), 8, false),
            _ => (0, 8, true),
        }
    }

    /// The value sign-extended from its size (as DTrace reads a signed
    /// record of that size).
    pub fn as_i64(&self) -> i64 {
        let (v, size, _) = self.int_parts();
        sext(v, size)
    }

    /// The value zero-extended from its size.
    pub fn as_u64(&self) -> u64 {
        let (v, size, _) = self.int_parts();
        truncate(v, size)
    }
}

/// Normalize a record size to one DTrace reads as an integer.
pub(crate) fn norm_size(size: u8) -> u8 {
    match size {
        1 | 2 | 4 | 8 => size,
        _ => 8,
    }
}

/// Keep the low `size` bytes.
pub(crate) fn truncate(v: u64, size: u8) -> u64 {
    match size {
        1 => v & 0xff,
        2 => v & 0xffff,
        4 => v & 0xffff_ffff,
        _ => v,
    }
}

/// Sign-extend the low `size` bytes.
pub(crate) fn sext(v: u64, size: u8) -> i64 {
    match size {
        1 => v as u8 as i8 as i64,
        2 => v as u16 as i16 as i64,
        4 => v as u32 as i32 as i64,
        _ => v as i64,
    }
}

/// The bytes before the first NUL.
pub(crate) fn until_nul(b: &[u8]) -> &[u8] {
    match b.iter().position(|&c| c == 0) {
        Some(n) => &b[..n],
        None => b,
    }
}

/// What a symbol lookup found for an address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    /// The module (kernel: `vmlinux` or the module name; user: the object's
    /// base name, e.g. `libc.so.6`).
    pub module: String,
    /// The symbol name, when the address falls in a known symbol.
    pub name: Option<String>,
    /// The symbol's start address (meaningful only with `name`).
    pub addr: u64,
}

/// Resolves addresses to symbols. The consumer supplies one backed by
/// kallsyms / ELF symbol tables; [`NoSymbols`] resolves nothing, so every
/// address prints as `0x...`.
pub trait Symbolizer {
    /// A kernel address. `None`: not even the module is known.
    fn kernel(&self, addr: u64) -> Option<Symbol> {
        let _ = addr;
        None
    }
    /// A user address in process `pid`.
    fn user(&self, pid: u32, addr: u64) -> Option<Symbol> {
        let _ = (pid, addr);
        None
    }
}

/// A [`Symbolizer`] that knows nothing.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoSymbols;

impl Symbolizer for NoSymbols {}

/// ``module`symbol+0xoff`` / ``module`symbol`` / ``module`0xaddr`` / `0xaddr`:
/// the text of `%a` (`dtrace_addr2str()`); the offset is printed whenever the
/// address is not the symbol's start.
pub fn addr2str(sym: &dyn Symbolizer, addr: u64) -> String {
    fmt_sym(sym.kernel(addr), addr, OffsetRule::IfNotStart)
}

/// The text of `%A` and `uaddr()` (`dtrace_uaddr2str()`): like [`addr2str`]
/// for an address in process `pid`; the offset is printed when the address
/// is past the symbol's start.
pub fn uaddr2str(sym: &dyn Symbolizer, pid: u32, addr: u64) -> String {
    fmt_sym(sym.user(pid, addr), addr, OffsetRule::IfAfterStart)
}

/// One kernel stack frame (`dt_print_stack()`): like [`addr2str`].
pub fn stack_frame(sym: &dyn Symbolizer, pc: u64) -> String {
    fmt_sym(sym.kernel(pc), pc, OffsetRule::IfAfterStart)
}

/// One user stack frame (`dt_print_ustack()`).
pub fn ustack_frame(sym: &dyn Symbolizer, pid: u32, pc: u64) -> String {
    fmt_sym(sym.user(pid, pc), pc, OffsetRule::IfAfterStart)
}

/// The text of `sym()`/`func()`: ``module`symbol`` (never an offset),
/// ``module`0xaddr`` or `0xaddr`.
pub fn sym_str(sym: &dyn Symbolizer, addr: u64) -> String {
    fmt_sym(sym.kernel(addr), addr, OffsetRule::Never)
}

/// The text of `mod()`: the module name, or `0xaddr`.
pub fn mod_str(sym: &dyn Symbolizer, addr: u64) -> String {
    match sym.kernel(addr) {
        Some(s) => s.module,
        None => format!("0x{:x}", addr),
    }
}

/// The text of `usym()`/`ufunc()`: the address moved to its symbol's start,
/// then as `uaddr()`.
pub fn usym_str(sym: &dyn Symbolizer, pid: u32, addr: u64) -> String {
    fmt_sym(sym.user(pid, addr), addr, OffsetRule::Never)
}

/// The text of `umod()`: the object's name, or `0xaddr`.
pub fn umod_str(sym: &dyn Symbolizer, pid: u32, addr: u64) -> String {
    match sym.user(pid, addr) {
        Some(s) => s.module,
        None => format!("0x{:x}", addr),
    }
}

#[derive(Clone, Copy, PartialEq)]
enum OffsetRule {
    IfNotStart,
    IfAfterStart,
    Never,
}

fn fmt_sym(s: Option<Symbol>, addr: u64, rule: OffsetRule) -> String {
    match s {
        Some(Symbol { module, name: Some(name), addr: start }) => {
            let off = match rule {
                OffsetRule::IfNotStart => addr != start,
                OffsetRule::IfAfterStart => addr > start,
                OffsetRule::Never => false,
            };
            if off {
                format!("{}`{}+0x{:x}", module, name, addr.wrapping_sub(start))
            } else {
                format!("{}`{}", module, name)
            }
        }
        Some(Symbol { module, name: None, .. }) => format!("{}`0x{:x}", module, addr),
        None => format!("0x{:x}", addr),
    }
}

/// DTrace's ordering of two aggregation key elements of the same position
/// (`dt_aggregate_keycmp()` for one record): integers by record size, then
/// as *unsigned* values of that size (so `-1` sorts after `2`); strings and
/// other buffers byte by byte (NUL padding makes a prefix sort first);
/// stacks byte by byte over their little-endian pcs; `usym`/`umod`/`uaddr` by
/// (pid, address).
pub fn cmp_key(a: &Value, b: &Value) -> Ordering {
    use Value::*;
    match (a, b) {
        (Int { v: x, size: sx, .. }, Int { v: y, size: sy, .. }) => {
            let (sx, sy) = (norm_size(*sx), norm_size(*sy));
            sx.cmp(&sy).then(truncate(*x, sx).cmp(&truncate(*y, sy)))
        }
        (Str(x), Str(y)) | (Chars(x), Chars(y)) => until_nul(x).cmp(until_nul(y)),
        (Bytes(x), Bytes(y)) => x.len().cmp(&y.len()).then_with(|| x.cmp(y)),
        (Stack(x), Stack(y)) => cmp_pcs(x, y),
        (UStack { pid: p, pcs: x }, UStack { pid: q, pcs: y }) => {
            (*p as u64).to_le_bytes().cmp(&(*q as u64).to_le_bytes()).then_with(|| cmp_pcs(x, y))
        }
        (Sym(x), Sym(y)) | (Mod(x), Mod(y)) => x.cmp(y),
        (USym { pid: p, addr: x }, USym { pid: q, addr: y })
        | (UMod { pid: p, addr: x }, UMod { pid: q, addr: y })
        | (UAddr { pid: p, addr: x }, UAddr { pid: q, addr: y }) => p.cmp(q).then(x.cmp(y)),
        (Float(x), Float(y)) => x.to_bits().cmp(&y.to_bits()),
        _ => kind_rank(a).cmp(&kind_rank(b)),
    }
}

fn cmp_pcs(x: &[u64], y: &[u64]) -> Ordering {
    let n = x.len().max(y.len());
    for i in 0..n {
        let a = x.get(i).copied().unwrap_or(0).to_le_bytes();
        let b = y.get(i).copied().unwrap_or(0).to_le_bytes();
        match a.cmp(&b) {
            Ordering::Equal => continue,
            o => return o,
        }
    }
    Ordering::Equal
}

fn kind_rank(v: &Value) -> u8 {
    match v {
        Value::Int { .. } => 0,
        Value::Float(_) => 1,
        Value::Str(_) => 2,
        Value::Chars(_) => 3,
        Value::Bytes(_) => 4,
        Value::Stack(_) => 5,
        Value::UStack { .. } => 6,
        Value::Sym(_) => 7,
        Value::Mod(_) => 8,
        Value::USym { .. } => 9,
        Value::UMod { .. } => 10,
        Value::UAddr { .. } => 11,
    }
}

/// Compare two key tuples the DTrace way: element by element starting at
/// position `keypos` (the `aggsortkeypos` option; out of range means 0) and
/// wrapping around.
pub fn cmp_keys(a: &[Value], b: &[Value], keypos: usize) -> Ordering {
    let n = a.len().min(b.len());
    if a.len() != b.len() {
        return a.len().cmp(&b.len());
    }
    let keypos = if keypos >= n { 0 } else { keypos };
    for i in 0..n {
        let ndx = (i + keypos) % n;
        match cmp_key(&a[ndx], &b[ndx]) {
            Ordering::Equal => continue,
            o => return o,
        }
    }
    Ordering::Equal
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Syms;
    impl Symbolizer for Syms {
        fn kernel(&self, addr: u64) -> Option<Symbol> {
            match addr {
                0x1000..=0x10ff => Some(Symbol { module: "vmlinux".into(), name: Some("max_pfn".into()), addr: 0x1000 }),
                0x2000..=0x2fff => Some(Symbol { module: "ext4".into(), name: None, addr: 0 }),
                _ => None,
            }
        }
        fn user(&self, _pid: u32, addr: u64) -> Option<Symbol> {
            match addr {
                0x400000..=0x4000ff => Some(Symbol { module: "ustack-tst-basic".into(), name: Some("myfunc_y".into()), addr: 0x400000 }),
                _ => None,
            }
        }
    }

    #[test]
    fn symbolic_addresses() {
        // Layouts from dtrace_addr2str() (libdtrace/dt_subr.c) and
        // test/unittest/printf/tst.sym.r: "symbol = vmlinux`max_pfn".
        assert_eq!(addr2str(&Syms, 0x1000), "vmlinux`max_pfn");
        assert_eq!(addr2str(&Syms, 0x1010), "vmlinux`max_pfn+0x10");
        assert_eq!(addr2str(&Syms, 0x2010), "ext4`0x2010");
        assert_eq!(addr2str(&Syms, 0xdead), "0xdead");
        assert_eq!(addr2str(&NoSymbols, 0xffffffff81000000), "0xffffffff81000000");
        assert_eq!(sym_str(&Syms, 0x1010), "vmlinux`max_pfn");
        assert_eq!(mod_str(&Syms, 0x1010), "vmlinux");
        assert_eq!(mod_str(&Syms, 0x99), "0x99");
        // tst.ustack.r (aggs): uaddr with offset, ufunc/usym without, umod.
        assert_eq!(uaddr2str(&Syms, 1, 0x400010), "ustack-tst-basic`myfunc_y+0x10");
        assert_eq!(usym_str(&Syms, 1, 0x400010), "ustack-tst-basic`myfunc_y");
        assert_eq!(umod_str(&Syms, 1, 0x400010), "ustack-tst-basic");
        assert_eq!(stack_frame(&Syms, 0x1000), "vmlinux`max_pfn");
    }

    #[test]
    fn key_order() {
        // tst.signedkeys.r: integer keys sort as unsigned values.
        let mut keys: Vec<Value> = [-2i64, -1, 0, 1, 2].iter().map(|&v| Value::int(v, 4)).collect();
        keys.sort_by(cmp_key);
        let got: Vec<i64> = keys.iter().map(|k| k.as_i64()).collect();
        assert_eq!(got, vec![0, 1, 2, -2, -1]);
        assert_eq!(cmp_key(&Value::str("ab"), &Value::str("abc")), Ordering::Less);
        assert_eq!(cmp_key(&Value::Str(b"b\0\0".to_vec()), &Value::str("abc")), Ordering::Greater);
        // keypos rotation: start comparing at the second key.
        let a = [Value::int(1, 4), Value::int(9, 4)];
        let b = [Value::int(2, 4), Value::int(3, 4)];
        assert_eq!(cmp_keys(&a, &b, 0), Ordering::Less);
        assert_eq!(cmp_keys(&a, &b, 1), Ordering::Greater);
        assert_eq!(cmp_keys(&a, &b, 7), Ordering::Less);
    }
}
