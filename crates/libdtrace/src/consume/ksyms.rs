//! Kernel symbols for `%a`, `sym()` and stacks: `/proc/kallsyms`, read once,
//! on the first lookup.
//!
//! kallsyms gives no sizes, so a symbol covers its address up to the next
//! symbol of the same module; an address past a module's last symbol (or
//! below the first symbol) is unknown and prints as `0x...`. Where several
//! names share an address, a global name (`T`, `D`, ...) wins over a local
//! one (`t`, `d`, ...), and that over a weak one (`W`, `V`), then the first
//! listed. Absolute symbols and zero addresses (kallsyms hides addresses
//! from unprivileged readers) are left out.

use std::sync::OnceLock;

use super::value::{Symbol, Symbolizer};
use crate::kernel::kallsyms;

/// Kernel symbols from `/proc/kallsyms`, loaded on first use.
#[derive(Default)]
pub struct KernelSymbols;

impl KernelSymbols {
    pub fn new() -> KernelSymbols {
        KernelSymbols
    }
}

/// The process's one parse of /proc/kallsyms (~150,000 lines), shared by
/// the code generator and the consumer.
fn kallsyms() -> &'static SymbolTable {
    static TABLE: OnceLock<SymbolTable> = OnceLock::new();
    TABLE.get_or_init(|| SymbolTable::parse(&std::fs::read_to_string(kallsyms::PATH).unwrap_or_default()))
}

/// [start, end) of a kernel function, from /proc/kallsyms (for code
/// generation, which needs a few addresses only).
pub fn kernel_function_range(name: &str) -> Option<(u64, u64)> {
    kallsyms().range(name)
}

impl Symbolizer for KernelSymbols {
    fn kernel(&self, addr: u64) -> Option<Symbol> {
        kallsyms().lookup(addr)
    }
}

struct Entry {
    addr: u64,
    name: Box<str>,
    /// Index into `SymbolTable::modules`.
    module: usize,
    /// Preference among names at one address (lower wins).
    rank: u8,
}

/// Symbols sorted by address, one name per address.
#[derive(Default)]
pub(crate) struct SymbolTable {
    entries: Vec<Entry>,
    modules: Vec<Box<str>>,
}

impl SymbolTable {
    /// Parses kallsyms text.
    pub(crate) fn parse(text: &str) -> SymbolTable {
        let mut t = SymbolTable::default();
        for kallsyms::Symbol { addr, kind, name, module } in kallsyms::parse(text) {
            let Some(rank) = rank(kind) else { continue };
            // __pfx_/__cfi_ mark the padding before functions (6.2+ with
            // call-depth tracking or CFI): not functions of their own, so a
            // return address there belongs to the function before.
            if addr == 0 || name.starts_with("__pfx_") || name.starts_with("__cfi_") {
                continue;
            }
            // A module's symbols are listed together: try the last one first.
            let module = match t.modules.iter().rposition(|m| &**m == module) {
                Some(i) => i,
                None => {
                    t.modules.push(module.into());
                    t.modules.len() - 1
                }
            };
            t.entries.push(Entry { addr, name: name.into(), module, rank });
        }
        // Stable: among equal (address, rank), kallsyms order decides.
        t.entries.sort_by_key(|e| (e.addr, e.rank));
        t.entries.dedup_by_key(|e| e.addr);
        t
    }

    /// The symbol containing `addr`, if any.
    /// Where the kernel function `name` starts, and where the next symbol
    /// starts (its end).
    pub(crate) fn range(&self, name: &str) -> Option<(u64, u64)> {
        let i = self.entries.iter().position(|e| &*e.name == name)?;
        let start = self.entries[i].addr;
        Some((start, self.entries.get(i + 1)?.addr))
    }

    pub(crate) fn lookup(&self, addr: u64) -> Option<Symbol> {
        let i = self.entries.partition_point(|e| e.addr <= addr).checked_sub(1)?;
        let e = &self.entries[i];
        let bounded = e.addr == addr || self.entries.get(i + 1).is_some_and(|n| n.module == e.module);
        bounded.then(|| Symbol {
            module: self.modules[e.module].to_string(),
            name: Some(e.name.to_string()),
            addr: e.addr,
        })
    }
}

/// The preference of a kallsyms symbol type; `None`: not an address symbol
/// (absolute, undefined).
fn rank(kind: char) -> Option<u8> {
    match kind {
        'a' | 'A' | 'U' | 'u' | 'N' | 'n' => None,
        'w' | 'W' | 'v' | 'V' => Some(2),
        c if c.is_ascii_uppercase() => Some(0),
        _ => Some(1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consume::value::addr2str;

    const KALLSYMS: &str = "\
0000000000000000 A fixed_percpu_data
ffffffff81000000 t srso_alias_untrain_ret
ffffffff81000000 T _stext
ffffffff81000000 T _text
ffffffff81000040 W weak_fn
ffffffff81000040 t local_fn
ffffffff816d5370 T vfs_read
ffffffff816d5500 T vfs_write
ffffffff83b24734 R __stop_last
ffffffffc0201000 t mod_fn\t[ext4]
ffffffffc0201100 t mod_fn2\t[ext4]
";

    struct Table(SymbolTable);
    impl Symbolizer for Table {
        fn kernel(&self, addr: u64) -> Option<Symbol> {
            self.0.lookup(addr)
        }
    }

    #[test]
    fn function_ranges() {
        let t = SymbolTable::parse(KALLSYMS);
        assert_eq!(t.range("vfs_read"), Some((0xffffffff816d5370, 0xffffffff816d5500)));
        assert_eq!(t.range("mod_fn"), Some((0xffffffffc0201000, 0xffffffffc0201100)));
        assert_eq!(t.range("mod_fn2"), None);
        assert_eq!(t.range("nosuch"), None);
    }

    fn a(addr: u64) -> String {
        addr2str(&Table(SymbolTable::parse(KALLSYMS)), addr)
    }

    #[test]
    fn padding_symbols_are_not_functions() {
        let t = SymbolTable::parse("ffffffff81000000 T foo\nffffffff81000030 T __pfx_bar\nffffffff81000040 T bar\n");
        let s = t.lookup(0xffffffff81000038).unwrap();
        assert_eq!(s.name.as_deref(), Some("foo"));
        assert_eq!(t.lookup(0xffffffff81000040).unwrap().name.as_deref(), Some("bar"));
    }

    #[test]
    fn lookups() {
        assert_eq!(a(0xffffffff816d5370), "vmlinux`vfs_read");
        assert_eq!(a(0xffffffff816d5380), "vmlinux`vfs_read+0x10");
        assert_eq!(a(0xffffffff816d54ff), "vmlinux`vfs_read+0x18f");
        // Aliases: global first, then kallsyms order; local beats weak.
        assert_eq!(a(0xffffffff81000000), "vmlinux`_stext");
        assert_eq!(a(0xffffffff81000041), "vmlinux`local_fn+0x1");
        // A module's symbols; past the module's (or the kernel's) last
        // symbol, below the first one, and user addresses are unknown.
        assert_eq!(a(0xffffffffc0201008), "ext4`mod_fn+0x8");
        assert_eq!(a(0xffffffffc0201100), "ext4`mod_fn2");
        assert_eq!(a(0xffffffffc0201108), "0xffffffffc0201108");
        assert_eq!(a(0xffffffff83b24734), "vmlinux`__stop_last");
        assert_eq!(a(0xffffffff90000000), "0xffffffff90000000");
        assert_eq!(a(0x10), "0x10");
    }

    #[test]
    fn unprivileged_and_bad_input() {
        // kallsyms read as non-root: every address is zero.
        let t = SymbolTable::parse("0000000000000000 T vfs_read\n0000000000000000 T vfs_write\n");
        assert!(t.lookup(0).is_none() && t.lookup(0xffffffff816d5370).is_none());
        let t = SymbolTable::parse("garbage\n\nzz T x\nffffffff81000000\n");
        assert!(t.lookup(0xffffffff81000000).is_none());
    }
}
