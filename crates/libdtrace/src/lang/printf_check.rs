//! Compile-time check of printf()/printa() arguments against the format's
//! conversions, with DTrace's messages.

use super::types::Type;

/// Checks printf arguments against the format's conversions, with
/// DTrace's messages.
pub fn check_printf(fmt: &[u8], args: &[Type], func: &str) -> Result<(), String> {
    use crate::consume::printf::{format_args, parse_format, ArgKind, FormatArg, Piece};
    let pieces = parse_format(fmt)?;
    let convs: Vec<_> = pieces
        .iter()
        .filter_map(|p| match p {
            Piece::Conv(c) => Some(c),
            _ => None,
        })
        .collect();
    let wanted: Vec<FormatArg> = format_args(&pieces).into_iter().filter(|a| !matches!(a, FormatArg::Agg { .. })).collect();
    for (i, w) in wanted.iter().enumerate() {
        let (conv, kind) = match *w {
            FormatArg::Dynamic { conv } => (conv, ArgKind::Int),
            FormatArg::Value { conv, kind } => (conv, kind),
            FormatArg::Agg { .. } => continue,
        };
        let c = convs.iter().find(|c| c.index == conv);
        let text = c.map(|c| format!("%{}", c.name)).unwrap_or_default();
        let Some(t) = args.get(i) else {
            return Err(format!("{}( ) prototype mismatch: conversion #{} ({}) is missing a corresponding value argument", func, conv, text));
        };
        let ok = match kind {
            ArgKind::None => true,
            ArgKind::Str => t.is_strcompat(),
            ArgKind::Float | ArgKind::WideStr | ArgKind::Stack => false,
            _ => t.is_scalar(),
        };
        if !ok {
            let proto = c.map(|c| c.prototype()).unwrap_or("");
            return Err(format!(
                "{}( ) argument #{} is incompatible with conversion #{} prototype:\n\tconversion: {}\n\t prototype: {}\n\t  argument: {}",
                func,
                i + 2,
                conv,
                text,
                proto,
                t
            ));
        }
    }
    if args.len() > wanted.len() {
        return Err(format!("{}( ) prototype mismatch: only {} arguments required by this format string", func, wanted.len()));
    }
    Ok(())
}

/// For each value argument of a printf format, whether its conversion
/// wants a string (so `char *` and `char []` arguments are read as one).
pub fn string_args(fmt: &[u8]) -> Vec<bool> {
    use crate::consume::printf::{format_args, parse_format, ArgKind, FormatArg};
    let Ok(pieces) = parse_format(fmt) else { return Vec::new() };
    format_args(&pieces)
        .into_iter()
        .filter(|a| !matches!(a, FormatArg::Agg { .. }))
        .map(|a| matches!(a, FormatArg::Value { kind: ArgKind::Str, .. }))
        .collect()
}
