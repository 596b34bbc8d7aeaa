//! The D lexer.
//!
//! D is lexed in two modes, as DTrace does:
//!
//! * the *outer* mode, used where a program item may begin (at the start of
//!   the program, after a clause's closing `}` and after a declaration's `;`),
//!   where a word such as `syscall::*read*:entry` or `tick-1s` is a single
//!   probe-description token, unless it is a declaration keyword or a type
//!   name ([`Lexer::outer`]);
//! * the *expression* mode, used everywhere else: C-like tokens
//!   ([`Lexer::next_token`]).
//!
//! The lexer also handles what DTrace handles below its grammar: comments,
//! `#!` interpreter lines, control lines (`#pragma ...`, `# 12 "file"` line
//! markers), the `/` that closes a predicate, and the bookkeeping of unbalanced
//! `)`, `]` and `}`.
//!
//! Error messages follow DTrace's wording (e.g. `syntax error near "x"`,
//! `newline encountered in string literal`); the line is the lexer's current
//! line when the error is found, as in DTrace.

use super::diag::CompileError;

/// D keywords (recognised in expression mode; after `->` and `.` the parser
/// accepts them as member names).
pub const KEYWORDS: &[&str] = &[
    "auto", "break", "case", "char", "const", "continue", "counter", "default", "do", "double",
    "else", "enum", "extern", "float", "for", "goto", "if", "import", "inline", "int", "long",
    "offsetof", "probe", "provider", "register", "restrict", "return", "self", "short", "signed",
    "sizeof", "static", "string", "stringof", "struct", "switch", "this", "translator", "typedef",
    "union", "unsigned", "void", "volatile", "while", "xlate",
];

/// Keywords that, at the start of a program item, begin a declaration (or a
/// translator / provider definition) rather than a probe description.
pub const OUTER_KEYWORDS: &[&str] = &[
    "auto", "char", "const", "counter", "double", "enum", "extern", "float", "import", "inline",
    "int", "long", "provider", "register", "restrict", "self", "short", "signed", "static",
    "string", "struct", "this", "translator", "typedef", "union", "unsigned", "void", "volatile",
];

/// Operators and punctuators, longest first so that the first prefix match
/// is the longest one.
const OPS: &[&str] = &[
    "<<=", ">>=", "...", "->", "++", "--", "&&", "||", "^^", "==", "!=", "<=", ">=", "<<", ">>",
    "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "(", ")", "[", "]", "{", "}", ",", ";", ":",
    "?", ".", "=", "+", "-", "*", "/", "%", "&", "|", "^", "~", "!", "<", ">",
];

#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    /// An identifier (may contain backquotes: ``vmlinux`jiffies``).
    Ident(String),
    /// A keyword from [`KEYWORDS`].
    Kw(&'static str),
    /// An integer constant.
    Int { value: u64, unsigned: bool, long: u8, nondecimal: bool },
    /// A character constant's value.
    Char(i64),
    /// A string literal, escapes processed.
    Str(Vec<u8>),
    /// `$1`, `$target` (name without `$`).
    Macro(String),
    /// `$$1`, `$$target`.
    MacroStr(String),
    /// `@name`, or `@` alone (empty name).
    Agg(String),
    /// An operator or punctuator from `OPS`, except `/`.
    Op(&'static str),
    /// `/`: `epred` is true when it closes a predicate (the next character
    /// after blanks and comments is `{`, `;`, `/` or the end of input).
    Slash { epred: bool },
    /// A probe description as written (outer mode only).
    PSpec(String),
    Eof,
}

/// The lexer's position and counters, saved so that lexing can be rewound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LexState {
    pub pos: usize,
    pub line: u32,
    parens: i32,
    brackets: i32,
    braces: i32,
    pragmas: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub tok: Tok,
    /// The source text of the token (empty at end of input).
    pub text: String,
    pub line: u32,
    /// The lexer state just before this token (after nothing was skipped),
    /// to rewind to.
    pub before: LexState,
}

impl Token {
    pub fn is_op(&self, op: &str) -> bool {
        matches!(self.tok, Tok::Op(o) if o == op)
    }
    pub fn is_kw(&self, kw: &str) -> bool {
        matches!(self.tok, Tok::Kw(k) if k == kw)
    }
    pub fn is_eof(&self) -> bool {
        matches!(self.tok, Tok::Eof)
    }
    /// The message DTrace gives for a syntax error at this token.
    pub fn syntax_error(&self) -> CompileError {
        CompileError::new(self.line, "D_SYNTAX", near(&self.text))
    }
}

/// `syntax error near "TEXT"` (or `... near end of input`).
pub fn near(text: &str) -> String {
    near_text("syntax error", text)
}

/// A parser message as DTrace's yyerror() completes it: `MSG near "TEXT"`
/// (or `MSG near end of input`, `... near end of line`).
pub fn near_text(msg: &str, text: &str) -> String {
    if text.is_empty() {
        format!("{} near end of input", msg)
    } else if text.starts_with('\n') {
        format!("{} near end of line", msg)
    } else {
        let t = text.split('\n').next().unwrap_or("");
        format!("{} near \"{}\"", msg, t)
    }
}

/// What begins at the current position in outer mode.
#[derive(Clone, Debug, PartialEq)]
pub enum Outer {
    Eof,
    /// A declaration (or definition) begins here; the lexer is positioned at
    /// its first token, to be read in expression mode.
    Decl,
    /// A probe description.
    PSpec { text: String, line: u32 },
    /// Some other token (`{`, `/`, `,`, an integer, ...).
    Other(Token),
}

/// A `#pragma` line: the words after `pragma`, and its line.
#[derive(Clone, Debug, PartialEq)]
pub struct PragmaLine {
    pub words: Vec<String>,
    pub line: u32,
}

pub struct Lexer<'a> {
    src: &'a [u8],
    pos: usize,
    line: u32,
    parens: i32,
    brackets: i32,
    braces: i32,
    /// `#pragma` lines seen so far, in order.
    pub pragmas: Vec<PragmaLine>,
}

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c == b'`'
}

fn is_ident_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'`'
}

/// Characters that may begin a probe description.
pub fn is_pspec_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || b"-$:_.?*\\[]!".contains(&c)
}

/// Characters that may continue a probe description.
pub fn is_pspec_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"-$:_.`?*\\[]!".contains(&c)
}

fn is_blank(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// Process C escapes in the body of a string or character constant (the
/// text between the quotes), the way D does: `\n \t \v \b \r \f \a \\ \" \'
/// \?`, up to three octal digits, `\x` followed by hex digits (the value is
/// truncated to a byte). An unknown escape keeps its backslash.
pub fn unescape(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        if c != b'\\' || i + 1 >= s.len() {
            out.push(c);
            i += 1;
            continue;
        }
        let e = s[i + 1];
        i += 2;
        match e {
            b'0'..=b'7' => {
                let mut v: u32 = (e - b'0') as u32;
                let mut n = 1;
                while n < 3 && i < s.len() && (b'0'..=b'7').contains(&s[i]) {
                    v = v * 8 + (s[i] - b'0') as u32;
                    i += 1;
                    n += 1;
                }
                out.push(v as u8);
            }
            b'a' => out.push(7),
            b'b' => out.push(8),
            b'f' => out.push(12),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'v' => out.push(11),
            b'x' => {
                let mut v: u32 = 0;
                while i < s.len() && s[i].is_ascii_hexdigit() {
                    let d = (s[i] as char).to_digit(16).unwrap_or(0);
                    v = v.wrapping_mul(16).wrapping_add(d);
                    i += 1;
                }
                out.push(v as u8);
            }
            b'"' | b'\\' | b'\'' | b'?' => out.push(e),
            _ => {
                out.push(b'\\');
                out.push(e);
            }
        }
    }
    out
}

impl<'a> Lexer<'a> {
    pub fn new(src: &'a str) -> Lexer<'a> {
        Lexer { src: src.as_bytes(), pos: 0, line: 1, parens: 0, brackets: 0, braces: 0, pragmas: Vec::new() }
    }

    pub fn line(&self) -> u32 {
        self.line
    }

    pub fn state(&self) -> LexState {
        LexState {
            pos: self.pos,
            line: self.line,
            parens: self.parens,
            brackets: self.brackets,
            braces: self.braces,
            pragmas: self.pragmas.len(),
        }
    }

    pub fn restore(&mut self, st: LexState) {
        self.pos = st.pos;
        self.line = st.line;
        self.parens = st.parens;
        self.brackets = st.brackets;
        self.braces = st.braces;
        self.pragmas.truncate(st.pragmas);
    }

    fn peek_at(&self, off: usize) -> Option<u8> {
        self.src.get(self.pos + off).copied()
    }

    fn err(&self, tag: &'static str, msg: impl Into<String>) -> CompileError {
        CompileError::new(self.line, tag, msg)
    }

    fn text(&self, start: usize, end: usize) -> String {
        String::from_utf8_lossy(self.src.get(start..end).unwrap_or(b"")).into_owned()
    }

    /// `syntax error near "c"` for the (possibly multi-byte) character at
    /// the current position.
    fn bad_char(&self) -> CompileError {
        let c = self.src[self.pos];
        if c == 0 {
            return self.err("D_SYNTAX", "syntax error near end-of-input");
        }
        let len = if c < 0x80 {
            1
        } else if c >= 0xf0 {
            4
        } else if c >= 0xe0 {
            3
        } else {
            2
        };
        let end = (self.pos + len).min(self.src.len());
        self.err("D_SYNTAX", format!("syntax error near \"{}\"", self.text(self.pos, end)))
    }

    /// True when only blanks other than newline precede the current position
    /// on its line (flex's `^` anchor with `[\f\t\v ]*`).
    fn at_line_start(&self) -> bool {
        let mut i = self.pos;
        while i > 0 {
            match self.src[i - 1] {
                b'\n' => return true,
                b' ' | b'\t' | 0x0b | 0x0c => i -= 1,
                _ => return false,
            }
        }
        true
    }

    /// Skip blanks, comments, `#!` lines and control lines (queueing
    /// `#pragma` lines).
    fn skip_trivia(&mut self) -> Result<(), CompileError> {
        loop {
            let Some(c) = self.peek_at(0) else { return Ok(()) };
            match c {
                b'\n' => {
                    self.line += 1;
                    self.pos += 1;
                }
                _ if is_blank(c) => self.pos += 1,
                b'\\' if self.peek_at(1) == Some(b'\n') => {
                    self.pos += 2;
                    self.line += 1;
                }
                b'/' if self.peek_at(1) == Some(b'*') => self.skip_block_comment()?,
                b'/' if self.peek_at(1) == Some(b'/') => {
                    while let Some(c) = self.peek_at(0) {
                        if c == b'\n' {
                            break;
                        }
                        self.pos += 1;
                    }
                }
                b'#' if self.at_line_start() => {
                    if self.peek_at(1) == Some(b'!') {
                        while let Some(c) = self.peek_at(0) {
                            if c == b'\n' {
                                break;
                            }
                            self.pos += 1;
                        }
                    } else {
                        self.control_line()?;
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    fn skip_block_comment(&mut self) -> Result<(), CompileError> {
        self.pos += 2;
        loop {
            match self.peek_at(0) {
                None => {
                    return Err(self.err("D_SYNTAX", "end-of-file encountered before matching */"))
                }
                Some(b'*') if self.peek_at(1) == Some(b'/') => {
                    self.pos += 2;
                    return Ok(());
                }
                Some(b'/') if self.peek_at(1) == Some(b'*') => {
                    return Err(self.err("D_SYNTAX", "/* encountered inside a comment"));
                }
                Some(b'\n') => {
                    self.line += 1;
                    self.pos += 1;
                }
                Some(_) => self.pos += 1,
            }
        }
    }

    /// A control line: `#` at the start of a line, up to the newline.
    fn control_line(&mut self) -> Result<(), CompileError> {
        let line = self.line;
        self.pos += 1; // '#'
        // Words, with quoted strings kept as written (quotes included).
        let mut words: Vec<String> = Vec::new();
        loop {
            match self.peek_at(0) {
                None | Some(b'\n') => break,
                Some(b' ' | b'\t' | b'\r' | 0x0b | 0x0c) => self.pos += 1,
                Some(b'"') => {
                    let start = self.pos;
                    let mut i = self.pos + 1;
                    loop {
                        match self.src.get(i) {
                            None => {
                                self.pos = start;
                                return Err(self.err("D_SYNTAX", "syntax error near \"\"\""));
                            }
                            Some(b'\n') => {
                                self.pos = i + 1;
                                self.line += 1;
                                return Err(self
                                    .err("D_STR_NL", "newline encountered in string literal"));
                            }
                            Some(b'\\') if matches!(self.src.get(i + 1), Some(c) if *c != b'\n') => {
                                i += 2
                            }
                            Some(b'"') => break,
                            Some(_) => i += 1,
                        }
                    }
                    words.push(self.text(start, i + 1));
                    self.pos = i + 1;
                }
                Some(_) => {
                    let start = self.pos;
                    while let Some(c) = self.peek_at(0) {
                        if matches!(c, b' ' | b'\t' | b'\r' | b'\n' | b'"' | 0x0b | 0x0c) {
                            break;
                        }
                        self.pos += 1;
                    }
                    words.push(self.text(start, self.pos));
                }
            }
        }
        let at_newline = self.peek_at(0) == Some(b'\n');
        if at_newline {
            self.pos += 1;
            self.line += 1;
        }
        let Some(first) = words.first() else { return Ok(()) };
        let is_num = |w: &str| !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit());
        let set_line = |lx: &mut Lexer, n: &str| -> Result<(), CompileError> {
            match n.parse::<u32>() {
                Ok(v) if is_num(n) => {
                    if at_newline {
                        lx.line = v;
                    }
                    Ok(())
                }
                _ => Err(CompileError::new(
                    line,
                    "D_PRAGMA_MALFORM",
                    "malformed #line <line> [ [\"file\"] state ]",
                )),
            }
        };
        if is_num(first) {
            let n = first.clone();
            return set_line(self, &n);
        }
        match first.as_str() {
            "pragma" => {
                self.pragmas.push(PragmaLine { words: words[1..].to_vec(), line });
                Ok(())
            }
            "line" => {
                let n = words.get(1).cloned().unwrap_or_default();
                set_line(self, &n)
            }
            "ident" => Ok(()),
            "error" => {
                let mut s = String::new();
                for w in &words[1..] {
                    s.push_str(w.trim_matches('"'));
                    s.push(' ');
                }
                Err(CompileError::new(line, "D_PRAGERR", format!("#error: {}", s)))
            }
            w => Err(CompileError::new(
                line,
                "D_PRAGCTL_INVAL",
                format!("invalid control directive: #{}", w),
            )),
        }
    }

    /// Outer mode: classify what begins at the current position. `is_type`
    /// tells whether a plain word names a type (then a declaration begins).
    pub fn outer(&mut self, is_type: &dyn Fn(&str) -> bool) -> Result<Outer, CompileError> {
        self.skip_trivia()?;
        let before = self.state();
        let Some(c) = self.peek_at(0) else { return Ok(Outer::Eof) };
        if is_pspec_start(c) {
            let start = self.pos;
            while matches!(self.peek_at(0), Some(c) if is_pspec_char(c)) {
                self.pos += 1;
            }
            let word = self.text(start, self.pos);
            if OUTER_KEYWORDS.contains(&word.as_str()) {
                self.restore(before);
                return Ok(Outer::Decl);
            }
            if !word.contains(|c: char| ":-.?!`".contains(c))
                && word != "BEGIN"
                && word != "END"
                && word != "ERROR"
            {
                let prefix = match word.find('*') {
                    Some(i) if i > 0 => &word[..i],
                    _ => word.as_str(),
                };
                if prefix.bytes().all(is_ident_char) && is_type(prefix) {
                    self.restore(before);
                    return Ok(Outer::Decl);
                }
            }
            return Ok(Outer::PSpec { text: word, line: before.line });
        }
        match c {
            b'{' | b'/' | b',' => {
                self.pos += 1;
                let op = match c {
                    b'{' => {
                        self.braces += 1;
                        "{"
                    }
                    b',' => ",",
                    _ => "/",
                };
                let tok = if op == "/" { Tok::Slash { epred: false } } else { Tok::Op(op) };
                Ok(Outer::Other(Token { tok, text: op.to_string(), line: before.line, before }))
            }
            b'0'..=b'9' => {
                let t = self.number()?;
                Ok(Outer::Other(t))
            }
            _ => Err(self.bad_char()),
        }
    }

    /// Outer mode, after a `,` in a list of probe descriptions: the next
    /// probe description, or `None` (the lexer is then left where it was).
    pub fn pspec(&mut self) -> Result<Option<(String, u32)>, CompileError> {
        self.skip_trivia()?;
        let before = self.state();
        match self.peek_at(0) {
            Some(c) if is_pspec_start(c) => {
                let start = self.pos;
                while matches!(self.peek_at(0), Some(c) if is_pspec_char(c)) {
                    self.pos += 1;
                }
                Ok(Some((self.text(start, self.pos), before.line)))
            }
            _ => {
                self.restore(before);
                Ok(None)
            }
        }
    }

    /// The next token in expression mode.
    pub fn next_token(&mut self) -> Result<Token, CompileError> {
        self.skip_trivia()?;
        let before = self.state();
        let line = self.line;
        let start = self.pos;
        let Some(c) = self.peek_at(0) else {
            return Ok(Token { tok: Tok::Eof, text: String::new(), line, before });
        };
        let tok = if is_ident_start(c) {
            while matches!(self.peek_at(0), Some(c) if is_ident_char(c)) {
                self.pos += 1;
            }
            let word = self.text(start, self.pos);
            match KEYWORDS.iter().find(|k| **k == word) {
                Some(k) => Tok::Kw(k),
                None => Tok::Ident(word),
            }
        } else if c.is_ascii_digit() || (c == b'.' && matches!(self.peek_at(1), Some(d) if d.is_ascii_digit())) {
            return self.number();
        } else if c == b'$' {
            let dollars = if self.peek_at(1) == Some(b'$') { 2 } else { 1 };
            let name_start = self.pos + dollars;
            let mut i = name_start;
            match self.src.get(i) {
                Some(d) if d.is_ascii_digit() => {
                    while matches!(self.src.get(i), Some(d) if d.is_ascii_digit()) {
                        i += 1;
                    }
                }
                Some(d) if is_ident_start(*d) => {
                    while matches!(self.src.get(i), Some(d) if is_ident_char(*d)) {
                        i += 1;
                    }
                }
                _ => return Err(self.bad_char()),
            }
            let name = self.text(name_start, i);
            self.pos = i;
            if dollars == 2 {
                Tok::MacroStr(name)
            } else {
                Tok::Macro(name)
            }
        } else if c == b'@' {
            self.pos += 1;
            if matches!(self.peek_at(0), Some(d) if d.is_ascii_alphabetic() || d == b'_') {
                while matches!(self.peek_at(0), Some(d) if d.is_ascii_alphanumeric() || d == b'_') {
                    self.pos += 1;
                }
            }
            Tok::Agg(self.text(start + 1, self.pos))
        } else if c == b'"' {
            return self.string();
        } else if c == b'\'' {
            return self.char_const();
        } else if c == b'/' && self.peek_at(1) != Some(b'=') {
            self.pos += 1;
            let epred = self.slash_ends_predicate()?;
            if epred {
                if self.parens != 0 {
                    return Err(self.err("D_SYNTAX", "closing ) expected in predicate before /"));
                }
                if self.brackets != 0 {
                    return Err(self.err("D_SYNTAX", "closing ] expected in predicate before /"));
                }
            }
            Tok::Slash { epred }
        } else {
            let rest = &self.src[self.pos..];
            let Some(op) = OPS.iter().find(|o| rest.starts_with(o.as_bytes())) else {
                return Err(self.bad_char());
            };
            self.pos += op.len();
            match *op {
                "(" => self.parens += 1,
                ")" => {
                    self.parens -= 1;
                    if self.parens < 0 {
                        return Err(self.err("D_SYNTAX", "extra ) in input stream"));
                    }
                }
                "[" => self.brackets += 1,
                "]" => {
                    self.brackets -= 1;
                    if self.brackets < 0 {
                        return Err(self.err("D_SYNTAX", "extra ] in input stream"));
                    }
                }
                "{" => self.braces += 1,
                "}" => {
                    self.braces -= 1;
                    if self.braces < 0 {
                        return Err(self.err("D_SYNTAX", "extra } in input stream"));
                    }
                }
                _ => {}
            }
            Tok::Op(op)
        };
        Ok(Token { tok, text: self.text(start, self.pos), line, before })
    }

    /// After a `/`: does it close a predicate? It does when the next
    /// character, past blanks and comments, is `{`, `;`, `/` (not starting
    /// a comment) or the end of input. Nothing is consumed.
    fn slash_ends_predicate(&mut self) -> Result<bool, CompileError> {
        let st = self.state();
        let mut i = self.pos;
        let r = loop {
            match self.src.get(i) {
                None => break true,
                Some(c) if is_blank(*c) => i += 1,
                Some(b'/') if self.src.get(i + 1) == Some(&b'*') => {
                    // Skip the comment (errors are reported when it is lexed).
                    let mut j = i + 2;
                    loop {
                        match self.src.get(j) {
                            None => break,
                            Some(b'*') if self.src.get(j + 1) == Some(&b'/') => {
                                j += 2;
                                break;
                            }
                            Some(_) => j += 1,
                        }
                    }
                    i = j;
                }
                Some(b'/') if self.src.get(i + 1) == Some(&b'/') => {
                    while !matches!(self.src.get(i), None | Some(b'\n')) {
                        i += 1;
                    }
                }
                Some(b'{' | b';' | b'/') => break true,
                Some(_) => break false,
            }
        };
        self.restore(st);
        Ok(r)
    }

    fn number(&mut self) -> Result<Token, CompileError> {
        let before = self.state();
        let line = self.line;
        let start = self.pos;
        let s = self.src;
        let at = |i: usize| s.get(i).copied().unwrap_or(0);
        // The integer form: digits or 0x + hex digits, then a suffix.
        let mut i = start;
        let hex = at(i) == b'0' && (at(i + 1) == b'x' || at(i + 1) == b'X') && at(i + 2).is_ascii_hexdigit();
        let digits_start;
        if hex {
            i += 2;
            digits_start = i;
            while at(i).is_ascii_hexdigit() {
                i += 1;
            }
        } else {
            digits_start = i;
            while at(i).is_ascii_digit() {
                i += 1;
            }
        }
        let digits_end = i;
        // Suffix: [uU]?[lL]{0,2} or [lL]{1,2}[uU]?
        let mut unsigned = false;
        let mut long = 0u8;
        if at(i) == b'u' || at(i) == b'U' {
            unsigned = true;
            i += 1;
            while long < 2 && (at(i) == b'l' || at(i) == b'L') {
                long += 1;
                i += 1;
            }
        } else {
            while long < 2 && (at(i) == b'l' || at(i) == b'L') {
                long += 1;
                i += 1;
            }
            if long > 0 && (at(i) == b'u' || at(i) == b'U') {
                unsigned = true;
                i += 1;
            }
        }
        let int_end = if digits_end > digits_start { i } else { start };
        // The floating-point form, which D rejects when it is longer.
        if !hex {
            let mut j = start;
            while at(j).is_ascii_digit() {
                j += 1;
            }
            let had_int = j > start;
            let mut fp_ok = had_int;
            if at(j) == b'.' {
                if had_int {
                    j += 1;
                    while at(j).is_ascii_digit() {
                        j += 1;
                    }
                } else if at(j + 1).is_ascii_digit() {
                    j += 1;
                    while at(j).is_ascii_digit() {
                        j += 1;
                    }
                    fp_ok = true;
                }
            }
            if fp_ok {
                if at(j) == b'e' || at(j) == b'E' {
                    let mut k = j + 1;
                    if at(k) == b'+' || at(k) == b'-' {
                        k += 1;
                    }
                    if at(k).is_ascii_digit() {
                        while at(k).is_ascii_digit() {
                            k += 1;
                        }
                        j = k;
                    }
                }
                if matches!(at(j), b'f' | b'F' | b'l' | b'L') {
                    j += 1;
                }
                if j > int_end {
                    self.pos = j;
                    return Err(self.err("D_SYNTAX", "floating-point constants are not permitted"));
                }
            }
        }
        if int_end == start {
            // Cannot happen for a digit start; be safe.
            return Err(self.bad_char());
        }
        self.pos = int_end;
        let text = self.text(start, int_end);
        let digits = &s[digits_start..digits_end];
        let radix: u64 = if hex {
            16
        } else if digits.len() > 1 && digits[0] == b'0' {
            8
        } else {
            10
        };
        let mut value: u64 = 0;
        for &d in digits {
            let v = (d as char).to_digit(16).unwrap_or(99) as u64;
            if v >= radix {
                if radix == 8 {
                    return Err(self.err(
                        "D_INT_DIGIT",
                        format!("constant {} contains invalid digit {}", text, d as char),
                    ));
                }
                break;
            }
            value = match value.checked_mul(radix).and_then(|x| x.checked_add(v)) {
                Some(x) => x,
                None => {
                    return Err(self.err(
                        "D_INT_OFLOW",
                        format!("constant {} results in integer overflow", text),
                    ))
                }
            };
        }
        Ok(Token {
            tok: Tok::Int { value, unsigned, long, nondecimal: s[start] == b'0' },
            text,
            line,
            before,
        })
    }

    /// Scan a quoted body starting at the opening quote `q`; returns the index
    /// of the closing quote, or an error (newline or end of input).
    fn scan_quoted(&mut self, q: u8) -> Result<usize, CompileError> {
        let start = self.pos;
        let mut i = start + 1;
        loop {
            match self.src.get(i) {
                None => {
                    return Err(self.err("D_SYNTAX", format!("syntax error near \"{}\"", q as char)));
                }
                Some(b'\n') => {
                    self.pos = i + 1;
                    self.line += 1;
                    return Err(if q == b'"' {
                        self.err("D_STR_NL", "newline encountered in string literal")
                    } else {
                        self.err("D_CHR_NL", "newline encountered in character constant")
                    });
                }
                Some(b'\\') => match self.src.get(i + 1) {
                    Some(b'\n') => {
                        self.pos = i + 2;
                        self.line += 1;
                        return Err(if q == b'"' {
                            self.err("D_STR_NL", "newline encountered in string literal")
                        } else {
                            self.err("D_CHR_NL", "newline encountered in character constant")
                        });
                    }
                    None => i += 1,
                    Some(_) => i += 2,
                },
                Some(c) if *c == q => return Ok(i),
                Some(_) => i += 1,
            }
        }
    }

    fn string(&mut self) -> Result<Token, CompileError> {
        let before = self.state();
        let line = self.line;
        let start = self.pos;
        let end = self.scan_quoted(b'"')?;
        let body = unescape(&self.src[start + 1..end]);
        self.pos = end + 1;
        Ok(Token { tok: Tok::Str(body), text: self.text(start, end + 1), line, before })
    }

    fn char_const(&mut self) -> Result<Token, CompileError> {
        let before = self.state();
        let line = self.line;
        let start = self.pos;
        let end = self.scan_quoted(b'\'')?;
        self.pos = end + 1;
        if end == start + 1 {
            return Err(self.err("D_CHR_NULL", "empty character constant"));
        }
        let bytes = unescape(&self.src[start + 1..end]);
        if bytes.len() > 8 {
            return Err(self.err("D_CHR_OFLOW", "character constant is too long"));
        }
        let mut v: u64 = 0;
        for b in &bytes {
            v = (v << 8) | *b as u64;
        }
        Ok(Token { tok: Tok::Char(v as i64), text: self.text(start, end + 1), line, before })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(src: &str) -> Vec<Tok> {
        let mut lx = Lexer::new(src);
        let mut v = Vec::new();
        loop {
            let t = lx.next_token().unwrap();
            if t.is_eof() {
                break;
            }
            v.push(t.tok);
        }
        v
    }

    fn lex_err(src: &str) -> CompileError {
        let mut lx = Lexer::new(src);
        loop {
            match lx.next_token() {
                Ok(t) if t.is_eof() => panic!("no error for {:?}", src),
                Ok(_) => {}
                Err(e) => return e,
            }
        }
    }

    #[test]
    fn operators_longest_match() {
        assert_eq!(
            toks("a<<=b>>c->d...^^"),
            vec![
                Tok::Ident("a".into()),
                Tok::Op("<<="),
                Tok::Ident("b".into()),
                Tok::Op(">>"),
                Tok::Ident("c".into()),
                Tok::Op("->"),
                Tok::Ident("d".into()),
                Tok::Op("..."),
                Tok::Op("^^"),
            ]
        );
    }

    #[test]
    fn integers() {
        let int = |value, unsigned, long, nondecimal| Tok::Int { value, unsigned, long, nondecimal };
        assert_eq!(toks("42"), vec![int(42, false, 0, false)]);
        assert_eq!(toks("0x1F"), vec![int(31, false, 0, true)]);
        assert_eq!(toks("017"), vec![int(15, false, 0, true)]);
        assert_eq!(toks("10ull"), vec![int(10, true, 2, false)]);
        assert_eq!(toks("10LU"), vec![int(10, true, 1, false)]);
        assert_eq!(toks("0xffffffffffffffff"), vec![int(u64::MAX, false, 0, true)]);
        assert_eq!(lex_err("0x1ffffffffffffffff").msg, "constant 0x1ffffffffffffffff results in integer overflow");
        assert_eq!(lex_err("089").msg, "constant 089 contains invalid digit 8");
        assert_eq!(lex_err("1.5").msg, "floating-point constants are not permitted");
        assert_eq!(lex_err("x = 1e3").msg, "floating-point constants are not permitted");
        assert_eq!(lex_err(".5").msg, "floating-point constants are not permitted");
    }

    #[test]
    fn chars_and_strings() {
        assert_eq!(toks(r"'a' '\n' '\0' '\x41' 'ab' '\''"), vec![
            Tok::Char(97),
            Tok::Char(10),
            Tok::Char(0),
            Tok::Char(65),
            Tok::Char(0x6162),
            Tok::Char(39),
        ]);
        assert_eq!(
            toks(r#""a\tb\\c\"d\0e\101\x42\a\b\f\r\v""#),
            vec![Tok::Str(b"a\tb\\c\"d\0eAB\x07\x08\x0c\r\x0b".to_vec())]
        );
        assert_eq!(lex_err("\"abc\n\"").msg, "newline encountered in string literal");
        assert_eq!(lex_err("\"abc\n\"").line, Some(2));
        assert_eq!(lex_err("\"abc").msg, "syntax error near \"\"\"");
        assert_eq!(lex_err("''").msg, "empty character constant");
        assert_eq!(lex_err("'abcdefghi'").msg, "character constant is too long");
        assert_eq!(lex_err("'a\n'").msg, "newline encountered in character constant");
    }

    #[test]
    fn macros_and_aggs() {
        assert_eq!(
            toks("$1 $target $$2 $$pid @ @foo"),
            vec![
                Tok::Macro("1".into()),
                Tok::Macro("target".into()),
                Tok::MacroStr("2".into()),
                Tok::MacroStr("pid".into()),
                Tok::Agg("".into()),
                Tok::Agg("foo".into()),
            ]
        );
        assert_eq!(lex_err("$ x").msg, "syntax error near \"$\"");
    }

    #[test]
    fn comments_and_control_lines() {
        let mut lx = Lexer::new("#!/usr/sbin/dtrace -s\n/* a\n b */ x // c\n#pragma D option quiet\n y");
        let t = lx.next_token().unwrap();
        assert_eq!((t.tok, t.line), (Tok::Ident("x".into()), 3));
        let t = lx.next_token().unwrap();
        assert_eq!((t.tok, t.line), (Tok::Ident("y".into()), 5));
        assert_eq!(lx.pragmas, vec![PragmaLine { words: vec!["D".into(), "option".into(), "quiet".into()], line: 4 }]);
        // Line markers.
        let mut lx = Lexer::new("# 10 \"foo.d\"\nx");
        assert_eq!(lx.next_token().unwrap().line, 10);
        assert_eq!(lex_err("/* a /* b */").msg, "/* encountered inside a comment");
        assert_eq!(lex_err("\n/* a ").msg, "end-of-file encountered before matching */");
        assert_eq!(lex_err("\n/* a ").line, Some(2));
        assert_eq!(lex_err("#foo\n").msg, "invalid control directive: #foo");
        assert_eq!(lex_err("x # y").msg, "syntax error near \"#\"");
    }

    #[test]
    fn predicate_slash() {
        assert_eq!(
            toks("x / 2 > 1/{"),
            vec![
                Tok::Ident("x".into()),
                Tok::Slash { epred: false },
                Tok::Int { value: 2, unsigned: false, long: 0, nondecimal: false },
                Tok::Op(">"),
                Tok::Int { value: 1, unsigned: false, long: 0, nondecimal: false },
                Tok::Slash { epred: true },
                Tok::Op("{"),
            ]
        );
        assert_eq!(lex_err("(x/ {").msg, "closing ) expected in predicate before /");
        assert_eq!(lex_err("x)").msg, "extra ) in input stream");
    }

    #[test]
    fn outer_mode() {
        let no_types = |_: &str| false;
        let mut lx = Lexer::new("  syscall::*read*:entry,tick-1s\n{");
        assert_eq!(
            lx.outer(&no_types).unwrap(),
            Outer::PSpec { text: "syscall::*read*:entry".into(), line: 1 }
        );
        assert!(matches!(lx.outer(&no_types).unwrap(), Outer::Other(t) if t.is_op(",")));
        assert_eq!(lx.pspec().unwrap(), Some(("tick-1s".into(), 1)));
        assert!(matches!(lx.outer(&no_types).unwrap(), Outer::Other(t) if t.is_op("{") && t.line == 2));
        let mut lx = Lexer::new("int x;");
        assert_eq!(lx.outer(&no_types).unwrap(), Outer::Decl);
        assert!(lx.next_token().unwrap().is_kw("int"));
        let is_t = |s: &str| s == "foo_t";
        let mut lx = Lexer::new("foo_t*p;");
        assert_eq!(lx.outer(&is_t).unwrap(), Outer::Decl);
        let mut lx = Lexer::new("BEGIN");
        assert_eq!(lx.outer(&is_t).unwrap(), Outer::PSpec { text: "BEGIN".into(), line: 1 });
    }
}
