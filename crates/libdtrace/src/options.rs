//! DTrace's options (`-x name=value`, `#pragma D option name=value`), with
//! DTrace's names, defaults and value syntax (sizes `4m`, rates `10hz`).

/// Options the compiler and session use; unknown names are rejected with
/// DTrace's message, known-but-unimplemented ones are accepted and kept.
#[derive(Clone, Debug)]
pub struct Options {
    pub quiet: bool,
    pub strsize: u32,
    pub bufsize: u64,
    pub aggsize: u64,
    pub dynvarsize: u64,
    /// Consumer wake-up rate, in ns between buffer reads.
    pub switchrate_ns: u64,
    /// Aggregation snapshot rate, in ns.
    pub aggrate_ns: u64,
    pub errtags: bool,
    pub destructive: bool,
    pub zdefs: bool,
    pub defaultargs: bool,
    pub flowindent: bool,
    pub aggsortkey: bool,
    pub aggsortrev: bool,
    pub aggsortpos: Option<u32>,
    pub aggsortkeypos: Option<u32>,
    pub aggpercpu: bool,
    pub rawbytes: bool,
    pub droptags: bool,
    pub cpu: Option<u32>,
    pub nspec: u32,
    pub specsize: u64,
    pub verbose_verifier: bool,
    /// `-v`: report backends and attach/detach timings.
    pub verbose: bool,
    /// `-x fbtbackend=fentry|kprobe` forces how fbt probes attach.
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
            aggsize: 4 << 20,
            dynvarsize: 1 << 20,
            switchrate_ns: 1_000_000_000,
            aggrate_ns: 1_000_000_000,
            errtags: false,
            destructive: false,
            zdefs: false,
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
            verbose_verifier: false,
            verbose: false,
            fbt_backend: None,
            output: None,
        }
    }
}

/// Parses a size: `N`, `Nk`, `Nm`, `Ng`, `Nt` (powers of 1024).
pub fn parse_size(v: &str) -> Option<u64> {
    let v = v.trim();
    let (num, mult) = match v.chars().last()? {
        'k' | 'K' => (&v[..v.len() - 1], 1u64 << 10),
        'm' | 'M' => (&v[..v.len() - 1], 1 << 20),
        'g' | 'G' => (&v[..v.len() - 1], 1 << 30),
        't' | 'T' => (&v[..v.len() - 1], 1 << 40),
        _ => (v, 1),
    };
    num.parse::<u64>().ok()?.checked_mul(mult)
}

/// Parses a time or rate into nanoseconds: `10hz` is a rate, `10ms` a
/// period, a bare number is a rate in hertz (DTrace's rule for rates).
pub fn parse_rate_ns(v: &str) -> Option<u64> {
    let v = v.trim();
    let digits = v.bytes().take_while(|c| c.is_ascii_digit()).count();
    let n: u64 = v[..digits].parse().ok()?;
    let unit = &v[digits..];
    let ns = match unit {
        "" | "hz" => {
            if n == 0 {
                return None;
            }
            1_000_000_000 / n
        }
        "ns" | "nsec" => n,
        "us" | "usec" => n * 1_000,
        "ms" | "msec" => n * 1_000_000,
        "s" | "sec" => n * 1_000_000_000,
        "m" | "min" => n * 60_000_000_000,
        "h" | "hour" => n * 3_600_000_000_000,
        _ => return None,
    };
    Some(ns)
}

/// Every option name DTrace accepts (so a script written for DTrace never
/// fails on an option we do not act on).
const KNOWN: &[&str] = &[
    "aggpercpu", "aggrate", "aggsize", "aggsortkey", "aggsortkeypos", "aggsortpos", "aggsortrev", "amin",
    "argref", "bufpolicy", "bufresize", "bufsize", "cleanrate", "cpp", "cpphdrs", "cpppath", "cpu", "ctypes",
    "defaultargs", "destructive", "droptags", "dtypes", "dynvarsize", "errtags", "evaltime", "flowindent",
    "grabanon", "jstackframes", "jstackstrsize", "lazyload", "ldpath", "libdir", "linkmode", "linktype",
    "modpath", "nolibs", "nspec", "pgmax", "preallocate", "procfs", "pspec", "quiet", "rawbytes",
    "specsize", "stackframes", "stackindent", "statusrate", "strsize", "switchrate", "syslibdir",
    "tree", "tregs", "udefs", "ustackframes", "verbose", "version", "zdefs", "maxframes", "temporal",
    "lockmem", "noresolve", "bpflog", "scratchsize", "iregs", "disasm", "core", "oformat",
];

impl Options {
    /// Applies `name` or `name=value`; returns DTrace's error text on failure.
    pub fn set(&mut self, opt: &str) -> Result<(), String> {
        let (name, value) = match opt.split_once('=') {
            Some((n, v)) => (n.trim(), Some(v.trim())),
            None => (opt.trim(), None),
        };
        let bad = || format!("failed to set option '{}': Invalid value for specified option", name);
        let size = |v: Option<&str>| v.and_then(parse_size).ok_or_else(bad);
        let rate = |v: Option<&str>| v.and_then(parse_rate_ns).ok_or_else(bad);
        let num = |v: Option<&str>| v.and_then(|v| v.parse::<u32>().ok()).ok_or_else(bad);
        match name {
            "quiet" => self.quiet = true,
            "strsize" => {
                let s = size(value)?;
                if !(8..=8192).contains(&s) {
                    return Err(bad());
                }
                // Our string routines want a multiple of 8.
                self.strsize = ((s + 7) & !7) as u32;
            }
            "bufsize" => self.bufsize = size(value)?,
            "aggsize" => self.aggsize = size(value)?,
            "dynvarsize" => self.dynvarsize = size(value)?,
            "switchrate" => self.switchrate_ns = rate(value)?,
            "aggrate" => self.aggrate_ns = rate(value)?,
            "errtags" => self.errtags = true,
            "destructive" => self.destructive = true,
            "zdefs" => self.zdefs = true,
            "defaultargs" => self.defaultargs = true,
            "flowindent" => self.flowindent = true,
            "aggsortkey" => self.aggsortkey = true,
            "aggsortrev" => self.aggsortrev = true,
            "aggsortpos" => self.aggsortpos = Some(num(value)?),
            "aggsortkeypos" => self.aggsortkeypos = Some(num(value)?),
            "aggpercpu" => self.aggpercpu = true,
            "rawbytes" => self.rawbytes = true,
            "droptags" => self.droptags = true,
            "cpu" => self.cpu = Some(num(value)?),
            "nspec" => self.nspec = num(value)?,
            "specsize" => self.specsize = size(value)?,
            "bpflog" => self.verbose_verifier = true,
            "verbose" => self.verbose = true,
            "fbtbackend" => match value {
                Some(v @ ("fentry" | "kprobe" | "auto")) => self.fbt_backend = Some(v.to_string()),
                _ => return Err(bad()),
            },
            n if KNOWN.contains(&n) => {}
            _ => return Err(format!("failed to set option '{}': Invalid option name", name)),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_rates() {
        assert_eq!(parse_size("4m"), Some(4 << 20));
        assert_eq!(parse_size("512"), Some(512));
        assert_eq!(parse_size("x"), None);
        assert_eq!(parse_rate_ns("10hz"), Some(100_000_000));
        assert_eq!(parse_rate_ns("10"), Some(100_000_000));
        assert_eq!(parse_rate_ns("5ms"), Some(5_000_000));
    }

    #[test]
    fn set_options() {
        let mut o = Options::default();
        o.set("quiet").unwrap();
        o.set("strsize=32").unwrap();
        assert!(o.quiet);
        assert_eq!(o.strsize, 32);
        assert!(o.set("nosuch").unwrap_err().contains("Invalid option name"));
        assert!(o.set("bufsize=zz").is_err());
    }
}
