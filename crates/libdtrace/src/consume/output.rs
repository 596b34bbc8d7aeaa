//! The per-record output of the `dtrace` command: the heading and probe
//! lines, `trace()` data, byte dumps (`tracemem()`, structs), stacks, the
//! wall-clock formats of `%Y`/`%T`.
//!
//! Layouts follow Oracle's DTrace for Linux (cmd/dtrace.c `chew()`,
//! libdtrace/dt_consume.c), checked against its test suite's expected
//! output (`test/unittest/**/*.r`). Where illumos differs it is said below.

use super::cfmt::{self, Spec};
use super::value::{self, NoSymbols, Symbolizer, Value};

/// The time zone `%Y`/`%T` convert to.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum TimeZone {
    /// The process's local time zone (`TZ`, via the C library), as DTrace.
    #[default]
    Local,
    /// A fixed offset east of UTC, with the abbreviation `%T` prints.
    Fixed { offset_secs: i64, abbrev: String },
}

/// What formatting needs beyond the data: symbols, options, time zone.
pub struct PrintCtx<'a> {
    pub symbolizer: &'a dyn Symbolizer,
    /// The `stackindent` option (default 14).
    pub stack_indent: usize,
    /// The `rawbytes` option: print every non-scalar `trace()` as a dump.
    pub rawbytes: bool,
    /// The process given by `-p`/`-c` (`$target`), used by `%A` on plain
    /// integers.
    pub target_pid: Option<u32>,
    pub tz: TimeZone,
}

/// `stackindent`'s default (`_dtrace_stkindent`).
pub const DEFAULT_STACK_INDENT: usize = 14;

static NO_SYMBOLS: NoSymbols = NoSymbols;

impl Default for PrintCtx<'static> {
    fn default() -> Self {
        PrintCtx {
            symbolizer: &NO_SYMBOLS,
            stack_indent: DEFAULT_STACK_INDENT,
            rawbytes: false,
            target_pid: None,
            tz: TimeZone::Local,
        }
    }
}

/// The heading printed before the first probe line (not with `-q`).
/// `"%3s %6s %32s\n"` of `CPU ID FUNCTION:NAME`; with `_DTRACE_TESTING` set
/// the CPU and ID columns are dropped (`"%32s\n"`); with `flowindent`
/// (`-F`) `"%3s %-41s\n"` of `CPU FUNCTION` (testing: `"%-41s\n"`).
pub fn heading(testing: bool, flowindent: bool) -> String {
    match (flowindent, testing) {
        (false, false) => format!("{:>3} {:>6} {:>32}\n", "CPU", "ID", "FUNCTION:NAME"),
        (false, true) => format!("{:>32}\n", "FUNCTION:NAME"),
        (true, false) => format!("{:>3} {:<41}\n", "CPU", "FUNCTION"),
        (true, true) => format!("{:<41}\n", "FUNCTION"),
    }
}

/// The prefix of each record's output (not with `-q`):
/// `"%3d %6d %32s "` of CPU, probe id and `func:name`; with `testing`
/// (`_DTRACE_TESTING` set, Oracle's convention) just `"%32s "`. The record's
/// data follows on the same line, and the record ends with `"\n"` (see
/// [`record_end`]).
pub fn probe_line(cpu: u32, id: u32, func: &str, name: &str, testing: bool) -> String {
    let fname = format!("{}:{}", func, name);
    if testing {
        format!("{:>32} ", fname)
    } else {
        format!("{:>3} {:>6} {:>32} ", cpu, id, fname)
    }
}

/// What ends a record's output: `"\n"` unless quiet.
pub fn record_end(quiet: bool) -> &'static str {
    if quiet {
        ""
    } else {
        "\n"
    }
}

/// The kind of a probe for `flowindent`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    Entry,
    Return,
    None,
}

/// Classify a probe for `flowindent`: a name `entry` or ending in `-entry`
/// is an entry, `return`/`-return` a return.
pub fn flow_kind(name: &str) -> Flow {
    let ends = |w: &str| name == w || name.ends_with(&format!("-{}", w));
    if ends("entry") {
        Flow::Entry
    } else if ends("return") {
        Flow::Return
    } else {
        Flow::None
    }
}

/// The `flowindent` (`-F`) indentation state of one consumer.
#[derive(Clone, Debug, Default)]
pub struct FlowIndent {
    pub indent: usize,
}

impl FlowIndent {
    /// The prefix of a record with `-F` (not with `-q`): `"%3d %-41s "` of
    /// the CPU and `indent` spaces + `-> func` (entry), `<- func` (return)
    /// or `| func:name` (other); `syscall` probes use `=>`/`<=`. Testing mode
    /// drops the CPU column. Returns unindent before and indent after, as
    /// dt_flowindent()/dt_consume do. `flow` is the probe's kind after the
    /// caller's suppression rules (an entry of the same probe id as the last
    /// record, or a return followed by the same probe id, counts as
    /// [`Flow::None`]).
    pub fn line(&mut self, cpu: u32, provider: &str, func: &str, name: &str, flow: Flow, testing: bool) -> String {
        let sys = provider == "syscall";
        if flow == Flow::Return && self.indent > 0 {
            self.indent -= 2;
        }
        let pad = " ".repeat(self.indent);
        let text = match flow {
            Flow::Entry => format!("{}{}{}", pad, if sys { " => " } else { " -> " }, func),
            Flow::Return => format!("{}{}{}", pad, if sys { " <= " } else { " <- " }, func),
            Flow::None => format!("{}| {}:{}", pad, func, name),
        };
        if flow == Flow::Entry {
            self.indent += 2;
        }
        if testing {
            format!("{:<41} ", text)
        } else {
            format!("{:>3} {:<41} ", cpu, text)
        }
    }
}

/// `trace()` of one value (Oracle's dt_print_trace()).
///
/// Not quiet: signed integers `" %3d"`, `" %5d"`, `" %10d"`, `" %19d"` by
/// size 1/2/4/8; unsigned `" %3u"`, `" %5u"`, `" %10u"`, `" %20u"`; strings
/// `"  %-33s"`. Quiet: the bare number / string. `char[]` arrays go through
/// the string-or-dump heuristic ([`print_bytes`], width 33); other
/// non-scalars (structs, ...) are dumped ([`print_rawbytes`]).
///
/// (illumos prints integers by size only, `" %3d"`/`" %5d"`/`" %8d"`/
/// `" %16lld"`, all from unsigned loads.)
pub fn format_trace(v: &Value, quiet: bool) -> Vec<u8> {
    let mut out = Vec::new();
    trace_value(&mut out, v, quiet, &PrintCtx::default());
    out
}

/// [`format_trace`] appending to `out`, with symbols and options.
pub fn trace_value(out: &mut Vec<u8>, v: &Value, quiet: bool, ctx: &PrintCtx) {
    match v {
        Value::Int { v: raw, size, signed } => {
            let size = value::norm_size(*size);
            let width = match (size, *signed) {
                (1, _) => 3,
                (2, _) => 5,
                (4, _) => 10,
                (_, true) => 19,
                (_, false) => 20,
            };
            let spec = if quiet { Spec::default() } else { Spec::width(width) };
            if !quiet {
                out.push(b' ');
            }
            if *signed {
                cfmt::fmt_signed(out, &spec, value::sext(*raw, size));
            } else {
                cfmt::fmt_unsigned(out, &spec, value::truncate(*raw, size), cfmt::Radix::Dec);
            }
        }
        Value::Float(f) => {
            let spec = if quiet { Spec::default() } else { Spec::width(19) };
            if !quiet {
                out.push(b' ');
            }
            cfmt::fmt_float(out, &spec, *f, b'g');
        }
        Value::Str(s) => {
            if ctx.rawbytes {
                print_rawbytes(out, s);
            } else {
                print_string(out, value::until_nul(s), 33, quiet);
            }
        }
        Value::Chars(b) => {
            if ctx.rawbytes {
                print_rawbytes(out, b);
            } else {
                print_bytes(out, b, 33, quiet);
            }
        }
        Value::Bytes(b) => print_rawbytes(out, b),
        Value::Stack(pcs) => print_stack(out, pcs, ctx.stack_indent, None, ctx),
        Value::UStack { pid, pcs } => print_ustack(out, *pid, pcs, ctx.stack_indent, None, ctx),
        Value::Sym(a) => print_sym_like(out, &value::sym_str(ctx.symbolizer, *a)),
        Value::Mod(a) => print_sym_like(out, &value::mod_str(ctx.symbolizer, *a)),
        Value::USym { pid, addr } => print_sym_like(out, &value::usym_str(ctx.symbolizer, *pid, *addr)),
        Value::UAddr { pid, addr } => print_sym_like(out, &value::uaddr2str(ctx.symbolizer, *pid, *addr)),
        Value::UMod { pid, addr } => print_sym_like(out, &value::umod_str(ctx.symbolizer, *pid, *addr)),
    }
}

/// `sym()`, `mod()`, `usym()`, `uaddr()`, `umod()` as a record or key:
/// `"  %-50s"`.
pub fn print_sym_like(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(b"  ");
    cfmt::fmt_str(out, &Spec::left(50), s.as_bytes());
}

fn print_string(out: &mut Vec<u8>, s: &[u8], width: usize, quiet: bool) {
    if quiet {
        out.extend_from_slice(s);
    } else {
        out.extend_from_slice(b"  ");
        cfmt::fmt_str(out, &Spec::left(width), s);
    }
}

fn is_printable(c: u8) -> bool {
    // isprint() || isspace() in the C locale, plus '\b' and '\a'.
    (0x20..0x7f).contains(&c) || matches!(c, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | 0x08 | 0x07)
}

/// DTrace's dt_print_bytes(): a buffer of printable characters followed only
/// by NULs prints as a string (`"%s"` quiet, `"  %-*s"` otherwise); a buffer
/// of printable characters with no NUL prints as `"  %-*s"` even when quiet
/// (as DTrace does); anything else is dumped ([`print_rawbytes`]). `width` is
/// 33 for `trace()` and 50 for aggregation keys.
pub fn print_bytes(out: &mut Vec<u8>, b: &[u8], width: usize, quiet: bool) {
    if b.is_empty() {
        return;
    }
    let mut i = 0;
    while i < b.len() {
        if is_printable(b[i]) {
            i += 1;
            continue;
        }
        if b[i] == 0 && i > 0 && b[i + 1..].iter().all(|&c| c == 0) {
            print_string(out, &b[..i], width, quiet);
            return;
        }
        break;
    }
    if i == b.len() {
        print_string(out, b, width, false);
        return;
    }
    print_rawbytes(out, b);
}

/// DTrace's hex dump (dt_print_rawbytes(), used by `tracemem()`, structs,
/// and the `rawbytes` option):
///
/// ```text
/// \n             0  1  2  3  4  5  6  7  8  9  a  b  c  d  e  f  0123456789abcdef\n
///          0: 61 41 62 42 63 05 64 44 00                       aAbBc.dD.\n
/// ```
///
/// Nothing for an empty buffer.
pub fn print_rawbytes(out: &mut Vec<u8>, b: &[u8]) {
    if b.is_empty() {
        return;
    }
    let margin = "     ";
    out.push(b'\n');
    out.extend_from_slice(margin.as_bytes());
    out.extend_from_slice(b"      ");
    for c in b"0123456789abcdef" {
        out.extend_from_slice(b"  ");
        out.push(*c);
    }
    out.extend_from_slice(b"  0123456789abcdef\n");
    for (row, chunk) in b.chunks(16).enumerate() {
        out.extend_from_slice(format!("{}{:>5x}:", margin, row * 16).as_bytes());
        for c in chunk {
            out.extend_from_slice(format!(" {:02x}", c).as_bytes());
        }
        for _ in chunk.len()..16 {
            out.extend_from_slice(b"   ");
        }
        out.extend_from_slice(b"  ");
        for &c in chunk {
            out.push(if (b' '..=b'~').contains(&c) { c } else { b'.' });
        }
        out.push(b'\n');
    }
}

/// How stack frames are formatted: `None` is plain `"%s"`; `Some(spec)` is a
/// `%k` conversion's spec (see printf).
pub type FrameSpec = Option<Spec>;

/// A kernel stack (dt_print_stack()): `"\n"`, then per frame (up to the
/// first zero pc) `indent` spaces, the frame formatted with `spec`, `"\n"`.
pub fn print_stack(out: &mut Vec<u8>, pcs: &[u64], indent: usize, spec: FrameSpec, ctx: &PrintCtx) {
    out.push(b'\n');
    for &pc in pcs.iter().take_while(|&&pc| pc != 0) {
        out.extend(std::iter::repeat_n(b' ', indent));
        let f = value::stack_frame(ctx.symbolizer, pc);
        cfmt::fmt_str(out, &spec.unwrap_or_default(), f.as_bytes());
        out.push(b'\n');
    }
}

/// A user stack (dt_print_ustack()): like [`print_stack`], nothing at all
/// for an empty stack.
pub fn print_ustack(out: &mut Vec<u8>, pid: u32, pcs: &[u64], indent: usize, spec: FrameSpec, ctx: &PrintCtx) {
    if pcs.is_empty() {
        return;
    }
    out.push(b'\n');
    for &pc in pcs.iter().take_while(|&&pc| pc != 0) {
        out.extend(std::iter::repeat_n(b' ', indent));
        let f = value::ustack_frame(ctx.symbolizer, pid, pc);
        cfmt::fmt_str(out, &spec.unwrap_or_default(), f.as_bytes());
        out.push(b'\n');
    }
}

// ---- wall-clock time ----------------------------------------------------

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/// Broken-down time.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Tm {
    year: i64,
    mon: u32,  // 0..11
    mday: u32, // 1..31
    hour: u32,
    min: u32,
    sec: u32,
    wday: u32, // 0 = Sunday
    yday: u32, // 0..365
    abbrev: String,
}

/// Days since 1970-01-01 to (year, month 1..12, day).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn tm_from_utc(secs: i64, offset: i64, abbrev: String) -> Tm {
    let t = secs + offset;
    let days = t.div_euclid(86_400);
    let rem = t.rem_euclid(86_400);
    let (year, mon, mday) = civil_from_days(days);
    let cum = [0u32, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
    let yday = cum[(mon - 1) as usize] + mday - 1 + u32::from(mon > 2 && is_leap(year));
    Tm {
        year,
        mon: mon - 1,
        mday,
        hour: (rem / 3600) as u32,
        min: (rem % 3600 / 60) as u32,
        sec: (rem % 60) as u32,
        wday: (days + 4).rem_euclid(7) as u32,
        yday,
        abbrev,
    }
}

fn local_tm(secs: i64, tz: &TimeZone) -> Tm {
    match tz {
        TimeZone::Fixed { offset_secs, abbrev } => tm_from_utc(secs, *offset_secs, abbrev.clone()),
        TimeZone::Local => {
            let (off, abbrev) = crate::kernel::time::local_offset(secs);
            tm_from_utc(secs, off, abbrev)
        }
    }
}

/// Nanoseconds since the epoch (read as a signed `hrtime_t`) to seconds,
/// truncating as C division does.
fn ns_to_secs(ns: u64) -> i64 {
    (ns as i64) / 1_000_000_000
}

/// `%Y`: `walltimestamp`-style nanoseconds as `"%Y %b %e %T"`, e.g.
/// `2003 Sep  3 10:23:41` (DTrace reorders ctime(3)'s text: year first,
/// day of month space-padded), in `tz`.
pub fn format_walltime(ns: u64, tz: &TimeZone) -> String {
    let tm = local_tm(ns_to_secs(ns), tz);
    format!("{} {} {:>2} {:02}:{:02}:{:02}", tm.year, MONTHS[tm.mon as usize], tm.mday, tm.hour, tm.min, tm.sec)
}

/// ISO 8601 week-based year (strftime `%G`).
fn iso_year(tm: &Tm) -> i64 {
    let wday = if tm.wday == 0 { 7 } else { tm.wday as i64 }; // Mon=1..Sun=7
    let week = (tm.yday as i64 + 1 - wday + 10) / 7;
    // A year has 53 ISO weeks when it starts on a Thursday, or is a leap
    // year starting on a Wednesday.
    let p = |y: i64| (y + y.div_euclid(4) - y.div_euclid(100) + y.div_euclid(400)).rem_euclid(7);
    let weeks = |y: i64| if p(y) == 4 || p(y - 1) == 3 { 53 } else { 52 };
    if week < 1 {
        tm.year - 1
    } else if week > weeks(tm.year) {
        tm.year + 1
    } else {
        tm.year
    }
}

/// `%T`: RFC 822 time, strftime `"%a, %d %b %G %T %Z"` (DTrace uses the
/// ISO week-based year `%G`), e.g. `Wed, 03 Sep 2003 10:23:41 PDT`.
pub fn format_time822(ns: u64, tz: &TimeZone) -> String {
    let tm = local_tm(ns_to_secs(ns), tz);
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} {}",
        DAYS[tm.wday as usize],
        tm.mday,
        MONTHS[tm.mon as usize],
        iso_year(&tm),
        tm.hour,
        tm.min,
        tm.sec,
        tm.abbrev
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(b: Vec<u8>) -> String {
        String::from_utf8(b).unwrap()
    }

    #[test]
    fn heading_and_probe_lines() {
        // cmd/dtrace.c chew(): "%3s %6s %32s\n" / "%3d %6d %32s ".
        assert_eq!(heading(false, false), "CPU     ID                    FUNCTION:NAME\n");
        assert_eq!(probe_line(0, 1, "", "BEGIN", false), "  0      1                           :BEGIN ");
        assert_eq!(
            probe_line(12, 123456, "do_sys_open", "entry", false),
            " 12 123456                do_sys_open:entry "
        );
        // test/unittest/aggs/tst.count_notquiet.r (_DTRACE_TESTING set):
        // "                   FUNCTION:NAME\n                    :tick-1005ms \n"
        assert_eq!(heading(true, false), "                   FUNCTION:NAME\n");
        assert_eq!(probe_line(3, 99, "", "tick-1005ms", true), "                    :tick-1005ms ");
        assert_eq!(heading(false, true), format!("CPU {:<41}\n", "FUNCTION"));
    }

    #[test]
    fn flowindent() {
        let mut f = FlowIndent::default();
        assert_eq!(flow_kind("entry"), Flow::Entry);
        assert_eq!(flow_kind("method-return"), Flow::Return);
        assert_eq!(flow_kind("carpentry"), Flow::None);
        assert_eq!(f.line(0, "fbt", "foo", "entry", Flow::Entry, false), format!("  0 {:<41} ", " -> foo"));
        assert_eq!(f.line(0, "fbt", "bar", "entry", Flow::Entry, true), format!("{:<41} ", "   -> bar"));
        assert_eq!(f.line(0, "fbt", "bar", "return", Flow::Return, true), format!("{:<41} ", "   <- bar"));
        assert_eq!(f.line(0, "profile", "", "tick-1s", Flow::None, true), format!("{:<41} ", "  | :tick-1s"));
        assert_eq!(f.line(0, "syscall", "read", "return", Flow::Return, true), format!("{:<41} ", " <= read"));
    }

    #[test]
    fn trace_ints_and_strings() {
        // test/unittest/actions/trace/tst.int32_t.r: ":BEGIN          -1"
        // (probe line ends in one blank, then " %10d").
        let line = probe_line(0, 1, "", "BEGIN", true) + &s(format_trace(&Value::int(-1, 4), false));
        assert_eq!(line, "                          :BEGIN          -1");
        // tst.uint8_t.r: ":BEGIN  255"
        assert_eq!(s(format_trace(&Value::uint(255, 1), false)), " 255");
        assert_eq!(s(format_trace(&Value::int(-1, 8), false)), format!(" {:>19}", -1));
        assert_eq!(s(format_trace(&Value::uint(u64::MAX, 8), false)), " 18446744073709551615");
        assert_eq!(s(format_trace(&Value::int(-2, 2), false)), "    -2");
        // tst.signedkeys.r (quiet): trace((char)-2) prints "-2".
        assert_eq!(s(format_trace(&Value::int(-2, 1), true)), "-2");
        assert_eq!(s(format_trace(&Value::uint(65534, 2), true)), "65534");
        // tst.str.r: ":BEGIN   a" + 32 blanks ("  %-33s").
        assert_eq!(s(format_trace(&Value::str("a"), false)), format!("  a{}", " ".repeat(32)));
        // tst.str-empty.r: 35 blanks.
        assert_eq!(s(format_trace(&Value::Str(vec![0; 8]), false)), " ".repeat(35));
        assert_eq!(s(format_trace(&Value::str("hello"), true)), "hello");
    }

    #[test]
    fn trace_char_arrays_and_structs() {
        // tst.array-char-str-multi-nul.r: "aAbBc\0\0\0\0" prints as a string.
        let v = Value::Chars(b"aAbBc\0\0\0\0".to_vec());
        assert_eq!(s(format_trace(&v, false)), format!("  aAbBc{}", " ".repeat(28)));
        // tst.array-char-unprintable.r
        let v = Value::Chars(b"aAbBc\x05dD\0".to_vec());
        let want = "\n             0  1  2  3  4  5  6  7  8  9  a  b  c  d  e  f  0123456789abcdef\n         0: 61 41 62 42 63 05 64 44 00                       aAbBc.dD.\n";
        assert_eq!(s(format_trace(&v, false)), want);
        // tst.array-char-multi-nul.r: embedded NULs -> dump.
        let v = Value::Chars(b"aA\0B\0C\0De".to_vec());
        let want = "\n             0  1  2  3  4  5  6  7  8  9  a  b  c  d  e  f  0123456789abcdef\n         0: 61 41 00 42 00 43 00 44 65                       aA.B.C.De\n";
        assert_eq!(s(format_trace(&v, false)), want);
        // tst.struct-1-byte.r: a struct is always dumped, printable or not.
        let want = "\n             0  1  2  3  4  5  6  7  8  9  a  b  c  d  e  f  0123456789abcdef\n         0: 34                                               4\n";
        assert_eq!(s(format_trace(&Value::Bytes(vec![0x34]), false)), want);
        // A printable buffer without a NUL prints padded even when quiet.
        assert_eq!(s(format_trace(&Value::Chars(b"ab".to_vec()), true)), format!("  ab{}", " ".repeat(31)));
        assert_eq!(s(format_trace(&Value::Chars(b"ab\0".to_vec()), true)), "ab");
    }

    #[test]
    fn rawbytes_multirow() {
        let mut out = Vec::new();
        print_rawbytes(&mut out, &(0u8..20).collect::<Vec<_>>());
        let want = concat!(
            "\n             0  1  2  3  4  5  6  7  8  9  a  b  c  d  e  f  0123456789abcdef\n",
            "         0: 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f  ................\n",
            "        10: 10 11 12 13                                      ....\n"
        );
        assert_eq!(s(out), want);
    }

    struct Syms;
    impl Symbolizer for Syms {
        fn kernel(&self, addr: u64) -> Option<value::Symbol> {
            Some(value::Symbol {
                module: "vmlinux".into(),
                name: Some(format!("f{:x}", addr >> 8)),
                addr: addr & !0xff,
            })
        }
        fn user(&self, _pid: u32, addr: u64) -> Option<value::Symbol> {
            Some(value::Symbol { module: "a.out".into(), name: Some("main".into()), addr: addr & !0xff })
        }
    }

    #[test]
    fn stacks() {
        // dt_print_stack(): "\n", then each frame indented by stackindent (14).
        let ctx = PrintCtx { symbolizer: &Syms, ..PrintCtx::default() };
        let mut out = Vec::new();
        trace_value(&mut out, &Value::Stack(vec![0x1010, 0x2000, 0, 0x3000]), false, &ctx);
        assert_eq!(s(out), "\n              vmlinux`f10+0x10\n              vmlinux`f20\n");
        let mut out = Vec::new();
        trace_value(&mut out, &Value::Stack(vec![0xffff_ffff_8100_0010]), false, &PrintCtx::default());
        assert_eq!(s(out), "\n              0xffffffff81000010\n");
        let mut out = Vec::new();
        trace_value(&mut out, &Value::UStack { pid: 7, pcs: vec![0x401234] }, false, &ctx);
        assert_eq!(s(out), "\n              a.out`main+0x34\n");
        let mut out = Vec::new();
        trace_value(&mut out, &Value::USym { pid: 7, addr: 0x401234 }, false, &ctx);
        assert_eq!(s(out), format!("  {:<50}", "a.out`main"));
    }

    #[test]
    fn walltime() {
        // test/unittest/printf/tst.printY.sh runs with TZ=US/Pacific and
        // prints %Y of 0, 1062609821 s and 0x7fffffff s.
        let pst = TimeZone::Fixed { offset_secs: -8 * 3600, abbrev: "PST".into() };
        let pdt = TimeZone::Fixed { offset_secs: -7 * 3600, abbrev: "PDT".into() };
        assert_eq!(format_walltime(0, &pst), "1969 Dec 31 16:00:00");
        assert_eq!(format_walltime(1_062_609_821 * 1_000_000_000, &pdt), "2003 Sep  3 10:23:41");
        assert_eq!(format_walltime(0x7fff_ffff * 1_000_000_000, &pst), "2038 Jan 18 19:14:07");
        assert_eq!(format_time822(1_062_609_821 * 1_000_000_000, &pdt), "Wed, 03 Sep 2003 10:23:41 PDT");
        let utc = TimeZone::Fixed { offset_secs: 0, abbrev: "UTC".into() };
        // %G: 2027-01-01 (a Friday) is in ISO week 53 of 2026; 2024-12-30
        // (a Monday) is in week 1 of 2025.
        assert_eq!(format_time822(1_798_761_600 * 1_000_000_000, &utc), "Fri, 01 Jan 2026 00:00:00 UTC");
        assert_eq!(format_time822(1_735_516_800 * 1_000_000_000, &utc), "Mon, 30 Dec 2025 00:00:00 UTC");
        assert_eq!(format_time822(1_609_632_000 * 1_000_000_000, &utc), "Sun, 03 Jan 2020 00:00:00 UTC");
        assert_eq!(format_time822(1_798_675_200 * 1_000_000_000, &utc), "Thu, 31 Dec 2026 00:00:00 UTC");
    }
}
