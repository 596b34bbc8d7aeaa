//! The C type environment of a D program: D's own type names, the types a
//! script declares (`struct`, `union`, `enum`, `typedef`), and the
//! kernel's types read from BTF (`/sys/kernel/btf/vmlinux`) on first use.

use super::ast::{Decl, StorageClass, TypeName};
use super::types::{base_type, declarator_type, decorate, Composite, CompositeSrc, Field, Type};
use crate::bpf::btf::{Btf, Kind, TypeId};
use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Default)]
pub struct TypeEnv {
    btf: OnceCell<Option<Btf>>,
    /// `struct`/`union` tags declared in the script.
    tags: RefCell<HashMap<String, Arc<Composite>>>,
    typedefs: RefCell<HashMap<String, Type>>,
    /// Enumerators declared in the script, with their values.
    pub enumerators: RefCell<HashMap<String, i64>>,
    /// `enum` tags declared with enumerators in the script.
    enum_tags: RefCell<std::collections::HashSet<String>>,
    /// Each script enum's enumerators, by tag (for print()).
    enum_members: RefCell<HashMap<String, Vec<(String, i64)>>>,
}

/// Nesting limit when following kernel type chains (malformed BTF).
const MAX_DEPTH: u32 = 32;

impl TypeEnv {
    /// The enumerator of `enum TAG` whose value is `v`: the script's enum
    /// of that tag, else the kernel's. `v` is the value as read from
    /// memory, zero-extended: a negative enumerator of a 32-bit enum
    /// matches its low 32 bits.
    pub fn enumerator_name(&self, tag: &str, v: u64) -> Option<String> {
        let is = |x: i64| x as u64 == v || x == v as i32 as i64;
        if let Some(members) = self.enum_members.borrow().get(tag) {
            return members.iter().find(|(_, x)| is(*x)).map(|(n, _)| n.clone());
        }
        let btf = self.btf()?;
        let id = btf.find_enum(tag)?;
        btf.enum_values(id)?.into_iter().find(|(_, x)| is(*x)).map(|(n, _)| n.to_string())
    }

    /// The script's enums with their enumerators, by tag.
    pub fn script_enums(&self) -> Vec<(String, Vec<(String, i64)>)> {
        let mut v: Vec<_> = self.enum_members.borrow().iter().map(|(t, m)| (t.clone(), m.clone())).collect();
        v.sort();
        v
    }

    /// Adds enums declared elsewhere (the consumer's copy of the script's).
    pub fn add_enums(&self, enums: &[(String, Vec<(String, i64)>)]) {
        self.enum_members.borrow_mut().extend(enums.iter().cloned());
    }

    /// The kernel's types, or None where the kernel has no BTF.
    pub fn btf(&self) -> Option<&Btf> {
        self.btf.get_or_init(|| Btf::load_vmlinux().ok()).as_ref()
    }

    /// Resolves a written type; the error is DTrace's message.
    pub fn resolve(&self, t: &TypeName) -> Result<Type, String> {
        let base = self.resolve_base(&t.base)?;
        Ok(decorate(base, t))
    }

    fn resolve_base(&self, name: &str) -> Result<Type, String> {
        if let Some(t) = base_type(name) {
            return Ok(t);
        }
        if let Some(t) = self.typedefs.borrow().get(name) {
            return Ok(t.clone());
        }
        let unknown = || format!("failed to resolve type {}: Unknown type name", name);
        if let Some(rest) = name.strip_prefix("enum ") {
            let _ = rest;
            return Ok(Type::INT);
        }
        let tagged = name.strip_prefix("struct ").map(|n| (n, false)).or_else(|| name.strip_prefix("union ").map(|n| (n, true)));
        if let Some((tag, is_union)) = tagged {
            let tag = strip_module(tag);
            if let Some(c) = self.tags.borrow().get(tag) {
                return Ok(Type::Struct(c.clone()));
            }
            let btf = self.btf().ok_or_else(|| format!("failed to resolve type {}: kernel types (BTF) are not available", name))?;
            let id = btf.find_struct(tag).ok_or_else(unknown)?;
            let ty = self.from_btf(id);
            return match &ty {
                Type::Struct(c) if c.is_union == is_union => Ok(ty),
                _ => Err(unknown()),
            };
        }
        // A kernel typedef (`u64`, `pid_t` as the kernel spells it, ...).
        let btf = self.btf().ok_or_else(unknown)?;
        let id = btf.find_typedef(strip_module(name)).or_else(|| btf.find_base_type(name)).ok_or_else(unknown)?;
        Ok(self.from_btf(id))
    }

    /// The D type of a kernel type.
    pub fn from_btf(&self, id: TypeId) -> Type {
        match self.btf() {
            Some(btf) => convert(btf, id, 0),
            None => Type::LONG,
        }
    }

    /// A member of a struct or union (also inside anonymous members).
    pub fn member(&self, c: &Composite, name: &str) -> Option<Field> {
        match &c.src {
            CompositeSrc::User(fields) => fields.iter().find(|f| f.name == name).cloned(),
            CompositeSrc::Btf(id) => {
                let btf = self.btf()?;
                let m = btf.member(TypeId(*id), name)?;
                Some(Field {
                    name: name.to_string(),
                    offset_bits: m.offset_bits as u64,
                    bits: m.bitfield_size,
                    ty: convert(btf, m.ty, 0),
                    type_name: btf_type_name(btf, m.ty),
                })
            }
            CompositeSrc::Incomplete => None,
        }
    }

    /// The direct members of a struct or union, in order (an anonymous
    /// member has the name ""), for print().
    pub fn fields(&self, c: &Composite) -> Vec<Field> {
        match &c.src {
            CompositeSrc::User(fields) => fields.clone(),
            CompositeSrc::Incomplete => Vec::new(),
            CompositeSrc::Btf(id) => {
                let Some(btf) = self.btf() else { return Vec::new() };
                btf.members(TypeId(*id))
                    .map(|(name, m)| Field {
                        name: name.to_string(),
                        offset_bits: m.offset_bits as u64,
                        bits: m.bitfield_size,
                        ty: convert(btf, m.ty, 0),
                        type_name: btf_type_name(btf, m.ty),
                    })
                    .collect()
            }
        }
    }

    /// Records a script's declaration of types: `struct s { ... };`,
    /// `typedef T name;`, `enum e { A, B };`.
    /// Errors are DTrace's tag and message. `is_global` tells whether a
    /// name is already a D identifier (an enumerator may not reuse one).
    pub fn declare(
        &self,
        d: &Decl,
        eval: &dyn Fn(&super::ast::Expr) -> Option<i64>,
        is_global: &dyn Fn(&str) -> bool,
    ) -> Result<(), (&'static str, String)> {
        if let Some(members) = &d.ty.members {
            if let Some(rest) = d.ty.base.strip_prefix("enum") {
                let tag = rest.trim();
                if !tag.is_empty() && !self.enum_tags.borrow_mut().insert(tag.to_string()) {
                    return Err(("D_DECL_TYPERED", format!("type redeclared: enum {}", tag)));
                }
                let mut next = 0i64;
                for m in members {
                    if let Some(n) = m.names.first() {
                        if n.name.contains('`') {
                            return Err(("D_DECL_SCOPE", format!("D scoping operator may not be used in an enumerator name ({})", n.name)));
                        }
                        let v = match &m.init {
                            Some(e) => match e.kind {
                                super::ast::ExprKind::Ident(ref i) if self.enumerators.borrow().contains_key(i) => self.enumerators.borrow()[i],
                                _ => eval(e).ok_or_else(|| {
                                    ("D_DECL_ENCONST", format!("enumerator '{}' must be assigned to an integral constant expression", n.name))
                                })?,
                            },
                            None => next,
                        };
                        if v > i32::MAX as i64 || v < i32::MIN as i64 {
                            return Err(("D_DECL_ENOFLOW", format!("enumerator '{}' value overflows INT_MAX ({})", n.name, i32::MAX)));
                        }
                        if self.enumerators.borrow().contains_key(&n.name) || is_global(&n.name) {
                            return Err(("D_DECL_IDRED", format!("identifier redeclared: {}", n.name)));
                        }
                        self.enumerators.borrow_mut().insert(n.name.clone(), v);
                        if !tag.is_empty() {
                            self.enum_members.borrow_mut().entry(tag.to_string()).or_default().push((n.name.clone(), v));
                        }
                        next = v + 1;
                    }
                }
            } else {
                self.declare_composite(&d.ty.base, members)?;
            }
        }
        if d.class == StorageClass::Typedef {
            let base = self.resolve_base(&d.ty.base).map_err(|m| ("D_TYPE_ERR", m))?;
            for n in &d.names {
                self.typedefs.borrow_mut().insert(n.name.clone(), declarator_type(base.clone(), n));
            }
        }
        Ok(())
    }

    /// Lays out a struct (members one after another, each aligned) or a
    /// union (all at offset 0), as C does.
    fn declare_composite(&self, base: &str, members: &[Decl]) -> Result<Type, (&'static str, String)> {
        let is_union = base.starts_with("union");
        let tag = base.split_once(' ').map(|(_, t)| t).unwrap_or("").to_string();
        if !tag.is_empty() && self.tags.borrow().get(&tag).is_some_and(|c| c.src != CompositeSrc::Incomplete) {
            return Err(("D_DECL_TYPERED", format!("type redeclared: {}", base)));
        }
        let mut fields = Vec::new();
        // In bits: bit-fields pack into units of their type, as C (GCC on
        // x86-64) lays them out; a field never straddles such a unit.
        let mut boff = 0u64;
        let mut size = 0u64;
        let mut align = 1u64;
        for m in members {
            // A member may itself be a struct or union written inline.
            let mty = match &m.ty.members {
                Some(inner) => self.declare_composite(&m.ty.base, inner)?,
                None => self.resolve(&m.ty).map_err(|e| ("D_TYPE_ERR", e))?,
            };
            for n in &m.names {
                let t = declarator_type(mty.clone(), n);
                if fields.iter().any(|f: &Field| f.name == n.name) {
                    return Err(("D_DECL_TYPE", format!("duplicate {} member {}", if is_union { "union" } else { "struct" }, n.name)));
                }
                let a = t.align().max(1);
                let sz = t.size(0);
                let at_bits = match (is_union, n.bits) {
                    (true, _) => 0,
                    (false, 0) => boff.div_ceil(8 * a) * 8 * a,
                    (false, w) => {
                        let unit = 8 * sz;
                        if boff % unit + w as u64 > unit {
                            boff.div_ceil(unit) * unit
                        } else {
                            boff
                        }
                    }
                };
                let mut type_name = m.ty.base.trim().to_string();
                if n.pointers > 0 {
                    type_name = format!("{} {}", type_name, "*".repeat(n.pointers as usize));
                }
                for d in &n.dims {
                    type_name = format!("{} [{}]", type_name, d);
                }
                fields.push(Field { name: n.name.clone(), offset_bits: at_bits, bits: n.bits, ty: t, type_name });
                let end = at_bits + if n.bits > 0 { n.bits as u64 } else { 8 * sz };
                boff = end;
                size = size.max(end.div_ceil(8));
                align = align.max(a);
            }
        }
        let size = size.div_ceil(align) * align;
        let c = Arc::new(Composite { name: tag.clone(), is_union, size, align, src: CompositeSrc::User(fields) });
        if !tag.is_empty() {
            self.tags.borrow_mut().insert(tag, c.clone());
        }
        Ok(Type::Struct(c))
    }
}

/// A kernel type's name as print() shows it: typedef names kept,
/// anonymous structs and unions as plain `struct`/`union`.
fn btf_type_name(btf: &Btf, id: TypeId) -> String {
    let s = btf.type_to_string(id);
    s.replace("struct (anon)", "struct").replace("union (anon)", "union")
}

/// `vmlinux`task_struct` names a kernel type by module; one kernel here.
fn strip_module(name: &str) -> &str {
    name.rsplit_once('`').map(|(_, n)| n).unwrap_or(name)
}

fn convert(btf: &Btf, id: TypeId, depth: u32) -> Type {
    if depth > MAX_DEPTH {
        return Type::LONG;
    }
    match btf.kind(id) {
        Kind::Void | Kind::Func { .. } | Kind::FuncProto { .. } | Kind::Var { .. } | Kind::Datasec { .. } | Kind::DeclTag { .. } => {
            Type::Void
        }
        Kind::Int { size, signed, is_char, is_bool, .. } => {
            // pahole marks plain `char` neither signed nor char; x86's is signed.
            let signed = (signed || is_char || btf.name(id) == "char") && !is_bool;
            Type::Int { size: size.clamp(1, 8) as u8, signed }
        }
        Kind::Float { size } => Type::Int { size: size.clamp(1, 8) as u8, signed: true },
        Kind::Enum { size, signed, .. } => Type::Int { size: size.clamp(1, 8) as u8, signed },
        Kind::Ptr(t) => Type::Ptr(Box::new(convert(btf, t, depth + 1))),
        Kind::Array { elem, len, .. } => Type::Array(Box::new(convert(btf, elem, depth + 1)), len),
        Kind::Struct { size, .. } | Kind::Union { size, .. } => Type::Struct(Arc::new(Composite {
            name: btf.name(id).to_string(),
            is_union: matches!(btf.kind(id), Kind::Union { .. }),
            size: size as u64,
            align: 8,
            src: CompositeSrc::Btf(id.0),
        })),
        Kind::Fwd { is_union } => {
            // Use the full definition when the kernel has one.
            let name = btf.name(id);
            match btf.find_struct(name) {
                Some(full) => convert(btf, full, depth + 1),
                None => Type::Struct(Arc::new(Composite { name: name.to_string(), is_union, size: 0, align: 8, src: CompositeSrc::Incomplete })),
            }
        }
        Kind::Typedef(t) | Kind::Volatile(t) | Kind::Const(t) | Kind::Restrict(t) | Kind::TypeTag(t) => convert(btf, t, depth + 1),
    }
}
