//! The consumer side of system(), freopen(), ftruncate(), setopt() and
//! tracemem(): what DTrace's library does when it reaches those records.
//!
//! Output redirection: the session hands each record an output stream; the
//! consumer keeps the file freopen() opened and, while there is one, a
//! [`Sink`] sends the record's output there instead (the aggregations
//! printed at exit too). `freopen("")` closes it: output returns to the
//! session's stream.

use super::*;
use std::fs::{File, OpenOptions};
use std::io;

/// The stream records print to: the session's, or the freopen() file.
pub(super) struct Sink<'o> {
    out: &'o mut dyn Write,
    file: Option<File>,
}

impl<'o> Sink<'o> {
    pub(super) fn new(out: &'o mut dyn Write, file: Option<File>) -> Sink<'o> {
        Sink { out, file }
    }

    pub(super) fn into_file(self) -> Option<File> {
        self.file
    }

    /// ftruncate(): empties the current output file. Without freopen(),
    /// that is the `-o` file, or standard output when it is a regular file.
    fn truncate(&mut self, output: Option<&str>) -> io::Result<()> {
        if let Some(f) = &mut self.file {
            return f.set_len(0); // opened for appending: writes restart at 0
        }
        self.out.flush()?;
        if let Some(path) = output {
            return OpenOptions::new().write(true).open(path)?.set_len(0);
        }
        // SAFETY: fstat/ftruncate/lseek on fd 1 with a valid stat buffer.
        unsafe {
            let mut st: libc::stat = std::mem::zeroed();
            if libc::fstat(1, &mut st) == 0 && st.st_mode & libc::S_IFMT == libc::S_IFREG {
                libc::ftruncate(1, 0);
                libc::lseek(1, 0, libc::SEEK_SET);
            }
        }
        Ok(())
    }
}

impl Write for Sink<'_> {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        match &mut self.file {
            Some(f) => f.write(b),
            None => self.out.write(b),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match &mut self.file {
            Some(f) => f.flush(),
            None => self.out.flush(),
        }
    }
}

/// An I/O error as strerror() words it (without Rust's "(os error N)").
fn strerror(e: &io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// Writes the record's output so far (what precedes the action).
fn flush_pending(pending: &mut Vec<u8>, out: &mut Sink) {
    let _ = out.write_all(pending);
    pending.clear();
}

/// `tracemem()` data: DTrace's hex dump of `size` bytes, or of `dynsize`
/// (an i64 in the record) when that is smaller, read unsigned.
pub(super) fn tracemem(buf: &mut Vec<u8>, rec: &[u8], off: u32, size: u32, dynsize: Option<u32>) {
    let mut n = size as u64;
    if let Some(d) = dynsize {
        n = n.min(u64_at(rec, d as usize));
    }
    let start = off as usize;
    let end = (start + n as usize).min(rec.len());
    output::print_rawbytes(buf, rec.get(start..end).unwrap_or(&[]));
}

/// Errors of dtrace_setopt() while tracing.
const BAD_NAME: &str = "Invalid option name";
const BAD_VALUE: &str = "Invalid value for specified option";
const ACTIVE: &str = "Operation illegal when tracing is active";

/// Options DTrace lets a running session change ("dynamic run-time").
const DYNAMIC: &[&str] = &[
    "agghist", "aggpack", "aggrate", "aggsortkey", "aggsortkeypos", "aggsortpos", "aggsortrev", "aggzoom", "flowindent",
    "quiet", "rawbytes", "stackindent", "switchrate",
];
/// Run-time options fixed once tracing is on.
const FIXED: &[&str] = &[
    "aggsize", "bufpolicy", "bufresize", "bufsize", "cleanrate", "cpu", "destructive", "dynvarsize", "grabanon",
    "jstackframes", "jstackstrsize", "nspec", "specsize", "stackframes", "statusrate", "strsize", "ustackframes",
    "temporal",
];

/// A run-time option's value as DTrace reads it (dt_opt_runtime): "" and
/// the negative words unset it (None); the positive words are 1; anything
/// else must be a number (C syntax: 0x.. hex, 0.. octal).
fn runtime_value(v: &str) -> Result<Option<u64>, &'static str> {
    const WORDS: [(&str, &str); 6] =
        [("yes", "no"), ("enable", "disable"), ("enabled", "disabled"), ("true", "false"), ("on", "off"), ("set", "unset")];
    if v.is_empty() {
        return Ok(None);
    }
    for (yes, no) in WORDS {
        if v.eq_ignore_ascii_case(yes) {
            return Ok(Some(1));
        }
        if v.eq_ignore_ascii_case(no) {
            return Ok(None);
        }
    }
    let n = if let Some(h) = v.strip_prefix("0x").or_else(|| v.strip_prefix("0X")) {
        u64::from_str_radix(h, 16)
    } else if v.len() > 1 && v.starts_with('0') {
        u64::from_str_radix(&v[1..], 8)
    } else {
        v.parse::<u64>()
    };
    match n {
        Ok(n) if n <= i64::MAX as u64 => Ok(Some(n)),
        _ => Err(BAD_VALUE),
    }
}

/// setopt() while tracing, as dtrace_setopt() with tracing active: the
/// dynamic options change, the other run-time ones are refused, and
/// compile-time ones are accepted (to no effect now).
fn set_running_option(opts: &mut Options, name: &str, value: &str) -> Result<(), &'static str> {
    // Any value but an unsetting one turns a flag on (even "0", as in DTrace).
    let flag = |v: &str| runtime_value(v).map(|n| n.is_some());
    let position = |v: &str| match runtime_value(v)? {
        Some(n) => u32::try_from(n).map(Some).map_err(|_| BAD_VALUE),
        None => Ok(None),
    };
    let rate = |v: &str| crate::options::parse_rate_ns(v).ok_or(BAD_VALUE);
    match name {
        "quiet" => opts.quiet = flag(value)?,
        "flowindent" => opts.flowindent = flag(value)?,
        "rawbytes" => opts.rawbytes = flag(value)?,
        "aggsortkey" => opts.aggsortkey = flag(value)?,
        "aggsortrev" => opts.aggsortrev = flag(value)?,
        "aggsortpos" => opts.aggsortpos = position(value)?,
        "aggsortkeypos" => opts.aggsortkeypos = position(value)?,
        "aggrate" => opts.aggrate_ns = rate(value)?,
        "switchrate" => opts.switchrate_ns = rate(value)?,
        n if DYNAMIC.contains(&n) => {
            runtime_value(value)?;
        }
        n if FIXED.contains(&n) => return Err(ACTIVE),
        _ => {
            let mut scratch = opts.clone();
            scratch.set(&format!("{}={}", name, value)).map_err(|m| if m.ends_with(BAD_NAME) { BAD_NAME } else { BAD_VALUE })?;
        }
    }
    Ok(())
}

impl Consumer<'_> {
    /// A library-level error on a record (DTrace's dt_handle_liberr()).
    fn lib_error(&self, epid_no: u32, disc: u32, what: &str) {
        let probe = self.c.epids.get(epid_no as usize - 1).and_then(|e| self.probe_of(e, disc));
        let (id, name) = probe.map_or((0, String::from("?")), |p| (p.id, p.full_name()));
        crate::note!("dtrace: error on enabled probe ID {} (ID {}: {}): {}", epid_no, id, name, what);
    }

    /// The printf-formatted text of a system() or freopen() record.
    fn format_record(&self, rec: &[u8], fmt: &[u8], args: &[(u32, Type)]) -> String {
        let vals: Vec<Value> = args.iter().map(|(o, t)| decode(rec, *o as usize, t, self.c.strsize)).collect();
        let mut text = Vec::new();
        super::super::printf::format_with(&mut text, fmt, &vals, &print_ctx(&self.ksyms));
        String::from_utf8_lossy(&text).into_owned()
    }

    /// system(): runs the command with /bin/sh, as system(3) does, after
    /// writing everything before it; the command shares dtrace's standard
    /// output, so its output lands in order.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn system(&self, rec: &[u8], epid_no: u32, disc: u32, fmt: &[u8], args: &[(u32, Type)], pending: &mut Vec<u8>, out: &mut Sink) {
        let cmd = self.format_record(rec, fmt, args);
        flush_pending(pending, out);
        let _ = out.flush();
        if let Err(e) = std::process::Command::new("/bin/sh").arg("-c").arg(&cmd).status() {
            self.lib_error(epid_no, disc, &format!("couldn't run system() command \"{}\": {}", cmd, strerror(&e)));
        }
    }

    /// freopen(): output goes to the named file (appending, created if
    /// need be) from here on; an empty format restores the session's
    /// output. A file that cannot be opened leaves the output as it was.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn freopen(&self, rec: &[u8], epid_no: u32, disc: u32, fmt: &[u8], args: &[(u32, Type)], pending: &mut Vec<u8>, out: &mut Sink) {
        flush_pending(pending, out);
        if fmt.is_empty() {
            out.file = None;
            return;
        }
        let path = self.format_record(rec, fmt, args);
        match OpenOptions::new().append(true).create(true).open(&path) {
            Ok(f) => out.file = Some(f),
            Err(e) => self.lib_error(epid_no, disc, &format!("couldn't freopen() \"{}\": {}", path, strerror(&e))),
        }
    }

    /// ftruncate(): empties the current output file.
    pub(super) fn ftruncate(&self, pending: &mut Vec<u8>, out: &mut Sink) {
        flush_pending(pending, out);
        let _ = out.truncate(self.opts.output.as_deref());
    }

    /// setopt(): changes a run-time option; DTrace's message (its blank
    /// line included) when it cannot. A missing value is "1".
    pub(super) fn setopt(&mut self, epid_no: u32, disc: u32, name: &str, value: Option<&str>) {
        let value = value.unwrap_or("1");
        if let Err(why) = set_running_option(&mut self.opts, name, value) {
            self.lib_error(epid_no, disc, &format!("couldn't set option \"{}\" to \"{}\": {}\n", name, value, why));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtime_values_read_as_dtrace_does() {
        assert_eq!(runtime_value(""), Ok(None));
        assert_eq!(runtime_value("Off"), Ok(None));
        assert_eq!(runtime_value("yes"), Ok(Some(1)));
        assert_eq!(runtime_value("0x10"), Ok(Some(16)));
        assert_eq!(runtime_value("010"), Ok(Some(8)));
        assert_eq!(runtime_value("0"), Ok(Some(0)));
        assert_eq!(runtime_value("um, no"), Err(BAD_VALUE));
    }

    #[test]
    fn running_options() {
        let mut o = Options::default();
        set_running_option(&mut o, "quiet", "1").unwrap();
        assert!(o.quiet);
        set_running_option(&mut o, "quiet", "no").unwrap();
        assert!(!o.quiet);
        set_running_option(&mut o, "aggsortpos", "2").unwrap();
        assert_eq!(o.aggsortpos, Some(2));
        assert_eq!(set_running_option(&mut o, "Nixon", "1"), Err(BAD_NAME));
        assert_eq!(set_running_option(&mut o, "quiet", "um, no"), Err(BAD_VALUE));
        assert_eq!(set_running_option(&mut o, "aggrate", "0.5hz"), Err(BAD_VALUE));
        assert_eq!(set_running_option(&mut o, "bufsize", "1m"), Err(ACTIVE));
        assert_eq!(set_running_option(&mut o, "zdefs", "1"), Ok(()));
    }

    #[test]
    fn tracemem_dumps_the_smaller_size() {
        let mut rec = vec![0u8; 32];
        rec[8..13].copy_from_slice(b"Linux");
        rec[24..32].copy_from_slice(&2u64.to_le_bytes());
        let mut out = Vec::new();
        tracemem(&mut out, &rec, 8, 5, Some(24));
        let line = format!("         0: 4c 69{}  Li\n", " ".repeat(14 * 3));
        assert!(String::from_utf8(out).unwrap().ends_with(&line));
        let mut out = Vec::new();
        tracemem(&mut out, &rec, 8, 5, None);
        assert!(String::from_utf8_lossy(&out).contains("Linux"));
    }
}
