//! Macro expansion: `$1..$N`, `$target`, `$pid` and friends replaced by
//! their values, in expressions and probe descriptions.

use super::R;
use crate::lang::ast::*;
use crate::lang::diag::CompileError;

/// Values of `$1..$N`, `$target` and friends.
#[derive(Clone, Debug, Default)]
pub struct MacroEnv {
    /// `$0` is the script name, `$1..` the arguments after it.
    pub args: Vec<String>,
    pub target: Option<i32>,
    pub defaultargs: bool,
    /// `$pid`, `$uid` and the like (`kernel::process::ids()`).
    pub ids: crate::host::ProcessIds,
}

/// Replaces macro references by literals (or identifiers, for `$1` whose
/// value is an identifier), in expressions and probe descriptions.
pub fn expand_macros(p: &mut Program, env: &MacroEnv) -> R<()> {
    for item in &mut p.items {
        if let Item::Clause(c) = item {
            for d in &mut c.probes {
                for f in [&mut d.provider, &mut d.module, &mut d.function, &mut d.name] {
                    if f.contains('$') {
                        *f = expand_text(f, env, d.line)?;
                    }
                }
            }
            if let Some(pr) = &mut c.predicate {
                expand_expr(pr, env)?;
            }
            for s in &mut c.body {
                expand_stmt(s, env)?;
            }
        }
    }
    Ok(())
}

fn macro_value(name: &str, env: &MacroEnv, line: u32) -> R<Option<String>> {
    let v = match name {
        "target" => env.target.map(|t| t.to_string()).or(Some("0".into())),
        "pid" => Some(env.ids.pid.to_string()),
        "ppid" => Some(env.ids.ppid.to_string()),
        "uid" => Some(env.ids.uid.to_string()),
        "gid" => Some(env.ids.gid.to_string()),
        "euid" => Some(env.ids.euid.to_string()),
        "egid" => Some(env.ids.egid.to_string()),
        "pgid" => Some(env.ids.pgid.to_string()),
        "sid" => Some(env.ids.sid.to_string()),
        n if n.bytes().all(|c| c.is_ascii_digit()) => {
            let i: usize = n.parse().map_err(|_| {
                CompileError::new(line, "D_MACRO_UNDEF", format!("macro argument ${} is not defined", n))
            })?;
            match env.args.get(i) {
                Some(v) => Some(v.clone()),
                None if env.defaultargs => None,
                None => {
                    return Err(CompileError::new(
                        line,
                        "D_MACRO_UNDEF",
                        format!("macro argument ${} is not defined", n),
                    ));
                }
            }
        }
        _ => return Err(CompileError::new(line, "D_MACRO_UNDEF", format!("macro variable ${} is not defined", name))),
    };
    Ok(v)
}

fn expand_text(s: &str, env: &MacroEnv, line: u32) -> R<String> {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        // $$1 is the same as $1 in a probe description.
        let after = rest[i + 1..].strip_prefix('$').unwrap_or(&rest[i + 1..]);
        let n = after.bytes().take_while(|c| c.is_ascii_alphanumeric() || *c == b'_').count();
        out.push_str(&macro_value(&after[..n], env, line)?.unwrap_or_default());
        rest = &after[n..];
    }
    out.push_str(rest);
    Ok(out)
}

fn expand_stmt(s: &mut Stmt, env: &MacroEnv) -> R<()> {
    match s {
        Stmt::Expr(e) => expand_expr(e, env),
        Stmt::If { cond, then, els, .. } => {
            expand_expr(cond, env)?;
            for s in then.iter_mut().chain(els.iter_mut()) {
                expand_stmt(s, env)?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

fn expand_expr(e: &mut Expr, env: &MacroEnv) -> R<()> {
    let line = e.line;
    match &mut e.kind {
        ExprKind::Macro(name) => {
            let v = macro_value(name, env, line)?;
            e.kind = match v {
                None => ExprKind::Int { value: 0, unsigned: false, long: 0, nondecimal: false },
                Some(v) => match parse_int_text(&v) {
                    Some(n) => ExprKind::Int { value: n, unsigned: false, long: 0, nondecimal: false },
                    None if is_ident(&v) => ExprKind::Ident(v),
                    None => {
                        return Err(CompileError::new(
                            line,
                            "D_MACRO_ARG",
                            format!("macro argument ${} is not a valid integer or identifier", name),
                        ));
                    }
                },
            };
        }
        ExprKind::MacroStr(name) => {
            let v = macro_value(name, env, line)?.unwrap_or_default();
            e.kind = ExprKind::Str(v.into_bytes());
        }
        _ => {
            let mut r = Ok(());
            e.for_each_child_mut(&mut |c| {
                if r.is_ok() {
                    r = expand_expr(c, env);
                }
            });
            r?;
        }
    }
    Ok(())
}

fn parse_int_text(s: &str) -> Option<u64> {
    let (neg, s) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s),
    };
    let v = if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        u64::from_str_radix(h, 16).ok()?
    } else if s.len() > 1 && s.starts_with('0') {
        u64::from_str_radix(&s[1..], 8).ok()?
    } else {
        s.parse().ok()?
    };
    Some(if neg { v.wrapping_neg() } else { v })
}

fn is_ident(s: &str) -> bool {
    let mut b = s.bytes();
    matches!(b.next(), Some(c) if c.is_ascii_alphabetic() || c == b'_')
        && b.all(|c| c.is_ascii_alphanumeric() || c == b'_')
}
