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
use std::os::fd::AsFd;

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
        crate::kernel::file::truncate_if_regular(io::stdout().as_fd());
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

/// setopt() while tracing: the options table decides (dynamic options
/// change, the other run-time ones are refused), in DTrace's words.
fn set_running_option(opts: &mut Options, name: &str, value: Option<&str>) -> Result<(), &'static str> {
    opts.set(crate::options::Origin::Tracing, name, value).map_err(|e| match e {
        crate::options::OptError::BadName => BAD_NAME,
        crate::options::OptError::Active => ACTIVE,
        _ => BAD_VALUE,
    })
}

impl Consumer<'_> {
    /// A library-level error on a record (DTrace's dt_handle_liberr()).
    fn lib_error(&self, epid_no: u32, disc: u32, what: &str) {
        crate::note!("dtrace: {}: {}", self.error_site(epid_no, disc), what);
    }

    /// The printf-formatted text of a system() or freopen() record.
    fn format_record(&self, rec: &[u8], fmt: &[u8], args: &[(u32, Type)]) -> String {
        let vals: Vec<Value> = args.iter().map(|(o, t)| decode(rec, *o as usize, t, self.c.strsize)).collect();
        let mut text = Vec::new();
        super::super::printf::format_with(&mut text, fmt, &vals, &print_ctx(&self.syms, &self.opts));
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
            self.lib_error(
                epid_no,
                disc,
                &format!("couldn't run system() command \"{}\": {}", cmd, crate::host::strerror(&e)),
            );
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
            Err(e) => self.lib_error(
                epid_no,
                disc,
                &format!("couldn't freopen() \"{}\": {}", path, crate::host::strerror(&e)),
            ),
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
        if let Err(why) = set_running_option(&mut self.opts, name, value) {
            let shown = value.unwrap_or("1");
            self.lib_error(epid_no, disc, &format!("couldn't set option \"{}\" to \"{}\": {}\n", name, shown, why));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn running_options() {
        let mut o = Options::default();
        set_running_option(&mut o, "quiet", None).unwrap();
        assert!(o.quiet);
        set_running_option(&mut o, "quiet", Some("no")).unwrap();
        assert!(!o.quiet);
        set_running_option(&mut o, "aggsortpos", Some("2")).unwrap();
        assert_eq!(o.aggsortpos, Some(2));
        assert_eq!(set_running_option(&mut o, "Nixon", Some("1")), Err(BAD_NAME));
        assert_eq!(set_running_option(&mut o, "quiet", Some("um, no")), Err(BAD_VALUE));
        assert_eq!(set_running_option(&mut o, "aggrate", Some("0.5hz")), Err(BAD_VALUE));
        assert_eq!(set_running_option(&mut o, "bufsize", Some("1m")), Err(ACTIVE));
        // A compile-time toggle takes no value (dt_opt_cflags()).
        assert_eq!(set_running_option(&mut o, "zdefs", None), Ok(()));
        assert_eq!(set_running_option(&mut o, "zdefs", Some("1")), Err(BAD_VALUE));
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
