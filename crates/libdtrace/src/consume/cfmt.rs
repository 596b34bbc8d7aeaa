//! The C library's printf(3) conversions that DTrace hands its formats to,
//! reimplemented: integers, strings, characters and floating point, with the
//! flags `# 0 - + space '`, a width and a precision. Behaviour follows glibc
//! (e.g. the `0` flag pads strings and characters with spaces, and is
//! ignored for integers when a precision is given; `'` groups the digits of
//! every integer conversion, hex and octal included, and the integer part
//! of `%f`/`%g`, by the locale's `LC_NUMERIC` rules).

use std::borrow::Cow;
use std::sync::OnceLock;

/// A resolved conversion specification.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Spec {
    pub alt: bool,
    pub zero: bool,
    pub left: bool,
    pub plus: bool,
    pub space: bool,
    pub width: usize,
    pub prec: Option<usize>,
    /// The `'` flag: group digits by these rules (see [`locale_grouping`]).
    pub group: Option<&'static Grouping>,
}

impl Spec {
    pub fn width(width: usize) -> Spec {
        Spec { width, ..Spec::default() }
    }
    pub fn left(width: usize) -> Spec {
        Spec { width, left: true, ..Spec::default() }
    }
}

/// Digit grouping rules of a locale (`thousands_sep` and `grouping` of
/// `localeconv(3)`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Grouping {
    /// The separator; empty: no grouping.
    pub sep: Cow<'static, [u8]>,
    /// Group sizes from the right; the last repeats; 0 or >= 127
    /// (`CHAR_MAX`) ends grouping.
    pub sizes: Cow<'static, [u8]>,
}

/// The process environment's `LC_NUMERIC` grouping (as after DTrace's
/// `setlocale(LC_ALL, "")`: `LC_ALL`, `LC_NUMERIC`, `LANG`), read once.
pub fn locale_grouping() -> &'static Grouping {
    static G: OnceLock<Grouping> = OnceLock::new();
    G.get_or_init(read_locale_grouping)
}

fn read_locale_grouping() -> Grouping {
    match crate::kernel::locale::numeric_grouping() {
        Some((sep, sizes)) => Grouping { sep: Cow::Owned(sep), sizes: Cow::Owned(sizes) },
        None => Grouping::default(),
    }
}

/// Insert `g`'s separator into a run of digits, counting groups from the
/// right.
pub fn group_digits(d: &[u8], g: &Grouping) -> Vec<u8> {
    let mut groups: Vec<&[u8]> = Vec::new();
    let mut end = d.len();
    if !g.sep.is_empty() {
        let mut sizes = g.sizes.iter().copied();
        let mut size = 0u8;
        loop {
            size = sizes.next().unwrap_or(size);
            if size == 0 || size >= 127 || end <= size as usize {
                break;
            }
            groups.push(&d[end - size as usize..end]);
            end -= size as usize;
        }
    }
    let mut out = d[..end].to_vec();
    for grp in groups.iter().rev() {
        out.extend_from_slice(&g.sep);
        out.extend_from_slice(grp);
    }
    out
}

/// Integer radix/case of an unsigned conversion.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Radix {
    Dec,
    Oct,
    Hex,
    HexUpper,
}

/// Emit `prefix` (sign, `0x`) and `body` padded to the width.
fn pad(out: &mut Vec<u8>, spec: &Spec, prefix: &[u8], body: &[u8], zero_ok: bool) {
    let len = prefix.len() + body.len();
    let fill = spec.width.saturating_sub(len);
    if spec.left {
        out.extend_from_slice(prefix);
        out.extend_from_slice(body);
        out.extend(std::iter::repeat_n(b' ', fill));
    } else if spec.zero && zero_ok {
        out.extend_from_slice(prefix);
        out.extend(std::iter::repeat_n(b'0', fill));
        out.extend_from_slice(body);
    } else {
        out.extend(std::iter::repeat_n(b' ', fill));
        out.extend_from_slice(prefix);
        out.extend_from_slice(body);
    }
}

/// The sign column of a signed conversion: `-`, or `+`/space by the flags.
fn sign(negative: bool, spec: &Spec) -> &'static [u8] {
    if negative {
        b"-"
    } else if spec.plus {
        b"+"
    } else if spec.space {
        b" "
    } else {
        b""
    }
}

fn digits(mut v: u64, radix: Radix) -> Vec<u8> {
    let (base, table): (u64, &[u8; 16]) = match radix {
        Radix::Dec => (10, b"0123456789abcdef"),
        Radix::Oct => (8, b"0123456789abcdef"),
        Radix::Hex => (16, b"0123456789abcdef"),
        Radix::HexUpper => (16, b"0123456789ABCDEF"),
    };
    let mut buf = Vec::with_capacity(22);
    loop {
        buf.push(table[(v % base) as usize]);
        v /= base;
        if v == 0 {
            break;
        }
    }
    buf.reverse();
    buf
}

/// The digits of an integer conversion as glibc builds them: the digits,
/// grouped (`'`), then zero-filled to the precision (which counts the
/// separators); precision 0 with a zero value gives no digits.
fn int_body(v: u64, radix: Radix, spec: &Spec) -> Vec<u8> {
    let mut d = digits(v, radix);
    if let Some(g) = spec.group {
        d = group_digits(&d, g);
    }
    match spec.prec {
        Some(0) if v == 0 => Vec::new(),
        Some(p) if d.len() < p => {
            let mut z = vec![b'0'; p - d.len()];
            z.extend_from_slice(&d);
            z
        }
        _ => d,
    }
}

/// `%d`/`%i` of a signed value.
pub fn fmt_signed(out: &mut Vec<u8>, spec: &Spec, v: i64) {
    let body = int_body(v.unsigned_abs(), Radix::Dec, spec);
    pad(out, spec, sign(v < 0, spec), &body, spec.prec.is_none());
}

/// `%u`, `%o`, `%x`, `%X` of an unsigned value.
pub fn fmt_unsigned(out: &mut Vec<u8>, spec: &Spec, v: u64, radix: Radix) {
    let mut body = int_body(v, radix, spec);
    let mut prefix: &[u8] = b"";
    if spec.alt {
        match radix {
            Radix::Oct if body.first() != Some(&b'0') => body.insert(0, b'0'),
            Radix::Hex if v != 0 => prefix = b"0x",
            Radix::HexUpper if v != 0 => prefix = b"0X",
            _ => {}
        }
    }
    pad(out, spec, prefix, &body, spec.prec.is_none());
}

/// `%s`: the precision limits the bytes printed.
pub fn fmt_str(out: &mut Vec<u8>, spec: &Spec, s: &[u8]) {
    let s = match spec.prec {
        Some(p) if p < s.len() => &s[..p],
        _ => s,
    };
    pad(out, spec, b"", s, false);
}

/// `%c`.
pub fn fmt_char(out: &mut Vec<u8>, spec: &Spec, c: u8) {
    pad(out, spec, b"", &[c], false);
}

/// `%e %E %f %F %g %G`.
pub fn fmt_float(out: &mut Vec<u8>, spec: &Spec, v: f64, conv: u8) {
    let upper = conv.is_ascii_uppercase();
    let sign = sign(v.is_sign_negative() && !v.is_nan(), spec);
    if !v.is_finite() {
        let s = if v.is_nan() { "nan" } else { "inf" };
        let s = if upper { s.to_ascii_uppercase() } else { s.to_string() };
        pad(out, spec, sign, s.as_bytes(), false);
        return;
    }
    let a = v.abs();
    let prec = spec.prec.unwrap_or(6);
    let body = match conv.to_ascii_lowercase() {
        b'f' => fixed(a, prec, spec.alt),
        b'e' => expo(a, prec, spec.alt, upper),
        _ => general(a, prec, spec.alt, upper),
    };
    let body = match spec.group {
        Some(g) => group_integer_part(body.as_bytes(), g),
        None => body.into_bytes(),
    };
    pad(out, spec, sign, &body, true);
}

/// Group the integer part of a fixed-notation number (`%'f`, `%'g`); an
/// exponent form is left alone.
fn group_integer_part(body: &[u8], g: &Grouping) -> Vec<u8> {
    if body.iter().any(|c| matches!(c, b'e' | b'E')) {
        return body.to_vec();
    }
    let n = body.iter().position(|&c| c == b'.').unwrap_or(body.len());
    let mut out = group_digits(&body[..n], g);
    out.extend_from_slice(&body[n..]);
    out
}

fn fixed(a: f64, prec: usize, alt: bool) -> String {
    let mut s = format!("{:.*}", prec, a);
    if alt && prec == 0 {
        s.push('.');
    }
    s
}

/// Split Rust's `{:e}` rendering into (mantissa, exponent).
fn expo_parts(a: f64, prec: usize) -> (String, i32) {
    let s = format!("{:.*e}", prec, a);
    let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
    (m.to_string(), e.parse().unwrap_or(0))
}

fn expo(a: f64, prec: usize, alt: bool, upper: bool) -> String {
    let (mut m, e) = expo_parts(a, prec);
    if alt && prec == 0 {
        m.push('.');
    }
    format!(
        "{}{}{}{:02}",
        m,
        if upper { 'E' } else { 'e' },
        if e < 0 { '-' } else { '+' },
        e.unsigned_abs()
    )
}

fn general(a: f64, prec: usize, alt: bool, upper: bool) -> String {
    let p = if prec == 0 { 1 } else { prec };
    let (_, x) = expo_parts(a, p - 1);
    let mut s = if (p as i64) > x as i64 && x >= -4 {
        fixed(a, (p as i64 - 1 - x as i64) as usize, alt)
    } else {
        expo(a, p - 1, alt, upper)
    };
    if !alt {
        // Strip trailing zeros of the fraction (and a lone '.').
        let (num, exp) = match s.find(['e', 'E']) {
            Some(i) => (s[..i].to_string(), s[i..].to_string()),
            None => (s.clone(), String::new()),
        };
        let num = if num.contains('.') {
            num.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            num
        };
        s = num + &exp;
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(f: impl FnOnce(&mut Vec<u8>)) -> String {
        let mut v = Vec::new();
        f(&mut v);
        String::from_utf8(v).unwrap()
    }

    // Expected strings: glibc snprintf(3) on this machine (checked with a
    // small C program), which is what DTrace's dt_printf() ends in.
    #[test]
    fn ints() {
        let sp = |w, z, l, p: Option<usize>| Spec { width: w, zero: z, left: l, prec: p, ..Spec::default() };
        assert_eq!(s(|o| fmt_signed(o, &sp(5, false, false, None), -42)), "  -42");
        assert_eq!(s(|o| fmt_signed(o, &sp(5, true, false, None), -42)), "-0042");
        assert_eq!(s(|o| fmt_signed(o, &sp(5, true, false, Some(3)), 7)), "  007");
        assert_eq!(s(|o| fmt_signed(o, &sp(5, false, true, None), 5)), "5    ");
        assert_eq!(s(|o| fmt_signed(o, &Spec { plus: true, width: 8, ..Spec::default() }, 123)), "    +123");
        assert_eq!(s(|o| fmt_signed(o, &Spec { space: true, width: 8, ..Spec::default() }, 123)), "     123");
        assert_eq!(s(|o| fmt_signed(o, &Spec::default(), i64::MIN)), "-9223372036854775808");
        assert_eq!(s(|o| fmt_unsigned(o, &Spec { alt: true, width: 8, ..Spec::default() }, 0x123, Radix::Hex)), "   0x123");
        assert_eq!(s(|o| fmt_unsigned(o, &Spec { alt: true, ..Spec::default() }, 0, Radix::Hex)), "0");
        assert_eq!(s(|o| fmt_unsigned(o, &Spec { alt: true, ..Spec::default() }, 8, Radix::Oct)), "010");
        assert_eq!(s(|o| fmt_unsigned(o, &Spec { alt: true, prec: Some(3), ..Spec::default() }, 8, Radix::Oct)), "010");
        assert_eq!(s(|o| fmt_unsigned(o, &Spec { zero: true, width: 8, ..Spec::default() }, 0x123, Radix::Hex)), "00000123");
        assert_eq!(s(|o| fmt_unsigned(o, &Spec::default(), u64::MAX, Radix::HexUpper)), "FFFFFFFFFFFFFFFF");
        assert_eq!(s(|o| fmt_unsigned(o, &Spec { plus: true, width: 5, ..Spec::default() }, 5, Radix::Dec)), "    5");
    }

    #[test]
    fn strs_and_chars() {
        assert_eq!(s(|o| fmt_str(o, &Spec { zero: true, width: 5, ..Spec::default() }, b"ab")), "   ab");
        assert_eq!(s(|o| fmt_str(o, &Spec { prec: Some(2), width: 4, ..Spec::default() }, b"hello")), "  he");
        assert_eq!(s(|o| fmt_char(o, &Spec { zero: true, width: 5, ..Spec::default() }, b'A')), "    A");
    }

    #[test]
    fn floats() {
        let p = |prec| Spec { prec: Some(prec), ..Spec::default() };
        assert_eq!(s(|o| fmt_float(o, &Spec::default(), 1.5, b'f')), "1.500000");
        assert_eq!(s(|o| fmt_float(o, &p(0), 2.5, b'f')), "2");
        assert_eq!(s(|o| fmt_float(o, &p(3), 123456.789, b'e')), "1.235e+05");
        assert_eq!(s(|o| fmt_float(o, &Spec::default(), 1e-7, b'E')), "1.000000E-07");
        assert_eq!(s(|o| fmt_float(o, &Spec::default(), 100000.0, b'g')), "100000");
        assert_eq!(s(|o| fmt_float(o, &Spec::default(), 1000000.0, b'g')), "1e+06");
        assert_eq!(s(|o| fmt_float(o, &Spec::default(), 0.0001, b'g')), "0.0001");
        assert_eq!(s(|o| fmt_float(o, &Spec::default(), 0.00001234, b'G')), "1.234E-05");
        assert_eq!(s(|o| fmt_float(o, &Spec { alt: true, ..Spec::default() }, 1.0, b'g')), "1.00000");
        assert_eq!(s(|o| fmt_float(o, &Spec { zero: true, width: 10, ..Spec::default() }, -1.5, b'f')), "-01.500000");
        assert_eq!(s(|o| fmt_float(o, &Spec { zero: true, width: 6, ..Spec::default() }, f64::INFINITY, b'f')), "   inf");
        assert_eq!(s(|o| fmt_float(o, &Spec::default(), -0.0, b'f')), "-0.000000");
    }

    static EN_US: Grouping = Grouping { sep: Cow::Borrowed(b","), sizes: Cow::Borrowed(&[3, 3]) };

    // Expected strings: glibc printf(3) with `'` in en_US.UTF-8 (a C program
    // on this machine, locale built with localedef).
    #[test]
    fn grouping() {
        let g = |spec: Spec| Spec { group: Some(&EN_US), ..spec };
        let d = Spec::default();
        assert_eq!(s(|o| fmt_signed(o, &g(d), 1234567)), "1,234,567");
        assert_eq!(s(|o| fmt_signed(o, &g(Spec { zero: true, width: 10, ..d }), 1234567)), "01,234,567");
        assert_eq!(s(|o| fmt_signed(o, &g(Spec { prec: Some(10), ..d }), 1234567)), "01,234,567");
        assert_eq!(s(|o| fmt_signed(o, &g(Spec::left(12)), 1234567)), "1,234,567   ");
        assert_eq!(s(|o| fmt_signed(o, &g(d), -1234567890123)), "-1,234,567,890,123");
        assert_eq!(s(|o| fmt_signed(o, &g(Spec { plus: true, ..d }), 1234)), "+1,234");
        assert_eq!(s(|o| fmt_signed(o, &g(d), -12)), "-12");
        assert_eq!(s(|o| fmt_signed(o, &g(Spec { zero: true, width: 6, ..d }), 1234)), "01,234");
        assert_eq!(s(|o| fmt_unsigned(o, &g(d), 4_000_000_000, Radix::Dec)), "4,000,000,000");
        assert_eq!(s(|o| fmt_unsigned(o, &g(d), 0x1234567, Radix::HexUpper)), "1,234,567");
        assert_eq!(s(|o| fmt_unsigned(o, &g(d), 1234567, Radix::Hex)), "12d,687");
        assert_eq!(s(|o| fmt_unsigned(o, &g(Spec { alt: true, ..d }), 0o1234567, Radix::Oct)), "01,234,567");
        assert_eq!(s(|o| fmt_unsigned(o, &g(Spec { alt: true, zero: true, width: 12, ..d }), 0x1234567, Radix::Hex)), "0x01,234,567");
        assert_eq!(s(|o| fmt_float(o, &g(d), 1234567.5, b'f')), "1,234,567.500000");
        assert_eq!(s(|o| fmt_float(o, &g(d), 1234567.0, b'g')), "1.23457e+06");
        assert_eq!(s(|o| fmt_float(o, &g(Spec { prec: Some(10), ..d }), 1234567.0, b'g')), "1,234,567");
        assert_eq!(s(|o| fmt_float(o, &g(d), 1234567.0, b'e')), "1.234567e+06");
        assert_eq!(s(|o| fmt_float(o, &g(Spec { alt: true, prec: Some(0), ..d }), 1234567.0, b'f')), "1,234,567.");
        assert_eq!(s(|o| fmt_float(o, &g(Spec { zero: true, width: 12, prec: Some(2), ..d }), -12345.678, b'f')), "-0012,345.68");
        // The C locale has no separator.
        assert_eq!(group_digits(b"1234567", &Grouping::default()), b"1234567");
        // A size of CHAR_MAX stops grouping: only the last 3 digits.
        let once = Grouping { sep: Cow::Borrowed(b"."), sizes: Cow::Borrowed(&[3, 127]) };
        assert_eq!(group_digits(b"1234567", &once), b"1234.567");
    }
}
