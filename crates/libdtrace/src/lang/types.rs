//! D's types as the compiler sees them, and C's conversion rules.

use super::ast::TypeName;
use std::fmt;
use std::sync::Arc;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Type {
    /// An integer of 1, 2, 4 or 8 bytes.
    Int { size: u8, signed: bool },
    /// D's `string`: a NUL-terminated buffer of at most `strsize` bytes.
    Str,
    /// A pointer; the pointee gives member access, `*` and arithmetic.
    Ptr(Box<Type>),
    Void,
    /// `elem [len]`. As a value, an array is its address (kernel memory).
    Array(Box<Type>, u32),
    /// A struct or union. As a value, its address (kernel memory).
    Struct(Arc<Composite>),
    /// `stack()` / `ustack()`: up to `frames` program counters, preceded by
    /// the process id for a user stack and followed by one spare frame for
    /// a kernel stack (see `Consumer::value`). Only recorded.
    Stack { user: bool, frames: u32 },
    /// An address printed as a symbol: `func()`/`sym()`, `mod()`, and the
    /// user ones (`ufunc()`/`usym()`, `umod()`, `uaddr()`), which record the
    /// process id before the address. DTrace's `_symaddr`/`_usymaddr`.
    Sym(SymKind),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymKind {
    Sym,
    Mod,
    USym,
    UMod,
    UAddr,
}

impl SymKind {
    pub fn user(self) -> bool {
        matches!(self, SymKind::USym | SymKind::UMod | SymKind::UAddr)
    }
}

/// A struct or union type: from the kernel's BTF (members read on demand,
/// so self-referencing kernel types cost nothing) or declared in D.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Composite {
    pub name: String,
    pub is_union: bool,
    pub size: u64,
    /// Alignment as C lays it out (8 for a kernel type).
    pub align: u64,
    pub src: CompositeSrc,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CompositeSrc {
    /// A BTF type id in vmlinux.
    Btf(u32),
    /// Declared in the script, members laid out as C does.
    User(Vec<Field>),
    /// A forward declaration with no known body.
    Incomplete,
}

/// A member of a struct or union.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    /// From the start of the struct (anonymous members flattened).
    pub offset_bits: u64,
    /// Width of a bitfield; 0 for ordinary members.
    pub bits: u32,
    pub ty: Type,
    /// The type as declared (typedef names kept), for print().
    pub type_name: String,
}

impl Type {
    pub const INT: Type = Type::Int { size: 4, signed: true };
    pub const UINT: Type = Type::Int { size: 4, signed: false };
    pub const LONG: Type = Type::Int { size: 8, signed: true };
    pub const ULONG: Type = Type::Int { size: 8, signed: false };
    pub const CHAR: Type = Type::Int { size: 1, signed: true };

    pub fn is_int(&self) -> bool {
        matches!(self, Type::Int { .. })
    }
    /// Integers and pointers: what arithmetic and tests accept.
    pub fn is_scalar(&self) -> bool {
        matches!(self, Type::Int { .. } | Type::Ptr(_))
    }
    pub fn is_str(&self) -> bool {
        matches!(self, Type::Str)
    }
    pub fn is_signed(&self) -> bool {
        matches!(self, Type::Int { signed: true, .. })
    }
    /// What D accepts where a string is wanted: `string`, `char *` and
    /// `char [N]` (the last two are read from kernel memory).
    pub fn is_strcompat(&self) -> bool {
        match self {
            Type::Str => true,
            Type::Ptr(t) | Type::Array(t, _) => matches!(**t, Type::Int { size: 1, .. }),
            _ => false,
        }
    }
    /// Values that are addresses of kernel memory rather than loaded.
    pub fn is_aggregate(&self) -> bool {
        matches!(self, Type::Array(..) | Type::Struct(_))
    }
    /// The pointee of a pointer or the element of an array.
    pub fn target(&self) -> Option<&Type> {
        match self {
            Type::Ptr(t) | Type::Array(t, _) => Some(t),
            _ => None,
        }
    }
    /// An array used as a value decays to a pointer to its first element.
    pub fn decayed(&self) -> Type {
        match self {
            Type::Array(t, _) => Type::Ptr(t.clone()),
            t => t.clone(),
        }
    }
    /// Alignment as C lays out members.
    pub fn align(&self) -> u64 {
        match self {
            Type::Int { size, .. } => *size as u64,
            Type::Ptr(_) | Type::Stack { .. } | Type::Sym(_) => 8,
            Type::Array(t, _) => t.align(),
            Type::Struct(c) => c.align,
            Type::Str | Type::Void => 1,
        }
    }
    /// Size in bytes as D's sizeof reports it (`string` is strsize).
    pub fn size(&self, strsize: u32) -> u64 {
        match self {
            Type::Int { size, .. } => *size as u64,
            Type::Str => strsize as u64,
            Type::Ptr(_) => 8,
            Type::Void => 0,
            Type::Array(t, n) => t.size(strsize) * *n as u64,
            Type::Struct(c) => c.size,
            Type::Stack { frames, .. } => 8 * (*frames as u64 + 1),
            Type::Sym(k) => 8 * (1 + k.user() as u64),
        }
    }
    /// C's integer promotion: anything smaller than int becomes int.
    pub fn promoted(&self) -> Type {
        match self {
            Type::Int { size, .. } if *size < 4 => Type::INT,
            t => t.clone(),
        }
    }
}

/// C's usual arithmetic conversions for a binary operator's operands.
pub fn arith_result(a: &Type, b: &Type) -> Type {
    let (a, b) = (a.promoted(), b.promoted());
    match (&a, &b) {
        (Type::Ptr(_), _) => a,
        (_, Type::Ptr(_)) => b,
        (Type::Int { size: sa, signed: ga }, Type::Int { size: sb, signed: gb }) => {
            if sa > sb {
                a.clone()
            } else if sb > sa {
                b.clone()
            } else {
                Type::Int { size: *sa, signed: *ga && *gb }
            }
        }
        _ => Type::LONG,
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Int { size, signed } => {
                let base = match size {
                    1 => "char",
                    2 => "short",
                    4 => "int",
                    _ => "long",
                };
                if *signed {
                    f.write_str(base)
                } else {
                    write!(f, "unsigned {}", base)
                }
            }
            Type::Str => f.write_str("string"),
            Type::Ptr(t) => match &**t {
                Type::Ptr(_) => write!(f, "{}*", t),
                _ => write!(f, "{} *", t),
            },
            Type::Void => f.write_str("void"),
            Type::Array(t, n) => write!(f, "{} [{}]", t, n),
            Type::Struct(c) => write!(f, "{} {}", if c.is_union { "union" } else { "struct" }, c.name),
            Type::Stack { user: false, .. } => f.write_str("stack"),
            Type::Stack { user: true, .. } => f.write_str("ustack"),
            Type::Sym(k) => f.write_str(if k.user() { "_usymaddr" } else { "_symaddr" }),
        }
    }
}

/// Applies a written type's pointers and array dimensions to its base
/// (`int *a[2][3]` is an array of 2 arrays of 3 pointers to int).
pub fn decorate(mut base: Type, t: &TypeName) -> Type {
    for _ in 0..t.pointers {
        base = Type::Ptr(Box::new(base));
    }
    for &d in t.dims.iter().rev() {
        base = Type::Array(Box::new(base), d as u32);
    }
    base
}

/// The type a declarator makes of a base type: `*x[2]` is an array of two
/// pointers to the base.
pub fn declarator_type(mut base: Type, d: &super::ast::Declarator) -> Type {
    for _ in 0..d.pointers {
        base = Type::Ptr(Box::new(base));
    }
    for &dim in d.dims.iter().rev() {
        base = Type::Array(Box::new(base), dim as u32);
    }
    base
}

/// D's own type names: C's base types, the typedefs of D's standard
/// headers, `string`.
pub fn base_type(name: &str) -> Option<Type> {
    let i = |size: u8, signed: bool| Some(Type::Int { size, signed });
    match name {
        "char" | "signed char" | "int8_t" => i(1, true),
        "unsigned char" | "uint8_t" | "uchar_t" => i(1, false),
        "short" | "short int" | "signed short" | "signed short int" | "int16_t" => i(2, true),
        "unsigned short" | "unsigned short int" | "uint16_t" | "ushort_t" => i(2, false),
        "int" | "signed" | "signed int" | "int32_t" | "pid_t" | "processorid_t" | "psetid_t" | "zoneid_t" | "key_t" => {
            i(4, true)
        }
        "unsigned" | "unsigned int" | "uint32_t" | "uint_t" | "uid_t" | "gid_t" | "id_t" | "mode_t" | "dev32_t" => {
            i(4, false)
        }
        "long" | "long int" | "signed long" | "long long" | "long long int" | "signed long long" | "int64_t"
        | "intptr_t" | "ssize_t" | "off_t" | "off64_t" | "hrtime_t" | "time_t" | "loff_t" | "intmax_t" => i(8, true),
        "unsigned long" | "unsigned long int" | "unsigned long long" | "unsigned long long int" | "uint64_t"
        | "uintptr_t" | "size_t" | "u_longlong_t" | "ulong_t" | "uintmax_t" | "dev_t" | "ino_t" => i(8, false),
        "bool" | "_Bool" => i(1, false),
        "string" => Some(Type::Str),
        "void" => Some(Type::Void),
        "caddr_t" => Some(Type::Ptr(Box::new(Type::CHAR))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usual_conversions() {
        assert_eq!(arith_result(&Type::CHAR, &Type::CHAR), Type::INT);
        assert_eq!(arith_result(&Type::INT, &Type::UINT), Type::UINT);
        assert_eq!(arith_result(&Type::UINT, &Type::LONG), Type::LONG);
        assert_eq!(arith_result(&Type::LONG, &Type::ULONG), Type::ULONG);
    }
}
