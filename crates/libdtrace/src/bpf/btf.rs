//! A small reader for BTF, the BPF Type Format (`/sys/kernel/btf/vmlinux`).
//!
//! The format (Documentation/bpf/btf.rst in the kernel tree):
//!
//! ```text
//! header:  u16 magic 0xeB9F, u8 version 1, u8 flags, u32 hdr_len,
//!          u32 type_off, u32 type_len, u32 str_off, u32 str_len
//!          (offsets counted from the end of the header)
//! types:   a sequence of records; type id N is the N-th record (id 0 is void):
//!          u32 name_off, u32 info (vlen:16 | kind:5 at bit 24 | kind_flag at bit 31),
//!          u32 size_or_type, then kind-specific trailing data
//! strings: NUL-terminated strings, addressed by byte offset
//! ```
//!
//! Loading does one pass over the type section to record where each type
//! starts (so any id is O(1) afterwards). The name index (for
//! [`Btf::find_struct`] and friends) is built on first use. Type ids are the
//! kernel's own BTF ids, usable as e.g. `attach_btf_id` for fentry programs.
//!
//! Only "base" BTF (vmlinux) is handled; split BTF (kernel modules under
//! `/sys/kernel/btf/<module>`) would need the base's types and strings first.

use std::fmt::Write as _;
use std::io;
use std::path::Path;
use std::sync::OnceLock;

/// Where the running kernel exposes its own BTF.
pub const VMLINUX_PATH: &str = "/sys/kernel/btf/vmlinux";

const BTF_MAGIC: u16 = 0xeb9f;
const HEADER_MIN_LEN: usize = 24;
const TYPE_HEADER_LEN: usize = 12;

/// Pointer size of the kernels we support (64-bit only).
const POINTER_SIZE: u64 = 8;
/// Limit on chains of typedefs/qualifiers/nesting, against malformed input.
const MAX_DEPTH: u32 = 64;

const KIND_INT: u8 = 1;
const KIND_PTR: u8 = 2;
const KIND_ARRAY: u8 = 3;
const KIND_STRUCT: u8 = 4;
const KIND_UNION: u8 = 5;
const KIND_ENUM: u8 = 6;
const KIND_FWD: u8 = 7;
const KIND_TYPEDEF: u8 = 8;
const KIND_VOLATILE: u8 = 9;
const KIND_CONST: u8 = 10;
const KIND_RESTRICT: u8 = 11;
const KIND_FUNC: u8 = 12;
const KIND_FUNC_PROTO: u8 = 13;
const KIND_VAR: u8 = 14;
const KIND_DATASEC: u8 = 15;
const KIND_FLOAT: u8 = 16;
const KIND_DECL_TAG: u8 = 17;
const KIND_TYPE_TAG: u8 = 18;
const KIND_ENUM64: u8 = 19;

/// A BTF type id (0 is `void`). The same numbering the kernel uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(pub u32);

impl TypeId {
    pub const VOID: TypeId = TypeId(0);

    pub fn is_void(self) -> bool {
        self.0 == 0
    }
}

/// What a type is, with the kind-specific data that fits in a few words.
/// Members, parameters and enumerators are read with [`Btf::members`],
/// [`Btf::func_params`] and [`Btf::enum_values`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Type id 0, and any id out of range.
    Void,
    /// `bits`/`bit_offset` describe the value inside the `size` bytes (old
    /// style bitfields; normally `bits == 8 * size` and `bit_offset == 0`).
    Int {
        size: u32,
        signed: bool,
        is_char: bool,
        is_bool: bool,
        bits: u8,
        bit_offset: u8,
    },
    Ptr(TypeId),
    Array {
        elem: TypeId,
        index: TypeId,
        len: u32,
    },
    Struct {
        size: u32,
        vlen: u16,
    },
    Union {
        size: u32,
        vlen: u16,
    },
    /// BTF_KIND_ENUM (`size` ≤ 4) and BTF_KIND_ENUM64 (`size` 8).
    Enum {
        size: u32,
        signed: bool,
        vlen: u16,
    },
    /// A forward declaration: `struct name;` or `union name;`.
    Fwd {
        is_union: bool,
    },
    Typedef(TypeId),
    Volatile(TypeId),
    Const(TypeId),
    Restrict(TypeId),
    /// `__attribute__((btf_type_tag(...)))`, e.g. `__user`; the tag is the name.
    TypeTag(TypeId),
    /// A function: `proto` is its FuncProto; linkage 0 static, 1 global, 2 extern.
    Func {
        proto: TypeId,
        linkage: u16,
    },
    FuncProto {
        ret: TypeId,
        vlen: u16,
    },
    /// A variable; linkage 0 static, 1 global.
    Var {
        ty: TypeId,
        linkage: u32,
    },
    Datasec {
        size: u32,
        vlen: u16,
    },
    Float {
        size: u32,
    },
    /// `btf_decl_tag`: the tag is the name; `component_idx` is -1 for the
    /// target itself, else the member/parameter index.
    DeclTag {
        target: TypeId,
        component_idx: i32,
    },
}

/// A struct/union member as found by [`Btf::member`]: offsets are from the
/// start of the outermost struct searched (anonymous members included).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Member {
    pub offset_bits: u32,
    /// 0 when the member is not a bitfield.
    pub bitfield_size: u32,
    pub ty: TypeId,
}

/// Parsed BTF. Cheap lookups by id; name lookups through a lazily built index.
pub struct Btf {
    data: Vec<u8>,
    /// The blob is of the other byte order.
    swap: bool,
    strs_start: usize,
    strs_end: usize,
    /// `offsets[id]`: absolute offset of type `id` in `data` (`offsets[0]` unused).
    offsets: Vec<u32>,
    names: OnceLock<NameIndex>,
}

impl std::fmt::Debug for Btf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Btf")
            .field("bytes", &self.data.len())
            .field("types", &self.offsets.len())
            .finish()
    }
}

fn invalid(msg: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("BTF: {}", msg.into()))
}

impl Btf {
    /// Reads and parses the running kernel's BTF.
    pub fn load_vmlinux() -> io::Result<Btf> {
        Btf::load(VMLINUX_PATH)
    }

    /// Reads and parses a raw BTF file (not an ELF .BTF section wrapper).
    pub fn load(path: impl AsRef<Path>) -> io::Result<Btf> {
        let path = path.as_ref();
        let bytes = std::fs::read(path)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {}", path.display(), crate::host::strerror(&e))))?;
        Btf::parse(bytes)
    }

    /// Parses a raw BTF blob: checks the header and locates every type.
    pub fn parse(data: Vec<u8>) -> io::Result<Btf> {
        if data.len() < HEADER_MIN_LEN {
            return Err(invalid("blob shorter than the header"));
        }
        let magic = u16::from_ne_bytes([data[0], data[1]]);
        let swap = if magic == BTF_MAGIC {
            false
        } else if magic.swap_bytes() == BTF_MAGIC {
            true
        } else {
            return Err(invalid(format!("bad magic {magic:#06x}")));
        };
        if data[2] != 1 {
            return Err(invalid(format!("unsupported version {}", data[2])));
        }
        let rd = |off: usize| {
            let v = u32::from_ne_bytes(data[off..off + 4].try_into().unwrap());
            (if swap { v.swap_bytes() } else { v }) as usize
        };
        let hdr_len = rd(4);
        let (type_off, type_len, str_off, str_len) = (rd(8), rd(12), rd(16), rd(20));
        if hdr_len < HEADER_MIN_LEN || hdr_len > data.len() {
            return Err(invalid(format!("bad header length {hdr_len}")));
        }
        if data.len() > u32::MAX as usize {
            return Err(invalid("blob larger than 4 GiB"));
        }
        let section = |off: usize, len: usize, what: &str| {
            let start = hdr_len.checked_add(off).filter(|&s| s <= data.len());
            let end = start.and_then(|s| s.checked_add(len)).filter(|&e| e <= data.len());
            match (start, end) {
                (Some(s), Some(e)) => Ok((s, e)),
                _ => Err(invalid(format!("{what} section out of bounds"))),
            }
        };
        let (types_start, types_end) = section(type_off, type_len, "type")?;
        let (strs_start, strs_end) = section(str_off, str_len, "string")?;

        let mut offsets = Vec::with_capacity(type_len / 20 + 1);
        offsets.push(0u32);
        let mut pos = types_start;
        while pos < types_end {
            if types_end - pos < TYPE_HEADER_LEN {
                return Err(invalid(format!("truncated type #{}", offsets.len())));
            }
            let info = rd(pos + 4) as u32;
            let kind = ((info >> 24) & 0x1f) as u8;
            let vlen = (info & 0xffff) as usize;
            let extra = match kind {
                KIND_PTR | KIND_FWD | KIND_TYPEDEF | KIND_VOLATILE | KIND_CONST | KIND_RESTRICT
                | KIND_FUNC | KIND_FLOAT | KIND_TYPE_TAG => 0,
                KIND_INT | KIND_VAR | KIND_DECL_TAG => 4,
                KIND_ARRAY => 12,
                KIND_STRUCT | KIND_UNION | KIND_DATASEC | KIND_ENUM64 => 12 * vlen,
                KIND_ENUM | KIND_FUNC_PROTO => 8 * vlen,
                _ => {
                    return Err(invalid(format!("type #{} has unknown kind {kind}", offsets.len())))
                }
            };
            let next = pos + TYPE_HEADER_LEN + extra;
            if next > types_end {
                return Err(invalid(format!("truncated type #{}", offsets.len())));
            }
            offsets.push(pos as u32);
            pos = next;
        }
        Ok(Btf { data, swap, strs_start, strs_end, offsets, names: OnceLock::new() })
    }

    /// Number of type ids, `void` (id 0) included; valid ids are `0..len()`.
    pub fn len(&self) -> u32 {
        self.offsets.len() as u32
    }

    /// Whether there are no types besides `void`.
    pub fn is_empty(&self) -> bool {
        self.offsets.len() <= 1
    }

    /// All type ids except `void`.
    pub fn ids(&self) -> impl Iterator<Item = TypeId> {
        (1..self.len()).map(TypeId)
    }

    // ---- raw access -------------------------------------------------------

    fn u32_at(&self, off: usize) -> u32 {
        let v = u32::from_ne_bytes(self.data[off..off + 4].try_into().unwrap());
        if self.swap {
            v.swap_bytes()
        } else {
            v
        }
    }

    /// Offset of the record of `id`, None for void and out-of-range ids.
    fn rec(&self, id: TypeId) -> Option<usize> {
        if id.0 == 0 {
            return None;
        }
        self.offsets.get(id.0 as usize).map(|&o| o as usize)
    }

    fn info(&self, rec: usize) -> (u8, usize, bool) {
        let info = self.u32_at(rec + 4);
        (((info >> 24) & 0x1f) as u8, (info & 0xffff) as usize, info >> 31 != 0)
    }

    fn raw_kind(&self, id: TypeId) -> u8 {
        self.rec(id).map_or(0, |r| self.info(r).0)
    }

    /// The bytes of the string at `off` in the string section, without NUL.
    fn str_bytes(&self, off: u32) -> &[u8] {
        let Some(start) = self.strs_start.checked_add(off as usize) else { return &[] };
        if start >= self.strs_end {
            return &[];
        }
        let tail = &self.data[start..self.strs_end];
        let len = tail.iter().position(|&b| b == 0).unwrap_or(tail.len());
        &tail[..len]
    }

    fn str_at(&self, off: u32) -> &str {
        std::str::from_utf8(self.str_bytes(off)).unwrap_or("")
    }

    fn name_bytes(&self, id: TypeId) -> &[u8] {
        match self.rec(id) {
            Some(r) => self.str_bytes(self.u32_at(r)),
            None => &[],
        }
    }

    // ---- per-type queries -------------------------------------------------

    /// The type's name; "" for void, anonymous types and bad ids.
    pub fn name(&self, id: TypeId) -> &str {
        std::str::from_utf8(self.name_bytes(id)).unwrap_or("")
    }

    /// What `id` is. Out-of-range ids are [`Kind::Void`].
    pub fn kind(&self, id: TypeId) -> Kind {
        let Some(r) = self.rec(id) else { return Kind::Void };
        let (kind, vlen, kflag) = self.info(r);
        let st = self.u32_at(r + 8);
        let vlen16 = vlen as u16;
        match kind {
            KIND_INT => {
                let enc = self.u32_at(r + 12);
                let flags = (enc >> 24) & 0xf;
                Kind::Int {
                    size: st,
                    signed: flags & 1 != 0,
                    is_char: flags & 2 != 0,
                    is_bool: flags & 4 != 0,
                    bits: (enc & 0xff) as u8,
                    bit_offset: ((enc >> 16) & 0xff) as u8,
                }
            }
            KIND_PTR => Kind::Ptr(TypeId(st)),
            KIND_ARRAY => Kind::Array {
                elem: TypeId(self.u32_at(r + 12)),
                index: TypeId(self.u32_at(r + 16)),
                len: self.u32_at(r + 20),
            },
            KIND_STRUCT => Kind::Struct { size: st, vlen: vlen16 },
            KIND_UNION => Kind::Union { size: st, vlen: vlen16 },
            KIND_ENUM | KIND_ENUM64 => Kind::Enum { size: st, signed: kflag, vlen: vlen16 },
            KIND_FWD => Kind::Fwd { is_union: kflag },
            KIND_TYPEDEF => Kind::Typedef(TypeId(st)),
            KIND_VOLATILE => Kind::Volatile(TypeId(st)),
            KIND_CONST => Kind::Const(TypeId(st)),
            KIND_RESTRICT => Kind::Restrict(TypeId(st)),
            KIND_TYPE_TAG => Kind::TypeTag(TypeId(st)),
            KIND_FUNC => Kind::Func { proto: TypeId(st), linkage: vlen16 },
            KIND_FUNC_PROTO => Kind::FuncProto { ret: TypeId(st), vlen: vlen16 },
            KIND_VAR => Kind::Var { ty: TypeId(st), linkage: self.u32_at(r + 12) },
            KIND_DATASEC => Kind::Datasec { size: st, vlen: vlen16 },
            KIND_FLOAT => Kind::Float { size: st },
            KIND_DECL_TAG => {
                Kind::DeclTag { target: TypeId(st), component_idx: self.u32_at(r + 12) as i32 }
            }
            _ => Kind::Void, // parse() rejects unknown kinds
        }
    }

    /// Skips typedef, const, volatile, restrict and type tags.
    pub fn resolve(&self, mut id: TypeId) -> TypeId {
        for _ in 0..MAX_DEPTH {
            match self.raw_kind(id) {
                KIND_TYPEDEF | KIND_VOLATILE | KIND_CONST | KIND_RESTRICT | KIND_TYPE_TAG => {
                    id = TypeId(self.u32_at(self.rec(id).unwrap() + 8));
                }
                _ => return id,
            }
        }
        id
    }

    /// Size in bytes of a value of this type; None for void, functions,
    /// forward declarations and other sizeless kinds.
    pub fn size_of(&self, id: TypeId) -> Option<u64> {
        self.size_of_depth(id, 0)
    }

    fn size_of_depth(&self, id: TypeId, depth: u32) -> Option<u64> {
        if depth > MAX_DEPTH {
            return None;
        }
        match self.kind(self.resolve(id)) {
            Kind::Int { size, .. }
            | Kind::Struct { size, .. }
            | Kind::Union { size, .. }
            | Kind::Enum { size, .. }
            | Kind::Float { size }
            | Kind::Datasec { size, .. } => Some(size as u64),
            Kind::Ptr(_) => Some(POINTER_SIZE),
            Kind::Array { elem, len, .. } => {
                self.size_of_depth(elem, depth + 1)?.checked_mul(len as u64)
            }
            Kind::Var { ty, .. } => self.size_of_depth(ty, depth + 1),
            _ => None,
        }
    }

    // ---- struct and union members -----------------------------------------

    /// The direct members of a struct or union (after [`Btf::resolve`]), in
    /// order, with their names ("" for anonymous members). Empty for other kinds.
    pub fn members(&self, id: TypeId) -> impl Iterator<Item = (&str, Member)> + '_ {
        let id = self.resolve(id);
        let (start, vlen, kflag) = match self.rec(id) {
            Some(r) => match self.info(r) {
                (KIND_STRUCT | KIND_UNION, vlen, kflag) => (r + TYPE_HEADER_LEN, vlen, kflag),
                _ => (0, 0, false),
            },
            None => (0, 0, false),
        };
        (0..vlen).map(move |i| {
            let m = start + 12 * i;
            let name = self.str_at(self.u32_at(m));
            let ty = TypeId(self.u32_at(m + 4));
            let raw = self.u32_at(m + 8);
            let member = if kflag {
                Member { offset_bits: raw & 0xff_ffff, bitfield_size: raw >> 24, ty }
            } else {
                // Without kind_flag, a bitfield is encoded in the member's
                // own INT type (bits narrower than the int, plus an offset).
                match self.kind(ty) {
                    Kind::Int { size, bits, bit_offset, .. }
                        if bit_offset != 0 || (bits as u32) != size * 8 =>
                    {
                        Member {
                            offset_bits: raw + bit_offset as u32,
                            bitfield_size: bits as u32,
                            ty,
                        }
                    }
                    _ => Member { offset_bits: raw, bitfield_size: 0, ty },
                }
            };
            (name, member)
        })
    }

    /// Finds the member `name` of a struct or union, also inside anonymous
    /// struct/union members (recursively, adding their offsets).
    pub fn member(&self, struct_id: TypeId, name: &str) -> Option<Member> {
        if name.is_empty() {
            return None;
        }
        self.member_depth(struct_id, name, 0, 0)
    }

    fn member_depth(&self, id: TypeId, name: &str, base: u32, depth: u32) -> Option<Member> {
        if depth > MAX_DEPTH {
            return None;
        }
        for (mname, m) in self.members(id) {
            if mname == name {
                return Some(Member { offset_bits: base + m.offset_bits, ..m });
            }
            if mname.is_empty() {
                if let Some(found) = self.member_depth(m.ty, name, base + m.offset_bits, depth + 1)
                {
                    return Some(found);
                }
            }
        }
        None
    }

    /// Follows a path of member names from a struct/union (each step may go
    /// through anonymous members), e.g. `["se", "sum_exec_runtime"]`.
    /// The offset is in bits from the start of `struct_id`.
    pub fn member_path(&self, struct_id: TypeId, path: &[&str]) -> Option<Member> {
        let mut cur = Member { offset_bits: 0, bitfield_size: 0, ty: struct_id };
        for (i, step) in path.iter().enumerate() {
            if i > 0 && cur.bitfield_size != 0 {
                return None;
            }
            let m = self.member(cur.ty, step)?;
            cur = Member { offset_bits: cur.offset_bits.checked_add(m.offset_bits)?, ..m };
        }
        Some(cur)
    }

    /// Byte offset and type of `struct_name.path[0].path[1]...`; None when
    /// something is missing or the final member is a bitfield. `struct_name`
    /// is a struct or union tag (`"task_struct"`), else a typedef name.
    pub fn member_path_offset(&self, struct_name: &str, path: &[&str]) -> Option<(u64, TypeId)> {
        let id = self.find_struct(struct_name).or_else(|| self.find_typedef(struct_name))?;
        let m = self.member_path(id, path)?;
        if m.bitfield_size != 0 || m.offset_bits % 8 != 0 {
            return None;
        }
        Some((m.offset_bits as u64 / 8, m.ty))
    }

    // ---- functions and enums ----------------------------------------------

    /// Parameter names and types, and the return type, of a FUNC (or of a
    /// FUNC_PROTO directly). A variadic marker (`...`) is not included; see
    /// [`Btf::is_variadic`].
    pub fn func_params(&self, func_id: TypeId) -> Option<(Vec<(String, TypeId)>, TypeId)> {
        let (r, vlen, ret) = self.proto_rec(func_id)?;
        let mut params = Vec::with_capacity(vlen);
        for i in 0..vlen {
            let p = r + TYPE_HEADER_LEN + 8 * i;
            let (name_off, ty) = (self.u32_at(p), self.u32_at(p + 4));
            if i + 1 == vlen && name_off == 0 && ty == 0 {
                break; // variadic
            }
            params.push((self.str_at(name_off).to_string(), TypeId(ty)));
        }
        Some((params, ret))
    }

    /// Whether a FUNC or FUNC_PROTO takes `...`.
    pub fn is_variadic(&self, func_id: TypeId) -> bool {
        match self.proto_rec(func_id) {
            Some((r, vlen, _)) if vlen > 0 => {
                let p = r + TYPE_HEADER_LEN + 8 * (vlen - 1);
                self.u32_at(p) == 0 && self.u32_at(p + 4) == 0
            }
            _ => false,
        }
    }

    /// (record offset, vlen, return type) of the FUNC_PROTO of a FUNC or FUNC_PROTO.
    fn proto_rec(&self, id: TypeId) -> Option<(usize, usize, TypeId)> {
        let mut id = id;
        if self.raw_kind(id) == KIND_FUNC {
            id = TypeId(self.u32_at(self.rec(id)? + 8));
        }
        let r = self.rec(id)?;
        match self.info(r) {
            (KIND_FUNC_PROTO, vlen, _) => Some((r, vlen, TypeId(self.u32_at(r + 8)))),
            _ => None,
        }
    }

    /// Enumerators of an ENUM/ENUM64 (after [`Btf::resolve`]). Values are
    /// the 64-bit pattern: sign-extended for signed enums, else zero-extended
    /// (so unsigned values above `i64::MAX` show up negative).
    pub fn enum_values(&self, id: TypeId) -> Option<Vec<(&str, i64)>> {
        let id = self.resolve(id);
        let r = self.rec(id)?;
        let (kind, vlen, signed) = self.info(r);
        let base = r + TYPE_HEADER_LEN;
        match kind {
            KIND_ENUM => Some(
                (0..vlen)
                    .map(|i| {
                        let e = base + 8 * i;
                        let v = self.u32_at(e + 4);
                        let v = if signed { v as i32 as i64 } else { v as i64 };
                        (self.str_at(self.u32_at(e)), v)
                    })
                    .collect(),
            ),
            KIND_ENUM64 => Some(
                (0..vlen)
                    .map(|i| {
                        let e = base + 12 * i;
                        let v = (self.u32_at(e + 8) as u64) << 32 | self.u32_at(e + 4) as u64;
                        (self.str_at(self.u32_at(e)), v as i64)
                    })
                    .collect(),
            ),
            _ => None,
        }
    }

    // ---- lookups by name --------------------------------------------------

    fn index(&self) -> &NameIndex {
        self.names.get_or_init(|| NameIndex::build(self))
    }

    fn find_kind(&self, name: &str, want: impl Fn(u8) -> bool) -> Option<TypeId> {
        if name.is_empty() {
            return None;
        }
        let mut found = None;
        self.index().for_each_named(self, name.as_bytes(), |id| {
            if want(self.raw_kind(id)) {
                found = Some(id);
                false
            } else {
                true
            }
        });
        found
    }

    /// Every type named `name` (any kind), lowest id first.
    pub fn find_by_name(&self, name: &str) -> Vec<TypeId> {
        let mut out = Vec::new();
        if !name.is_empty() {
            self.index().for_each_named(self, name.as_bytes(), |id| {
                out.push(id);
                true
            });
        }
        out
    }

    /// A struct or union (not a forward declaration) with this tag.
    pub fn find_struct(&self, name: &str) -> Option<TypeId> {
        self.find_kind(name, |k| k == KIND_STRUCT || k == KIND_UNION)
    }

    pub fn find_typedef(&self, name: &str) -> Option<TypeId> {
        self.find_kind(name, |k| k == KIND_TYPEDEF)
    }

    /// A BTF_KIND_FUNC by name (its id is what fentry/fexit attach to).
    pub fn find_func(&self, name: &str) -> Option<TypeId> {
        self.find_kind(name, |k| k == KIND_FUNC)
    }

    /// An enum (ENUM or ENUM64) by tag.
    pub fn find_enum(&self, name: &str) -> Option<TypeId> {
        self.find_kind(name, |k| k == KIND_ENUM || k == KIND_ENUM64)
    }

    /// A base type (int or float) by its BTF name, e.g. `"unsigned int"`.
    pub fn find_base_type(&self, name: &str) -> Option<TypeId> {
        self.find_kind(name, |k| k == KIND_INT || k == KIND_FLOAT)
    }

    /// A variable by name.
    pub fn find_var(&self, name: &str) -> Option<TypeId> {
        self.find_kind(name, |k| k == KIND_VAR)
    }

    // ---- printing ---------------------------------------------------------

    /// A C-like spelling of the type: `struct task_struct *`, `unsigned int`,
    /// `const char *`, `char [16]`, `int (*)(struct file *)`. A FUNC prints
    /// as its declaration (`ssize_t vfs_read(struct file *file, ...)`).
    pub fn type_to_string(&self, id: TypeId) -> String {
        self.declare(id, String::new(), 0)
    }

    /// `id` declared with the declarator `decl` (which may be empty).
    fn declare(&self, id: TypeId, decl: String, depth: u32) -> String {
        let join = |base: String, decl: String| {
            if decl.is_empty() {
                base
            } else {
                format!("{base} {decl}")
            }
        };
        if depth > MAX_DEPTH {
            return join("?".to_string(), decl);
        }
        let named = |what: &str| {
            let n = self.name(id);
            if n.is_empty() {
                format!("{what} (anon)")
            } else {
                format!("{what} {n}")
            }
        };
        match self.kind(id) {
            Kind::Void => join("void".to_string(), decl),
            Kind::Int { .. } | Kind::Float { .. } | Kind::Typedef(_) => {
                join(self.name(id).to_string(), decl)
            }
            Kind::Struct { .. } => join(named("struct"), decl),
            Kind::Union { .. } => join(named("union"), decl),
            Kind::Enum { .. } => join(named("enum"), decl),
            Kind::Fwd { is_union } => join(named(if is_union { "union" } else { "struct" }), decl),
            Kind::Ptr(target) => {
                let mut d = format!("*{decl}");
                if matches!(self.kind(target), Kind::Array { .. } | Kind::FuncProto { .. }) {
                    d = format!("({d})");
                }
                self.declare(target, d, depth + 1)
            }
            Kind::Array { elem, len, .. } => {
                self.declare(elem, format!("{decl}[{len}]"), depth + 1)
            }
            Kind::Const(t) => self.qualify("const", t, decl, depth),
            Kind::Volatile(t) => self.qualify("volatile", t, decl, depth),
            Kind::Restrict(t) => self.qualify("restrict", t, decl, depth),
            Kind::TypeTag(t) => self.declare(t, decl, depth + 1),
            Kind::FuncProto { ret, .. } => {
                let mut params = String::from("(");
                if let Some((ps, _)) = self.func_params(id) {
                    for (i, (pname, pty)) in ps.into_iter().enumerate() {
                        if i > 0 {
                            params.push_str(", ");
                        }
                        params.push_str(&self.declare(pty, pname, depth + 1));
                    }
                    if self.is_variadic(id) {
                        params.push_str(if params.len() > 1 { ", ..." } else { "..." });
                    } else if params.len() == 1 {
                        params.push_str("void");
                    }
                }
                params.push(')');
                self.declare(ret, format!("{decl}{params}"), depth + 1)
            }
            Kind::Func { proto, .. } => {
                let d = format!("{}{decl}", self.name(id));
                self.declare(proto, d, depth + 1)
            }
            Kind::Var { ty, .. } => {
                let d = if decl.is_empty() {
                    self.name(id).to_string()
                } else {
                    format!("{} {decl}", self.name(id))
                };
                self.declare(ty, d, depth + 1)
            }
            Kind::Datasec { .. } => join(format!("SEC(\"{}\")", self.name(id)), decl),
            Kind::DeclTag { .. } => {
                let mut s = String::new();
                let _ = write!(s, "__attribute__((btf_decl_tag(\"{}\")))", self.name(id));
                join(s, decl)
            }
        }
    }

    fn qualify(&self, q: &str, target: TypeId, decl: String, depth: u32) -> String {
        // A qualified pointer qualifies the declarator (`char *const`);
        // anything else takes the qualifier in front (`const char *`).
        let mut t = target;
        for _ in 0..MAX_DEPTH {
            match self.kind(t) {
                Kind::Const(n) | Kind::Volatile(n) | Kind::Restrict(n) | Kind::TypeTag(n) => t = n,
                _ => break,
            }
        }
        if matches!(self.kind(t), Kind::Ptr(_)) {
            let d = if decl.is_empty() { q.to_string() } else { format!("{q} {decl}") };
            self.declare(target, d, depth + 1)
        } else {
            format!("{q} {}", self.declare(target, decl, depth + 1))
        }
    }
}

/// Open-addressing hash table from names to type ids (all named types
/// except decl tags). Slots hold ids, 0 meaning empty; ids with equal names
/// sit in ascending order along their probe sequence.
struct NameIndex {
    slots: Vec<u32>,
    mask: usize,
}

fn hash_name(name: &[u8]) -> u64 {
    // Eight bytes at a time (names average ~20 bytes; a byte-wise hash was
    // most of the index build time), then a final mix so the low bits, which
    // pick the slot, depend on every byte.
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut h: u64 = name.len() as u64;
    let mut chunks = name.chunks_exact(8);
    for c in &mut chunks {
        h = (h ^ u64::from_le_bytes(c.try_into().unwrap())).wrapping_mul(K).rotate_left(29);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut last = [0u8; 8];
        last[..rest.len()].copy_from_slice(rest);
        h = (h ^ u64::from_le_bytes(last)).wrapping_mul(K).rotate_left(29);
    }
    h ^= h >> 32;
    h = h.wrapping_mul(K);
    h ^ (h >> 29)
}

impl NameIndex {
    fn build(btf: &Btf) -> NameIndex {
        let size = (btf.offsets.len() * 2).next_power_of_two().max(16);
        let mask = size - 1;
        let mut slots = vec![0u32; size];
        for id in 1..btf.offsets.len() {
            let r = btf.offsets[id] as usize;
            let name_off = btf.u32_at(r);
            if name_off == 0 || btf.info(r).0 == KIND_DECL_TAG {
                continue;
            }
            let name = btf.str_bytes(name_off);
            if name.is_empty() {
                continue;
            }
            let mut i = hash_name(name) as usize & mask;
            while slots[i] != 0 {
                i = (i + 1) & mask;
            }
            slots[i] = id as u32;
        }
        NameIndex { slots, mask }
    }

    /// Calls `f` with each id named `name` (ascending) until it returns false.
    fn for_each_named(&self, btf: &Btf, name: &[u8], mut f: impl FnMut(TypeId) -> bool) {
        let mut i = hash_name(name) as usize & self.mask;
        while self.slots[i] != 0 {
            let id = TypeId(self.slots[i]);
            if btf.name_bytes(id) == name && !f(id) {
                return;
            }
            i = (i + 1) & self.mask;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    fn vmlinux() -> Option<Btf> {
        match Btf::load_vmlinux() {
            Ok(b) => Some(b),
            Err(e) => {
                eprintln!("skipping: {e}");
                None
            }
        }
    }

    #[test]
    fn vmlinux_task_struct() {
        let Some(btf) = vmlinux() else { return };
        let ts = btf.find_struct("task_struct").expect("task_struct");
        assert_eq!(btf.name(ts), "task_struct");
        assert!(matches!(btf.kind(ts), Kind::Struct { .. }));
        assert_eq!(btf.type_to_string(ts), "struct task_struct");

        for f in ["pid", "tgid"] {
            let m = btf.member(ts, f).unwrap();
            assert_eq!(m.bitfield_size, 0);
            assert_eq!(m.offset_bits % 8, 0);
            assert!(
                matches!(btf.kind(btf.resolve(m.ty)), Kind::Int { size: 4, signed: true, .. }),
                "{f}: {:?}",
                btf.kind(btf.resolve(m.ty))
            );
            assert_eq!(btf.size_of(m.ty), Some(4));
            assert_eq!(btf.type_to_string(m.ty), "pid_t");
        }

        let rp = btf.member(ts, "real_parent").unwrap();
        match btf.kind(btf.resolve(rp.ty)) {
            Kind::Ptr(t) => assert_eq!(btf.resolve(t), ts),
            k => panic!("real_parent: {k:?}"),
        }
        assert_eq!(btf.type_to_string(rp.ty), "struct task_struct *");
        assert_eq!(btf.size_of(rp.ty), Some(8));

        let comm = btf.member(ts, "comm").unwrap();
        match btf.kind(btf.resolve(comm.ty)) {
            Kind::Array { elem, len: 16, .. } => {
                assert!(matches!(btf.kind(btf.resolve(elem)), Kind::Int { size: 1, .. }))
            }
            k => panic!("comm: {k:?}"),
        }
        assert_eq!(btf.type_to_string(comm.ty), "char [16]");
        assert_eq!(btf.size_of(comm.ty), Some(16));

        let (off, ty) = btf.member_path_offset("task_struct", &["se", "sum_exec_runtime"]).unwrap();
        let se = btf.member(ts, "se").unwrap();
        let ser = btf.member(se.ty, "sum_exec_runtime").unwrap();
        assert_eq!(off, (se.offset_bits + ser.offset_bits) as u64 / 8);
        assert_eq!(btf.type_to_string(ty), "u64");
        assert_eq!(btf.size_of(ty), Some(8));
        assert!(matches!(btf.kind(btf.resolve(ty)), Kind::Int { size: 8, signed: false, .. }));
        assert_eq!(btf.member_path_offset("task_struct", &["se", "nope"]), None);
        assert_eq!(btf.member_path_offset("no_such_struct_xyz", &["a"]), None);
        eprintln!(
            "task_struct: size {:?}, pid @{}, tgid @{}, real_parent @{}, comm @{}, \
             se.sum_exec_runtime @{off}",
            btf.size_of(ts),
            btf.member(ts, "pid").unwrap().offset_bits / 8,
            btf.member(ts, "tgid").unwrap().offset_bits / 8,
            rp.offset_bits / 8,
            comm.offset_bits / 8,
        );
    }

    #[test]
    fn vmlinux_anonymous_members() {
        let Some(btf) = vmlinux() else { return };
        // struct page keeps most of its fields in anonymous unions/structs;
        // `struct file` has f_lock etc. directly. Look for any struct with an
        // anonymous member and check that a field inside is found.
        let mut checked = 0;
        for id in btf.ids() {
            if !matches!(btf.kind(id), Kind::Struct { .. }) || btf.name(id).is_empty() {
                continue;
            }
            for (n, m) in btf.members(id) {
                if !n.is_empty() {
                    continue;
                }
                if let Some((inner, im)) = btf.members(m.ty).find(|(n, _)| !n.is_empty()) {
                    let found = btf.member(id, inner).unwrap();
                    // The name may also exist earlier; only check unique ones.
                    if btf.members(id).all(|(n, _)| n != inner) {
                        assert!(found.offset_bits >= m.offset_bits);
                        let _ = im;
                        checked += 1;
                    }
                }
            }
            if checked > 50 {
                break;
            }
        }
        assert!(checked > 0);
    }

    #[test]
    fn vmlinux_func_params() {
        let Some(btf) = vmlinux() else { return };
        let f = btf.find_func("vfs_read").expect("vfs_read");
        assert!(matches!(btf.kind(f), Kind::Func { .. }));
        let (params, ret) = btf.func_params(f).unwrap();
        let names: Vec<&str> = params.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["file", "buf", "count", "pos"]);
        let types: Vec<String> = params.iter().map(|(_, t)| btf.type_to_string(*t)).collect();
        assert_eq!(types[0], "struct file *");
        assert_eq!(types[1], "char *");
        assert_eq!(types[2], "size_t");
        assert_eq!(types[3], "loff_t *");
        assert_eq!(btf.type_to_string(ret), "ssize_t");
        assert_eq!(
            btf.type_to_string(f),
            "ssize_t vfs_read(struct file *file, char *buf, size_t count, loff_t *pos)"
        );
        assert!(!btf.is_variadic(f));
        assert_eq!(btf.find_func("no_such_function_xyz"), None);
        // A typedef and a base type.
        let u64t = btf.find_typedef("u64").unwrap();
        assert_eq!(btf.size_of(u64t), Some(8));
        let ui = btf.find_base_type("unsigned int").unwrap();
        assert_eq!(btf.type_to_string(ui), "unsigned int");
        assert!(matches!(btf.kind(ui), Kind::Int { size: 4, signed: false, .. }));
        // printk is variadic.
        if let Some(p) = btf.find_func("_printk") {
            assert!(btf.is_variadic(p));
            assert!(btf.type_to_string(p).ends_with(", ...)"), "{}", btf.type_to_string(p));
        }
    }

    #[test]
    fn vmlinux_every_type_prints() {
        let Some(btf) = vmlinux() else { return };
        let mut counts = [0usize; 20];
        for id in btf.ids() {
            counts[btf.raw_kind(id) as usize] += 1;
            let _ = btf.kind(id);
            let _ = btf.size_of(id);
            if id.0 % 97 == 0 {
                assert!(!btf.type_to_string(id).is_empty());
            }
        }
        eprintln!("{} types; per kind: {:?}", btf.len(), counts);
        // A const char pointer somewhere in the kernel.
        let found = btf.ids().any(|id| btf.type_to_string(id) == "const char *");
        assert!(found);
    }

    /// `cargo test --release -p libdtrace bpf::btf::tests::vmlinux_timing -- --nocapture`
    #[test]
    fn vmlinux_timing() {
        if !Path::new(VMLINUX_PATH).exists() {
            return;
        }
        let t0 = Instant::now();
        let bytes = std::fs::read(VMLINUX_PATH).unwrap();
        let t1 = Instant::now();
        let btf = Btf::parse(bytes).unwrap();
        let t2 = Instant::now();
        let ts = btf.find_struct("task_struct").unwrap();
        let t3 = Instant::now();
        let m = btf.member_path_offset("task_struct", &["se", "sum_exec_runtime"]);
        let f = btf.find_func("vfs_read");
        let t4 = Instant::now();
        assert!(m.is_some() && f.is_some() && !ts.is_void());
        eprintln!(
            "BTF timing: read {:?}, parse {:?} ({} types, {} bytes), first lookup \
             (index build) {:?}, next lookups {:?}, total {:?}",
            t1 - t0,
            t2 - t1,
            btf.len(),
            btf.data.len(),
            t3 - t2,
            t4 - t3,
            t4 - t0
        );
    }

    // ---- a hand-built blob ------------------------------------------------

    #[derive(Default)]
    struct Builder {
        types: Vec<u8>,
        strs: Vec<u8>,
        next_id: u32,
    }

    impl Builder {
        fn new() -> Builder {
            Builder { types: vec![], strs: vec![0], next_id: 1 }
        }
        fn s(&mut self, s: &str) -> u32 {
            if s.is_empty() {
                return 0;
            }
            let off = self.strs.len() as u32;
            self.strs.extend_from_slice(s.as_bytes());
            self.strs.push(0);
            off
        }
        fn w(&mut self, v: u32) {
            self.types.extend_from_slice(&v.to_le_bytes());
        }
        fn ty(&mut self, name: &str, kind: u8, vlen: u32, kflag: bool, st: u32) -> TypeId {
            let n = self.s(name);
            self.w(n);
            self.w(vlen | (kind as u32) << 24 | (kflag as u32) << 31);
            self.w(st);
            let id = self.next_id;
            self.next_id += 1;
            TypeId(id)
        }
        fn int(&mut self, name: &str, size: u32, signed: bool, bits: u32, off: u32) -> TypeId {
            let id = self.ty(name, KIND_INT, 0, false, size);
            self.w((signed as u32) << 24 | off << 16 | bits);
            id
        }
        fn member(&mut self, name: &str, ty: TypeId, off: u32) {
            let n = self.s(name);
            self.w(n);
            self.w(ty.0);
            self.w(off);
        }
        fn blob(&self) -> Vec<u8> {
            let mut b = Vec::new();
            b.extend_from_slice(&BTF_MAGIC.to_le_bytes());
            b.push(1);
            b.push(0);
            for v in
                [24, 0, self.types.len() as u32, self.types.len() as u32, self.strs.len() as u32]
            {
                b.extend_from_slice(&v.to_le_bytes());
            }
            b.extend_from_slice(&self.types);
            b.extend_from_slice(&self.strs);
            b
        }
    }

    #[test]
    fn hand_built_blob() {
        let mut b = Builder::new();
        let int = b.int("int", 4, true, 32, 0); // 1
        let chr = b.int("char", 1, true, 8, 0); // 2
        let uint = b.int("unsigned int", 4, false, 32, 0); // 3
        let arr = b.ty("", KIND_ARRAY, 0, false, 0); // 4: char [16]
        b.w(chr.0);
        b.w(int.0);
        b.w(16);
        let u64t = b.int("long long unsigned int", 8, false, 64, 0); // 5
        let inner = b.ty("inner", KIND_STRUCT, 1, false, 8); // 6
        b.member("x", u64t, 0);
        let anon_union = b.ty("", KIND_UNION, 2, false, 16); // 7
        b.member("b", int, 0);
        b.member("c", arr, 0);
        let cchar = b.ty("", KIND_CONST, 0, false, chr.0); // 8
        let pcchar = b.ty("", KIND_PTR, 0, false, cchar.0); // 9
        let outer = b.ty("outer", KIND_STRUCT, 6, true, 56); // 10 (kind_flag)
        b.member("a", int, 0);
        b.member("", anon_union, 64);
        b.member("in", inner, 192);
        b.member("bf", uint, 3 << 24 | 256); // 3-bit bitfield at bit 256
        b.member("bf2", uint, 5 << 24 | 259);
        b.member("p", pcchar, 320);
        let pouter = b.ty("", KIND_PTR, 0, false, outer.0); // 11
        let td = b.ty("outer_t", KIND_TYPEDEF, 0, false, outer.0); // 12
        let proto = b.ty("", KIND_FUNC_PROTO, 3, false, int.0); // 13
        let (n1, n2) = (b.s("o"), b.s("name"));
        b.w(n1);
        b.w(pouter.0);
        b.w(n2);
        b.w(pcchar.0);
        b.w(0);
        b.w(0); // variadic
        let func = b.ty("do_it", KIND_FUNC, 1, false, proto.0); // 14
        let fp = b.ty("", KIND_PTR, 0, false, proto.0); // 15
        let pa = b.ty("", KIND_PTR, 0, false, arr.0); // 16
        let e64 = b.ty("big", KIND_ENUM64, 2, false, 8); // 17
        let (a, z) = (b.s("BIG_A"), b.s("BIG_Z"));
        b.w(a);
        b.w(1);
        b.w(0);
        b.w(z);
        b.w(0);
        b.w(0x8000_0000);
        let en = b.ty("small", KIND_ENUM, 1, true, 4); // 18 (signed)
        let m1 = b.s("MINUS_ONE");
        b.w(m1);
        b.w(u32::MAX);
        let fwd = b.ty("later", KIND_FWD, 0, true, 0); // 19
        let flt = b.ty("double", KIND_FLOAT, 0, false, 8); // 20
        let tag = b.ty("user", KIND_TYPE_TAG, 0, false, chr.0); // 21
        let var = b.ty("counter", KIND_VAR, 0, false, int.0); // 22
        b.w(1);
        let sec = b.ty(".data", KIND_DATASEC, 1, false, 4); // 23
        b.w(var.0);
        b.w(0);
        b.w(4);
        let dtag = b.ty("kfunc", KIND_DECL_TAG, 0, false, func.0); // 24
        b.w(u32::MAX);
        let vol = b.ty("", KIND_VOLATILE, 0, false, int.0); // 25
        let cptr = b.ty("", KIND_CONST, 0, false, pcchar.0); // 26: const char *const
                                                             // old-style bitfield: a 3-bit int at int-offset 2
        let bf_int = b.int("int", 4, true, 3, 2); // 27
        let old = b.ty("old", KIND_STRUCT, 1, false, 4); // 28
        b.member("f", bf_int, 8);
        let void_ptr = b.ty("", KIND_PTR, 0, false, 0); // 29

        let btf = Btf::parse(b.blob()).unwrap();
        assert_eq!(btf.len(), 30);
        assert_eq!(btf.find_struct("outer"), Some(outer));
        assert_eq!(btf.find_struct("inner"), Some(inner));
        assert_eq!(btf.find_struct("later"), None); // fwd only
        assert_eq!(btf.find_typedef("outer_t"), Some(td));
        assert_eq!(btf.find_func("do_it"), Some(func));
        assert_eq!(btf.find_enum("big"), Some(e64));
        assert_eq!(btf.find_var("counter"), Some(var));
        assert_eq!(btf.find_by_name("int"), vec![int, bf_int]);
        assert_eq!(btf.find_base_type("int"), Some(int));

        assert_eq!(
            btf.member(outer, "a"),
            Some(Member { offset_bits: 0, bitfield_size: 0, ty: int })
        );
        assert_eq!(
            btf.member(outer, "b"),
            Some(Member { offset_bits: 64, bitfield_size: 0, ty: int })
        );
        assert_eq!(
            btf.member(td, "c"),
            Some(Member { offset_bits: 64, bitfield_size: 0, ty: arr })
        );
        assert_eq!(
            btf.member(outer, "bf"),
            Some(Member { offset_bits: 256, bitfield_size: 3, ty: uint })
        );
        assert_eq!(
            btf.member(outer, "bf2"),
            Some(Member { offset_bits: 259, bitfield_size: 5, ty: uint })
        );
        assert_eq!(
            btf.member(old, "f"),
            Some(Member { offset_bits: 10, bitfield_size: 3, ty: bf_int })
        );
        assert_eq!(btf.member(outer, "zz"), None);
        assert_eq!(btf.member(int, "a"), None);
        assert_eq!(btf.member_path_offset("outer", &["in", "x"]), Some((24, u64t)));
        assert_eq!(btf.member_path_offset("outer_t", &["c"]), Some((8, arr)));
        assert_eq!(btf.member_path_offset("outer", &["bf"]), None);
        assert_eq!(btf.member_path_offset("outer", &[]), Some((0, outer)));

        assert_eq!(btf.size_of(outer), Some(56));
        assert_eq!(btf.size_of(td), Some(56));
        assert_eq!(btf.size_of(arr), Some(16));
        assert_eq!(btf.size_of(pouter), Some(8));
        assert_eq!(btf.size_of(TypeId::VOID), None);
        assert_eq!(btf.size_of(func), None);
        assert_eq!(btf.size_of(var), Some(4));
        assert_eq!(btf.size_of(TypeId(9999)), None);
        assert_eq!(btf.resolve(td), outer);
        assert_eq!(btf.resolve(cptr), pcchar);

        assert_eq!(btf.kind(arr), Kind::Array { elem: chr, index: int, len: 16 });
        assert_eq!(btf.kind(e64), Kind::Enum { size: 8, signed: false, vlen: 2 });
        assert_eq!(btf.kind(fwd), Kind::Fwd { is_union: true });
        assert_eq!(btf.kind(flt), Kind::Float { size: 8 });
        assert_eq!(btf.kind(sec), Kind::Datasec { size: 4, vlen: 1 });
        assert_eq!(btf.kind(dtag), Kind::DeclTag { target: func, component_idx: -1 });
        assert_eq!(btf.kind(TypeId(9999)), Kind::Void);
        assert_eq!(btf.enum_values(e64).unwrap(), vec![("BIG_A", 1), ("BIG_Z", i64::MIN)]);
        assert_eq!(btf.enum_values(en).unwrap(), vec![("MINUS_ONE", -1)]);

        let (params, ret) = btf.func_params(func).unwrap();
        assert_eq!(params, vec![("o".to_string(), pouter), ("name".to_string(), pcchar)]);
        assert_eq!(ret, int);
        assert!(btf.is_variadic(func));
        assert_eq!(btf.func_params(int), None);

        let s = |id| btf.type_to_string(id);
        assert_eq!(s(int), "int");
        assert_eq!(s(arr), "char [16]");
        assert_eq!(s(pcchar), "const char *");
        assert_eq!(s(cptr), "const char *const");
        assert_eq!(s(pouter), "struct outer *");
        assert_eq!(s(td), "outer_t");
        assert_eq!(s(anon_union), "union (anon)");
        assert_eq!(s(fp), "int (*)(struct outer *o, const char *name, ...)");
        assert_eq!(s(pa), "char (*)[16]");
        assert_eq!(s(func), "int do_it(struct outer *o, const char *name, ...)");
        assert_eq!(s(e64), "enum big");
        assert_eq!(s(fwd), "union later");
        assert_eq!(s(tag), "char");
        assert_eq!(s(vol), "volatile int");
        assert_eq!(s(var), "int counter");
        assert_eq!(s(void_ptr), "void *");
        assert_eq!(s(TypeId::VOID), "void");
        assert_eq!(s(sec), "SEC(\".data\")");
    }

    #[test]
    fn malformed_blobs() {
        assert!(Btf::parse(vec![]).is_err());
        assert!(Btf::parse(vec![0; 24]).is_err());
        let mut b = Builder::new();
        b.int("int", 4, true, 32, 0);
        let good = b.blob();
        assert!(Btf::parse(good.clone()).is_ok());
        // Truncated type section (type_len claims more than is there).
        let mut bad = good.clone();
        bad.truncate(24 + 8);
        bad[12..16].copy_from_slice(&8u32.to_le_bytes());
        bad[16..20].copy_from_slice(&8u32.to_le_bytes());
        bad[20..24].copy_from_slice(&0u32.to_le_bytes());
        assert!(Btf::parse(bad).is_err());
        // Unknown kind.
        let mut bad = good.clone();
        bad[24 + 7] = 31 & 0x1f;
        assert!(Btf::parse(bad).is_err());
        // Section out of bounds.
        let mut bad = good.clone();
        bad[20..24].copy_from_slice(&1000u32.to_le_bytes());
        assert!(Btf::parse(bad).is_err());
        // Bad version.
        let mut bad = good;
        bad[2] = 2;
        assert!(Btf::parse(bad).is_err());
    }

    #[test]
    fn big_endian_blob() {
        // The same one-int blob in the other byte order.
        let mut b = Vec::new();
        b.extend_from_slice(&BTF_MAGIC.to_be_bytes());
        b.push(1);
        b.push(0);
        let strs = b"\0int\0";
        for v in [24u32, 0, 16, 16, strs.len() as u32] {
            b.extend_from_slice(&v.to_be_bytes());
        }
        for v in [1u32, (KIND_INT as u32) << 24, 4, 1 << 24 | 32] {
            b.extend_from_slice(&v.to_be_bytes());
        }
        b.extend_from_slice(strs);
        let btf = Btf::parse(b).unwrap();
        assert_eq!(btf.find_base_type("int"), Some(TypeId(1)));
        assert!(matches!(btf.kind(TypeId(1)), Kind::Int { size: 4, signed: true, bits: 32, .. }));
    }
}
