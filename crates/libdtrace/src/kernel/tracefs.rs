//! tracefs: tracepoint ids, lists and record formats.

use std::ffi::CString;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const TRACEFS: &str = "/sys/kernel/tracing";
const DEBUGFS: &str = "/sys/kernel/debug";

fn has_events(p: &Path) -> bool {
    p.join("events").is_dir()
}

/// mount(2) without flags or data; whether it worked.
pub fn mount(source: &str, target: &str, fstype: &str) -> bool {
    let (Ok(s), Ok(t), Ok(f)) = (CString::new(source), CString::new(target), CString::new(fstype)) else {
        return false;
    };
    // SAFETY: valid NUL-terminated strings; no mount data.
    unsafe { libc::mount(s.as_ptr(), t.as_ptr(), f.as_ptr(), 0, std::ptr::null()) == 0 }
}

fn find_root() -> Option<PathBuf> {
    let tracing = Path::new(TRACEFS);
    let debug_tracing = Path::new(DEBUGFS).join("tracing");
    if has_events(tracing) {
        return Some(tracing.into());
    }
    if has_events(&debug_tracing) {
        return Some(debug_tracing);
    }
    // Not mounted: mount tracefs ourselves (root only), else debugfs,
    // which automounts tracefs under tracing/.
    if tracing.is_dir() && mount("nodev", TRACEFS, "tracefs") && has_events(tracing) {
        return Some(tracing.into());
    }
    if Path::new(DEBUGFS).is_dir() && mount("nodev", DEBUGFS, "debugfs") && has_events(&debug_tracing) {
        return Some(debug_tracing);
    }
    None
}

/// The tracefs directory (normally /sys/kernel/tracing), mounting tracefs
/// there if it is not yet mounted.
pub fn tracefs_root() -> io::Result<PathBuf> {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    if let Some(p) = ROOT.get() {
        return Ok(p.clone());
    }
    match find_root() {
        Some(p) => Ok(ROOT.get_or_init(|| p).clone()),
        None => Err(io::Error::new(
            io::ErrorKind::NotFound,
            "tracefs is not mounted and could not be mounted at /sys/kernel/tracing \
             (try: mount -t tracefs nodev /sys/kernel/tracing)",
        )),
    }
}

fn event_dir(category: &str, name: &str) -> io::Result<PathBuf> {
    if [category, name].iter().any(|s| s.is_empty() || s.contains('/') || *s == "." || *s == "..") {
        return Err(io::Error::from_raw_os_error(libc::ENOENT));
    }
    Ok(tracefs_root()?.join("events").join(category).join(name))
}

/// The id of tracepoint `category:name` (for perf_event_open).
pub fn event_id(category: &str, name: &str) -> io::Result<u64> {
    let s = std::fs::read_to_string(event_dir(category, name)?.join("id"))?;
    s.trim().parse().map_err(|_| io::Error::new(io::ErrorKind::InvalidData, format!("bad tracepoint id {s:?}")))
}

fn subdirs(dir: &Path) -> io::Result<Vec<String>> {
    let mut v = Vec::new();
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        if e.file_type()?.is_dir() {
            if let Ok(name) = e.file_name().into_string() {
                v.push(name);
            }
        }
    }
    v.sort();
    Ok(v)
}

/// Tracepoint categories (subsystems), sorted.
pub fn list_categories() -> io::Result<Vec<String>> {
    subdirs(&tracefs_root()?.join("events"))
}

/// Tracepoint names of one category, sorted. ENOENT for an unknown
/// category; other errors when tracefs is unavailable.
pub fn list_events(category: &str) -> io::Result<Vec<String>> {
    let p = event_dir(category, "x")?;
    subdirs(p.parent().unwrap_or(&p))
}

/// One field of a tracepoint record, from its `format` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// C type without the array suffix, e.g. "const char *",
    /// "unsigned long", "char", "__data_loc char[]".
    pub ty: String,
    pub name: String,
    /// Byte offset in the record (the record starts with the common_
    /// fields, so the first own field is at 8).
    pub offset: u32,
    /// Size in bytes (of the whole array for arrays).
    pub size: u32,
    pub signed: bool,
    /// Element count for fixed arrays (`char comm[16]` → Some(16)).
    pub array_len: Option<u32>,
}

/// Parses one `field:...;` declaration into (type, name, array length).
fn parse_decl(decl: &str) -> (String, String, Option<u32>) {
    let decl = decl.trim();
    let (base, array_len) = match decl.strip_suffix(']').and_then(|d| d.rfind('[').map(|i| (d, i))) {
        Some((d, i)) => (d[..i].trim_end(), d[i + 1..].trim().parse::<u32>().ok()),
        None => (decl, None),
    };
    let split = base.rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).map_or(0, |i| i + 1);
    let name = base[split..].to_string();
    let ty = base[..split].trim().to_string();
    (ty, name, array_len)
}

/// Parses the text of a tracepoint `format` file into its own fields
/// (the `common_*` header fields are left out; offsets stay absolute).
pub fn parse_format(text: &str) -> Vec<Field> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        let Some(rest) = line.strip_prefix("field:") else { continue };
        let mut decl = None;
        let (mut offset, mut size, mut signed) = (None, None, false);
        for (i, part) in rest.split(';').enumerate() {
            let part = part.trim();
            if i == 0 {
                decl = Some(part);
            } else if let Some(v) = part.strip_prefix("offset:") {
                offset = v.trim().parse::<u32>().ok();
            } else if let Some(v) = part.strip_prefix("size:") {
                size = v.trim().parse::<u32>().ok();
            } else if let Some(v) = part.strip_prefix("signed:") {
                signed = v.trim() == "1";
            }
        }
        let (Some(decl), Some(offset), Some(size)) = (decl, offset, size) else { continue };
        let (ty, name, array_len) = parse_decl(decl);
        if name.starts_with("common_") || name.is_empty() {
            continue;
        }
        out.push(Field { ty, name, offset, size, signed, array_len });
    }
    out
}

/// The fields of tracepoint `category:name`.
pub fn event_format(category: &str, name: &str) -> io::Result<Vec<Field>> {
    Ok(parse_format(&std::fs::read_to_string(event_dir(category, name)?.join("format"))?))
}

#[cfg(test)]
mod tests {
    use super::*;

    const READ: &str = "name: sys_enter_read
ID: 842
format:
\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;
\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;
\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;
\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;

\tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;
\tfield:unsigned int fd;\toffset:16;\tsize:8;\tsigned:0;
\tfield:char * buf;\toffset:24;\tsize:8;\tsigned:0;
\tfield:size_t count;\toffset:32;\tsize:8;\tsigned:0;

print fmt: \"fd: 0x%08lx, buf: 0x%08lx, count: 0x%08lx\", ((unsigned long)(REC->fd))
";

    fn f(ty: &str, name: &str, offset: u32, size: u32, signed: bool, array_len: Option<u32>) -> Field {
        Field { ty: ty.into(), name: name.into(), offset, size, signed, array_len }
    }

    #[test]
    fn parses_syscall_format() {
        assert_eq!(
            parse_format(READ),
            vec![
                f("int", "__syscall_nr", 8, 4, true, None),
                f("unsigned int", "fd", 16, 8, false, None),
                f("char *", "buf", 24, 8, false, None),
                f("size_t", "count", 32, 8, false, None),
            ]
        );
    }

    #[test]
    fn parses_arrays_and_data_loc() {
        let text = "\tfield:char prev_comm[16];\toffset:8;\tsize:16;\tsigned:0;
\tfield:const char * filename;\toffset:8;\tsize:8;\tsigned:0;
\tfield:__data_loc char[] name;\toffset:12;\tsize:4;\tsigned:0;
\tfield:unsigned long args[6];\toffset:16;\tsize:48;\tsigned:0;
\tfield:long prev_state;\toffset:32;\tsize:8;\tsigned:1;
\tfield:char comm[TASK_COMM_LEN];\toffset:8;\tsize:16;\tsigned:0;
";
        assert_eq!(
            parse_format(text),
            vec![
                f("char", "prev_comm", 8, 16, false, Some(16)),
                f("const char *", "filename", 8, 8, false, None),
                f("__data_loc char[]", "name", 12, 4, false, None),
                f("unsigned long", "args", 16, 48, false, Some(6)),
                f("long", "prev_state", 32, 8, true, None),
                f("char", "comm", 8, 16, false, None),
            ]
        );
    }

    #[test]
    fn reads_live_tracefs() {
        if !crate::kernel::is_root() {
            eprintln!("skipped: not root");
            return;
        }
        let root = tracefs_root().expect("tracefs");
        assert!(root.join("events").is_dir());
        assert!(event_id("syscalls", "sys_enter_read").unwrap() > 0);
        assert!(list_events("syscalls").unwrap().iter().any(|e| e == "sys_exit_write"));
        assert!(list_categories().unwrap().iter().any(|c| c == "sched"));
        assert_eq!(list_events("no_such_category").unwrap_err().raw_os_error(), Some(libc::ENOENT));
        assert!(event_id("syscalls", "../syscalls").is_err());
        let fields = event_format("syscalls", "sys_enter_openat").unwrap();
        let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["__syscall_nr", "dfd", "filename", "flags", "mode"]);
        assert_eq!(fields[2].ty, "const char *");
        assert_eq!(fields[2].offset, 24);
    }
}
