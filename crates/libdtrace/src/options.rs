//! DTrace's options: `-x name[=value]`, `#pragma D option name[=value]`,
//! the command-line flags that are options underneath (`-q`, `-b`, `-w`,
//! `-F`, `-Z`, `-S`, `-C`, `-D`, `-U`, `-I`, `-H`, `-X`, `-L`) and the
//! `setopt()` action.
//!
//! Every option name of illumos DTrace and Oracle's DTrace for Linux is
//! known (libdtrace/dt_options.c), so a script written for DTrace never
//! fails on one. [`TABLE`] gives each its value syntax, default and
//! meaning; values are parsed the way DTrace parses them and rejected with
//! its messages ("Invalid option name", "Invalid value for specified
//! option", ...). Options that do nothing here say why in their meaning;
//! the few whose DTrace behaviour this implementation cannot give are
//! refused with the reason rather than silently ignored.

use std::fmt;

/// Where an option is set from: DTrace allows some only in some places.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// `-x` and the flags that stand for options, before tracing starts.
    CommandLine,
    /// `#pragma D option` in a D program.
    Pragma,
    /// The `setopt()` action, while tracing is active.
    Tracing,
}

/// DTrace's three option tables, plus the compile-time options that
/// `#pragma` may not set (dt_pcb != NULL gives EDT_BADOPTCTX).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Compile-time (`_dtrace_ctoptions`).
    Compile,
    /// Compile-time, but not from within a D program (preprocessor and
    /// search-path options).
    CommandOnly,
    /// Run-time, fixed once tracing starts (`_dtrace_rtoptions`).
    Runtime,
    /// Run-time, may change while tracing (`_dtrace_drtoptions`).
    Dynamic,
}

/// How an option's value is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// No value allowed: `-x zdefs` (dt_opt_cflags).
    Flag,
    /// Optional (dt_opt_runtime): none sets it to 0; `yes`, `on`, `true`,
    /// `enable(d)`, `set` to 1; `no`, `off`, `false`, `disable(d)`,
    /// `unset` or an empty value unset it; else a C number (`12`, `0x1f`).
    Toggle,
    /// Optional size (dt_opt_size): a C number with an optional `k`, `m`,
    /// `g` or `t` suffix (powers of 1024); none is 0.
    Size,
    /// Optional time (dt_opt_rate): a C number of nanoseconds, or with a
    /// suffix `ns`/`nsec`, `us`/`usec`, `ms`/`msec`, `s`/`sec`, `m`/`min`,
    /// `h`/`hour`, `d`/`day`, or a rate in `hz`; none is 0.
    Time,
    /// A required decimal number.
    Number,
    /// One of the words (required).
    Choice(&'static [&'static str]),
    /// Any text (required).
    Text,
    /// A value is allowed and ignored.
    Any,
}

/// A parsed option value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Val<'a> {
    /// DTRACEOPT_UNSET (`-x quiet=no`).
    Unset,
    Num(u64),
    Text(&'a str),
}

impl Val<'_> {
    /// Set at all (DTrace tests `!= DTRACEOPT_UNSET`).
    pub fn is_set(&self) -> bool {
        *self != Val::Unset
    }

    fn num(&self) -> Option<u64> {
        match self {
            Val::Num(n) => Some(*n),
            _ => None,
        }
    }

    fn num_u32(&self) -> Option<u32> {
        self.num().map(|n| n.min(u32::MAX as u64) as u32)
    }

    fn text(&self) -> &str {
        match self {
            Val::Text(t) => t,
            _ => "",
        }
    }
}

/// Why an option could not be set, in DTrace's words where DTrace has them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OptError {
    BadName,
    BadValue,
    /// A preprocessor option in `#pragma D option`.
    Context,
    /// A run-time option changed by `setopt()` while tracing.
    Active,
    VersionFormat,
    VersionUndefined,
    /// Valid for DTrace, but this implementation cannot honour it.
    Unsupported(String),
}

impl fmt::Display for OptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            OptError::BadName => "Invalid option name",
            OptError::BadValue => "Invalid value for specified option",
            OptError::Context => "Option cannot be used from within a D program",
            OptError::Active => "Operation illegal when tracing is active",
            OptError::VersionFormat => "Version is not properly formatted or is too large",
            OptError::VersionUndefined => "Requested version is not supported by compiler",
            OptError::Unsupported(why) => why,
        })
    }
}

/// One option: how it is written and what it does.
pub struct OptSpec {
    pub name: &'static str,
    pub kind: Kind,
    pub scope: Scope,
    /// DTrace's default, as it would be written (empty: unset).
    pub default: &'static str,
    pub meaning: &'static str,
    apply: fn(&mut Options, Val) -> Result<(), OptError>,
}

/// What happens to trace records (the Dynamic Tracing Guide's "Buffers
/// and Buffering").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BufPolicy {
    /// Records are shown as they are read.
    Switch,
    /// Records are kept until the buffer fills, which stops tracing;
    /// they are shown at the end.
    Fill,
    /// The most recent records that fit are kept and shown at the end.
    Ring,
}

/// The options the compiler, session and consumer use.
#[derive(Clone, Debug)]
pub struct Options {
    pub quiet: bool,
    pub strsize: u32,
    pub bufsize: u64,
    pub bufpolicy: BufPolicy,
    pub aggsize: u64,
    pub dynvarsize: u64,
    /// Consumer wake-up rate, in ns between buffer reads.
    pub switchrate_ns: u64,
    /// Aggregation snapshot rate, in ns.
    pub aggrate_ns: u64,
    /// Drop counter read rate, in ns.
    pub statusrate_ns: u64,
    pub errtags: bool,
    pub destructive: bool,
    pub zdefs: bool,
    /// `-x empty`: a program with no clause or declaration is allowed.
    pub empty: bool,
    pub defaultargs: bool,
    pub flowindent: bool,
    pub aggsortkey: bool,
    pub aggsortrev: bool,
    pub aggsortpos: Option<u32>,
    pub aggsortkeypos: Option<u32>,
    pub aggpercpu: bool,
    pub rawbytes: bool,
    pub droptags: bool,
    /// `cpu`: trace only on this CPU (a test before every clause).
    pub cpu: Option<u32>,
    pub nspec: u32,
    pub specsize: u64,
    pub stackframes: u32,
    pub ustackframes: u32,
    pub stackindent: u32,
    /// `-S` / `-x verbose`: print the compiled code.
    pub print_code: bool,
    /// `-C` / `-x cpp`: run the C preprocessor over script files.
    pub cpp: bool,
    /// `-x cpppath`: the preprocessor to run (looked up in `PATH`).
    pub cpp_path: String,
    /// `-D`, `-U`, `-I`, `-H` (and `define`, `undef`, `incdir`, `cpphdrs`,
    /// `cppargs`), in command-line order.
    pub cpp_args: Vec<String>,
    /// `-X s`: run cpp in traditional (pre-ISO) mode.
    pub cpp_traditional: bool,
    /// `-x bpflog`: print the verifier's log when a program is refused.
    pub verbose_verifier: bool,
    /// `-v`: report backends and attach/detach timings (a flag, not an option).
    pub verbose: bool,
    /// `-x fbtbackend=fentry|kprobe|kprobe.multi|auto` forces how fbt probes attach.
    pub fbt_backend: Option<String>,
    /// `-o FILE`: the file the session's output goes to (ftruncate()
    /// truncates it); None for standard output.
    pub output: Option<String>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            quiet: false,
            strsize: 256,
            bufsize: 4 << 20,
            bufpolicy: BufPolicy::Switch,
            aggsize: 4 << 20,
            dynvarsize: 1 << 20,
            switchrate_ns: 1_000_000_000,
            aggrate_ns: 1_000_000_000,
            statusrate_ns: 1_000_000_000,
            errtags: false,
            destructive: false,
            zdefs: false,
            empty: false,
            defaultargs: false,
            flowindent: false,
            aggsortkey: false,
            aggsortrev: false,
            aggsortpos: None,
            aggsortkeypos: None,
            aggpercpu: false,
            rawbytes: false,
            droptags: false,
            cpu: None,
            nspec: 1,
            specsize: 32 << 10,
            stackframes: 20,
            ustackframes: 20,
            stackindent: 14,
            print_code: false,
            cpp: false,
            cpp_path: "cpp".into(),
            cpp_args: Vec::new(),
            cpp_traditional: false,
            verbose_verifier: false,
            verbose: false,
            fbt_backend: None,
            output: None,
        }
    }
}

fn ignore(_: &mut Options, _: Val) -> Result<(), OptError> {
    Ok(())
}

fn unsupported(why: &str) -> Result<(), OptError> {
    Err(OptError::Unsupported(why.to_string()))
}

/// `-x version=M.m[.u]`: versions up to ours (D 1.13) are accepted; the
/// compiler offers the same language whatever the version asked.
fn check_version(_: &mut Options, v: Val) -> Result<(), OptError> {
    let number = |p: &str| if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) { p.parse::<u32>().ok() } else { None };
    let parts: Option<Vec<u32>> = v.text().split('.').map(number).collect();
    let Some(n) = parts.filter(|n| (2..=3).contains(&n.len())) else { return Err(OptError::VersionFormat) };
    let (major, minor, micro) = (n[0], n[1], n.get(2).copied().unwrap_or(0));
    if major > 0xff || minor > 0xfff || micro > 0xfff {
        Err(OptError::VersionFormat)
    } else if (major, minor, micro) <= (1, 13, 0) {
        Ok(())
    } else {
        Err(OptError::VersionUndefined)
    }
}

/// The largest `stackindent`: far beyond any useful indentation.
const MAX_STACKINDENT: u64 = 65535;

/// `-x cpu=N`: N must name an online CPU, or nothing would ever fire.
/// Unset, it traces on every CPU.
fn set_cpu(o: &mut Options, v: Val) -> Result<(), OptError> {
    o.cpu = match v {
        Val::Unset => None,
        Val::Num(n) if crate::host::online_cpus().iter().any(|&c| c as u64 == n) => Some(n as u32),
        _ => return Err(OptError::BadValue),
    };
    Ok(())
}

use Kind::*;
use Scope::*;

/// Every option DTrace knows (illumos and Oracle Linux), in name order.
pub static TABLE: &[OptSpec] = &[
    OptSpec { name: "agghist", kind: Toggle, scope: Dynamic, default: "", meaning: "print aggregations as histograms (not supported)",
        apply: |_, v| if v.is_set() { unsupported("aggregation histograms (agghist) are not supported") } else { Ok(()) } },
    OptSpec { name: "aggpack", kind: Toggle, scope: Dynamic, default: "", meaning: "print aggregation histograms packed (not supported)",
        apply: |_, v| if v.is_set() { unsupported("packed aggregation histograms (aggpack) are not supported") } else { Ok(()) } },
    OptSpec { name: "aggpercpu", kind: Flag, scope: Compile, default: "", meaning: "print each aggregation value on every CPU after its total (Oracle's `    [CPU n] value` lines)",
        apply: |o, _| { o.aggpercpu = true; Ok(()) } },
    OptSpec { name: "aggrate", kind: Time, scope: Dynamic, default: "1hz", meaning: "rate of aggregation reading (aggregations are read from their maps when printed)",
        apply: |o, v| { o.aggrate_ns = v.num().unwrap_or(0); Ok(()) } },
    OptSpec { name: "aggsize", kind: Size, scope: Runtime, default: "4m", meaning: "aggregation buffer size",
        apply: |o, v| { o.aggsize = v.num().unwrap_or(0); Ok(()) } },
    OptSpec { name: "aggsortkey", kind: Toggle, scope: Dynamic, default: "", meaning: "sort aggregations by key, ties broken by value",
        apply: |o, v| { o.aggsortkey = v.is_set(); Ok(()) } },
    OptSpec { name: "aggsortkeypos", kind: Toggle, scope: Dynamic, default: "0", meaning: "position of the key that sorts first",
        apply: |o, v| { o.aggsortkeypos = v.num_u32(); Ok(()) } },
    OptSpec { name: "aggsortpos", kind: Toggle, scope: Dynamic, default: "0", meaning: "position of the aggregation that sorts a multi-aggregation printa()",
        apply: |o, v| { o.aggsortpos = v.num_u32(); Ok(()) } },
    OptSpec { name: "aggsortrev", kind: Toggle, scope: Dynamic, default: "", meaning: "reverse the aggregation sort order",
        apply: |o, v| { o.aggsortrev = v.is_set(); Ok(()) } },
    OptSpec { name: "aggzoom", kind: Toggle, scope: Dynamic, default: "", meaning: "zoom aggregation histograms (not supported)",
        apply: |_, v| if v.is_set() { unsupported("zoomed aggregation histograms (aggzoom) are not supported") } else { Ok(()) } },
    OptSpec { name: "amin", kind: Text, scope: Compile, default: "", meaning: "minimum stability attributes (accepted; stability is not checked)", apply: ignore },
    OptSpec { name: "argref", kind: Flag, scope: Compile, default: "", meaning: "allow unreferenced macro arguments (they always are here)", apply: ignore },
    OptSpec { name: "bpflog", kind: Toggle, scope: Runtime, default: "", meaning: "print the BPF verifier log when a program is refused",
        apply: |o, v| { o.verbose_verifier = v.is_set(); Ok(()) } },
    OptSpec { name: "bpflogsize", kind: Size, scope: Runtime, default: "", meaning: "BPF verifier log size (the whole log is kept)", apply: ignore },
    OptSpec { name: "bufpolicy", kind: Choice(&["ring", "fill", "switch"]), scope: Runtime, default: "switch", meaning: "principal buffer policy",
        apply: |o, v| {
            o.bufpolicy = match v.text() {
                "ring" => BufPolicy::Ring,
                "fill" => BufPolicy::Fill,
                _ => BufPolicy::Switch,
            };
            Ok(())
        } },
    OptSpec { name: "bufresize", kind: Choice(&["auto", "manual"]), scope: Runtime, default: "auto", meaning: "buffer resizing policy (buffers are never resized)", apply: ignore },
    OptSpec { name: "bufsize", kind: Size, scope: Runtime, default: "4m", meaning: "principal buffer size",
        apply: |o, v| { o.bufsize = v.num().unwrap_or(0); Ok(()) } },
    OptSpec { name: "cleanrate", kind: Time, scope: Runtime, default: "101hz", meaning: "dynamic variable cleaning rate (BPF maps need no cleaning)", apply: ignore },
    OptSpec { name: "core", kind: Flag, scope: Compile, default: "", meaning: "dump core on exit (debugging; not supported, ignored)", apply: ignore },
    OptSpec { name: "cpp", kind: Flag, scope: Compile, default: "", meaning: "run the C preprocessor on script files (-C)",
        apply: |o, _| { o.cpp = true; Ok(()) } },
    OptSpec { name: "cppargs", kind: Text, scope: CommandOnly, default: "", meaning: "extra preprocessor arguments, split at white space",
        apply: |o, v| { o.cpp_args.extend(v.text().split_whitespace().map(String::from)); Ok(()) } },
    OptSpec { name: "cpphdrs", kind: Flag, scope: CommandOnly, default: "", meaning: "print the names of included files (-H)",
        apply: |o, _| { o.cpp_args.push("-H".into()); Ok(()) } },
    OptSpec { name: "cpppath", kind: Text, scope: CommandOnly, default: "cpp", meaning: "the C preprocessor to run",
        apply: |o, v| { o.cpp_path = v.text().to_string(); Ok(()) } },
    OptSpec { name: "cpu", kind: Toggle, scope: Runtime, default: "", meaning: "trace only on this CPU (one that is online)",
        apply: set_cpu },
    OptSpec { name: "ctfpath", kind: Text, scope: CommandOnly, default: "", meaning: "CTF archive path (types come from BTF here)", apply: ignore },
    OptSpec { name: "ctypes", kind: Text, scope: Compile, default: "", meaning: "file to write C types to (CTF only; ignored)", apply: ignore },
    OptSpec { name: "debug", kind: Flag, scope: Compile, default: "", meaning: "library debugging output (ignored)", apply: ignore },
    OptSpec { name: "debugassert", kind: Choice(&["mutexes"]), scope: Compile, default: "", meaning: "library debugging assertions (ignored)", apply: ignore },
    OptSpec { name: "defaultargs", kind: Flag, scope: Compile, default: "", meaning: "unset macro arguments are 0 or \"\"",
        apply: |o, _| { o.defaultargs = true; Ok(()) } },
    OptSpec { name: "define", kind: Text, scope: CommandOnly, default: "", meaning: "define a preprocessor macro (-D)",
        apply: |o, v| { o.cpp_args.push(format!("-D{}", v.text())); Ok(()) } },
    OptSpec { name: "destructive", kind: Toggle, scope: Runtime, default: "", meaning: "allow destructive actions (-w)",
        apply: |o, v| { o.destructive = v.is_set(); Ok(()) } },
    OptSpec { name: "disasm", kind: Number, scope: Compile, default: "", meaning: "disassembly listings (use -S)", apply: ignore },
    OptSpec { name: "droptags", kind: Any, scope: Compile, default: "", meaning: "tag drop messages with their DTRACEDROP_* kind",
        apply: |o, _| { o.droptags = true; Ok(()) } },
    OptSpec { name: "dtypes", kind: Text, scope: Compile, default: "", meaning: "file to write D types to (CTF only; ignored)", apply: ignore },
    OptSpec { name: "dynvarsize", kind: Size, scope: Runtime, default: "1m", meaning: "dynamic variable space size",
        apply: |o, v| { o.dynvarsize = v.num().unwrap_or(0); Ok(()) } },
    OptSpec { name: "empty", kind: Flag, scope: Compile, default: "", meaning: "permit empty D programs",
        apply: |o, _| { o.empty = true; Ok(()) } },
    OptSpec { name: "errtags", kind: Flag, scope: Compile, default: "", meaning: "tag compiler errors with their D_* name",
        apply: |o, _| { o.errtags = true; Ok(()) } },
    OptSpec { name: "evaltime", kind: Choice(&["exec", "preinit", "postinit", "main"]), scope: Compile, default: "postinit", meaning: "when -c/-p processes are stopped for probe evaluation (ignored)", apply: ignore },
    OptSpec { name: "fbtbackend", kind: Choice(&["fentry", "kprobe", "kprobe.multi", "auto"]), scope: Runtime, default: "auto", meaning: "how fbt probes attach (this implementation's own)",
        apply: |o, v| { o.fbt_backend = Some(v.text().to_string()); Ok(()) } },
    OptSpec { name: "flowindent", kind: Toggle, scope: Dynamic, default: "", meaning: "indent function entry/return output (-F)",
        apply: |o, v| { o.flowindent = v.is_set(); Ok(()) } },
    OptSpec { name: "grabanon", kind: Toggle, scope: Runtime, default: "", meaning: "claim anonymous tracing state (-a; not supported)",
        apply: |_, v| if v.is_set() { unsupported("anonymous tracing is not supported") } else { Ok(()) } },
    OptSpec { name: "incdir", kind: Text, scope: CommandOnly, default: "", meaning: "add a preprocessor include directory (-I)",
        apply: |o, v| { o.cpp_args.push(format!("-I{}", v.text())); Ok(()) } },
    OptSpec { name: "iregs", kind: Number, scope: Compile, default: "", meaning: "DIF integer registers (no DIF here; ignored)", apply: ignore },
    OptSpec { name: "jstackframes", kind: Toggle, scope: Runtime, default: "50", meaning: "default jstack() frames (no Java stacks on Linux)", apply: ignore },
    OptSpec { name: "jstackstrsize", kind: Size, scope: Runtime, default: "512", meaning: "default jstack() string space (no Java stacks on Linux)", apply: ignore },
    OptSpec { name: "kdefs", kind: Flag, scope: Compile, default: "", meaning: "require kernel symbols to be defined", apply: ignore },
    OptSpec { name: "knodefs", kind: Flag, scope: Compile, default: "", meaning: "allow undefined kernel symbols", apply: ignore },
    OptSpec { name: "late", kind: Choice(&["dynamic", "static"]), scope: Compile, default: "static", meaning: "translator binding", apply: ignore },
    OptSpec { name: "lazyload", kind: Any, scope: Compile, default: "", meaning: "load library modules lazily", apply: ignore },
    OptSpec { name: "ldpath", kind: Text, scope: CommandOnly, default: "", meaning: "linker path for -G (not supported; ignored)", apply: ignore },
    OptSpec { name: "libdir", kind: Text, scope: Compile, default: "", meaning: "add a D library directory (-L; D libraries are not loaded here)", apply: ignore },
    OptSpec { name: "linkmode", kind: Choice(&["kernel", "primary", "dynamic", "static"]), scope: Compile, default: "kernel", meaning: "how kernel symbols are bound", apply: ignore },
    OptSpec { name: "linknommap", kind: Any, scope: Compile, default: "", meaning: "do not mmap objects when linking", apply: ignore },
    OptSpec { name: "linktype", kind: Choice(&["elf", "dof", "ELF", "DOF"]), scope: Compile, default: "elf", meaning: "object type written by -G", apply: ignore },
    OptSpec { name: "lockmem", kind: Text, scope: Runtime, default: "", meaning: "locked-memory limit, a size or unlimited (BPF memory is not charged to it)", apply: ignore },
    OptSpec { name: "maxframes", kind: Toggle, scope: Runtime, default: "127", meaning: "maximum stack frames", apply: ignore },
    OptSpec { name: "modpath", kind: Text, scope: CommandOnly, default: "", meaning: "kernel module path", apply: ignore },
    OptSpec { name: "nolibs", kind: Flag, scope: Compile, default: "", meaning: "do not load D libraries", apply: ignore },
    OptSpec { name: "noresolve", kind: Toggle, scope: Runtime, default: "", meaning: "do not resolve symbols in output", apply: ignore },
    OptSpec { name: "nspec", kind: Toggle, scope: Runtime, default: "1", meaning: "number of speculation buffers",
        apply: |o, v| { o.nspec = v.num_u32().unwrap_or(0); Ok(()) } },
    OptSpec { name: "pcapsize", kind: Size, scope: Runtime, default: "", meaning: "pcap() packet capture size", apply: ignore },
    OptSpec { name: "pgmax", kind: Number, scope: Compile, default: "", meaning: "maximum grabbed processes cached", apply: ignore },
    OptSpec { name: "preallocate", kind: Text, scope: Compile, default: "", meaning: "preallocate library memory",
        apply: |_, v| parse_size(v.text()).map(|_| ()).ok_or(OptError::BadValue) },
    OptSpec { name: "printsize", kind: Size, scope: Dynamic, default: "8k", meaning: "print() output size", apply: ignore },
    OptSpec { name: "procfspath", kind: Text, scope: CommandOnly, default: "/proc", meaning: "procfs mount point", apply: ignore },
    OptSpec { name: "pspec", kind: Flag, scope: Compile, default: "", meaning: "interpret ambiguous specifiers as probe names", apply: ignore },
    OptSpec { name: "quiet", kind: Toggle, scope: Dynamic, default: "", meaning: "output only explicitly traced data (-q)",
        apply: |o, v| { o.quiet = v.is_set(); Ok(()) } },
    OptSpec { name: "quietresize", kind: Toggle, scope: Dynamic, default: "", meaning: "no messages on buffer resizing (never resized)", apply: ignore },
    OptSpec { name: "rawbytes", kind: Toggle, scope: Dynamic, default: "", meaning: "print trace() data as hexadecimal dumps",
        apply: |o, v| { o.rawbytes = v.is_set(); Ok(()) } },
    OptSpec { name: "scratchsize", kind: Size, scope: Runtime, default: "", meaning: "scratch space size", apply: ignore },
    OptSpec { name: "specsize", kind: Size, scope: Runtime, default: "32k", meaning: "speculation buffer size",
        apply: |o, v| { o.specsize = v.num().unwrap_or(0); Ok(()) } },
    OptSpec { name: "stackframes", kind: Toggle, scope: Runtime, default: "20", meaning: "default stack() frames",
        apply: |o, v| { o.stackframes = v.num_u32().unwrap_or(0); Ok(()) } },
    OptSpec { name: "stackindent", kind: Toggle, scope: Dynamic, default: "14", meaning: "indentation of stack() and ustack() frames (at most 65535)",
        apply: |o, v| match v.num().unwrap_or(0) {
            // Each record's text is built in memory: a bound keeps it there.
            n @ 0..=MAX_STACKINDENT => { o.stackindent = n as u32; Ok(()) }
            _ => Err(OptError::BadValue),
        } },
    OptSpec { name: "statusrate", kind: Time, scope: Runtime, default: "1hz", meaning: "rate of status (drop) checks",
        apply: |o, v| { o.statusrate_ns = v.num().unwrap_or(0); Ok(()) } },
    OptSpec { name: "stdc", kind: Choice(&["a", "c", "s", "t"]), scope: CommandOnly, default: "a", meaning: "ISO C mode of the preprocessor (-X; s is traditional cpp, the others C99)",
        apply: |o, v| { o.cpp_traditional = v.text() == "s"; Ok(()) } },
    OptSpec { name: "strip", kind: Flag, scope: Compile, default: "", meaning: "strip objects written by -G", apply: ignore },
    OptSpec { name: "strsize", kind: Size, scope: Runtime, default: "256", meaning: "string size: the characters a string keeps, as in Oracle's DTrace (at least 2, DTrace's minimum; at most 8192 here)",
        apply: |o, v| match v.num().unwrap_or(0) {
            // dt_opt_strsize(): room for DT_NULL_STRING's two bytes at least.
            0..=1 => Err(OptError::BadValue),
            s @ 2..=8192 => { o.strsize = s as u32; Ok(()) }
            _ => unsupported("strsize must be between 2 and 8192 here"),
        } },
    OptSpec { name: "switchrate", kind: Time, scope: Dynamic, default: "1hz", meaning: "rate of principal buffer reads",
        apply: |o, v| { o.switchrate_ns = v.num().unwrap_or(0); Ok(()) } },
    OptSpec { name: "syslibdir", kind: Text, scope: Compile, default: "", meaning: "system D library directory", apply: ignore },
    OptSpec { name: "sysslice", kind: Text, scope: Compile, default: "", meaning: "systemd slice of system processes", apply: ignore },
    OptSpec { name: "temporal", kind: Toggle, scope: Runtime, default: "", meaning: "output in time order (it always is: one ring buffer)", apply: ignore },
    OptSpec { name: "tree", kind: Number, scope: Compile, default: "", meaning: "dump parse trees (debugging; ignored)", apply: ignore },
    OptSpec { name: "tregs", kind: Number, scope: Compile, default: "", meaning: "DIF tuple registers (no DIF here; ignored)", apply: ignore },
    OptSpec { name: "udefs", kind: Flag, scope: Compile, default: "", meaning: "require user symbols to be defined", apply: ignore },
    OptSpec { name: "undef", kind: Text, scope: CommandOnly, default: "", meaning: "undefine a preprocessor macro (-U)",
        apply: |o, v| { o.cpp_args.push(format!("-U{}", v.text())); Ok(()) } },
    OptSpec { name: "unodefs", kind: Flag, scope: Compile, default: "", meaning: "allow undefined user symbols", apply: ignore },
    OptSpec { name: "useruid", kind: Number, scope: Compile, default: "", meaning: "lowest uid of user processes", apply: ignore },
    OptSpec { name: "ustackframes", kind: Toggle, scope: Runtime, default: "20", meaning: "default ustack() frames",
        apply: |o, v| { o.ustackframes = v.num_u32().unwrap_or(0); Ok(()) } },
    OptSpec { name: "verbose", kind: Flag, scope: Compile, default: "", meaning: "print the compiled code (-S)",
        apply: |o, _| { o.print_code = true; Ok(()) } },
    OptSpec { name: "version", kind: Text, scope: Compile, default: "1.13", meaning: "D language version to accept", apply: check_version },
    OptSpec { name: "zdefs", kind: Flag, scope: Compile, default: "", meaning: "permit probe descriptions that match no probes (-Z)",
        apply: |o, _| { o.zdefs = true; Ok(()) } },
];

/// Looks an option up by name.
pub fn spec(name: &str) -> Option<&'static OptSpec> {
    TABLE.iter().find(|s| s.name == name)
}

/// Splits `name=value` at the first `=`, as dtrace(1M) and `#pragma` do.
pub fn split(opt: &str) -> (&str, Option<&str>) {
    match opt.split_once('=') {
        Some((n, v)) => (n, Some(v)),
        None => (opt, None),
    }
}

impl Kind {
    /// Parses a value the way this kind's DTrace handler does.
    pub fn parse(self, value: Option<&str>) -> Result<Val<'_>, OptError> {
        let bad = Err(OptError::BadValue);
        match (self, value) {
            (Flag, Some(_)) => bad,
            (Flag, None) | (Any, _) => Ok(Val::Num(1)),
            (Toggle | Size | Time, None) => Ok(Val::Num(0)),
            (Toggle, Some(v)) => parse_toggle(v).ok_or(OptError::BadValue),
            (Size, Some(v)) => parse_size(v).map(Val::Num).ok_or(OptError::BadValue),
            (Time, Some(v)) => parse_time_ns(v).map(Val::Num).ok_or(OptError::BadValue),
            (Number | Choice(_) | Text, None) => bad,
            (Number, Some(v)) => v.parse::<u64>().map(Val::Num).map_err(|_| OptError::BadValue),
            (Choice(words), Some(v)) if words.contains(&v) => Ok(Val::Text(v)),
            (Choice(_), Some(_)) => bad,
            (Text, Some(v)) => Ok(Val::Text(v)),
        }
    }
}

/// dt_opt_runtime(): the yes/no words, an empty value, or a number.
fn parse_toggle(v: &str) -> Option<Val<'_>> {
    const WORDS: [(&str, &str); 6] =
        [("yes", "no"), ("enable", "disable"), ("enabled", "disabled"), ("true", "false"), ("on", "off"), ("set", "unset")];
    if v.is_empty() || WORDS.iter().any(|(_, no)| no.eq_ignore_ascii_case(v)) {
        return Some(Val::Unset);
    }
    if WORDS.iter().any(|(yes, _)| yes.eq_ignore_ascii_case(v)) {
        return Some(Val::Num(1));
    }
    match parse_c_number(v)? {
        (n, "") => Some(Val::Num(n)),
        _ => None,
    }
}

/// strtoull(s, &end, 0) for non-negative values that fit an int64_t:
/// the number (0 when there are no digits) and the rest of the text.
/// `None` for negative or too large numbers.
fn parse_c_number(s: &str) -> Option<(u64, &str)> {
    let t = s.trim_start();
    let t = t.strip_prefix('+').unwrap_or(t);
    if t.starts_with('-') {
        return None;
    }
    let (radix, digits) = match t.as_bytes() {
        [b'0', b'x' | b'X', c, ..] if c.is_ascii_hexdigit() => (16, &t[2..]),
        [b'0', ..] => (8, t),
        _ => (10, t),
    };
    let len = digits.bytes().take_while(|c| (*c as char).is_digit(radix)).count();
    if len == 0 {
        return Some((0, s));
    }
    let n = u64::from_str_radix(&digits[..len], radix).ok().filter(|n| *n <= i64::MAX as u64)?;
    Some((n, &digits[len..]))
}

/// Parses a size (dt_optval_parse()): a C number with an optional `k`,
/// `m`, `g` or `t` suffix (powers of 1024).
pub fn parse_size(v: &str) -> Option<u64> {
    let shift = match v.bytes().last()? {
        b'k' | b'K' => 10,
        b'm' | b'M' => 20,
        b'g' | b'G' => 30,
        b't' | b'T' => 40,
        _ => 0,
    };
    let num = if shift > 0 { &v[..v.len() - 1] } else { v };
    match parse_c_number(num)? {
        (n, "") if !num.is_empty() => n.checked_mul(1 << shift).filter(|n| *n <= i64::MAX as u64),
        _ => None,
    }
}

/// Parses a time into nanoseconds (dt_opt_rate()): a C number of
/// nanoseconds, with an optional unit suffix (any case), or a rate in `hz`
/// (`0hz` is 0).
pub fn parse_time_ns(v: &str) -> Option<u64> {
    const UNITS: [(&str, u64); 14] = [
        ("ns", 1),
        ("nsec", 1),
        ("us", 1_000),
        ("usec", 1_000),
        ("ms", 1_000_000),
        ("msec", 1_000_000),
        ("s", 1_000_000_000),
        ("sec", 1_000_000_000),
        ("m", 60_000_000_000),
        ("min", 60_000_000_000),
        ("h", 3_600_000_000_000),
        ("hour", 3_600_000_000_000),
        ("d", 86_400_000_000_000),
        ("day", 86_400_000_000_000),
    ];
    let (n, unit) = parse_c_number(v)?;
    if unit.eq_ignore_ascii_case("hz") {
        return Some(1_000_000_000u64.checked_div(n).unwrap_or(0));
    }
    let mul = match UNITS.iter().find(|(u, _)| u.eq_ignore_ascii_case(unit)) {
        Some((_, m)) => *m,
        None if unit.is_empty() => 1,
        None => return None,
    };
    n.checked_mul(mul)
}

impl Options {
    /// Sets option `name` (with `value`, if any) as DTrace's
    /// dtrace_setopt() would from `origin`.
    pub fn set(&mut self, origin: Origin, name: &str, value: Option<&str>) -> Result<(), OptError> {
        let spec = spec(name).ok_or(OptError::BadName)?;
        match (origin, spec.scope) {
            (Origin::Pragma, CommandOnly) => return Err(OptError::Context),
            (Origin::Tracing, Runtime) => return Err(OptError::Active),
            _ => {}
        }
        let v = spec.kind.parse(value)?;
        (spec.apply)(self, v)
    }

}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(o: &mut Options, s: &str) -> Result<(), OptError> {
        let (n, v) = split(s);
        o.set(Origin::CommandLine, n, v)
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("4m"), Some(4 << 20));
        assert_eq!(parse_size("512"), Some(512));
        assert_eq!(parse_size("0x10k"), Some(16 << 10));
        assert_eq!(parse_size("1T"), Some(1 << 40));
        for bad in ["x", "", "k", "4q", "-1", "4 m", "99999999999t"] {
            assert_eq!(parse_size(bad), None, "{}", bad);
        }
    }

    #[test]
    fn times() {
        assert_eq!(parse_time_ns("10hz"), Some(100_000_000));
        assert_eq!(parse_time_ns("10HZ"), Some(100_000_000));
        assert_eq!(parse_time_ns("0hz"), Some(0));
        // A bare number is nanoseconds (dt_opt_rate()'s multiplier 1).
        assert_eq!(parse_time_ns("10"), Some(10));
        assert_eq!(parse_time_ns("5ms"), Some(5_000_000));
        assert_eq!(parse_time_ns("2sec"), Some(2_000_000_000));
        assert_eq!(parse_time_ns("1d"), Some(86_400_000_000_000));
        assert_eq!(parse_time_ns("10 parsecs"), None);
        assert_eq!(parse_time_ns("-1s"), None);
    }

    #[test]
    fn toggles() {
        let mut o = Options::default();
        set(&mut o, "quiet").unwrap();
        assert!(o.quiet);
        set(&mut o, "quiet=no").unwrap();
        assert!(!o.quiet);
        set(&mut o, "quiet=ON").unwrap();
        assert!(o.quiet);
        set(&mut o, "quiet=").unwrap();
        assert!(!o.quiet);
        set(&mut o, "aggsortkeypos").unwrap();
        assert_eq!(o.aggsortkeypos, Some(0));
        set(&mut o, "aggsortkeypos=0x2").unwrap();
        assert_eq!(o.aggsortkeypos, Some(2));
        set(&mut o, "aggsortkeypos=010").unwrap();
        assert_eq!(o.aggsortkeypos, Some(8));
        assert_eq!(set(&mut o, "aggsortpos=-1"), Err(OptError::BadValue));
        assert_eq!(set(&mut o, "aggsortpos=1x"), Err(OptError::BadValue));
    }

    #[test]
    fn names_values_and_places() {
        let mut o = Options::default();
        assert_eq!(set(&mut o, "nosuch"), Err(OptError::BadName));
        assert_eq!(OptError::BadName.to_string(), "Invalid option name");
        assert_eq!(set(&mut o, "bufsize=zz"), Err(OptError::BadValue));
        assert_eq!(set(&mut o, "zdefs=1"), Err(OptError::BadValue));
        assert_eq!(set(&mut o, "bufpolicy=rings"), Err(OptError::BadValue));
        set(&mut o, "bufpolicy=ring").unwrap();
        assert_eq!(o.bufpolicy, BufPolicy::Ring);
        set(&mut o, "bufpolicy=switch").unwrap();
        assert_eq!(o.bufpolicy, BufPolicy::Switch);
        set(&mut o, "strsize=32").unwrap();
        assert_eq!(o.strsize, 32);
        set(&mut o, "strsize=2").unwrap();
        assert_eq!(o.strsize, 2);
        assert_eq!(set(&mut o, "strsize=1"), Err(OptError::BadValue));
        assert_eq!(set(&mut o, "stackindent=65536"), Err(OptError::BadValue));
        assert_eq!(set(&mut o, "cpu=4294967296"), Err(OptError::BadValue));
        set(&mut o, "cpu=no").unwrap();
        assert_eq!(o.cpu, None);
        set(&mut o, "switchrate=10hz").unwrap();
        assert_eq!(o.switchrate_ns, 100_000_000);
        assert_eq!(o.set(Origin::Pragma, "define", Some("X")), Err(OptError::Context));
        assert_eq!(o.set(Origin::Tracing, "bufsize", Some("1m")), Err(OptError::Active));
        o.set(Origin::Tracing, "aggsortrev", None).unwrap();
        assert!(o.aggsortrev);
        set(&mut o, "define=X=1").unwrap();
        set(&mut o, "cpphdrs").unwrap();
        assert_eq!(o.cpp_args, vec!["-DX=1", "-H"]);
        set(&mut o, "version=1.6.2").unwrap();
        assert_eq!(set(&mut o, "version=9.0"), Err(OptError::VersionUndefined));
        assert_eq!(set(&mut o, "version=x"), Err(OptError::VersionFormat));
    }

    #[test]
    fn table_is_sorted_and_unique() {
        for w in TABLE.windows(2) {
            assert!(w[0].name < w[1].name, "{} {}", w[0].name, w[1].name);
        }
    }
}
