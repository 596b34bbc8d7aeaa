//! Kernel memory in D expressions: struct and union members (`.`, `->`),
//! `*p`, `p[i]`, `&x->m`, pointer arithmetic, and `char *`/`char []`
//! read as strings. A struct or array value is its kernel address;
//! scalars are read with bpf_probe_read_kernel, a failed read is DTrace's
//! "invalid address" fault.

use super::*;

/// Where an lvalue in kernel memory is, besides its address register.
pub(super) struct Place {
    pub ty: Type,
    /// Bitfield width (0: not a bitfield) and its bit offset in the first byte.
    pub bits: u32,
    pub shift: u32,
}

impl<'a> Codegen<'a> {
    /// The address of a member, `*p` or `p[i]`, in a fresh register.
    pub(super) fn place(&mut self, f: &mut Prog, e: &Expr) -> R<(Reg, Place)> {
        let sema = self.env.sema;
        match &e.kind {
            ExprKind::Member { expr, member } | ExprKind::Arrow { expr, member } => {
                let t = self.ty(expr)?;
                let (st, op) = match &e.kind {
                    ExprKind::Member { .. } => (t.clone(), "."),
                    _ => (t.target().cloned().unwrap_or(Type::Void), "->"),
                };
                let field = sema.member_of(&st, member, e.line, op)?;
                // A struct value is its address; a pointer's value is too.
                let r = self.expr(f, expr)?;
                let off = field.offset_bits / 8;
                if off > 0 {
                    f.asm.emit(Insn::alu64_imm(BPF_ADD, r, off as i32));
                }
                Ok((r, Place { ty: field.ty, bits: field.bits, shift: (field.offset_bits % 8) as u32 }))
            }
            ExprKind::Unary { op: UnOp::Deref, expr } => {
                let ty = self.ty(e)?;
                let r = self.expr(f, expr)?;
                Ok((r, Place { ty, bits: 0, shift: 0 }))
            }
            ExprKind::Index { base, keys } => {
                let bt = self.ty(base)?;
                let ty = self.ty(e)?;
                let b = self.expr(f, base)?;
                let (b, i) = self.second_operand(f, b, &keys[0])?;
                if let (Type::Array(_, n @ 1..), None) = (&bt, self.value(&keys[0])?) {
                    // Outside the array: DTrace's invalid address fault.
                    self.fault_if(f, BPF_JGE, i, *n as i32, FLT_BADADDR, Some(i));
                }
                let size = ty.size(self.strsize);
                if size != 1 {
                    f.asm.emit(Insn::alu64_imm(BPF_MUL, i, size as i32));
                }
                f.asm.emit(Insn::alu64_reg(BPF_ADD, b, i));
                self.free(f, i);
                Ok((b, Place { ty, bits: 0, shift: 0 }))
            }
            _ => {
                self.ty(e)?;
                Err(CompileError::new(e.line, "D_ADDROF_LVAL", "unacceptable operand for unary & operator"))
            }
        }
    }

    /// The value of a member, `*p` or `p[i]`: its address for structs and
    /// arrays, else the scalar read from kernel memory.
    pub(super) fn load_place(&mut self, f: &mut Prog, e: &Expr) -> R<Reg> {
        let (r, p) = self.place(f, e)?;
        // A struct, array or string (an element of a string array): its
        // address.
        if p.ty.is_aggregate() || p.ty.is_str() {
            return Ok(r);
        }
        let (size, signed) = match p.ty {
            Type::Int { size, signed } => (size as u32, signed),
            Type::Ptr(_) => (8, false),
            _ => {
                return Err(CompileError::new(e.line, "D_DEREF_VOID", format!("cannot load a value of type {}", p.ty)))
            }
        };
        let nbytes = if p.bits > 0 { (p.shift + p.bits).div_ceil(8).min(8) } else { size };
        let a = &mut f.asm;
        if p.bits > 0 {
            a.emit(Insn::st_imm(BPF_DW, FP, SLOT_B, 0));
        }
        a.emit(Insn::mov64_reg(R1, FP));
        a.emit(Insn::alu64_imm(BPF_ADD, R1, SLOT_B as i32));
        a.emit(Insn::mov64_imm(R2, nbytes as i32));
        a.emit(Insn::mov64_reg(R3, r));
        a.emit(Insn::call(H_READ_KERNEL));
        self.fault_if(f, BPF_JSLT, R0, 0, FLT_BADADDR, Some(r));
        let a = &mut f.asm;
        if p.bits > 0 {
            // Little endian: the field starts `shift` bits into the bytes read.
            a.emit(Insn::ldx(BPF_DW, r, FP, SLOT_B));
            a.emit(Insn::alu64_imm(BPF_RSH, r, p.shift as i32));
            let up = 64 - p.bits as i32;
            if up > 0 {
                a.emit(Insn::alu64_imm(BPF_LSH, r, up));
                a.emit(Insn::alu64_imm(if signed { BPF_ARSH } else { BPF_RSH }, r, up));
            }
            return Ok(r);
        }
        a.emit(Insn::ldx(width_of(size), r, FP, SLOT_B));
        normalize(a, r, size as u8, signed);
        Ok(r)
    }

    /// `a[i] = v` for a D array variable (never kernel memory, which D
    /// does not write): the element's address is in the variable's map.
    pub(super) fn store_place(&mut self, f: &mut Prog, line: u32, lhs: &Expr, v: Reg) -> R<()> {
        let ExprKind::Index { base, .. } = &lhs.kind else { unreachable!() };
        if !matches!(self.ty(base)?, Type::Array(..)) || !matches!(base.kind, ExprKind::Ident(_)) {
            return Err(CompileError::new(
                line,
                "D_OP_WRITE",
                "kernel memory cannot be written: operator = requires a D variable as its left-hand operand",
            ));
        }
        let (addr, p) = self.place(f, lhs)?;
        if p.ty.is_str() {
            self.store_string(f, |f| f.asm.emit(Insn::mov64_reg(R1, addr)), v);
            self.free(f, addr);
            return Ok(());
        }
        let width = scalar_width(&p.ty).ok_or_else(|| {
            CompileError::new(line, "D_OP_WRITE", format!("elements of type {} cannot be assigned", p.ty))
        })?;
        f.asm.emit(Insn::stx(width, addr, v, 0));
        self.free(f, addr);
        Ok(())
    }

    /// `*p = x`, `p->m = x`, `p[i] = x`: a store into scratch memory (what
    /// alloca() gave this clause), as DTrace allows; anywhere else is an
    /// invalid address, and a misaligned 2-, 4- or 8-byte store an invalid
    /// alignment (DTrace's checks on its store instructions).
    pub(super) fn store_scratch(&mut self, f: &mut Prog, line: u32, lhs: &Expr, v: Reg) -> R<()> {
        let (addr, p) = self.place(f, lhs)?;
        if p.bits != 0 {
            return Err(CompileError::new(
                line,
                "D_OP_WRITE",
                "bit-field members cannot be assigned through a pointer yet",
            ));
        }
        let width = scalar_width(&p.ty).ok_or_else(|| {
            CompileError::new(
                line,
                "D_OP_WRITE",
                format!("values of type {} cannot be assigned through a pointer", p.ty),
            )
        })?;
        let size = p.ty.size(self.strsize) as u32;
        self.scratch_dest(f, addr, size);
        if size > 1 {
            // R3: the destination's offset in the (8-aligned) scratch area,
            // a plain number; R1, the checked destination, survives (the
            // fault path leaves).
            f.asm.emit(Insn::mov64_reg(R2, R3));
            f.asm.emit(Insn::alu64_imm(BPF_AND, R2, size as i32 - 1));
            self.fault_if(f, BPF_JNE, R2, 0, FLT_BADALIGN, Some(addr));
        }
        f.asm.emit(Insn::stx(width, R1, v, 0));
        self.free(f, addr);
        Ok(())
    }

    /// `v.m = x` for a member of a struct-valued D variable (global,
    /// `self->` or associative array element, created zeroed if missing).
    pub(super) fn store_member(&mut self, f: &mut Prog, line: u32, lhs: &Expr, v: Reg) -> R<()> {
        // Walk down to the variable, adding the members' offsets.
        let mut off_bits = 0u64;
        let mut e = lhs;
        let mut field = None;
        while let ExprKind::Member { expr, member } = &e.kind {
            let f_ = self.env.sema.member_of(&self.ty(expr)?, member, line, ".")?;
            off_bits += f_.offset_bits;
            field.get_or_insert(f_);
            e = expr;
        }
        let field = field.expect("a member");
        let base = self.struct_var_for_write(f, line, e)?;
        if field.bits != 0 {
            // Read-modify-write of the unit of the field's type holding it.
            let Type::Int { size, .. } = field.ty else { unreachable!("bit-fields are integers") };
            let unit_bits = 8 * size as u64;
            let unit_off = off_bits / unit_bits * unit_bits;
            let pos = (off_bits - unit_off) as i32;
            let ones = if field.bits >= 64 { u64::MAX } else { (1u64 << field.bits) - 1 };
            let width = width_of(size as u32);
            let a = &mut f.asm;
            let at = (unit_off / 8) as i16;
            a.emit(Insn::ldx(width, R1, base, at));
            emit_ld64(a, R2, !(ones << pos));
            a.emit(Insn::alu64_reg(BPF_AND, R1, R2));
            a.emit(Insn::mov64_reg(R3, v));
            emit_ld64(a, R2, ones);
            a.emit(Insn::alu64_reg(BPF_AND, R3, R2));
            a.emit(Insn::alu64_imm(BPF_LSH, R3, pos));
            a.emit(Insn::alu64_reg(BPF_OR, R1, R3));
            a.emit(Insn::stx(width, base, R1, at));
            self.free(f, base);
            return Ok(());
        }
        let width = scalar_width(&field.ty).ok_or_else(|| {
            CompileError::new(line, "D_OP_WRITE", format!("members of type {} cannot be assigned yet", field.ty))
        })?;
        f.asm.emit(Insn::stx(width, base, v, (off_bits / 8) as i16));
        self.free(f, base);
        Ok(())
    }

    /// The address of a struct-valued D variable's storage, creating a
    /// dynamic one (zeroed) when it does not exist yet; a full map is a
    /// dynamic variable drop and ends the clause.
    fn struct_var_for_write(&mut self, f: &mut Prog, line: u32, e: &Expr) -> R<Reg> {
        let ty = self.ty(e)?;
        let (map, key) = match &e.kind {
            ExprKind::Ident(_) | ExprKind::ThisVar(_) => return self.expr(f, e),
            ExprKind::SelfVar(n) => {
                let v = self.env.sema.syms.var(VarClass::SelfVar, n).unwrap().clone();
                self.tid_key(f);
                (self.self_maps[v.id], KeyAt::Stack(SLOT_A))
            }
            ExprKind::Index { base, keys } => {
                let ExprKind::Ident(n) = &base.kind else { unreachable!() };
                let v = self.env.sema.syms.var(VarClass::Assoc, n).unwrap().clone();
                let koff = self.build_tuple(f, line, keys, &v.keys)?;
                (self.assoc_maps[v.id], KeyAt::Tmp(koff))
            }
            _ => {
                return Err(CompileError::new(
                    line,
                    "D_OP_WRITE",
                    "kernel memory cannot be written: operator = requires a D variable as its left-hand operand",
                ))
            }
        };
        let zeros = self.zeros(self.value_size(&ty));
        let r = self.alloc(f, line)?;
        let end = f.clause_end.unwrap();
        let a = &mut f.asm;
        let found = a.label();
        a.emit2(Insn::ld_map_fd(R1, map as i32));
        key.ptr(a, R2);
        a.emit(Insn::call(H_MAP_LOOKUP));
        a.jmp_imm(BPF_JNE, R0, 0, found);
        a.emit2(Insn::ld_map_fd(R1, map as i32));
        key.ptr(a, R2);
        Self::strtab_ptr_a(a, R3, zeros);
        a.emit(Insn::mov64_imm(R4, BPF_NOEXIST));
        a.emit(Insn::call(H_MAP_UPDATE));
        a.emit2(Insn::ld_map_fd(R1, map as i32));
        key.ptr(a, R2);
        a.emit(Insn::call(H_MAP_LOOKUP));
        a.jmp_imm(BPF_JNE, R0, 0, found);
        count_drop(a, DROP_DYNVAR);
        a.ja(end);
        a.bind(found);
        a.emit(Insn::mov64_reg(r, R0));
        Ok(r)
    }

    /// Evaluates a string-compatible expression as a string: `char *` and
    /// `char []` are read from kernel memory into a scratch buffer.
    pub(super) fn str_expr(&mut self, f: &mut Prog, e: &Expr) -> R<Reg> {
        let t = self.ty(e)?;
        let r = self.expr(f, e)?;
        if t.is_str() || !t.is_strcompat() {
            return Ok(r);
        }
        // An array is read no further than its end (plus its NUL).
        let max = match t {
            Type::Array(_, n) => (n + 1).min(self.strsize),
            _ => self.strsize,
        };
        let off = self.tmp(f, self.strsize);
        Self::tmp_ptr(f, R1, off);
        let a = &mut f.asm;
        a.emit(Insn::mov64_imm(R2, max as i32));
        a.emit(Insn::mov64_reg(R3, r));
        a.emit(Insn::call(H_READ_KERNEL_STR));
        self.fault_if(f, BPF_JSLT, R0, 0, FLT_BADADDR, Some(r));
        Self::tmp_ptr(f, r, off);
        Ok(r)
    }

    /// `__psargs(arg_start, arg_end)`: the current process's command line
    /// (its user memory between the mm's arg_start and arg_end) with the
    /// NULs between arguments made spaces, at most PRARGSZ - 1 (79)
    /// characters: psinfo_t's pr_psargs. Empty when unreadable.
    pub(super) fn psargs(&mut self, f: &mut Prog, start: &Expr, end: &Expr) -> R<Reg> {
        const PRARGSZ: u32 = 80;
        let cap = PRARGSZ.min(self.strsize);
        let s = self.expr(f, start)?;
        let (s, e) = self.second_operand(f, s, end)?;
        let off = self.tmp(f, self.strsize);
        let a = &mut f.asm;
        let empty = a.label();
        let done = a.label();
        // n = min(end - start, cap) bytes, the last one becoming the NUL.
        a.emit(Insn::alu64_reg(BPF_SUB, e, s));
        a.jmp_imm(BPF_JSLE, e, 0, empty);
        let fits = a.label();
        a.jmp_imm(BPF_JLE, e, cap as i32, fits);
        a.emit(Insn::mov64_imm(e, cap as i32));
        a.bind(fits);
        Self::tmp_ptr_a(a, R1, off);
        a.emit(Insn::mov64_reg(R2, e));
        a.emit(Insn::mov64_reg(R3, s));
        a.emit(Insn::call(H_READ_USER));
        a.jmp_imm(BPF_JSLT, R0, 0, empty);
        // Every NUL before the last byte separates two arguments.
        Self::tmp_ptr_a(a, R1, off);
        a.emit(Insn::mov64_imm(R2, 0));
        a.emit(Insn::alu64_imm(BPF_SUB, e, 1));
        let top = a.label();
        let next = a.label();
        let end_loop = a.label();
        a.bind(top);
        a.jmp_reg(BPF_JGE, R2, e, end_loop);
        a.jmp_imm(BPF_JGE, R2, cap as i32, end_loop);
        a.emit(Insn::ldx(BPF_B, R3, R1, 0));
        a.jmp_imm(BPF_JNE, R3, 0, next);
        a.emit(Insn::st_imm(BPF_B, R1, 0, b' ' as i32));
        a.bind(next);
        a.emit(Insn::alu64_imm(BPF_ADD, R1, 1));
        a.emit(Insn::alu64_imm(BPF_ADD, R2, 1));
        a.ja(top);
        a.bind(end_loop);
        a.emit(Insn::st_imm(BPF_B, R1, 0, 0));
        a.ja(done);
        a.bind(empty);
        Self::tmp_ptr_a(a, R1, off);
        a.emit(Insn::st_imm(BPF_B, R1, 0, 0));
        a.bind(done);
        self.free(f, e);
        Self::tmp_ptr(f, s, off);
        Ok(s)
    }

    /// `p + n`, `n + p`, `p - n` (n scaled by the pointee's size) and
    /// `p - q` (a count of elements), as C does. Result in `l`.
    pub(super) fn pointer_arith(&mut self, f: &mut Prog, op: BinOp, l: Reg, lt: &Type, r: Reg, rt: &Type) {
        let elem = |t: &Type| t.target().map_or(1, |p| p.size(self.strsize).max(1));
        let a = &mut f.asm;
        match (lt.target().is_some(), rt.target().is_some()) {
            (true, true) => {
                a.emit(Insn::alu64_reg(BPF_SUB, l, r));
                let n = elem(lt);
                if n > 1 {
                    a.emit(Insn::mov64_imm(r, n as i32));
                    signed_divmod(a, l, r, false, true);
                }
            }
            (true, false) => {
                let n = elem(lt);
                if n > 1 {
                    a.emit(Insn::alu64_imm(BPF_MUL, r, n as i32));
                }
                a.emit(Insn::alu64_reg(if op == BinOp::Sub { BPF_SUB } else { BPF_ADD }, l, r));
            }
            _ => {
                let n = elem(rt);
                if n > 1 {
                    a.emit(Insn::alu64_imm(BPF_MUL, l, n as i32));
                }
                a.emit(Insn::alu64_reg(BPF_ADD, l, r));
            }
        }
    }
}

/// The load/store width of a value of `size` bytes (1, 2, 4 or 8).
fn width_of(size: u32) -> u8 {
    match size {
        1 => BPF_B,
        2 => BPF_H,
        4 => BPF_W,
        _ => BPF_DW,
    }
}

/// The store width of a scalar (integer or pointer); None for others.
fn scalar_width(t: &Type) -> Option<u8> {
    match t {
        Type::Int { size, .. } => Some(width_of(*size as u32)),
        Type::Ptr(_) => Some(BPF_DW),
        _ => None,
    }
}
