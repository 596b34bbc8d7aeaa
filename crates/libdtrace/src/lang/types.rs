//! D's types as the compiler sees them, and C's conversion rules.

use super::ast::TypeName;
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Type {
    /// An integer of 1, 2, 4 or 8 bytes.
    Int { size: u8, signed: bool },
    /// D's `string`: a NUL-terminated buffer of at most `strsize` bytes.
    Str,
    /// A pointer; the pointee is kept for messages and sizeof.
    Ptr(Box<Type>),
    Void,
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
    /// Size in bytes as D's sizeof reports it (`string` is strsize).
    pub fn size(&self, strsize: u32) -> u64 {
        match self {
            Type::Int { size, .. } => *size as u64,
            Type::Str => strsize as u64,
            Type::Ptr(_) => 8,
            Type::Void => 0,
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
            Type::Ptr(t) => write!(f, "{} *", t),
            Type::Void => f.write_str("void"),
        }
    }
}

/// Resolves a written type name (without BTF: base C types, D's typedefs
/// of the standard headers, `string`).
pub fn resolve_type_name(t: &TypeName) -> Option<Type> {
    let mut base = base_type(&t.base)?;
    for _ in 0..t.pointers {
        base = Type::Ptr(Box::new(base));
    }
    Some(base)
}

fn base_type(name: &str) -> Option<Type> {
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
