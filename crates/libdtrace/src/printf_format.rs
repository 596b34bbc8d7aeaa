//! The grammar of DTrace's printf-family format strings (`printf()`,
//! `printa()`, `trace`-like actions): parsing, and what each conversion
//! expects of its argument. Used by the front end (argument checks) and the
//! consumer (formatting), which is why it lives in neither.
//!
//! Follows libdtrace's dt_printf.c (dt_printf_create()) and the Dynamic
//! Tracing Guide ("Output Formatting"):
//!
//! * Conversions: exactly DTrace's dictionary, `%a %A %c %C %d %e %E %f %g
//!   %G %i %k %o %p %s %S %T %u %x %X %Y %%` and the size-prefixed forms
//!   `%hd %hi %ho %hu %hx %hX %ld %li %lo %lu %lx %lX %lld %lli %llo %llu
//!   %llx %llX %lc %ls %wc %ws %Le %LE %Lf %Lg %LG`. Only `h`, `l`, `L` and
//!   `w` are read as size prefixes, so C's `%hhd`, `%lf` or `%zu` are
//!   undefined conversions (`%zu` is reported as `%z`), as in DTrace.
//! * Flags `# 0 - + space '`, a width, a precision, `*` for either (taken
//!   from the arguments, width first), `?` (width 16: a pointer's), `@`
//!   (printa: the aggregation value). `'` groups digits by the locale's
//!   `LC_NUMERIC` rules (none in the C locale).

/// One piece of a parsed format: literal text or a conversion.
#[derive(Clone, Debug, PartialEq)]
pub enum Piece {
    Lit(Vec<u8>),
    Conv(Conv),
}

/// A conversion specification.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Conv {
    /// 1-based number of this conversion in the format (`%%` included), as
    /// DTrace numbers them in messages ("conversion #2").
    pub index: u32,
    /// The conversion's name as written, size prefix included: `d`, `lld`,
    /// `hx`, `%`, ...
    pub name: String,
    /// The conversion character (last character of `name`).
    pub conv: u8,
    pub alt: bool,
    pub zpad: bool,
    pub left: bool,
    pub plus: bool,
    pub space: bool,
    pub group: bool,
    /// `@`: the aggregation value (printa only).
    pub agg: bool,
    /// Field width; 0 when none.
    pub width: u32,
    /// `*` width taken from the arguments.
    pub dyn_width: bool,
    /// Precision; 0 when none (DTrace ignores an explicit 0).
    pub prec: u32,
    /// `.*` precision taken from the arguments.
    pub dyn_prec: bool,
}

/// What a conversion expects of its value argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArgKind {
    /// `%%`: no argument.
    None,
    /// Any integer ("char, short, int, long, or long long"). Conversions
    /// with a size prefix may restrict the type further: see
    /// [`Conv::type_names`].
    Int,
    /// `%c %C`: "char, short, or int".
    Char,
    /// `%e %E %f %g %G`: "float, double, or long double".
    Float,
    /// `%s %S`: "char [] or string (or use stringof)".
    Str,
    /// `%ls %ws`: "wchar_t []".
    WideStr,
    /// `%p`: "pointer or integer".
    Pointer,
    /// `%a`: a pointer, an integer, or a kernel symbol address.
    KernelAddr,
    /// `%A`: "pointer or integer (with -p/-c) or _usymaddr (without -p/-c)".
    UserAddr,
    /// `%k`: "stack" (a `stack()` or `ustack()` value).
    Stack,
    /// `%Y %T`: "int64_t" (nanoseconds since the epoch).
    Time,
}

/// An expected argument of a format, in argument order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormatArg {
    /// A `*` width (`prec` false) or `.*` precision: an integer (DTrace
    /// reads it as `int`).
    Dynamic { conv: u32, prec: bool },
    /// The value of conversion #`conv`.
    Value { conv: u32, kind: ArgKind },
    /// The aggregation's value (`%@...`, printa only): consumes no argument.
    Agg { conv: u32 },
}

impl FormatArg {
    /// The number of the conversion the argument belongs to.
    pub fn conv(&self) -> u32 {
        match *self {
            FormatArg::Dynamic { conv, .. } | FormatArg::Value { conv, .. } | FormatArg::Agg { conv } => conv,
        }
    }
}

impl Conv {
    /// What the value argument must be.
    pub fn kind(&self) -> ArgKind {
        match self.conv {
            b'%' => ArgKind::None,
            b'c' | b'C' => {
                if self.name == "lc" || self.name == "wc" {
                    ArgKind::Int
                } else {
                    ArgKind::Char
                }
            }
            b'e' | b'E' | b'f' | b'F' | b'g' | b'G' => ArgKind::Float,
            b's' | b'S' => {
                if self.name == "ls" || self.name == "ws" {
                    ArgKind::WideStr
                } else {
                    ArgKind::Str
                }
            }
            b'p' => ArgKind::Pointer,
            b'a' => ArgKind::KernelAddr,
            b'A' => ArgKind::UserAddr,
            b'k' => ArgKind::Stack,
            b'Y' | b'T' => ArgKind::Time,
            _ => ArgKind::Int,
        }
    }

    /// DTrace's prototype text for this conversion, as printed in
    /// `D_PRINTF_ARG_TYPE` messages ("prototype: ...").
    pub fn prototype(&self) -> &'static str {
        match self.name.as_str() {
            "hd" | "hi" | "hx" | "hX" => "short",
            "ho" | "hu" => "unsigned short",
            "ld" | "li" | "lx" | "lX" => "long",
            "lo" | "lu" => "unsigned long",
            "lld" | "lli" | "llx" | "llX" => "long long",
            "llo" | "llu" => "unsigned long long",
            "lc" | "wc" => "int",
            "Le" | "LE" | "Lf" | "Lg" | "LG" => "long double",
            _ => match self.kind() {
                ArgKind::None => "void",
                ArgKind::Int => "char, short, int, long, or long long",
                ArgKind::Char => "char, short, or int",
                ArgKind::Float => "float, double, or long double",
                ArgKind::Str => "char [] or string (or use stringof)",
                ArgKind::WideStr => "wchar_t []",
                ArgKind::Pointer | ArgKind::KernelAddr => "pointer or integer",
                ArgKind::UserAddr => "pointer or integer (with -p/-c) or _usymaddr (without -p/-c)",
                ArgKind::Stack => "stack",
                ArgKind::Time => "int64_t",
            },
        }
    }

    /// For DTrace's size-prefixed conversions, the integer types the
    /// argument must have (after resolving typedefs); `None`: any integer
    /// (or see [`Conv::kind`]). `%llx` also accepts `int64_t`/`uint64_t`
    /// typedefs.
    pub fn type_names(&self) -> Option<&'static [&'static str]> {
        Some(match self.name.as_str() {
            "hd" | "hi" => &["short"],
            "ho" | "hu" => &["unsigned short"],
            "hx" | "hX" => &["short", "signed short", "unsigned short"],
            "ld" | "li" => &["long"],
            "lo" | "lu" => &["unsigned long"],
            "lx" | "lX" => &["long", "signed long", "unsigned long"],
            "lld" | "lli" => &["long long"],
            "llo" | "llu" => &["unsigned long long"],
            "llx" | "llX" => &["long long", "signed long long", "unsigned long long", "int64_t", "uint64_t"],
            "lc" | "wc" => &["int"],
            "Le" | "LE" | "Lf" | "Lg" | "LG" => &["long double"],
            _ => return None,
        })
    }

    /// How many arguments this conversion consumes (0 for `%%` and `%@`,
    /// plus one per `*`).
    pub fn nargs(&self) -> usize {
        let value = !(self.conv == b'%' || self.agg) as usize;
        value + self.dyn_width as usize + self.dyn_prec as usize
    }
}

/// The conversions of DTrace's printf dictionary (`_dtrace_conversions`).
const DTRACE_CONVERSIONS: &[&str] = &[
    "a", "A", "c", "C", "d", "e", "E", "f", "g", "G", "hd", "hi", "ho", "hu", "hx", "hX", "i", "k", "lc", "ld", "li",
    "lo", "lu", "ls", "lx", "lX", "lld", "lli", "llo", "llu", "llx", "llX", "Le", "LE", "Lf", "Lg", "LG", "o", "p",
    "s", "S", "T", "u", "wc", "ws", "x", "X", "Y", "%",
];

/// Parse a format string (escape sequences already processed by the lexer).
/// Errors carry DTrace's message text, e.g.
/// `format conversion #1 is undefined: %y`.
pub fn parse_format(fmt: &[u8]) -> Result<Vec<Piece>, String> {
    let mut pieces = Vec::new();
    let mut lit = Vec::new();
    let mut i = 0;
    let mut nconv = 0u32;
    while i < fmt.len() {
        let c = fmt[i];
        if c != b'%' {
            lit.push(c);
            i += 1;
            continue;
        }
        nconv += 1;
        let mut cv = Conv { index: nconv, ..Conv::default() };
        let mut name = String::new();
        let mut dot = false;
        let mut digits = 0;
        let start = i;
        i += 1;
        loop {
            let Some(&c) = fmt.get(i) else {
                return Err(format!("format conversion #{} name expected before end of format string", nconv));
            };
            match c {
                b'0'..=b'9' => {
                    if !dot && digits == 0 && c == b'0' {
                        cv.zpad = true;
                        cv.left = false;
                        i += 1;
                        continue;
                    }
                    let mut n: u32 = 0;
                    while let Some(&d) = fmt.get(i).filter(|d| d.is_ascii_digit()) {
                        n = n.saturating_mul(10).saturating_add((d - b'0') as u32);
                        i += 1;
                    }
                    if dot {
                        cv.prec = n;
                    } else {
                        cv.width = n;
                    }
                    digits += 1;
                    continue;
                }
                b'#' => cv.alt = true,
                b'*' => {
                    let already = if dot { cv.dyn_prec } else { cv.dyn_width };
                    if already {
                        // Oracle's text (actions/printf/err.D_SYNTAX.double_width);
                        // illumos says "precision" for both.
                        return Err(format!(
                            "format conversion #{} has more than one '*' specified for the output {}",
                            nconv,
                            if dot { "precision" } else { "width" }
                        ));
                    }
                    if dot {
                        cv.dyn_prec = true;
                    } else {
                        cv.dyn_width = true;
                    }
                }
                b'+' => cv.plus = true,
                b'-' => {
                    cv.left = true;
                    cv.zpad = false;
                }
                b'.' => {
                    if dot {
                        return Err(format!("format conversion #{} has more than one '.' specified", nconv));
                    }
                    dot = true;
                    digits = 0;
                }
                b'?' => cv.width = 16,
                b'@' => cv.agg = true,
                b'\'' => cv.group = true,
                b' ' => cv.space = true,
                b'$' => return Err(format!("format conversion #{} uses unsupported positional format (%n$)", nconv)),
                b'%' => {
                    if i == start + 1 {
                        name.push('%');
                        i += 1;
                        break;
                    }
                    return Err(format!("format conversion #{} cannot be combined with other format flags: %%", nconv));
                }
                // dt_printf_create() collects only these as size prefixes
                // (at most 6 of them).
                b'h' | b'l' | b'L' | b'w' => {
                    if name.len() < 6 {
                        name.push(c as char);
                    }
                }
                _ => {
                    name.push(c as char);
                    i += 1;
                    break;
                }
            }
            i += 1;
        }
        if !DTRACE_CONVERSIONS.contains(&name.as_str()) {
            return Err(format!("format conversion #{} is undefined: %{}", nconv, name));
        }
        cv.conv = *name.as_bytes().last().unwrap();
        cv.name = name;
        if !lit.is_empty() {
            pieces.push(Piece::Lit(std::mem::take(&mut lit)));
        }
        pieces.push(Piece::Conv(cv));
    }
    if !lit.is_empty() {
        pieces.push(Piece::Lit(lit));
    }
    Ok(pieces)
}

/// The arguments a parsed format expects, in order: for each conversion its
/// `*` width, then its `.*` precision, then its value.
pub fn format_args(pieces: &[Piece]) -> Vec<FormatArg> {
    let mut v = Vec::new();
    for p in pieces {
        if let Piece::Conv(c) = p {
            if c.conv == b'%' {
                continue;
            }
            if c.dyn_width {
                v.push(FormatArg::Dynamic { conv: c.index, prec: false });
            }
            if c.dyn_prec {
                v.push(FormatArg::Dynamic { conv: c.index, prec: true });
            }
            if c.agg {
                v.push(FormatArg::Agg { conv: c.index });
            } else {
                v.push(FormatArg::Value { conv: c.index, kind: c.kind() });
            }
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(f: &str) -> String {
        parse_format(f.as_bytes()).unwrap_err()
    }

    #[test]
    fn parse_pieces_and_args() {
        let p = parse_format(b"a %-*.*s b %@8d %% %?p\n").unwrap();
        assert_eq!(p.len(), 9);
        assert_eq!(p[0], Piece::Lit(b"a ".to_vec()));
        let Piece::Conv(c) = &p[1] else { panic!() };
        assert!(c.left && c.dyn_width && c.dyn_prec && c.conv == b's' && c.index == 1);
        let Piece::Conv(c) = &p[3] else { panic!() };
        assert!(c.agg && c.width == 8 && c.index == 2);
        let Piece::Conv(c) = &p[7] else { panic!() };
        assert_eq!((c.width, c.conv, c.index), (16, b'p', 4));
        assert_eq!(
            format_args(&p),
            vec![
                FormatArg::Dynamic { conv: 1, prec: false },
                FormatArg::Dynamic { conv: 1, prec: true },
                FormatArg::Value { conv: 1, kind: ArgKind::Str },
                FormatArg::Agg { conv: 2 },
                FormatArg::Value { conv: 4, kind: ArgKind::Pointer },
            ]
        );
        let p = parse_format(b"%lld %hx %Lf %k %Y %a %A %c %S").unwrap();
        let kinds: Vec<_> =
            p.iter().filter_map(|p| if let Piece::Conv(c) = p { Some(c.kind()) } else { None }).collect();
        assert_eq!(
            kinds,
            vec![
                ArgKind::Int,
                ArgKind::Int,
                ArgKind::Float,
                ArgKind::Stack,
                ArgKind::Time,
                ArgKind::KernelAddr,
                ArgKind::UserAddr,
                ArgKind::Char,
                ArgKind::Str
            ]
        );
        let Piece::Conv(c) = &p[0] else { panic!() };
        assert_eq!(c.prototype(), "long long");
        assert_eq!(c.type_names().unwrap()[0], "long long");
        // Only h, l, L and w are size prefixes (dt_printf_create()).
        assert!(parse_format(b"%llu %hX %Lf %ws %wc").is_ok());
    }

    #[test]
    fn parse_errors() {
        // Messages of dt_printf_create() (libdtrace/dt_printf.c).
        assert_eq!(err("%y"), "format conversion #1 is undefined: %y");
        assert_eq!(err("%d %"), "format conversion #2 name expected before end of format string");
        assert_eq!(err("%**d"), "format conversion #1 has more than one '*' specified for the output width");
        assert_eq!(err("%.**d"), "format conversion #1 has more than one '*' specified for the output precision");
        assert_eq!(err("%.*.*d"), "format conversion #1 has more than one '.' specified");
        assert_eq!(err("%1$d"), "format conversion #1 uses unsupported positional format (%n$)");
        assert_eq!(err("%-%"), "format conversion #1 cannot be combined with other format flags: %%");
        assert_eq!(err("%Ld"), "format conversion #1 is undefined: %Ld");
        // C's other size prefixes are not DTrace's: `z` ends the name.
        assert_eq!(err("%hhd"), "format conversion #1 is undefined: %hhd");
        assert_eq!(err("%lf"), "format conversion #1 is undefined: %lf");
        assert_eq!(err("%zu"), "format conversion #1 is undefined: %z");
        assert_eq!(err("%jd"), "format conversion #1 is undefined: %j");
        assert_eq!(err("%% %lllld"), "format conversion #2 is undefined: %lllld");
        assert_eq!(err("%5%"), "format conversion #1 cannot be combined with other format flags: %%");
    }
}
