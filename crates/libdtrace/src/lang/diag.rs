//! Compile-time diagnostics, tagged with DTrace's `D_*` names.

use std::fmt;

/// A compile error: the source line (when known), DTrace's error tag
/// (`D_SYNTAX`, `D_IDENT_UNDEF`, ...) and the message text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompileError {
    pub line: Option<u32>,
    pub tag: &'static str,
    pub msg: String,
    /// Where in a clause the error arose (`predicate`, `action list`):
    /// DTrace shows `in REGION: ` instead of a line number where there is
    /// no script file (`-n`, `-P`, ...).
    pub region: Option<&'static str>,
}

impl CompileError {
    pub fn new(line: u32, tag: &'static str, msg: impl Into<String>) -> CompileError {
        CompileError { line: Some(line), tag, msg: msg.into(), region: None }
    }
    pub fn nowhere(tag: &'static str, msg: impl Into<String>) -> CompileError {
        CompileError { line: None, tag, msg: msg.into(), region: None }
    }
    /// Records the clause region the error arose in, unless one is set.
    pub fn in_region(mut self, region: &'static str) -> CompileError {
        if self.region.is_none() {
            self.region = Some(region);
        }
        self
    }
    /// The message as DTrace prints it after the script name:
    /// `line N: message`, with `[TAG] ` first under `-x errtags`.
    pub fn render(&self, errtags: bool) -> String {
        let mut s = String::new();
        if errtags {
            s.push('[');
            s.push_str(self.tag);
            s.push_str("] ");
        }
        if let Some(l) = self.line {
            s.push_str(&format!("line {}: ", l));
        } else if let Some(r) = self.region {
            s.push_str(&format!("in {}: ", r));
        }
        s.push_str(&self.msg);
        s
    }
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

impl std::error::Error for CompileError {}
