//! `print()`'s type-aware output, as Oracle's DTrace for Linux prints it:
//!
//! ```text
//! 0xffff9b7aca7e0000 = *
//!                                             (struct test_struct) {
//!                                              .a = (int)1,
//!                                              .b = (char [5]) [
//!                                               (char)'t',
//!                                              ],
//!                                             }
//! ```
//!
//! Each level indents one space more than the last, from the width of the
//! `CPU ID FUNCTION:NAME ` prefix; members whose bytes are all zero are
//! left out; char arrays stop at their first NUL.

use crate::lang::ctypes::TypeEnv;
use crate::lang::types::{Field, Type};

/// The width of the default probe-line prefix, where print() output starts.
const BASE_INDENT: usize = 44;

/// Formats a print() record: `addr` and the struct's bytes for a struct
/// (or pointer to one), else a scalar value.
pub fn print_struct(out: &mut Vec<u8>, ty: &Type, addr: u64, bytes: &[u8], types: &TypeEnv) {
    let (st, via_ptr) = match ty {
        Type::Ptr(p) => (&**p, true),
        t => (t, false),
    };
    if via_ptr {
        out.extend_from_slice(format!("0x{:x} = *\n", addr).as_bytes());
    }
    pad(out, BASE_INDENT);
    out.extend_from_slice(format!("({}) ", st).as_bytes());
    composite(out, st, bytes, BASE_INDENT, types);
    out.push(b'\n');
}

/// A string: `(string)"text"`.
pub fn print_string(out: &mut Vec<u8>, text: &str) {
    out.extend_from_slice(format!("(string)\"{}\"\n", text).as_bytes());
}

/// A scalar as print() shows a member of that type: `(int)-1`,
/// `(char)'A'`, `(void *)0x10`.
pub fn print_scalar(out: &mut Vec<u8>, ty: &Type, v: u64, types: &TypeEnv) {
    let name = ty.to_string();
    let size = (ty.size(0) as usize).clamp(1, 8);
    let plain = Field { name: String::new(), offset_bits: 0, bits: 0, ty: ty.clone(), type_name: name.clone() };
    value(out, ty, &name, &v.to_le_bytes()[..size], &plain, 0, types);
    out.push(b'\n');
}

fn pad(out: &mut Vec<u8>, n: usize) {
    out.extend(std::iter::repeat_n(b' ', n));
}

/// `{`, the non-zero members one level in, and `}` at `indent`.
fn composite(out: &mut Vec<u8>, ty: &Type, bytes: &[u8], indent: usize, types: &TypeEnv) {
    out.extend_from_slice(b"{\n");
    if let Type::Struct(c) = ty {
        for f in types.fields(c) {
            member(out, &f, bytes, indent + 1, types);
        }
    }
    pad(out, indent);
    out.push(b'}');
}

fn member(out: &mut Vec<u8>, f: &Field, bytes: &[u8], indent: usize, types: &TypeEnv) {
    let start = (f.offset_bits / 8) as usize;
    let size =
        if f.bits > 0 { (f.offset_bits % 8 + f.bits as u64).div_ceil(8) as usize } else { f.ty.size(0) as usize };
    let Some(b) = bytes.get(start..start + size) else {
        // Beyond what was recorded (printsize).
        pad(out, indent);
        out.extend_from_slice(b"...\n");
        return;
    };
    if b.iter().all(|&x| x == 0) {
        return;
    }
    pad(out, indent);
    if !f.name.is_empty() {
        out.extend_from_slice(format!(".{} = ", f.name).as_bytes());
    }
    value(out, &f.ty, &f.type_name, b, f, indent, types);
    out.extend_from_slice(b",\n");
}

/// One value of type `ty` (declared as `name`) in `b`.
fn value(out: &mut Vec<u8>, ty: &Type, name: &str, b: &[u8], f: &Field, indent: usize, types: &TypeEnv) {
    out.extend_from_slice(format!("({})", name).as_bytes());
    match ty {
        Type::Struct(_) => {
            out.push(b' ');
            composite(out, ty, b, indent, types);
        }
        Type::Array(elem, n) => {
            out.extend_from_slice(b" [\n");
            let es = elem.size(0) as usize;
            let ename = name.rsplit_once(" [").map_or(name, |(e, _)| e).trim_end();
            let is_char = matches!(**elem, Type::Int { size: 1, .. });
            for i in 0..*n as usize {
                let Some(eb) = b.get(i * es..(i + 1) * es) else {
                    break;
                };
                if is_char && eb[0] == 0 {
                    break;
                }
                pad(out, indent + 1);
                let plain = Field {
                    name: String::new(),
                    offset_bits: 0,
                    bits: 0,
                    ty: (**elem).clone(),
                    type_name: ename.to_string(),
                };
                value(out, elem, ename, eb, &plain, indent + 1, types);
                out.extend_from_slice(b",\n");
            }
            pad(out, indent);
            out.push(b']');
        }
        Type::Ptr(_) => out.extend_from_slice(format!("0x{:x}", le(b)).as_bytes()),
        Type::Int { size, signed } => {
            let mut v = le(b);
            if f.bits > 0 {
                v = (v >> (f.offset_bits % 8)) & ((1u64 << f.bits.min(63)) - 1);
            }
            let text = match (size, signed) {
                (1, _) if name == "char" || name.ends_with(" char") => char_text(v as u8),
                (_, true) => {
                    let bits = if f.bits > 0 { f.bits } else { 8 * *size as u32 };
                    ((v << (64 - bits)) as i64 >> (64 - bits)).to_string()
                }
                _ => v.to_string(),
            };
            out.extend_from_slice(enum_name(name, v, types).unwrap_or(text).as_bytes());
        }
        _ => out.extend_from_slice(b"?"),
    }
}

/// `'c'`, or C's escape for a non-printable character.
fn char_text(c: u8) -> String {
    match c {
        b'\'' => "'\\''".into(),
        b'\\' => "'\\\\'".into(),
        b'\n' => "'\\n'".into(),
        b'\t' => "'\\t'".into(),
        0x20..=0x7e => format!("'{}'", c as char),
        _ => format!("'\\{:03o}'", c),
    }
}

/// The enumerator for `v`, when the type is a known enum (the script's or
/// the kernel's).
fn enum_name(name: &str, v: u64, types: &TypeEnv) -> Option<String> {
    types.enumerator_name(name.strip_prefix("enum ")?, v)
}

/// Little-endian value of up to 8 bytes.
fn le(b: &[u8]) -> u64 {
    b.iter().take(8).rev().fold(0, |acc, &x| (acc << 8) | x as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::types::{Composite, CompositeSrc};
    use std::sync::Arc;

    fn field(name: &str, off: u64, ty: Type, tn: &str) -> Field {
        Field { name: name.into(), offset_bits: off * 8, bits: 0, ty, type_name: tn.into() }
    }

    #[test]
    fn a_struct_like_oracle_prints_it() {
        let fields = vec![
            field("a", 0, Type::INT, "int"),
            field("b", 4, Type::Array(Box::new(Type::CHAR), 5), "char [5]"),
            field("z", 12, Type::INT, "int"),
            field("p", 16, Type::Ptr(Box::new(Type::Void)), "void *"),
        ];
        let c = Composite { name: "t".into(), is_union: false, size: 24, align: 8, src: CompositeSrc::User(fields) };
        let ty = Type::Ptr(Box::new(Type::Struct(Arc::new(c))));
        let mut b = vec![0u8; 24];
        b[0] = 1;
        b[4..7].copy_from_slice(b"hi\0");
        b[16] = 0x10;
        let mut out = Vec::new();
        print_struct(&mut out, &ty, 0xabc, &b, &TypeEnv::default());
        let i = " ".repeat(44);
        let want = format!(
            "0xabc = *\n{i}(struct t) {{\n{i} .a = (int)1,\n{i} .b = (char [5]) [\n{i}  (char)'h',\n{i}  (char)'i',\n{i} ],\n{i} .p = (void *)0x10,\n{i}}}\n"
        );
        assert_eq!(String::from_utf8(out).unwrap(), want);
    }
}
