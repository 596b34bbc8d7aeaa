//! Translators: `translator OUT < IN name > { member = expr; ... }` and
//! their uses, `xlate <OUT> (e).member` / `xlate <OUT *> (e)->member`, and
//! the built-ins defined through them (`curpsinfo`, `curlwpsinfo`).
//!
//! A use of one member is replaced by that member's expression with the
//! translator's parameter bound to `e`, cast to the member's declared type,
//! before type checking: only the members a script uses are compiled.

use super::ast::*;
use super::diag::CompileError;
use super::parser::parse_program;
use crate::host::CpuPlace;

/// D's standard definitions compiled into dtrace (types, translators and
/// constants users expect without any file installed).
const LIBRARY: &[(&str, &str)] = &[
    ("procfs.d", include_str!("dlib/procfs.d")),
    ("names.d", include_str!("dlib/names.d")),
    ("regs.d", include_str!("dlib/regs.d")),
    ("io.d", include_str!("dlib/io.d")),
    ("cpuinfo.d", include_str!("dlib/cpuinfo.d")),
    ("unistd.d", include_str!("dlib/unistd.d")),
    ("net.d", include_str!("dlib/net.d")),
    ("ip.d", include_str!("dlib/ip.d")),
    ("tcp.d", include_str!("dlib/tcp.d")),
];

/// The library as one program (parsed once per run; errors are ours).
/// curcpu's translator is not in it: [`expand`] adds it for the programs
/// that need it, since it is generated from the machine's CPU topology.
pub fn library() -> Program {
    let mut p = Program::default();
    for (name, src) in LIBRARY.iter().copied() {
        extend_with(&mut p, name, src);
    }
    p
}

fn extend_with(p: &mut Program, name: &str, src: &str) {
    match parse_program(src) {
        Ok(q) => p.items.extend(q.items),
        Err(e) => crate::note!("dtrace: internal error in built-in library {}: {}", name, e.msg),
    }
}

/// `translator cpuinfo_t < int C >` for this machine: each member a choice
/// on the CPU number (a constant when every CPU agrees).
fn cpuinfo_translator(cpus: &[CpuPlace]) -> String {
    let choose = |value: fn(&CpuPlace) -> i64| -> String {
        let first = cpus.first().map_or(0, value);
        if cpus.iter().all(|c| value(c) == first) {
            return first.to_string();
        }
        let mut e = String::from("0");
        for c in cpus.iter().rev() {
            e = format!("C == {} ? {} : {}", c.cpu, value(c), e);
        }
        e
    };
    format!(
        "translator cpuinfo_t < int C > {{ cpu_id = C; cpu_pset = 0; cpu_chip = {}; cpu_lgrp = {}; }};",
        choose(|c| c.package),
        choose(|c| c.node)
    )
}

/// `fds[fd]` is `xlate <fileinfo_t> (this)`, with `fd` replaced by the
/// index: the current process's open file, or NULL.
const FD_FILE: &str = "fd >= 0 && fd < curthread->files->fdt->max_fds ? curthread->files->fdt->fd[fd] : NULL";

/// Built-in variables that are translations: of `curthread`, or for
/// `curcpu`, of the CPU number.
const BUILTIN_XLATES: &[(&str, &str, &str)] =
    &[("curpsinfo", "psinfo_t", "curthread"), ("curlwpsinfo", "lwpsinfo_t", "curthread"), ("curcpu", "cpuinfo_t", "cpu")];

/// Oracle's sched.d inlines for members of `curcpu`: the current CPU's
/// processor set, package and NUMA node.
const CPU_MEMBERS: &[(&str, &str)] = &[("pset", "cpu_pset"), ("chip", "cpu_chip"), ("lgrp", "cpu_lgrp")];

/// Rewrites every translated member access in the user's clauses; an
/// error comes with the index of the item at fault.
/// `cpus` gives the CPU topology for curcpu's translator; it is asked only
/// when a clause uses `curcpu` or translates to `cpuinfo_t` (it reads sysfs).
pub fn expand(
    user: &mut Program,
    lib: &Program,
    cpus: impl FnOnce() -> Vec<CpuPlace>,
) -> Result<(), (usize, CompileError)> {
    let mut snapshot = user.clone();
    let mut cpuinfo = Program::default();
    if needs_cpuinfo(&mut snapshot) {
        extend_with(&mut cpuinfo, "cpuinfo translator", &cpuinfo_translator(&cpus()));
    }
    let tr = Translators::collect(&[lib, &cpuinfo, &snapshot]);
    for (i, item) in user.items.iter_mut().enumerate() {
        if let Item::Clause(c) = item {
            let mut one = || -> Result<(), CompileError> {
                if let Some(p) = &mut c.predicate {
                    tr.expr(p)?;
                }
                for s in &mut c.body {
                    tr.stmt(s)?;
                }
                Ok(())
            };
            one().map_err(|e| (i, e))?;
        }
    }
    Ok(())
}

struct Translators<'p> {
    list: Vec<&'p Translator>,
    /// typedef name -> the type it names (`psinfo_t` -> `struct psinfo`).
    typedefs: Vec<(&'p str, &'p TypeName)>,
    /// struct tag ("struct psinfo") -> member declarations.
    structs: Vec<(&'p str, &'p [Decl])>,
}

impl<'p> Translators<'p> {
    /// From the programs in order of precedence (the library first).
    fn collect(programs: &[&'p Program]) -> Translators<'p> {
        let mut t = Translators { list: Vec::new(), typedefs: Vec::new(), structs: Vec::new() };
        for item in programs.iter().flat_map(|p| p.items.iter()) {
            match item {
                Item::Translator(x) => t.list.push(x),
                Item::Decl(d) => {
                    if let Some(m) = &d.ty.members {
                        t.structs.push((d.ty.base.as_str(), m.as_slice()));
                    }
                    if d.class == StorageClass::Typedef {
                        for n in &d.names {
                            t.typedefs.push((n.name.as_str(), &d.ty));
                        }
                    }
                }
                _ => {}
            }
        }
        t
    }

    fn stmt(&self, s: &mut Stmt) -> Result<(), CompileError> {
        match s {
            Stmt::Expr(e) => self.expr(e),
            Stmt::If { cond, then, els, .. } => {
                self.expr(cond)?;
                for s in then.iter_mut().chain(els.iter_mut()) {
                    self.stmt(s)?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Rewrites children first, then this node.
    fn expr(&self, e: &mut Expr) -> Result<(), CompileError> {
        let mut r = Ok(());
        e.for_each_child_mut(&mut |c| {
            if r.is_ok() {
                r = self.expr(c);
            }
        });
        r?;
        let line = e.line;
        if let ExprKind::Ident(n) = &e.kind {
            if let Some((_, member)) = CPU_MEMBERS.iter().find(|(b, _)| b == n) {
                let curcpu = Box::new(Expr::new(ExprKind::Ident("curcpu".into()), line));
                e.kind = ExprKind::Arrow { expr: curcpu, member: member.to_string() };
                return self.expr(e);
            }
            if let Some((_, to, from)) = BUILTIN_XLATES.iter().find(|(b, _, _)| b == n) {
                e.kind = ExprKind::Xlate {
                    ty: TypeName { base: to.to_string(), members: None, pointers: 1, dims: vec![] },
                    expr: Box::new(Expr::new(ExprKind::Ident(from.to_string()), line)),
                };
            }
            return Ok(());
        }
        if let ExprKind::Index { base, keys } = &e.kind {
            if matches!(&base.kind, ExprKind::Ident(n) if n == "fds") && keys.len() == 1 {
                let file = fd_file(&keys[0], line);
                e.kind = ExprKind::Xlate {
                    ty: TypeName { base: "fileinfo_t".into(), members: None, pointers: 0, dims: vec![] },
                    expr: Box::new(file),
                };
            }
            return Ok(());
        }
        let (inner, member, via_ptr) = match &e.kind {
            ExprKind::Arrow { expr, member } => (expr, member, true),
            ExprKind::Member { expr, member } => (expr, member, false),
            _ => return Ok(()),
        };
        let ExprKind::Xlate { ty, expr: arg } = &inner.kind else { return Ok(()) };
        if via_ptr != (ty.pointers == 1) {
            let op = if via_ptr { "->" } else { "." };
            return Err(CompileError::new(line, "D_XLATE_SOU", format!("operator {} cannot be applied to xlate <{}{}>", op, ty.base, "*".repeat(ty.pointers as usize))));
        }
        let new = self.member(ty, arg, member, line)?;
        *e = new;
        Ok(())
    }

    /// The translated expression of one member, cast to its declared type.
    fn member(&self, ty: &TypeName, arg: &Expr, member: &str, line: u32) -> Result<Expr, CompileError> {
        let tag = self.struct_tag(&ty.base);
        let t = self
            .list
            .iter()
            .find(|t| t.to.base == ty.base || self.struct_tag(&t.to.base) == tag)
            .ok_or_else(|| CompileError::new(line, "D_XLATE_NONE", format!("No translator available for type {}", ty.base)))?;
        let (_, body) = t
            .members
            .iter()
            .find(|(m, _)| m == member)
            .ok_or_else(|| CompileError::new(line, "D_XLATE_MEMB", format!("translator for {} does not define member {}", ty.base, member)))?;
        let mut out = body.clone();
        substitute(&mut out, &t.param, arg, line);
        // Scalars take the declared member type; arrays and strings stay.
        if let Some(mt) = self.member_type(&tag, member) {
            if mt.dims.is_empty() && mt.base != "string" {
                out = Expr::new(ExprKind::Cast { ty: mt, expr: Box::new(out) }, line);
            }
        }
        Ok(out)
    }

    /// `psinfo_t` -> `struct psinfo`; a struct tag stays itself.
    fn struct_tag(&self, base: &str) -> String {
        match self.typedefs.iter().find(|(n, _)| *n == base) {
            Some((_, t)) => t.base.clone(),
            None => base.to_string(),
        }
    }

    fn member_type(&self, tag: &str, member: &str) -> Option<TypeName> {
        let (_, decls) = self.structs.iter().find(|(s, _)| *s == tag)?;
        for d in decls.iter() {
            if let Some(n) = d.names.iter().find(|n| n.name == member) {
                let mut t = d.ty.clone();
                t.members = None;
                t.pointers += n.pointers;
                t.dims.extend(n.dims.iter().copied());
                return Some(t);
            }
        }
        None
    }
}

/// Whether a clause of `user` names `curcpu` or `xlate <cpuinfo_t>`.
fn needs_cpuinfo(user: &mut Program) -> bool {
    fn expr(e: &mut Expr) -> bool {
        let here = match &e.kind {
            ExprKind::Ident(n) => n == "curcpu" || CPU_MEMBERS.iter().any(|(b, _)| b == n),
            ExprKind::Xlate { ty, .. } => ty.base == "cpuinfo_t",
            _ => false,
        };
        let mut below = false;
        e.for_each_child_mut(&mut |c| below = below || expr(c));
        here || below
    }
    fn stmt(s: &mut Stmt) -> bool {
        match s {
            Stmt::Expr(e) => expr(e),
            Stmt::If { cond, then, els, .. } => expr(cond) || then.iter_mut().chain(els.iter_mut()).any(stmt),
            _ => false,
        }
    }
    user.items.iter_mut().any(|item| match item {
        Item::Clause(c) => c.predicate.as_mut().is_some_and(expr) || c.body.iter_mut().any(stmt),
        _ => false,
    })
}

/// The `struct file *` of `fds[fd]`, from [`FD_FILE`].
fn fd_file(fd: &Expr, line: u32) -> Expr {
    let src = format!("BEGIN {{ {}; }}", FD_FILE);
    let p = parse_program(&src).expect("FD_FILE parses");
    let Some(Item::Clause(c)) = p.items.into_iter().next() else { unreachable!("one clause") };
    let Some(Stmt::Expr(mut e)) = c.body.into_iter().next() else { unreachable!("one statement") };
    substitute(&mut e, "fd", fd, line);
    e
}

/// Replaces the translator's parameter by the translated expression, and
/// gives every node the line of the use (for messages).
fn substitute(e: &mut Expr, param: &str, arg: &Expr, line: u32) {
    if matches!(&e.kind, ExprKind::Ident(n) if n == param) {
        *e = arg.clone();
        return;
    }
    e.line = line;
    e.for_each_child_mut(&mut |c| substitute(c, param, arg, line));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fds_index_becomes_a_translation_of_the_file_pointer() {
        let mut p = parse_program("BEGIN { trace(fds[3].fi_pathname); }").unwrap();
        expand(&mut p, &library(), Vec::new).map_err(|(_, e)| e.msg).unwrap();
        let text = format!("{:?}", p);
        assert!(text.contains("max_fds"), "{}", text);
        assert!(text.contains("d_path"), "{}", text);
        assert!(!text.contains("\"fds\""), "{}", text);
    }

    #[test]
    fn library_typedefs_are_known_to_the_parser() {
        for item in &library().items {
            if let Item::Decl(d) = item {
                if d.class == StorageClass::Typedef {
                    for n in &d.names {
                        assert!(super::super::parser::is_builtin_type(&n.name), "{} not in BUILTIN_TYPES", n.name);
                    }
                }
            }
        }
    }

    #[test]
    fn cpuinfo_members_choose_by_cpu_only_where_cpus_differ() {
        let place = |cpu, package, node| CpuPlace { cpu, package, node };
        let one = cpuinfo_translator(&[place(0, 0, 0), place(1, 0, 0)]);
        assert!(one.contains("cpu_chip = 0; cpu_lgrp = 0;"), "{}", one);
        let two = cpuinfo_translator(&[place(0, 0, 0), place(1, 1, 0)]);
        assert!(two.contains("cpu_chip = C == 0 ? 0 : C == 1 ? 1 : 0;"), "{}", two);
        assert!(two.contains("cpu_lgrp = 0;"), "{}", two);
        assert!(parse_program(&two).is_ok());
    }

    #[test]
    fn cpu_topology_is_read_only_for_curcpu() {
        let asked = |src: &str| {
            let mut p = parse_program(src).unwrap();
            let mut asked = false;
            let cpus = || {
                asked = true;
                vec![CpuPlace { cpu: 0, package: 0, node: 0 }]
            };
            expand(&mut p, &library(), cpus).map_err(|(_, e)| e.msg).unwrap();
            asked
        };
        assert!(!asked("BEGIN { trace(curpsinfo->pr_pid); }"));
        assert!(asked("BEGIN { trace(curcpu->cpu_chip); }"));
        assert!(asked("BEGIN /cpu == 0/ { if (1) { trace(curcpu->cpu_lgrp); } }"));
        assert!(asked("BEGIN { trace(xlate <cpuinfo_t *> (cpu)->cpu_id); }"));
        assert!(asked("BEGIN { trace(chip); }"));
    }

    #[test]
    fn library_parses() {
        let lib = library();
        assert!(lib.items.iter().any(|i| matches!(i, Item::Translator(t) if t.to.base == "fileinfo_t")));
    }
}
