//! DTrace probe-description glob matching: `*`, `?`, `[set]`, `[!set]`,
//! `[a-z]`, and `\` escapes. An empty pattern matches anything.

pub fn is_glob(p: &str) -> bool {
    p.bytes().any(|c| matches!(c, b'*' | b'?' | b'[' | b'\\'))
}

pub fn glob_match(pattern: &str, text: &str) -> bool {
    pattern.is_empty() || matches(pattern.as_bytes(), text.as_bytes())
}

fn matches(p: &[u8], t: &[u8]) -> bool {
    let (mut pi, mut ti) = (0, 0);
    // Position to resume from after the most recent `*`.
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() {
            match p[pi] {
                b'*' => {
                    star = Some((pi, ti));
                    pi += 1;
                    continue;
                }
                b'?' => {
                    pi += 1;
                    ti += 1;
                    continue;
                }
                b'[' => {
                    if let Some((ok, next)) = class(&p[pi..], t[ti]) {
                        if ok {
                            pi += next;
                            ti += 1;
                            continue;
                        }
                    } else if t[ti] == b'[' {
                        pi += 1;
                        ti += 1;
                        continue;
                    }
                }
                b'\\' if pi + 1 < p.len() => {
                    if p[pi + 1] == t[ti] {
                        pi += 2;
                        ti += 1;
                        continue;
                    }
                }
                c if c == t[ti] => {
                    pi += 1;
                    ti += 1;
                    continue;
                }
                _ => {}
            }
        }
        match star {
            Some((sp, st)) => {
                pi = sp + 1;
                ti = st + 1;
                star = Some((sp, st + 1));
            }
            None => return false,
        }
    }
    while pi < p.len() && p[pi] == b'*' {
        pi += 1;
    }
    pi == p.len()
}

/// Matches a `[...]` class at the start of `p` against `c`; returns whether
/// it matched and the class's length, or None when the class is unterminated.
fn class(p: &[u8], c: u8) -> Option<(bool, usize)> {
    let mut i = 1;
    let negate = i < p.len() && (p[i] == b'!' || p[i] == b'^');
    if negate {
        i += 1;
    }
    let mut found = false;
    let mut first = true;
    while i < p.len() && (p[i] != b']' || first) {
        first = false;
        let lo = p[i];
        if i + 2 < p.len() && p[i + 1] == b'-' && p[i + 2] != b']' {
            if lo <= c && c <= p[i + 2] {
                found = true;
            }
            i += 3;
        } else {
            if lo == c {
                found = true;
            }
            i += 1;
        }
    }
    if i >= p.len() {
        return None;
    }
    Some((found != negate, i + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("", "anything"));
        assert!(glob_match("read", "read"));
        assert!(!glob_match("read", "readv"));
        assert!(glob_match("read*", "readv"));
        assert!(glob_match("*read*", "pread64"));
        assert!(glob_match("?read", "pread"));
        assert!(!glob_match("?read", "read"));
        assert!(glob_match("[pr]read", "pread"));
        assert!(glob_match("[!p]read", "xread"));
        assert!(!glob_match("[!p]read", "pread"));
        assert!(glob_match("sys_[a-c]*", "sys_brk"));
        assert!(glob_match("*", ""));
        assert!(glob_match("a*b*c", "aXXbYYc"));
        assert!(!glob_match("a*b*c", "aXXbYY"));
    }
}
