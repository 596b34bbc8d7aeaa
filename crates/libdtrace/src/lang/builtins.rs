//! The built-in functions of D, each once: every action, subroutine and
//! aggregating function, with its kind, DTrace's prototype, and what the
//! rest of the compiler asks about it (destructive, data-recording, may
//! return a NULL string). Sema checks each call against the prototype
//! here, with DTrace's D_PROTO_LEN and D_PROTO_ARG messages; which
//! arguments are strings and a subroutine's result type come from it too.
//!
//! A new built-in is one line in the table below and one arm, for its
//! [`Id`], in the code generator's dispatch (`cg/codegen/builtin.rs`), whose
//! `match` has no catch-all: the crate does not build until the arm exists.
//!
//! Prototypes are written as Oracle's DTrace writes them (`_dtrace_globals`
//! in libdtrace/dt_open.c; illumos's dt_open.c for the functions Oracle
//! lacks): `result(param, [optional], ...)`, where `@` takes any type and
//! `...` any number of further arguments.

use super::ast::{Expr, ExprKind};
use super::diag::CompileError;
use super::types::{self, Type};

/// What a built-in is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A statement that records or does something; it has no value.
    Action,
    /// A function with a value.
    Subroutine,
    /// Only on the right of `@name[keys] =`.
    Aggregating,
}

/// Needs destructive actions allowed (-w).
pub const DESTRUCTIVE: u8 = 1;
/// Records data (DTrace's ordering rules around speculate/commit).
pub const DATA: u8 = 2;
/// Returns NULL rather than a string when it finds nothing.
pub const NULL_STRING: u8 = 4;

/// One built-in function.
#[derive(Debug)]
pub struct Builtin {
    pub id: Id,
    pub name: &'static str,
    pub kind: Kind,
    /// [`DESTRUCTIVE`], [`DATA`], [`NULL_STRING`].
    pub flags: u8,
    /// DTrace's prototype, e.g. `string(const char *, int, [int])`.
    pub proto: &'static str,
}

macro_rules! builtins {
    ($($id:ident $name:literal $kind:ident $flags:expr, $proto:literal;)*) => {
        /// Names each built-in for the code generator's dispatch.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Id { $($id),* }

        /// Every built-in function.
        pub static BUILTINS: &[Builtin] = &[
            $(Builtin { id: Id::$id, name: $name, kind: Kind::$kind, flags: $flags, proto: $proto }),*
        ];
    };
}

builtins! {
    // Actions.
    Trace       "trace"       Action DATA, "void(@)";
    Printf      "printf"      Action DATA, "void(string, ...)";
    Printa      "printa"      Action DATA, "void(@, ...)";
    // illumos's prototype: print() takes a value of any type here.
    Print       "print"       Action DATA, "void(@)";
    Tracemem    "tracemem"    Action DATA, "void(@, size_t, [size_t])";
    Stack       "stack"       Action DATA, "stack([uint32_t])";
    Ustack      "ustack"      Action DATA, "stack([uint32_t], [uint32_t])";
    Jstack      "jstack"      Action DATA, "stack([uint32_t], [uint32_t])";
    Func        "func"        Action DATA, "_symaddr(uintptr_t)";
    Sym         "sym"         Action DATA, "_symaddr(uintptr_t)";
    Mod         "mod"         Action DATA, "_symaddr(uintptr_t)";
    Ufunc       "ufunc"       Action DATA, "_usymaddr(uintptr_t)";
    Usym        "usym"        Action DATA, "_usymaddr(uintptr_t)";
    Umod        "umod"        Action DATA, "_usymaddr(uintptr_t)";
    Uaddr       "uaddr"       Action DATA, "_usymaddr(uintptr_t)";
    Exit        "exit"        Action 0, "void(int)";
    Speculate   "speculate"   Action 0, "void(int)";
    Commit      "commit"      Action 0, "void(int)";
    Discard     "discard"     Action 0, "void(int)";
    Clear       "clear"       Action 0, "void(@)";
    Denormalize "denormalize" Action 0, "void(@)";
    Normalize   "normalize"   Action 0, "void(@, uint64_t)";
    Trunc       "trunc"       Action 0, "void(@, [int64_t])";
    Setopt      "setopt"      Action 0, "void(const char *, [const char *])";
    Ftruncate   "ftruncate"   Action 0, "void()";
    System      "system"      Action DESTRUCTIVE, "void(@, ...)";
    Freopen     "freopen"     Action DESTRUCTIVE, "void(@, ...)";
    Raise       "raise"       Action DESTRUCTIVE, "void(int)";
    Stop        "stop"        Action DESTRUCTIVE, "void()";
    Chill       "chill"       Action DESTRUCTIVE, "void(int)";
    Copyout     "copyout"     Action DESTRUCTIVE, "void(void *, uintptr_t, size_t)";
    Copyoutstr  "copyoutstr"  Action DESTRUCTIVE, "void(char *, uintptr_t, size_t)";
    Breakpoint  "breakpoint"  Action DESTRUCTIVE, "void()";
    Panic       "panic"       Action DESTRUCTIVE, "void()";
    // Subroutines.
    Strlen      "strlen"      Subroutine 0, "size_t(const char *)";
    Strjoin     "strjoin"     Subroutine 0, "string(const char *, const char *)";
    Copyinstr   "copyinstr"   Subroutine 0, "string(uintptr_t, [size_t])";
    Copyin      "copyin"      Subroutine 0, "void *(uintptr_t, size_t)";
    Copyinto    "copyinto"    Subroutine 0, "void(uintptr_t, size_t, void *)";
    Stringof    "stringof"    Subroutine 0, "string(@)";
    Speculation "speculation" Subroutine 0, "int()";
    Rand        "rand"        Subroutine 0, "int()";
    Strchr      "strchr"      Subroutine NULL_STRING, "string(const char *, char)";
    Strrchr     "strrchr"     Subroutine NULL_STRING, "string(const char *, char)";
    Strstr      "strstr"      Subroutine NULL_STRING, "string(const char *, const char *)";
    Strtok      "strtok"      Subroutine NULL_STRING, "string(const char *, const char *)";
    Json        "json"        Subroutine NULL_STRING, "string(const char *, const char *)";
    Index       "index"       Subroutine 0, "int(const char *, const char *, [int])";
    Rindex      "rindex"      Subroutine 0, "int(const char *, const char *, [int])";
    Substr      "substr"      Subroutine 0, "string(const char *, int, [int])";
    Toupper     "toupper"     Subroutine 0, "string(const char *)";
    Tolower     "tolower"     Subroutine 0, "string(const char *)";
    Basename    "basename"    Subroutine 0, "string(const char *)";
    Dirname     "dirname"     Subroutine 0, "string(const char *)";
    Cleanpath   "cleanpath"   Subroutine 0, "string(const char *)";
    Lltostr     "lltostr"     Subroutine 0, "string(int64_t, [int])";
    Strtoll     "strtoll"     Subroutine 0, "int64_t(const char *, [int])";
    Htons       "htons"       Subroutine 0, "uint16_t(uint16_t)";
    Ntohs       "ntohs"       Subroutine 0, "uint16_t(uint16_t)";
    Htonl       "htonl"       Subroutine 0, "uint32_t(uint32_t)";
    Ntohl       "ntohl"       Subroutine 0, "uint32_t(uint32_t)";
    Htonll      "htonll"      Subroutine 0, "uint64_t(uint64_t)";
    Ntohll      "ntohll"      Subroutine 0, "uint64_t(uint64_t)";
    InetNtoa    "inet_ntoa"   Subroutine 0, "string(ipaddr_t *)";
    InetNtoa6   "inet_ntoa6"  Subroutine 0, "string(in6_addr_t *)";
    InetNtop    "inet_ntop"   Subroutine 0, "string(int, void *)";
    Progenyof   "progenyof"   Subroutine 0, "int(pid_t)";
    Alloca      "alloca"      Subroutine 0, "void *(size_t)";
    Bcopy       "bcopy"       Subroutine 0, "void(void *, void *, size_t)";
    DPath       "d_path"      Subroutine 0, "string(struct path *)";
    // The library's translators: a process's arguments, where a file's
    // file system is mounted.
    Psargs      "__psargs"    Subroutine 0, "string(@, @)";
    MountPoint  "__mount_point" Subroutine 0, "string(@)";
    // Aggregating functions. The optional last argument of the
    // quantizations is the increment, which Oracle's prototype leaves to
    // `...` and its code generator bounds (dt_cg_agg_opt_incr).
    Count       "count"       Aggregating 0, "void()";
    Sum         "sum"         Aggregating 0, "void(@)";
    Avg         "avg"         Aggregating 0, "void(@)";
    Min         "min"         Aggregating 0, "void(@)";
    Max         "max"         Aggregating 0, "void(@)";
    Stddev      "stddev"      Aggregating 0, "void(@)";
    Quantize    "quantize"    Aggregating 0, "void(@, [int64_t])";
    Lquantize   "lquantize"   Aggregating 0, "void(@, int32_t, int32_t, int32_t, [int64_t])";
    Llquantize  "llquantize"  Aggregating 0, "void(@, int32_t, int32_t, int32_t, int32_t, [int64_t])";
}

/// The built-in called `name`.
pub fn lookup(name: &str) -> Option<&'static Builtin> {
    BUILTINS.iter().find(|b| b.name == name)
}

/// What a parameter accepts, from its type's name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Param {
    /// `@`: anything.
    Any,
    /// `string`: a string or a `char` array or pointer.
    Str,
    /// `const char *`, `char *`: a string, or NULL.
    StrPtr,
    /// `void *`: a pointer, an integer address or a string.
    Mem,
    /// Another pointer, or `uintptr_t`: a pointer or an integer address.
    Addr,
    /// An integer type.
    Int,
}

impl Param {
    fn of(type_name: &str) -> Param {
        match type_name {
            "@" => Param::Any,
            "string" => Param::Str,
            "const char *" | "char *" => Param::StrPtr,
            "void *" => Param::Mem,
            "uintptr_t" => Param::Addr,
            t if t.ends_with('*') => Param::Addr,
            _ => Param::Int,
        }
    }
}

/// A prototype taken apart.
pub struct Proto {
    pub result: &'static str,
    /// Each parameter's type name, as written.
    pub params: Vec<&'static str>,
    /// How many parameters are required (the rest are optional).
    pub required: usize,
    /// Whether further arguments may follow (`...`).
    pub varargs: bool,
}

impl Builtin {
    pub fn has(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }

    pub fn proto(&self) -> Proto {
        let (result, rest) = self.proto.split_once('(').expect("prototype has a parameter list");
        let inner = rest.strip_suffix(')').expect("prototype ends its parameter list");
        let mut p = Proto { result: result.trim(), params: Vec::new(), required: 0, varargs: false };
        for t in inner.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            if t == "..." {
                p.varargs = true;
            } else if let Some(opt) = t.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
                p.params.push(opt);
            } else {
                p.params.push(t);
                p.required = p.params.len();
            }
        }
        p
    }

    /// Whether argument `i` is a string (so a `char []` or `char *`
    /// argument is read as one): a subroutine's `const char *` parameters.
    pub fn string_param(&self, i: usize) -> bool {
        self.kind == Kind::Subroutine && self.proto().params.get(i) == Some(&"const char *")
    }

    /// A subroutine's result type (void for the others).
    pub fn result_type(&self) -> Type {
        match self.kind {
            Kind::Subroutine => c_type(self.proto().result).expect("result type of a subroutine"),
            _ => Type::Void,
        }
    }

    /// DTrace's D_PROTO_LEN error for `n` arguments, if they do not fit
    /// (dt_idcook_sign() in Oracle's dt_ident.c).
    pub fn check_len(&self, line: u32, n: usize) -> Result<(), CompileError> {
        let p = self.proto();
        let (cmp, limit) = if p.varargs || p.required < p.params.len() {
            if n < p.required {
                ("at least ", p.required)
            } else if !p.varargs && n > p.params.len() {
                ("at most ", p.params.len())
            } else {
                return Ok(());
            }
        } else if n != p.required {
            ("", p.required)
        } else {
            return Ok(());
        };
        Err(CompileError::new(
            line,
            "D_PROTO_LEN",
            format!(
                "{}( ) prototype mismatch: {} arg{} passed, {}{} expected",
                self.name,
                n,
                if n == 1 { "" } else { "s" },
                cmp,
                limit
            ),
        ))
    }

    /// Checks each argument against its parameter; `type_of` types an
    /// argument, `is_null` tells a NULL (integer constant 0) pointer.
    pub fn check_args(
        &self,
        line: u32,
        args: &[Expr],
        type_of: impl Fn(&Expr) -> Result<Type, CompileError>,
        is_null: impl Fn(&Expr) -> bool,
    ) -> Result<(), CompileError> {
        self.check_len(line, args.len())?;
        for (i, (param, arg)) in self.proto().params.iter().zip(args).enumerate() {
            let kind = Param::of(param);
            if kind == Param::Any {
                continue;
            }
            let t = type_of(arg)?;
            let ok = match kind {
                Param::Any => true,
                Param::Str => t.is_strcompat(),
                Param::StrPtr => t.is_strcompat() || is_null(arg),
                Param::Mem => t.decayed().is_scalar() || t.is_str(),
                Param::Addr => t.decayed().is_scalar(),
                Param::Int => t.is_int(),
            };
            if !ok {
                return Err(arg_mismatch(line, self.name, i, param.trim_start_matches("const "), &t));
            }
        }
        Ok(())
    }
}

/// DTrace's D_PROTO_ARG message for argument `i` (0-based).
pub fn arg_mismatch(line: u32, name: &str, i: usize, proto: &str, t: &Type) -> CompileError {
    CompileError::new(
        line,
        "D_PROTO_ARG",
        format!(
            "{}( ) argument #{} is incompatible with prototype:\n\tprototype: {}\n\t argument: {}",
            name,
            i + 1,
            proto,
            t
        ),
    )
}

/// The type a prototype's type name stands for.
fn c_type(name: &str) -> Option<Type> {
    match name.strip_suffix('*') {
        Some(p) => Some(Type::Ptr(Box::new(c_type(p.trim())?))),
        None => types::base_type(name),
    }
}

/// Whether `e` is a call of an action (which has no value).
pub fn is_action_call(e: &Expr) -> bool {
    matches!(&e.kind, ExprKind::Call { name, .. } if lookup(name).is_some_and(|b| b.kind == Kind::Action))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_prototype_reads() {
        for b in BUILTINS {
            let p = b.proto();
            assert!(p.required <= p.params.len(), "{}", b.name);
            for t in &p.params {
                let k = Param::of(t);
                assert!(k != Param::Int || types::base_type(t).is_some_and(|t| t.is_int()), "{}: {}", b.name, t);
            }
            if b.kind == Kind::Subroutine {
                assert!(c_type(p.result).is_some(), "{}: {}", b.name, p.result);
            }
            assert_eq!(lookup(b.name).map(|x| x.id), Some(b.id), "{} is listed once", b.name);
        }
    }

    #[test]
    fn length_messages_follow_oracle() {
        let msg = |name: &str, n| lookup(name).unwrap().check_len(1, n).err().map(|e| e.msg);
        let mismatch = |s: &str| Some(s.to_string());
        assert_eq!(msg("ftruncate", 1), mismatch("ftruncate( ) prototype mismatch: 1 arg passed, 0 expected"));
        assert_eq!(msg("setopt", 0), mismatch("setopt( ) prototype mismatch: 0 args passed, at least 1 expected"));
        assert_eq!(msg("setopt", 3), mismatch("setopt( ) prototype mismatch: 3 args passed, at most 2 expected"));
        assert_eq!(msg("substr", 4), mismatch("substr( ) prototype mismatch: 4 args passed, at most 3 expected"));
        assert_eq!(msg("tracemem", 1), mismatch("tracemem( ) prototype mismatch: 1 arg passed, at least 2 expected"));
        assert_eq!(msg("printf", 0), mismatch("printf( ) prototype mismatch: 0 args passed, at least 1 expected"));
        assert_eq!(msg("strtok", 3), mismatch("strtok( ) prototype mismatch: 3 args passed, 2 expected"));
        assert_eq!(msg("printf", 9), None);
        assert_eq!(msg("substr", 3), None);
    }

    #[test]
    fn results_and_strings() {
        assert_eq!(lookup("strlen").unwrap().result_type(), Type::ULONG);
        assert_eq!(lookup("htons").unwrap().result_type(), Type::Int { size: 2, signed: false });
        assert_eq!(lookup("alloca").unwrap().result_type(), Type::Ptr(Box::new(Type::Void)));
        assert!(lookup("strjoin").unwrap().string_param(1));
        assert!(!lookup("substr").unwrap().string_param(1));
        assert!(!lookup("setopt").unwrap().string_param(0));
    }
}
