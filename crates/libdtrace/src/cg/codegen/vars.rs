//! Variables: identifiers, the built-in variables (argN, probefunc,
//! pid...), and loading and storing global, thread-local (`self->`),
//! clause-local (`this->`) and associative variables.

use super::*;

impl<'a> Codegen<'a> {
    /// The value of identifier `n` (the node `e`).
    pub(super) fn ident(&mut self, f: &mut Prog, e: &Expr, n: &str) -> R<Reg> {
        let line = e.line;
        if let Some(idx) = n.strip_prefix("arg").and_then(|d| d.parse::<usize>().ok()) {
            if n.len() == 4 {
                return self.arg(f, line, idx);
            }
        }
        if crate::lang::sema::builtin_type(n).is_some() {
            return self.builtin(f, line, n);
        }
        if let Some(v) = self.env.sema.syms.var(VarClass::Global, n) {
            // Strings and arrays are used in place: their address.
            let (off, is_str) = (self.global_off[v.id], v.ty.is_str() || v.ty.is_aggregate());
            let r = self.alloc(f, line)?;
            lookup_fixed(&mut f.asm, MAP_GLOBALS);
            f.asm.jmp_imm(BPF_JEQ, R0, 0, f.clause_end.unwrap());
            if is_str {
                f.asm.emit(Insn::mov64_reg(r, R0));
                f.asm.emit(Insn::alu64_imm(BPF_ADD, r, off as i32));
            } else {
                f.asm.emit(Insn::ldx(BPF_DW, r, R0, off as i16));
            }
            return Ok(r);
        }
        let sema = self.env.sema;
        if let Some(body) = sema.inlines.get(n) {
            return self.expr(f, body);
        }
        // An enumerator.
        if let Some(v) = self.value(e)? {
            let r = self.alloc(f, line)?;
            emit_ld64(&mut f.asm, r, v as u64);
            return Ok(r);
        }
        Err(CompileError::new(line, "D_IDENT_UNDEF", format!("failed to resolve {}: Unknown variable name", n)))
    }

    /// argN for the current attach point (its provider knows where).
    pub(super) fn arg(&mut self, f: &mut Prog, line: u32, i: usize) -> R<Reg> {
        let r = self.alloc(f, line)?;
        let a = &mut f.asm;
        if let Some(epid) = f.in_error {
            // ERROR: arg1 epid, arg2 action, arg3 offset (the BPF pc),
            // arg4 fault type, arg5 faulting address/value.
            match i {
                1 => a.emit(Insn::mov64_imm(r, epid as i32)),
                2 => {
                    a.emit(Insn::ldx(BPF_DW, r, FP, SLOT_ERR_CODE));
                    a.emit(Insn::alu64_imm(BPF_RSH, r, 16));
                    a.emit(Insn::alu64_imm(BPF_AND, r, 0xffff));
                }
                3 => {
                    a.emit(Insn::ldx(BPF_DW, r, FP, SLOT_ERR_CODE));
                    a.emit(Insn::alu64_imm(BPF_RSH, r, 32));
                }
                4 => {
                    a.emit(Insn::ldx(BPF_DW, r, FP, SLOT_ERR_CODE));
                    a.emit(Insn::alu64_imm(BPF_AND, r, 0xffff));
                }
                5 => a.emit(Insn::ldx(BPF_DW, r, FP, SLOT_ERR_VALUE)),
                _ => a.emit(Insn::mov64_imm(r, 0)),
            }
            return Ok(r);
        }
        let provider = self.env.catalog.provider(f.attach.provider);
        provider.load(f.attach.key, Load::Arg(i), a, r);
        Ok(r)
    }

    pub(super) fn builtin(&mut self, f: &mut Prog, line: u32, n: &str) -> R<Reg> {
        let r = self.alloc(f, line)?;
        let strsize = self.strsize;
        match n {
            "pid" | "tid" => {
                f.asm.emit(Insn::call(H_PID_TGID));
                f.asm.emit(Insn::mov64_reg(r, R0));
                if n == "pid" {
                    f.asm.emit(Insn::alu64_imm(BPF_RSH, r, 32));
                } else {
                    f.asm.emit(Insn::alu32_imm(BPF_MOV, r, 0));
                    f.asm.emit(Insn::alu32_reg(BPF_MOV, r, R0));
                }
            }
            "uid" | "gid" => {
                f.asm.emit(Insn::call(H_UID_GID));
                f.asm.emit(Insn::mov64_reg(r, R0));
                if n == "gid" {
                    f.asm.emit(Insn::alu64_imm(BPF_RSH, r, 32));
                } else {
                    f.asm.emit(Insn::alu32_reg(BPF_MOV, r, R0));
                }
            }
            "cpu" => {
                f.asm.emit(Insn::call(H_SMP_ID));
                f.asm.emit(Insn::mov64_reg(r, R0));
            }
            "timestamp" | "vtimestamp" => {
                f.asm.emit(Insn::call(H_KTIME));
                f.asm.emit(Insn::mov64_reg(r, R0));
            }
            "walltimestamp" => {
                f.asm.emit(Insn::call(H_KTIME));
                emit_ld64(&mut f.asm, r, self.env.wall_offset_ns as u64);
                f.asm.emit(Insn::alu64_reg(BPF_ADD, r, R0));
            }
            "curthread" => {
                f.asm.emit(Insn::call(H_CURRENT_TASK));
                f.asm.emit(Insn::mov64_reg(r, R0));
            }
            "errno" => {
                let provider = self.env.catalog.provider(f.attach.provider);
                provider.load(f.attach.key, Load::Errno, &mut f.asm, r);
            }
            "id" => match (f.single_probe, f.site.disc) {
                (Some(p), _) => f.asm.emit(Insn::mov64_imm(r, p as i32)),
                (None, Disc::Cookie) => f.asm.emit(Insn::ldx(BPF_DW, r, FP, SLOT_NR)),
                (None, Disc::Number { slot }) => {
                    self.sysprobe_used = true;
                    self.sysprobe_lookup(f)?;
                    f.asm.emit(Insn::ldx(BPF_W, r, R0, 4 * slot as i16));
                }
                _ => f.asm.emit(Insn::mov64_imm(r, 0)),
            },
            "epid" => f.asm.emit(Insn::mov64_imm(r, f.epid as i32)),
            "execname" => {
                // The kernel writes all of comm (16 bytes); a smaller
                // strsize cuts it.
                let off = self.tmp(f, strsize.max(COMM_LEN));
                Self::tmp_ptr(f, R1, off);
                f.asm.emit(Insn::mov64_imm(R2, COMM_LEN as i32));
                f.asm.emit(Insn::call(H_COMM));
                if strsize < COMM_LEN {
                    Self::tmp_ptr(f, R1, off);
                    f.asm.emit(Insn::st_imm(BPF_B, R1, strsize as i16 - 1, 0));
                }
                Self::tmp_ptr(f, r, off);
            }
            "probeprov" | "probemod" | "probefunc" | "probename" => {
                // What every probe of the program has in common is known
                // here; the rest is looked up by the probe discriminator.
                let field = |p: &crate::provider::Probe| match n {
                    "probeprov" => p.provider.clone(),
                    "probemod" => p.module.clone(),
                    "probefunc" => p.function.clone(),
                    _ => p.name.clone(),
                };
                let first = self.env.catalog.get(f.probes[0]).unwrap();
                let text = match (f.single_probe, f.site.disc) {
                    (Some(p), _) => Some(field(self.env.catalog.get(p).unwrap())),
                    (None, Disc::Cookie) => matches!(n, "probeprov" | "probename").then(|| field(first)),
                    (None, _) => (n != "probefunc").then(|| field(first)),
                };
                match text {
                    Some(t) => {
                        let off = self.intern(t.as_bytes());
                        Self::strtab_ptr(f, r, off);
                    }
                    None if f.site.disc == Disc::Cookie => {
                        self.probeinfo_used = true;
                        let off = self.tmp(f, strsize);
                        let a = &mut f.asm;
                        a.emit2(Insn::ld_map_fd(R1, MAP_PROBEINFO as i32));
                        a.emit(Insn::mov64_reg(R2, FP));
                        a.emit(Insn::alu64_imm(BPF_ADD, R2, SLOT_NR as i32));
                        a.emit(Insn::call(H_MAP_LOOKUP));
                        a.jmp_imm(BPF_JEQ, R0, 0, f.clause_end.unwrap());
                        a.emit(Insn::mov64_reg(R3, R0));
                        if n == "probemod" {
                            a.emit(Insn::alu64_imm(BPF_ADD, R3, PROBEINFO_MOD_OFF as i32));
                        }
                        Self::tmp_ptr(f, R1, off);
                        f.asm.emit(Insn::mov64_imm(R2, PROBEINFO_MOD_OFF.min(strsize) as i32));
                        f.asm.emit(Insn::call(H_READ_KERNEL_STR));
                        Self::tmp_ptr(f, r, off);
                    }
                    None => {
                        self.sysprobe_used = true;
                        let off = self.tmp(f, strsize);
                        self.sysprobe_lookup(f)?;
                        f.asm.emit(Insn::mov64_reg(R3, R0));
                        f.asm.emit(Insn::alu64_imm(BPF_ADD, R3, SYSPROBE_NAME_OFF as i32));
                        Self::tmp_ptr(f, R1, off);
                        f.asm.emit(Insn::mov64_imm(R2, (SYSPROBE_VALUE - SYSPROBE_NAME_OFF).min(strsize) as i32));
                        f.asm.emit(Insn::call(H_READ_KERNEL_STR));
                        Self::tmp_ptr(f, r, off);
                    }
                }
            }
            "ppid" => {
                let (Some(parent), Some(tgid)) = (
                    self.env.kernel_offset("task_struct", &["real_parent"]),
                    self.env.kernel_offset("task_struct", &["tgid"]),
                ) else {
                    return Err(CompileError::new(
                        line,
                        "D_UNSUPPORTED",
                        "ppid needs kernel type information (BTF), which this kernel does not provide",
                    ));
                };
                // curthread->real_parent->tgid, read safely.
                let a = &mut f.asm;
                a.emit(Insn::call(H_CURRENT_TASK));
                a.emit(Insn::mov64_reg(R3, R0));
                a.emit(Insn::alu64_imm(BPF_ADD, R3, parent as i32));
                a.emit(Insn::mov64_reg(R1, FP));
                a.emit(Insn::alu64_imm(BPF_ADD, R1, SLOT_B as i32));
                a.emit(Insn::mov64_imm(R2, 8));
                a.emit(Insn::call(H_READ_KERNEL));
                a.emit(Insn::ldx(BPF_DW, R3, FP, SLOT_B));
                a.emit(Insn::alu64_imm(BPF_ADD, R3, tgid as i32));
                a.emit(Insn::st_imm(BPF_DW, FP, SLOT_B, 0));
                a.emit(Insn::mov64_reg(R1, FP));
                a.emit(Insn::alu64_imm(BPF_ADD, R1, SLOT_B as i32));
                a.emit(Insn::mov64_imm(R2, 4));
                a.emit(Insn::call(H_READ_KERNEL));
                a.emit(Insn::ldx(BPF_W, r, FP, SLOT_B));
                normalize(a, r, 4, true);
            }
            "stackdepth" | "ustackdepth" => {
                self.free(f, r);
                return self.stack_depth(f, line, n == "ustackdepth");
            }
            "caller" | "ucaller" => {
                // The pc just before the probe: the frame after the probed
                // function's own for a function entry; a return probe's
                // stack starts at the caller already. ucaller: the user pc.
                let user = n == "ucaller";
                let idx = if user { 0 } else { f.site.caller_frame };
                let off = self.tmp(f, 16);
                Self::tmp_ptr(f, R2, off);
                f.asm.emit(Insn::st_imm(BPF_DW, R2, 8 * idx, 0));
                Self::stack_frames(f, user, 2);
                Self::tmp_ptr(f, r, off);
                f.asm.emit(Insn::ldx(BPF_DW, r, r, 8 * idx));
            }
            "uregs" => {
                return Err(CompileError::new(line, "D_UREGS_IDX", "uregs[ ] is an array: index it, as in uregs[R_PC]"));
            }
            "cwd" | "root" => {
                self.free(f, r);
                return self.fs_path(f, line, n);
            }
            "ipl" => {
                self.free(f, r);
                return self.ipl(f, line);
            }
            "zonename" => {
                return Err(CompileError::new(
                    line,
                    "D_UNSUPPORTED",
                    "built-in variable zonename is not available: Linux has no zones",
                ));
            }
            _ => {
                return Err(CompileError::new(
                    line,
                    "D_IDENT_UNDEF",
                    format!("failed to resolve {}: Unknown variable name", n),
                ))
            }
        }
        Ok(r)
    }

    /// r0 = &dt_sysprobe[current syscall number] (skips the clause if absent).
    pub(super) fn sysprobe_lookup(&mut self, f: &mut Prog) -> R<()> {
        let a = &mut f.asm;
        a.emit2(Insn::ld_map_fd(R1, MAP_SYSPROBE as i32));
        a.emit(Insn::mov64_reg(R2, FP));
        a.emit(Insn::alu64_imm(BPF_ADD, R2, SLOT_NR as i32));
        a.emit(Insn::call(H_MAP_LOOKUP));
        a.jmp_imm(BPF_JEQ, R0, 0, f.clause_end.unwrap());
        Ok(())
    }

    /// Stores the current thread's key (pid_tgid) at SLOT_A.
    pub(super) fn tid_key(&mut self, f: &mut Prog) {
        f.asm.emit(Insn::call(H_PID_TGID));
        f.asm.emit(Insn::stx(BPF_DW, FP, R0, SLOT_A));
    }

    /// Loads a dynamic variable (self-> or associative array element);
    /// missing entries read as 0 or "".
    pub(super) fn load_dyn(&mut self, f: &mut Prog, line: u32, map: usize, key: KeyAt, ty: &Type) -> R<Reg> {
        let r = self.alloc(f, line)?;
        // Strings and structs are used in place; a missing one reads as ""
        // or as zeros (a read-only copy in the string table).
        let empty = match ty {
            Type::Str => Some(self.intern(b"")),
            Type::Struct(_) => Some(self.zeros(self.value_size(ty))),
            _ => None,
        };
        let a = &mut f.asm;
        a.emit2(Insn::ld_map_fd(R1, map as i32));
        key.ptr(a, R2);
        a.emit(Insn::call(H_MAP_LOOKUP));
        let missing = a.label();
        let done = a.label();
        a.jmp_imm(BPF_JEQ, R0, 0, missing);
        if empty.is_some() {
            a.emit(Insn::mov64_reg(r, R0));
        } else {
            a.emit(Insn::ldx(BPF_DW, r, R0, 0));
        }
        a.ja(done);
        a.bind(missing);
        match empty {
            Some(off) => Self::strtab_ptr(f, r, off),
            None => f.asm.emit(Insn::mov64_imm(r, 0)),
        }
        f.asm.bind(done);
        Ok(r)
    }

    /// `lhs = rhs` or `lhs op= rhs` (the node `e`).
    pub(super) fn assign(&mut self, f: &mut Prog, e: &Expr, op: Option<BinOp>, lhs: &Expr, rhs: &Expr) -> R<Reg> {
        let line = e.line;
        let lt = self.ty(lhs)?;
        // A literal 0 deletes a dynamic variable of any type: store it as
        // the integer 0, which store_dyn turns into a delete.
        let deletes = op.is_none() && self.env.sema.deletes_dynvar(lhs, rhs);
        if deletes {
            let v = self.expr(f, rhs)?;
            self.store_var(f, line, lhs, v, false)?;
            return Ok(v);
        }
        // The new value: rhs, or lhs op rhs.
        let v = match op {
            None => {
                let r = if lt.is_str() { self.str_expr(f, rhs)? } else { self.expr(f, rhs)? };
                let rt = self.ty(rhs)?;
                self.convert(f, r, &rt, &lt);
                r
            }
            Some(bop) => self.compound(f, e, bop, lhs, &lt, Some(rhs))?,
        };
        self.store(f, line, lhs, &lt, v)
    }

    /// The value `lhs op= rhs` stores (`rhs` None: `lhs++` and the like,
    /// which add or subtract 1), converted to lhs's type `lt`; `e` is the
    /// node, with the type of `lhs op rhs` recorded by sema.
    pub(super) fn compound(&mut self, f: &mut Prog, e: &Expr, op: BinOp, lhs: &Expr, lt: &Type, rhs: Option<&Expr>) -> R<Reg> {
        let line = e.line;
        let res = self.op_ty(e)?;
        let rt = match rhs {
            Some(rhs) => self.ty(rhs)?,
            // The literal 1.
            None => Type::INT,
        };
        // Evaluated as the expression `lhs op rhs` would be.
        let r = self.with_registers(f, line, |g, f| {
            g.check_size(f)?;
            let l = g.expr(f, lhs)?;
            let (l, r) = match rhs {
                Some(rhs) => g.second_operand(f, l, rhs)?,
                None => {
                    g.check_size(f)?;
                    let r = g.alloc(f, line)?;
                    emit_ld64(&mut f.asm, r, 1);
                    (l, r)
                }
            };
            Ok(g.arith(f, op, l, lt, r, &rt, &res))
        })?;
        self.convert(f, r, &res, lt);
        Ok(r)
    }

    /// Stores `v`, the new value of `lhs` (of type `lt`); returns it.
    pub(super) fn store(&mut self, f: &mut Prog, line: u32, lhs: &Expr, lt: &Type, v: Reg) -> R<Reg> {
        if crate::lang::sema::is_memory_lvalue(lhs) {
            self.store_scratch(f, line, lhs, v)?;
            return Ok(v);
        }
        self.store_var(f, line, lhs, v, lt.is_str())?;
        Ok(v)
    }

    /// Stores `v` (a string's address when `is_str`) into variable `lhs`.
    pub(super) fn store_var(&mut self, f: &mut Prog, line: u32, lhs: &Expr, v: Reg, is_str: bool) -> R<()> {
        match &lhs.kind {
            ExprKind::Ident(n) => {
                let var = self.env.sema.syms.var(VarClass::Global, n).unwrap().clone();
                let off = self.global_off[var.id];
                lookup_fixed(&mut f.asm, MAP_GLOBALS);
                f.asm.jmp_imm(BPF_JEQ, R0, 0, f.clause_end.unwrap());
                if is_str {
                    let a = &mut f.asm;
                    a.emit(Insn::mov64_reg(R1, R0));
                    a.emit(Insn::alu64_imm(BPF_ADD, R1, off as i32));
                    a.emit(Insn::mov64_imm(R2, self.strsize as i32));
                    a.emit(Insn::mov64_reg(R3, v));
                    a.emit(Insn::call(H_READ_KERNEL_STR));
                    let end = f.clause_end.unwrap();
                    self.keep_null_mark(
                        f,
                        |f| {
                            lookup_fixed(&mut f.asm, MAP_GLOBALS);
                            f.asm.jmp_imm(BPF_JEQ, R0, 0, end);
                            f.asm.emit(Insn::mov64_reg(R1, R0));
                            f.asm.emit(Insn::alu64_imm(BPF_ADD, R1, off as i32));
                        },
                        v,
                    );
                } else {
                    f.asm.emit(Insn::stx(BPF_DW, R0, v, off as i16));
                }
            }
            ExprKind::ThisVar(n) => {
                let var = self.env.sema.syms.var(VarClass::ThisVar, n).unwrap().clone();
                if is_str {
                    let off = f.this_str[&var.id];
                    self.store_string(f, |f| Self::tmp_ptr(f, R1, off), v);
                } else {
                    f.asm.emit(Insn::stx(BPF_DW, FP, v, f.this_slots[&var.id]));
                }
            }
            ExprKind::SelfVar(n) => {
                let var = self.env.sema.syms.var(VarClass::SelfVar, n).unwrap().clone();
                let m = self.self_maps[var.id];
                self.tid_key(f);
                self.store_dyn(f, m, KeyAt::Stack(SLOT_A), v, is_str);
            }
            ExprKind::Index { base, .. } if !matches!(&base.kind, ExprKind::Ident(n) if self.env.sema.syms.var(VarClass::Assoc, n).is_some()) =>
            {
                self.store_place(f, line, lhs, v)?;
            }
            ExprKind::Member { .. } => self.store_member(f, line, lhs, v)?,
            ExprKind::Index { base, keys } => {
                let ExprKind::Ident(n) = &base.kind else { unreachable!() };
                let var = self.env.sema.syms.var(VarClass::Assoc, n).unwrap().clone();
                let m = self.assoc_maps[var.id];
                let koff = self.build_tuple(f, line, keys, &var.keys)?;
                self.store_dyn(f, m, KeyAt::Tmp(koff), v, is_str);
            }
            _ => {
                return Err(CompileError::new(
                    line,
                    "D_OP_LVAL",
                    "operator = requires a writable variable as its left-hand operand",
                ))
            }
        }
        Ok(())
    }

    /// Copies string `v` into the variable's buffer that `dst` puts in R1
    /// (its NULL mark too).
    pub(super) fn store_string(&mut self, f: &mut Prog, dst: impl std::ops::Fn(&mut Prog), v: Reg) {
        dst(f);
        f.asm.emit(Insn::mov64_imm(R2, self.strsize as i32));
        f.asm.emit(Insn::mov64_reg(R3, v));
        f.asm.emit(Insn::call(H_READ_KERNEL_STR));
        self.keep_null_mark(f, &dst, v);
    }

    /// After a string was copied into a variable with bpf_probe_read_kernel_str
    /// (which stops at the NUL): copies the NULL mark too, when the program
    /// can make NULL strings. `dst` sets R1 to the variable's buffer.
    pub(super) fn keep_null_mark(&mut self, f: &mut Prog, dst: impl FnOnce(&mut Prog), v: Reg) {
        if !self.env.sema.null_strings || self.strsize < subr::NULL_MIN_STRSIZE {
            return;
        }
        dst(f);
        let a = &mut f.asm;
        a.emit(Insn::alu64_imm(BPF_ADD, R1, 8));
        a.emit(Insn::mov64_imm(R2, 8));
        a.emit(Insn::mov64_reg(R3, v));
        a.emit(Insn::alu64_imm(BPF_ADD, R3, 8));
        a.emit(Insn::call(H_READ_KERNEL));
    }

    /// Stores into a dynamic variable map; assigning 0 deletes the entry
    /// (DTrace's rule, which frees the variable).
    pub(super) fn store_dyn(&mut self, f: &mut Prog, map: usize, key: KeyAt, v: Reg, is_str: bool) {
        let a = &mut f.asm;
        let done = a.label();
        if !is_str {
            let nonzero = a.label();
            a.jmp_imm(BPF_JNE, v, 0, nonzero);
            a.emit2(Insn::ld_map_fd(R1, map as i32));
            key.ptr(a, R2);
            a.emit(Insn::call(H_MAP_DELETE));
            a.ja(done);
            a.bind(nonzero);
            a.emit(Insn::stx(BPF_DW, FP, v, SLOT_B));
        }
        a.emit2(Insn::ld_map_fd(R1, map as i32));
        key.ptr(a, R2);
        if is_str {
            a.emit(Insn::mov64_reg(R3, v));
        } else {
            a.emit(Insn::mov64_reg(R3, FP));
            a.emit(Insn::alu64_imm(BPF_ADD, R3, SLOT_B as i32));
        }
        a.emit(Insn::mov64_imm(R4, BPF_ANY));
        a.emit(Insn::call(H_MAP_UPDATE));
        a.jmp_imm(BPF_JEQ, R0, 0, done);
        count_drop(a, DROP_DYNVAR);
        a.bind(done);
    }
}
