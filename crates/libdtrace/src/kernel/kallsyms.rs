//! `/proc/kallsyms`, the kernel's symbols: one per line, `ADDR TYPE NAME`,
//! followed by `\t[MODULE]` for the symbols of modules. Readers without
//! privileges see every address as zero.

/// Where the kernel lists its symbols.
pub const PATH: &str = "/proc/kallsyms";

/// One line of kallsyms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Symbol<'a> {
    pub addr: u64,
    /// The type letter (`nm(1)`'s): `t`/`T` text, `d`/`D` data, `w`/`W`
    /// weak, `a`/`A` absolute...; upper case for globals.
    pub kind: char,
    pub name: &'a str,
    /// The module, `vmlinux` for the kernel itself.
    pub module: &'a str,
}

impl Symbol<'_> {
    /// A function: text, or weak (such as the `__ia32_sys_*` syscall stubs
    /// that default to `sys_ni_syscall`).
    pub fn is_text(&self) -> bool {
        matches!(self.kind, 't' | 'T' | 'w' | 'W')
    }
}

/// The well-formed lines of kallsyms text, in order.
pub fn parse(text: &str) -> impl Iterator<Item = Symbol<'_>> {
    text.lines().filter_map(|line| {
        let mut it = line.split_ascii_whitespace();
        let (addr, kind, name) = (it.next()?, it.next()?, it.next()?);
        let module = it.next().and_then(|m| m.strip_prefix('[')?.strip_suffix(']')).filter(|m| !m.is_empty());
        let mut kind = kind.chars();
        let (Some(k), None) = (kind.next(), kind.next()) else { return None };
        Some(Symbol { addr: u64::from_str_radix(addr, 16).ok()?, kind: k, name, module: module.unwrap_or("vmlinux") })
    })
}

/// The address of a kernel function by name, from a fresh read of
/// kallsyms (for a one-off question; the consumer keeps its own table).
pub fn function_address(name: &str) -> Option<u64> {
    let text = std::fs::read_to_string(PATH).ok()?;
    let addr = parse(&text).find(|s| s.name == name && s.is_text()).map(|s| s.addr);
    addr
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines() {
        let text = "ffffffff81000000 T _stext\n0000000000000000 A fixed_percpu_data\n\
                    ffffffffc0201000 t mod_fn\t[ext4]\nffffffffc0201100 t spaced [kvm]\n\
                    garbage\n\nzz T x\nffffffff81000000\nffffffff81000000 TT x\n";
        let syms: Vec<Symbol> = parse(text).collect();
        let s = |addr, kind, name, module| Symbol { addr, kind, name, module };
        assert_eq!(
            syms,
            [
                s(0xffffffff81000000, 'T', "_stext", "vmlinux"),
                s(0, 'A', "fixed_percpu_data", "vmlinux"),
                s(0xffffffffc0201000, 't', "mod_fn", "ext4"),
                s(0xffffffffc0201100, 't', "spaced", "kvm"),
            ]
        );
        assert!(syms[0].is_text() && !syms[1].is_text());
    }
}
