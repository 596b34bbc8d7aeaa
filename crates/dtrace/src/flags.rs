//! DTrace's command-line flags, parsed like its getopt(3) string: option
//! letters may be grouped (`-qn`), an option's argument may be attached
//! (`-xstrsize=32`) or the next word, and the first word that is not an
//! option ends the options; the remaining words are macro arguments.

#[derive(Clone, Debug, PartialEq)]
pub enum Src {
    Script(String),
    /// The flag (n, P, m, f, i) and its argument.
    Desc(char, String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mode {
    Run,
    List,
    CompileOnly,
    Version,
    Unsupported(String),
}

/// A flag that sets a DTrace option (`-x name=value`, `-q`, `-b size`,
/// `-D name` ...), kept in command-line order as dtrace(1M) applies them.
#[derive(Clone, Debug, PartialEq)]
pub struct Setting {
    /// How a failure names the flag: `failed to set -x bufsize: ...`.
    pub label: String,
    pub name: String,
    pub value: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Flags {
    pub mode: Mode,
    pub sources: Vec<Src>,
    pub settings: Vec<Setting>,
    pub output: Option<String>,
    pub command: Option<String>,
    pub pid: Option<i32>,
    pub verbose: bool,
    pub macro_args: Vec<String>,
}

/// The option a flag without argument stands for (dtrace.c's second pass).
fn option_of_flag(c: char) -> Option<&'static str> {
    Some(match c {
        'q' => "quiet",
        'w' => "destructive",
        'F' => "flowindent",
        'H' => "cpphdrs",
        'C' => "cpp",
        'S' => "verbose",
        'Z' => "zdefs",
        _ => return None,
    })
}

/// The option a flag with an argument stands for.
fn option_of_arg_flag(c: char) -> Option<&'static str> {
    Some(match c {
        'b' => "bufsize",
        'D' => "define",
        'U' => "undef",
        'I' => "incdir",
        'L' => "libdir",
        'X' => "stdc",
        _ => return None,
    })
}

pub const USAGE: &str = "Usage: dtrace [-aACeFHlqSvVwZ] [-b bufsz] [-c cmd] [-D name[=def]]
\t[-I path] [-o output] [-p pid] [-s script] [-U name]
\t[-x opt[=val]]

\t[-P provider [[ predicate ] action ]]
\t[-m [ provider: ] module [[ predicate ] action ]]
\t[-f [[ provider: ] module: ] func [[ predicate ] action ]]
\t[-n [[[ provider: ] module: ] func: ] name [[ predicate ] action ]]
\t[-i probe-id [[ predicate ] action ]] [ args ... ]

\tpredicate -> '/' D-expression '/'
\t   action -> '{' D-statements '}'

\t-b  set trace buffer size
\t-c  run specified command and exit upon its completion
\t-C  run cpp(1) preprocessor on script files
\t-D  define symbol when invoking preprocessor
\t-e  exit after compiling request but prior to enabling probes
\t-f  enable or list probes matching the specified function name
\t-F  coalesce trace output by function
\t-i  enable or list probes matching the specified probe id
\t-I  add include directory to preprocessor search path
\t-l  list probes matching specified criteria
\t-m  enable or list probes matching the specified module name
\t-n  enable or list probes matching the specified probe name
\t-o  set output file
\t-p  grab specified process-ID and cache its symbol tables
\t-P  enable or list probes matching the specified provider name
\t-q  set quiet mode (only output explicitly traced data)
\t-s  enable or list probes according to the specified D script
\t-S  print D compiler intermediate code
\t-U  undefine symbol when invoking preprocessor
\t-v  set verbose mode (report stability attributes, arguments)
\t-V  report DTrace API version
\t-w  permit destructive actions
\t-x  enable or modify compiler and tracing options
\t-Z  permit probe descriptions that match zero probes
";

/// Option letters that take an argument.
const WITH_ARG: &str = "bcDfiILmnoOpPsUxX";
/// Option letters without one.
const NO_ARG: &str = "aACeFGhHlqSvVwZ";

pub fn parse(args: &[String]) -> Result<Flags, String> {
    let mut f = Flags {
        mode: Mode::Run,
        sources: Vec::new(),
        settings: Vec::new(),
        output: None,
        command: None,
        pid: None,
        verbose: false,
        macro_args: Vec::new(),
    };
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "--" {
            i += 1;
            break;
        }
        if !a.starts_with('-') || a.len() < 2 {
            break;
        }
        let b: Vec<char> = a[1..].chars().collect();
        let mut j = 0;
        while j < b.len() {
            let c = b[j];
            // `l` is an option without an argument in DTrace.
            if NO_ARG.contains(c) {
                if let Some(name) = option_of_flag(c) {
                    f.settings.push(Setting { label: format!("-{}", c), name: name.into(), value: None });
                }
                match c {
                    'l' => f.mode = Mode::List,
                    'e' => {
                        if f.mode != Mode::List {
                            f.mode = Mode::CompileOnly
                        }
                    }
                    'V' => f.mode = Mode::Version,
                    'v' => f.verbose = true,
                    'A' | 'a' => f.mode = Mode::Unsupported("anonymous tracing (-a, -A)".into()),
                    'G' | 'h' => f.mode = Mode::Unsupported("generating USDT headers or objects (-G, -h)".into()),
                    _ => {}
                }
                j += 1;
                continue;
            }
            if !WITH_ARG.contains(c) {
                return Err(format!("illegal option -- {}", c));
            }
            let val: String = if j + 1 < b.len() {
                b[j + 1..].iter().collect()
            } else {
                i += 1;
                match args.get(i) {
                    Some(v) => v.clone(),
                    None => return Err(format!("option requires an argument -- {}", c)),
                }
            };
            match c {
                'c' => f.command = Some(val),
                'p' => f.pid = Some(val.parse().map_err(|_| format!("invalid process ID: {}", val))?),
                'o' => f.output = Some(val),
                's' => f.sources.push(Src::Script(val)),
                'n' | 'P' | 'm' | 'f' | 'i' => f.sources.push(Src::Desc(c, val)),
                // dtrace(1M) names the option without its value on failure.
                'x' => {
                    let (name, value) = match val.split_once('=') {
                        Some((n, v)) => (n.to_string(), Some(v.to_string())),
                        None => (val, None),
                    };
                    f.settings.push(Setting { label: format!("-x {}", name), name, value });
                }
                c => {
                    if let Some(name) = option_of_arg_flag(c) {
                        f.settings.push(Setting { label: format!("-{} {}", c, val), name: name.into(), value: Some(val) });
                    }
                }
            }
            j = b.len();
        }
        i += 1;
    }
    f.macro_args = args[i.min(args.len())..].to_vec();
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(a: &[&str]) -> Flags {
        parse(&a.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap()
    }

    fn setting(label: &str, name: &str, value: Option<&str>) -> Setting {
        Setting { label: label.into(), name: name.into(), value: value.map(String::from) }
    }

    #[test]
    fn grouped_and_attached() {
        let f = p(&["-qn", "BEGIN", "-xstrsize=32", "-x", "quiet"]);
        assert_eq!(f.sources, vec![Src::Desc('n', "BEGIN".into())]);
        assert_eq!(
            f.settings,
            vec![setting("-q", "quiet", None), setting("-x strsize", "strsize", Some("32")), setting("-x quiet", "quiet", None)]
        );
    }

    #[test]
    fn option_flags_in_order() {
        let f = p(&["-C", "-DX=1", "-U", "Y", "-I/tmp", "-H", "-b", "4m", "-wFZ", "-s", "a.d"]);
        assert_eq!(
            f.settings,
            vec![
                setting("-C", "cpp", None),
                setting("-D X=1", "define", Some("X=1")),
                setting("-U Y", "undef", Some("Y")),
                setting("-I /tmp", "incdir", Some("/tmp")),
                setting("-H", "cpphdrs", None),
                setting("-b 4m", "bufsize", Some("4m")),
                setting("-w", "destructive", None),
                setting("-F", "flowindent", None),
                setting("-Z", "zdefs", None),
            ]
        );
    }

    #[test]
    fn interpreter_file_and_macro_args() {
        let f = p(&["-qs", "x.d", "a", "-b"]);
        assert_eq!(f.sources, vec![Src::Script("x.d".into())]);
        assert_eq!(f.macro_args, vec!["a", "-b"]);
    }

    #[test]
    fn order_of_n_and_s_is_kept() {
        let f = p(&["-n", "BEGIN", "-s", "a.d", "-n", "END"]);
        assert_eq!(f.sources, vec![Src::Desc('n', "BEGIN".into()), Src::Script("a.d".into()), Src::Desc('n', "END".into())]);
    }

    #[test]
    fn bad_flag() {
        assert!(parse(&["-k".to_string()]).is_err());
        assert!(parse(&["-n".to_string()]).is_err());
    }
}
