//! Compile-time check of printf()/printa() arguments against the format's
//! conversions (DTrace's dt_printf_validate()), with DTrace's messages and
//! the `D_*` tag of each (Oracle's test/unittest/actions/printf/err.*).

use super::types::Type;
use crate::printf_format::{format_args, parse_format, ArgKind, Conv, FormatArg, Piece};

/// A failed check: DTrace's tag and message.
#[derive(Debug, PartialEq)]
pub struct FormatError {
    pub tag: &'static str,
    pub msg: String,
}

fn fail<T>(tag: &'static str, msg: String) -> Result<T, FormatError> {
    Err(FormatError { tag, msg })
}

/// Checks `printf(fmt, args...)`: every conversion has an argument of a
/// type it accepts, and no argument is left over.
pub fn check_printf(fmt: &[u8], args: &[Type], func: &str) -> Result<(), FormatError> {
    check(fmt, args, func, None)
}

/// Checks `printa(fmt, @a, ...)`: the conversions take the keys of the
/// (first) aggregation, `%@` its value (`uint64_t` for `count()`, else
/// `int64_t`); unused keys are fine.
pub fn check_printa(fmt: &[u8], keys: &[Type], is_count: bool) -> Result<(), FormatError> {
    check(fmt, keys, "printa", Some(is_count))
}

/// The value a conversion checks: an argument or the aggregation's value.
struct Checked {
    /// "argument #N" or "aggregating action".
    what: String,
    ty: Type,
    /// The type as messages name it.
    type_name: String,
}

/// `agg`: `Some(is_count)` for printa.
fn check(fmt: &[u8], args: &[Type], func: &str, agg: Option<bool>) -> Result<(), FormatError> {
    if fmt.is_empty() {
        return fail("D_PRINTF_FMT_EMPTY", format!("{}( ) format string is empty", func));
    }
    let pieces = parse_format(fmt).map_err(|msg| FormatError { tag: "D_SYNTAX", msg })?;
    let conv = |i: u32| {
        pieces.iter().find_map(|p| match p {
            Piece::Conv(c) if c.index == i => Some(c),
            _ => None,
        })
    };
    let mut next = args.iter().enumerate();
    let mut used = 0;
    for want in format_args(&pieces) {
        let i = want.conv();
        let Some(c) = conv(i) else { continue };
        let v = match want {
            FormatArg::Dynamic { prec, .. } => {
                let star = if prec { ".*" } else { "*" };
                let Some((j, t)) = next.next() else {
                    return fail("D_PRINTF_DYN_PROTO", format!(
                        "{}( ) prototype mismatch: conversion #{} (%{}) is missing a corresponding \"{}\" argument",
                        func, i, c.name, star
                    ));
                };
                used += 1;
                if !t.is_int() {
                    return fail("D_PRINTF_DYN_TYPE", format!(
                        "{}( ) argument #{} is incompatible with conversion #{} prototype:\n\tconversion: % {} {}\n\t prototype: int\n\t  argument: {}",
                        func,
                        j + 2,
                        i,
                        star,
                        c.name,
                        t
                    ));
                }
                continue;
            }
            FormatArg::Agg { .. } => {
                let Some(is_count) = agg else {
                    return fail(
                        "D_PRINTF_AGG_CONV",
                        format!("%@ conversion requires an aggregation and is not for use with {}( )", func),
                    );
                };
                let (ty, name) = if is_count { (Type::ULONG, "uint64_t") } else { (Type::LONG, "int64_t") };
                Checked { what: "aggregating action".into(), ty, type_name: name.into() }
            }
            FormatArg::Value { .. } => {
                let Some((j, t)) = next.next() else {
                    return fail("D_PRINTF_ARG_PROTO", format!(
                        "{}( ) prototype mismatch: conversion #{} (%{}) is missing a corresponding value argument",
                        func, i, c.name
                    ));
                };
                used += 1;
                Checked { what: format!("argument #{}", j + 2), ty: t.clone(), type_name: t.to_string() }
            }
        };
        if !accepts(c, &v.ty) {
            return fail("D_PRINTF_ARG_TYPE", format!(
                "{}( ) {} is incompatible with conversion #{} prototype:\n\tconversion: %{}\n\t prototype: {}\n\t  argument: {}",
                func,
                v.what,
                i,
                c.name,
                c.prototype(),
                v.type_name
            ));
        }
    }
    if agg.is_none() && used < args.len() {
        return fail(
            "D_PRINTF_ARG_EXTRA",
            format!("{}( ) prototype mismatch: only {} arguments required by this format string", func, used),
        );
    }
    Ok(())
}

/// Whether conversion `c` takes a value of type `t` (the pfcheck_*()
/// functions). Our types keep no typedef names, so `long` and `long long`
/// (and `int64_t`) are one type here.
fn accepts(c: &Conv, t: &Type) -> bool {
    if let Some(names) = c.type_names() {
        return names.iter().any(|n| named_type(n).as_ref() == Some(t));
    }
    match c.kind() {
        ArgKind::None => true,
        ArgKind::Int => t.is_int(),
        ArgKind::Char => matches!(t, Type::Int { size, .. } if *size <= 4),
        ArgKind::Str => t.is_strcompat(),
        // D has no floating-point or wide-character values.
        ArgKind::Float | ArgKind::WideStr => false,
        ArgKind::Stack => matches!(t, Type::Stack { .. }),
        // %A wants -p/-c for plain integers; the target is not known here.
        ArgKind::Pointer | ArgKind::KernelAddr | ArgKind::UserAddr => t.is_scalar(),
        ArgKind::Time => matches!(t, Type::Int { size: 8, .. }),
    }
}

/// The type a C type name in DTrace's conversion table stands for.
fn named_type(name: &str) -> Option<Type> {
    crate::lang::types::base_type(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    const INT: Type = Type::INT;
    const LONG: Type = Type::LONG;

    fn ptr() -> Type {
        Type::Ptr(Box::new(Type::Void))
    }

    fn printf(f: &str, args: &[Type]) -> Result<(), String> {
        check_printf(f.as_bytes(), args, "printf").map_err(|e| e.msg)
    }

    fn tag(f: &str, args: &[Type]) -> &'static str {
        match check_printf(f.as_bytes(), args, "printf") {
            Err(e) => e.tag,
            Ok(()) => "ok",
        }
    }

    #[test]
    fn tags() {
        // The tags of Oracle's test/unittest/actions/printf/err.*.d.
        assert_eq!(tag("", &[]), "D_PRINTF_FMT_EMPTY");
        assert_eq!(tag("%d", &[]), "D_PRINTF_ARG_PROTO");
        assert_eq!(tag("%d", &[INT, INT]), "D_PRINTF_ARG_EXTRA");
        assert_eq!(tag("%*d", &[]), "D_PRINTF_DYN_PROTO");
        assert_eq!(tag("%*d", &[Type::Str, INT]), "D_PRINTF_DYN_TYPE");
        assert_eq!(tag("%s", &[INT]), "D_PRINTF_ARG_TYPE");
        assert_eq!(tag("%@d", &[]), "D_PRINTF_AGG_CONV");
        assert_eq!(tag("%z", &[INT]), "D_SYNTAX");
        assert_eq!(tag("%d", &[INT]), "ok");
    }

    #[test]
    fn accepted() {
        assert!(printf("%d %i %u %x %X %o %c %s %%\n", &[INT, LONG, Type::UINT, INT, Type::CHAR, INT, INT, Type::Str])
            .is_ok());
        assert!(printf("%p %a %A", &[ptr(), LONG, ptr()]).is_ok());
        assert!(printf("%Y %T", &[Type::ULONG, LONG]).is_ok());
        assert!(printf(
            "%hd %hu %hx %ld %lu %lx %lld %llu %llx %lc",
            &[
                Type::Int { size: 2, signed: true },
                Type::Int { size: 2, signed: false },
                Type::Int { size: 2, signed: false },
                LONG,
                Type::ULONG,
                Type::ULONG,
                LONG,
                Type::ULONG,
                LONG,
                INT
            ]
        )
        .is_ok());
        assert!(printf("%*.*s|%-*d", &[INT, LONG, Type::Str, Type::CHAR, INT]).is_ok());
        assert!(printf("no conversions", &[]).is_ok());
    }

    #[test]
    fn type_mismatches() {
        // Messages of dt_printf_validate(); the first is
        // test/unittest/printf/err.D_PRINTF_ARG_TYPE-style.
        assert_eq!(
            printf("%d\n", &[Type::Str]).unwrap_err(),
            "printf( ) argument #2 is incompatible with conversion #1 prototype:\n\tconversion: %d\n\t prototype: char, short, int, long, or long long\n\t  argument: string"
        );
        assert_eq!(
            printf("%% %s", &[INT]).unwrap_err(),
            "printf( ) argument #2 is incompatible with conversion #2 prototype:\n\tconversion: %s\n\t prototype: char [] or string (or use stringof)\n\t  argument: int"
        );
        // Integer conversions take no pointers; %c at most an int.
        assert!(printf("%x", &[ptr()]).unwrap_err().contains("argument: void *"));
        assert!(printf("%c", &[LONG]).unwrap_err().contains("prototype: char, short, or int"));
        // Floats, wide strings and stacks: nothing in D has those types.
        assert!(printf("%f", &[INT]).unwrap_err().contains("prototype: float, double, or long double"));
        assert!(printf("%k", &[LONG]).unwrap_err().contains("prototype: stack"));
        assert!(printf("%ls", &[Type::Str]).unwrap_err().contains("prototype: wchar_t []"));
        // %Y wants a 64-bit integer.
        assert!(printf("%Y", &[INT]).unwrap_err().contains("prototype: int64_t"));
        // Size prefixes name exact types.
        assert!(printf("%ld", &[INT]).unwrap_err().contains("prototype: long\n"));
        assert!(printf("%hd", &[INT]).unwrap_err().contains("prototype: short\n"));
        assert!(printf("%lu", &[LONG]).unwrap_err().contains("prototype: unsigned long\n"));
        assert!(printf("%Lf", &[LONG]).unwrap_err().contains("prototype: long double\n"));
    }

    #[test]
    fn dynamic_width_and_precision() {
        // test/unittest/printf/err.D_PRINTF_DYN_TYPE.badwidth.r
        assert_eq!(
            printf("%*d", &[Type::Str, INT]).unwrap_err(),
            "printf( ) argument #2 is incompatible with conversion #1 prototype:\n\tconversion: % * d\n\t prototype: int\n\t  argument: string"
        );
        assert_eq!(
            printf("%.*d", &[Type::Str, INT]).unwrap_err(),
            "printf( ) argument #2 is incompatible with conversion #1 prototype:\n\tconversion: % .* d\n\t prototype: int\n\t  argument: string"
        );
        // err.D_PRINTF_DYN_PROTO.noprec.r
        assert_eq!(
            printf("%s %.*d\n", &[Type::Str]).unwrap_err(),
            "printf( ) prototype mismatch: conversion #2 (%d) is missing a corresponding \".*\" argument"
        );
        assert_eq!(
            printf("%*d", &[]).unwrap_err(),
            "printf( ) prototype mismatch: conversion #1 (%d) is missing a corresponding \"*\" argument"
        );
    }

    #[test]
    fn argument_counts() {
        assert_eq!(
            printf("%d %d\n", &[INT]).unwrap_err(),
            "printf( ) prototype mismatch: conversion #2 (%d) is missing a corresponding value argument"
        );
        // err.D_PRINTF_ARG_EXTRA.widths.r
        assert_eq!(
            printf("%?d\n", &[INT, INT]).unwrap_err(),
            "printf( ) prototype mismatch: only 1 arguments required by this format string"
        );
        assert_eq!(
            printf("%*d\n", &[INT, INT, INT]).unwrap_err(),
            "printf( ) prototype mismatch: only 2 arguments required by this format string"
        );
        assert_eq!(printf("", &[]).unwrap_err(), "printf( ) format string is empty");
        assert_eq!(printf("%y", &[]).unwrap_err(), "format conversion #1 is undefined: %y");
    }

    #[test]
    fn aggregation_values() {
        // err.D_PRINTF_AGG_CONV.aggfmt.r
        assert_eq!(
            printf("%@d", &[INT]).unwrap_err(),
            "%@ conversion requires an aggregation and is not for use with printf( )"
        );
        assert!(check_printa(b"%s %@d\n", &[Type::Str], false).is_ok());
        // Keys beyond the conversions are not an error for printa().
        assert!(check_printa(b"%@u\n", &[Type::Str, INT], true).is_ok());
        assert_eq!(
            check_printa(b"%@s\n", &[], false).unwrap_err().msg,
            "printa( ) aggregating action is incompatible with conversion #1 prototype:\n\tconversion: %s\n\t prototype: char [] or string (or use stringof)\n\t  argument: int64_t"
        );
        assert_eq!(
            check_printa(b"%d %s %@d\n", &[INT], false).unwrap_err().msg,
            "printa( ) prototype mismatch: conversion #2 (%s) is missing a corresponding value argument"
        );
        assert_eq!(
            check_printa(b"%d %@d\n", &[Type::Str], false).unwrap_err().msg,
            "printa( ) argument #2 is incompatible with conversion #1 prototype:\n\tconversion: %d\n\t prototype: char, short, int, long, or long long\n\t  argument: string"
        );
    }
}

/// For each value argument of a printf format, whether its conversion
/// wants a string (so `char *` and `char []` arguments are read as one).
pub fn string_args(fmt: &[u8]) -> Vec<bool> {
    use crate::printf_format::{format_args, parse_format, ArgKind, FormatArg};
    let Ok(pieces) = parse_format(fmt) else { return Vec::new() };
    format_args(&pieces)
        .into_iter()
        .filter(|a| !matches!(a, FormatArg::Agg { .. }))
        .map(|a| matches!(a, FormatArg::Value { kind: ArgKind::Str, .. }))
        .collect()
}
