//! Compile-time diagnostics, tagged with DTrace's `D_*` names.

use std::fmt;

/// A compile error: the source line (when known), DTrace's error tag
/// (`D_SYNTAX`, `D_IDENT_UNDEF`, ...) and the message text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompileError {
    pub line: Option<u32>,
    pub tag: &'static str,
    pub msg: String,
}

impl CompileError {
    pub fn new(line: u32, tag: &'static str, msg: impl Into<String>) -> CompileError {
        CompileError { line: Some(line), tag, msg: msg.into() }
    }
    pub fn nowhere(tag: &'static str, msg: impl Into<String>) -> CompileError {
        CompileError { line: None, tag, msg: msg.into() }
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
