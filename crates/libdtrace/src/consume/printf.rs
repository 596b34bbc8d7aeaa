//! DTrace's `printf()`: formatting of decoded arguments by a format parsed
//! with [`crate::printf_format`].
//!
//! Behaviour follows libdtrace's dt_printf.c as documented in the Dynamic
//! Tracing Guide ("Output Formatting") and observed in the DTrace test
//! suites:
//!
//! * A precision of 0 is ignored, as DTrace does (`%.0s` prints the whole
//!   string).
//! * `%d`/`%i` of an unsigned value print it unsigned; integers narrower
//!   than 64 bits are converted as C `int`/`unsigned int` (so `%x` of a
//!   32-bit -1 is `ffffffff`, of a 64-bit -1 `ffffffffffffffff`, of a `char`
//!   -1 `ff`).
//! * `%p` is `%x` (no `0x`); `%a` is ``module`symbol+0xoff``; `%Y` is
//!   `2003 Sep  3 10:23:41`; `%T` RFC 822 time; `%S` escapes like C and stops
//!   after the first NUL (which it prints as `\0`); `%k` prints a stack (with
//!   `%-Nk` the frames are indented by N).

use std::borrow::Cow;

use super::cfmt::{self, Radix, Spec};
use super::output::{self, PrintCtx};
use super::value::{self, Value};
use crate::printf_format::{parse_format, Conv, Piece};

/// A format: parsed pieces, or the raw format text (parsed on use; a format
/// that does not parse prints as literal text).
pub trait AsFormat {
    fn pieces(&self) -> Cow<'_, [Piece]>;
}

impl AsFormat for [Piece] {
    fn pieces(&self) -> Cow<'_, [Piece]> {
        Cow::Borrowed(self)
    }
}

impl AsFormat for Vec<Piece> {
    fn pieces(&self) -> Cow<'_, [Piece]> {
        Cow::Borrowed(self)
    }
}

impl AsFormat for [u8] {
    fn pieces(&self) -> Cow<'_, [Piece]> {
        Cow::Owned(parse_format(self).unwrap_or_else(|_| vec![Piece::Lit(self.to_vec())]))
    }
}

impl AsFormat for Vec<u8> {
    fn pieces(&self) -> Cow<'_, [Piece]> {
        self.as_slice().pieces()
    }
}

impl AsFormat for str {
    fn pieces(&self) -> Cow<'_, [Piece]> {
        self.as_bytes().pieces()
    }
}

/// Format `args` with a format (parsed, or raw bytes), with no symbols and
/// local time.
pub fn format<F: AsFormat + ?Sized>(fmt: &F, args: &[Value]) -> Vec<u8> {
    let mut out = Vec::new();
    format_with(&mut out, fmt, args, &PrintCtx::default());
    out
}

/// Format `args`, appending to `out`. Lenient: a missing argument prints
/// nothing; a value of the wrong kind is printed as sensibly as possible.
pub fn format_with<F: AsFormat + ?Sized>(out: &mut Vec<u8>, fmt: &F, args: &[Value], ctx: &PrintCtx) {
    let pieces = fmt.pieces();
    let mut next = args.iter();
    for p in pieces.iter() {
        match p {
            Piece::Lit(l) => out.extend_from_slice(l),
            Piece::Conv(c) => {
                if c.conv == b'%' {
                    out.push(b'%');
                    continue;
                }
                let dw = if c.dyn_width { Some(next.next().map(dyn_int).unwrap_or(0)) } else { None };
                let dp = if c.dyn_prec { Some(next.next().map(dyn_int).unwrap_or(0)) } else { None };
                if let Some(v) = next.next() {
                    format_conv(out, c, dw, dp, v, 1, ctx);
                }
            }
        }
    }
}

/// A `*` argument as DTrace reads it: sign-extended from its size, then
/// truncated to a C `int`.
pub(crate) fn dyn_int(v: &Value) -> i64 {
    v.as_i64() as i32 as i64
}

/// The printf(3) spec of a conversion once dynamic width/precision are
/// known. Returns (spec, indent-for-%k).
fn resolve_spec(c: &Conv, dw: Option<i64>, dp: Option<i64>) -> (Spec, usize) {
    let width: i64 = dw.unwrap_or(c.width as i64);
    let prec: i64 = dp.unwrap_or(c.prec as i64);
    let left = width < 0 || c.left;
    let mut spec = Spec {
        alt: c.alt,
        zero: c.zpad,
        left,
        plus: c.plus,
        space: c.space,
        width: width.unsigned_abs() as usize,
        prec: if prec > 0 { Some(prec as usize) } else { None },
        group: c.group.then(cfmt::locale_grouping),
    };
    let mut indent = 0;
    if c.conv == b'k' {
        // pfprint_stack(): a left-justified %k indents the frames by the
        // width instead of padding them.
        indent = match dw {
            Some(w) if w < 0 => w.unsigned_abs() as usize,
            _ if c.left => {
                let w = dw.unwrap_or(0);
                if w != 0 { w as usize } else { c.width as usize }
            }
            _ => 0,
        };
        if c.left {
            spec.width = 0;
        }
    }
    (spec, indent)
}

/// Format one conversion of value `v` (normalized by `normal`, as printa
/// does for aggregation values; 1 otherwise).
pub(crate) fn format_conv(
    out: &mut Vec<u8>,
    c: &Conv,
    dw: Option<i64>,
    dp: Option<i64>,
    v: &Value,
    normal: u64,
    ctx: &PrintCtx,
) {
    let (spec, indent) = resolve_spec(c, dw, dp);
    let sym = ctx.symbolizer;
    // Record kinds that choose their own printing whatever the conversion
    // (dt_printf_format(): DTRACEACT_MOD/UMOD).
    match v {
        Value::Mod(a) => return cfmt::fmt_str(out, &spec, value::mod_str(sym, *a).as_bytes()),
        Value::UMod { pid, addr } => {
            return cfmt::fmt_str(out, &spec, value::umod_str(sym, *pid, *addr).as_bytes())
        }
        _ => {}
    }
    match c.conv {
        b'd' | b'i' => {
            let (_, _, signed) = v.int_parts();
            if signed {
                fmt_sint(out, &spec, v, normal, b'd');
            } else {
                fmt_uint(out, &spec, v, normal, Radix::Dec);
            }
        }
        b'u' => fmt_uint(out, &spec, v, normal, Radix::Dec),
        b'o' => fmt_uint(out, &spec, v, normal, Radix::Oct),
        b'x' | b'p' => fmt_uint(out, &spec, v, normal, Radix::Hex),
        b'X' => fmt_uint(out, &spec, v, normal, Radix::HexUpper),
        b'c' => fmt_sint(out, &spec, v, normal, b'c'),
        b'C' => {
            let ch = v.as_i64() as u8;
            cfmt::fmt_str(out, &spec, &escape(&[ch]));
        }
        b'e' | b'E' | b'f' | b'F' | b'g' | b'G' => {
            let f = match v {
                Value::Float(f) => *f,
                _ => {
                    let (raw, size, signed) = v.int_parts();
                    if signed {
                        value::sext(raw, size) as f64
                    } else {
                        value::truncate(raw, size) as f64
                    }
                }
            };
            let n = if normal == 0 { 1 } else { normal };
            cfmt::fmt_float(out, &spec, f / n as f64, c.conv);
        }
        b's' => {
            if c.name == "ls" || c.name == "ws" {
                cfmt::fmt_str(out, &spec, &wide_to_bytes(v));
            } else {
                cfmt::fmt_str(out, &spec, &text_of(v, ctx));
            }
        }
        b'S' => {
            let esc = match v {
                Value::Str(b) | Value::Chars(b) | Value::Bytes(b) => escape(b),
                other => text_of(other, ctx),
            };
            cfmt::fmt_str(out, &spec, &esc);
        }
        b'a' => {
            let s = match v {
                Value::Sym(a) => value::sym_str(sym, *a),
                Value::USym { pid, addr } => value::usym_str(sym, *pid, *addr),
                Value::UAddr { pid, addr } => value::uaddr2str(sym, *pid, *addr),
                other => value::addr2str(sym, other.as_u64()),
            };
            cfmt::fmt_str(out, &spec, s.as_bytes());
        }
        b'A' => {
            let s = match v {
                Value::USym { pid, addr } => value::usym_str(sym, *pid, *addr),
                Value::UAddr { pid, addr } => value::uaddr2str(sym, *pid, *addr),
                Value::Sym(a) => value::sym_str(sym, *a),
                other => value::uaddr2str(sym, ctx.target_pid.unwrap_or(0), other.as_u64()),
            };
            cfmt::fmt_str(out, &spec, s.as_bytes());
        }
        b'k' => match v {
            Value::Stack(pcs) => output::print_stack(out, pcs, indent, Some(spec), ctx),
            Value::UStack { pid, pcs } => output::print_ustack(out, *pid, pcs, indent, Some(spec), ctx),
            other => cfmt::fmt_str(out, &spec, &text_of(other, ctx)),
        },
        b'Y' => cfmt::fmt_str(out, &spec, output::format_walltime(v.as_u64(), &ctx.tz).as_bytes()),
        b'T' => cfmt::fmt_str(out, &spec, output::format_time822(v.as_u64(), &ctx.tz).as_bytes()),
        _ => cfmt::fmt_str(out, &spec, &text_of(v, ctx)),
    }
}

/// pfprint_sint(): sign-extend; sizes below 8 are C `int`s.
fn fmt_sint(out: &mut Vec<u8>, spec: &Spec, v: &Value, normal: u64, conv: u8) {
    let (raw, size, _) = v.int_parts();
    let n = if normal == 0 { 1 } else { normal };
    let x: i64 = if size < 8 {
        (value::sext(raw, size) as i32).wrapping_div(n as i32) as i64
    } else {
        (raw as i64).wrapping_div(n as i64)
    };
    if conv == b'c' {
        cfmt::fmt_char(out, spec, x as u8);
    } else {
        cfmt::fmt_signed(out, spec, x);
    }
}

/// pfprint_uint(): zero-extend; sizes below 8 are C `unsigned int`s.
fn fmt_uint(out: &mut Vec<u8>, spec: &Spec, v: &Value, normal: u64, radix: Radix) {
    let (raw, size, _) = v.int_parts();
    let n = if normal == 0 { 1 } else { normal };
    let x: u64 = if size < 8 {
        (value::truncate(raw, size) as u32 / n as u32) as u64
    } else {
        raw / n
    };
    cfmt::fmt_unsigned(out, spec, x, radix);
}

/// The text a value shows under `%s`.
fn text_of(v: &Value, ctx: &PrintCtx) -> Vec<u8> {
    let sym = ctx.symbolizer;
    match v {
        Value::Str(b) | Value::Chars(b) | Value::Bytes(b) => value::until_nul(b).to_vec(),
        Value::Int { .. } => {
            let mut o = Vec::new();
            let (raw, size, signed) = v.int_parts();
            if signed {
                cfmt::fmt_signed(&mut o, &Spec::default(), value::sext(raw, size));
            } else {
                cfmt::fmt_unsigned(&mut o, &Spec::default(), value::truncate(raw, size), Radix::Dec);
            }
            o
        }
        Value::Float(f) => {
            let mut o = Vec::new();
            cfmt::fmt_float(&mut o, &Spec::default(), *f, b'g');
            o
        }
        Value::Sym(a) => value::sym_str(sym, *a).into_bytes(),
        Value::Mod(a) => value::mod_str(sym, *a).into_bytes(),
        Value::USym { pid, addr } => value::usym_str(sym, *pid, *addr).into_bytes(),
        Value::UMod { pid, addr } => value::umod_str(sym, *pid, *addr).into_bytes(),
        Value::UAddr { pid, addr } => value::uaddr2str(sym, *pid, *addr).into_bytes(),
        Value::Stack(pcs) => pcs.first().map(|&pc| value::stack_frame(sym, pc)).unwrap_or_default().into_bytes(),
        Value::UStack { pid, pcs } => {
            pcs.first().map(|&pc| value::ustack_frame(sym, *pid, pc)).unwrap_or_default().into_bytes()
        }
    }
}

/// `wchar_t` data (4-byte units) to bytes, as the C locale converts them.
fn wide_to_bytes(v: &Value) -> Vec<u8> {
    match v {
        Value::Bytes(b) | Value::Chars(b) => b
            .chunks(4)
            .map(|c| {
                let mut a = [0u8; 4];
                a[..c.len()].copy_from_slice(c);
                u32::from_le_bytes(a)
            })
            .take_while(|&w| w != 0)
            .map(|w| if w < 0x80 { w as u8 } else { b'?' })
            .collect(),
        Value::Str(b) => value::until_nul(b).to_vec(),
        _ => Vec::new(),
    }
}

/// strchr2esc(): C escapes for `\a \b \f \n \r \t \v " \\`, octal `\ooo`
/// for other non-printables, and `\0` for a NUL, after which it stops.
pub fn escape(b: &[u8]) -> Vec<u8> {
    let mut o = Vec::with_capacity(b.len());
    for &c in b {
        match c {
            0 => o.extend_from_slice(b"\\0"),
            0x07 => o.extend_from_slice(b"\\a"),
            0x08 => o.extend_from_slice(b"\\b"),
            0x0c => o.extend_from_slice(b"\\f"),
            b'\n' => o.extend_from_slice(b"\\n"),
            b'\r' => o.extend_from_slice(b"\\r"),
            b'\t' => o.extend_from_slice(b"\\t"),
            0x0b => o.extend_from_slice(b"\\v"),
            b'"' => o.extend_from_slice(b"\\\""),
            b'\\' => o.extend_from_slice(b"\\\\"),
            b' ' => o.push(b' '),
            c if !(b'!'..=b'~').contains(&c) => {
                o.push(b'\\');
                o.push(b'0' + ((c >> 6) & 3));
                o.push(b'0' + ((c >> 3) & 7));
                o.push(b'0' + (c & 7));
            }
            c => o.push(c),
        }
        if c == 0 {
            break;
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consume::output::TimeZone;
    use crate::consume::value::{Symbol, Symbolizer};

    fn fmt(f: &str, args: &[Value]) -> String {
        let p = parse_format(f.as_bytes()).unwrap();
        String::from_utf8(format(&p, args)).unwrap()
    }

    #[test]
    fn basics() {
        // test/unittest/printf/tst.basics.d/.r (i = 'a'; %p of (void *)i).
        let i = Value::int(97, 4);
        assert_eq!(fmt("%%c = %c\n", std::slice::from_ref(&i)), "%c = a\n");
        assert_eq!(fmt("%%d = %d\n", std::slice::from_ref(&i)), "%d = 97\n");
        assert_eq!(fmt("%%hd = %hd\n", &[Value::int(97, 2)]), "%hd = 97\n");
        assert_eq!(fmt("%%ho = %ho\n", &[Value::uint(97, 2)]), "%ho = 141\n");
        assert_eq!(fmt("%%hX = %hX\n", &[Value::uint(97, 2)]), "%hX = 61\n");
        assert_eq!(fmt("%%lc = %lc\n", std::slice::from_ref(&i)), "%lc = a\n");
        assert_eq!(fmt("%%lo = %lo\n", &[Value::uint(97, 8)]), "%lo = 141\n");
        assert_eq!(fmt("%%p = %p\n", &[Value::uint(97, 8)]), "%p = 61\n");
        assert_eq!(fmt("%%s = %s\n", &[Value::str("hello")]), "%s = hello\n");
        assert_eq!(fmt("%%X = %X\n", &[Value::uint(97, 4)]), "%X = 61\n");
    }

    #[test]
    fn flags_and_widths() {
        // test/unittest/printf/tst.flags.d/.r
        assert_eq!(fmt("# %#8x\n", &[Value::int(0x123, 4)]), "#    0x123\n");
        assert_eq!(fmt("0 %08x\n", &[Value::int(0x123, 4)]), "0 00000123\n");
        assert_eq!(fmt("- %-8x\n", &[Value::int(0x123, 4)]), "- 123     \n");
        assert_eq!(fmt("+ %+8d\n", &[Value::int(123, 4)]), "+     +123\n");
        assert_eq!(fmt("  % 8d\n", &[Value::int(123, 4)]), "       123\n");
        // tst.widths1.d/.r: %?d is 16 wide on LP64.
        assert_eq!(fmt("%?d\n", &[Value::int(3, 4)]), "               3\n");
        // '-' then '0': the later flag wins (dt_printf_create()).
        assert_eq!(fmt("[%-05d]", &[Value::int(5, 4)]), "[00005]");
        assert_eq!(fmt("[%0-5d]", &[Value::int(5, 4)]), "[5    ]");
    }

    #[test]
    fn precisions_and_dynamic() {
        // tst.precs.d: "%.0s" ignores the zero precision; "%.*s".
        assert_eq!(fmt("%.0s|%.1s|%.3s|%.9s", &[Value::str("hello"), Value::str("hello"), Value::str("hello"), Value::str("hello")]), "hello|h|hel|hello");
        assert_eq!(fmt("%.*s", &[Value::int(0, 4), Value::str("hello")]), "hello");
        assert_eq!(fmt("%.*s", &[Value::int(2, 4), Value::str("hello")]), "he");
        // tst.wp.d: "%*.*s" takes the width, then the precision.
        assert_eq!(fmt("%*.*s|", &[Value::int(4, 4), Value::int(3, 4), Value::str("hello")]), " hel|");
        assert_eq!(fmt("%9.9s|", &[Value::str("hello")]), "    hello|");
        // A negative dynamic width left-justifies.
        assert_eq!(fmt("%*d|", &[Value::int(-4, 4), Value::int(7, 4)]), "7   |");
    }

    #[test]
    fn integer_sizes_and_signs() {
        assert_eq!(fmt("%d %u %x", &[Value::int(-1, 4), Value::int(-1, 4), Value::int(-1, 4)]), "-1 4294967295 ffffffff");
        assert_eq!(fmt("%x %d", &[Value::int(-1, 8), Value::int(-1, 8)]), "ffffffffffffffff -1");
        assert_eq!(fmt("%x %d %u", &[Value::int(-1, 1), Value::int(-1, 1), Value::int(-1, 1)]), "ff -1 255");
        // %d of an unsigned type prints unsigned (pfcheck_dint()).
        assert_eq!(fmt("%d", &[Value::uint(u64::MAX, 8)]), "18446744073709551615");
        assert_eq!(fmt("%i", &[Value::uint(0xffff_ffff, 4)]), "4294967295");
        assert_eq!(fmt("%o %#o %#x %#X", &[Value::int(8, 4), Value::int(8, 4), Value::int(255, 4), Value::int(255, 4)]), "10 010 0xff 0XFF");
        assert_eq!(fmt("%5.3d|%-+6d|", &[Value::int(7, 4), Value::int(7, 8)]), "  007|+7    |");
    }

    #[test]
    fn floats() {
        assert_eq!(fmt("%f %e %g", &[Value::Float(1.5), Value::Float(1.5), Value::Float(1.5)]), "1.500000 1.500000e+00 1.5");
        // Integers given to float conversions (lenient): their numeric value.
        assert_eq!(fmt("%.2f", &[Value::int(-3, 4)]), "-3.00");
    }

    #[test]
    fn strings_and_escapes() {
        assert_eq!(fmt("[%-6s][%6s]", &[Value::str("ab"), Value::str("ab")]), "[ab    ][    ab]");
        assert_eq!(fmt("%s", &[Value::Str(b"ab\0cd".to_vec())]), "ab");
        // %S: strchr2esc() escapes, and prints the terminating NUL as \0.
        assert_eq!(fmt("%S", &[Value::Str(b"a\tb\"\\\x01\xff\0junk".to_vec())]), "a\\tb\\\"\\\\\\001\\377\\0");
        assert_eq!(fmt("%S", &[Value::str("plain")]), "plain");
        assert_eq!(fmt("%C%C", &[Value::int(10, 4), Value::int(65, 4)]), "\\nA");
        // Lenient: %s of an integer prints the number; missing arguments
        // print nothing.
        assert_eq!(fmt("%s", &[Value::int(-5, 4)]), "-5");
        assert_eq!(fmt("%d|%s|", &[]), "||");
    }

    struct Syms;
    impl Symbolizer for Syms {
        fn kernel(&self, addr: u64) -> Option<Symbol> {
            (addr >= 0x1000).then(|| Symbol { module: "vmlinux".into(), name: Some("max_pfn".into()), addr: 0x1000 })
        }
        fn user(&self, _pid: u32, addr: u64) -> Option<Symbol> {
            (addr >= 0x400000).then(|| Symbol { module: "a.out".into(), name: Some("main".into()), addr: 0x400000 })
        }
    }

    fn fmt_ctx(f: &str, args: &[Value], ctx: &PrintCtx) -> String {
        let p = parse_format(f.as_bytes()).unwrap();
        let mut out = Vec::new();
        format_with(&mut out, &p, args, ctx);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn symbols_stacks_times() {
        let ctx = PrintCtx {
            symbolizer: &Syms,
            target_pid: Some(42),
            tz: TimeZone::Fixed { offset_secs: -7 * 3600, abbrev: "PDT".into() },
            ..PrintCtx::default()
        };
        // tst.sym.r: "symbol = vmlinux`max_pfn"
        assert_eq!(fmt_ctx("symbol = %a", &[Value::uint(0x1000, 8)], &ctx), "symbol = vmlinux`max_pfn");
        assert_eq!(fmt_ctx("%-20a|", &[Value::uint(0x1008, 8)], &ctx), "vmlinux`max_pfn+0x8 |");
        assert_eq!(fmt_ctx("%a", &[Value::uint(0x10, 8)], &ctx), "0x10");
        assert_eq!(fmt_ctx("%A", &[Value::uint(0x400010, 8)], &ctx), "a.out`main+0x10");
        assert_eq!(fmt_ctx("%s", &[Value::Mod(0x1008)], &ctx), "vmlinux");
        // %k: frames unindented; %-20k: indented by 20.
        let st = Value::Stack(vec![0x1010, 0x1000]);
        assert_eq!(fmt_ctx("%k", std::slice::from_ref(&st), &ctx), "\nvmlinux`max_pfn+0x10\nvmlinux`max_pfn\n");
        assert_eq!(fmt_ctx("%-4k", std::slice::from_ref(&st), &ctx), "\n    vmlinux`max_pfn+0x10\n    vmlinux`max_pfn\n");
        assert_eq!(fmt_ctx("%22k", &[Value::Stack(vec![0x1000])], &ctx), "\n       vmlinux`max_pfn\n");
        // %Y: "2003 Sep  3 10:23:41" (tst.printY.sh, TZ=US/Pacific).
        assert_eq!(fmt_ctx("%Y", &[Value::uint(1_062_609_821_000_000_000, 8)], &ctx), "2003 Sep  3 10:23:41");
        assert_eq!(fmt_ctx("%T", &[Value::uint(1_062_609_821_000_000_000, 8)], &ctx), "Wed, 03 Sep 2003 10:23:41 PDT");
    }
}
