//! Expressions: operators, conversions, string comparison and
//! `stringof`.

use super::*;
use crate::lang::builtins;

impl<'a> Codegen<'a> {
    /// Evaluates `e` into a fresh pool register. When at most one register
    /// is free for a compound expression, the values held in the others
    /// are spilled to stack slots around it and reloaded into the same
    /// registers, so that any expression compiles with the four of them.
    pub(super) fn expr(&mut self, f: &mut Prog, e: &Expr) -> R<Reg> {
        let simple = matches!(
            e.kind,
            ExprKind::Int { .. } | ExprKind::Char(_) | ExprKind::Str(_) | ExprKind::SelfVar(_) | ExprKind::ThisVar(_)
        );
        if simple {
            return self.expr_here(f, e);
        }
        self.with_registers(f, e.line, |g, f| g.expr_here(f, e))
    }

    /// Runs `eval`, code that computes a value into a fresh pool register,
    /// with the registers [`expr`](Self::expr) gives a compound expression.
    pub(super) fn with_registers(
        &mut self,
        f: &mut Prog,
        line: u32,
        eval: impl FnOnce(&mut Self, &mut Prog) -> R<Reg>,
    ) -> R<Reg> {
        let live: Vec<Reg> = POOL.iter().zip(f.free).filter(|(_, free)| !free).map(|(&r, _)| r).collect();
        if Self::nfree(f) >= 2 || live.len() == POOL.len() {
            return eval(self, f);
        }
        let top = f.stack_top;
        let mut slots = Vec::new();
        for &r in &live {
            let slot = self.stack_slot(f, line)?;
            f.asm.emit(Insn::stx(BPF_DW, FP, r, slot));
            self.free(f, r);
            slots.push(slot);
        }
        let spilled_top = f.stack_top;
        let mut v = eval(self, f)?;
        if live.contains(&v) {
            // The result must not be in a register about to be reloaded.
            let Some(to) = POOL.iter().copied().find(|r| !live.contains(r)) else { unreachable!("a register is free") };
            self.take(f, to, line)?;
            f.asm.emit(Insn::mov64_reg(to, v));
            self.free(f, v);
            v = to;
        }
        for (&r, &slot) in live.iter().zip(&slots) {
            self.take(f, r, line)?;
            f.asm.emit(Insn::ldx(BPF_DW, r, FP, slot));
        }
        // The slots are free again unless something took stack after them.
        if f.stack_top == spilled_top {
            f.stack_top = top;
        }
        Ok(v)
    }

    /// Inlines can expand a short text into any amount of code: stops at
    /// what no BPF program can hold (checked before each expression).
    pub(super) fn check_size(&self, f: &Prog) -> R<()> {
        if f.asm.len() > BPF_MAX_INSNS {
            return Err(CompileError::nowhere("D_PROG", "BPF program exceeds maximum program size"));
        }
        Ok(())
    }

    /// [`expr`](Self::expr), with the registers there are.
    pub(super) fn expr_here(&mut self, f: &mut Prog, e: &Expr) -> R<Reg> {
        let line = e.line;
        self.check_size(f)?;
        match &e.kind {
            ExprKind::Int { value, .. } => {
                let r = self.alloc(f, line)?;
                emit_ld64(&mut f.asm, r, *value);
                Ok(r)
            }
            ExprKind::Char(c) => {
                let r = self.alloc(f, line)?;
                emit_ld64(&mut f.asm, r, *c as u64);
                Ok(r)
            }
            ExprKind::Str(s) => {
                let off = self.intern(s);
                let r = self.alloc(f, line)?;
                Self::strtab_ptr(f, r, off);
                Ok(r)
            }
            ExprKind::Ident(n) => self.ident(f, e, n),
            ExprKind::SelfVar(n) => {
                let v = self.env.sema.syms.var(VarClass::SelfVar, n).unwrap().clone();
                let m = self.self_maps[v.id];
                self.tid_key(f);
                self.load_dyn(f, line, m, KeyAt::Stack(SLOT_A), &v.ty)
            }
            ExprKind::ThisVar(n) => {
                let v = self.env.sema.syms.var(VarClass::ThisVar, n).unwrap().clone();
                let r = self.alloc(f, line)?;
                if let Some(&off) = f.this_str.get(&v.id) {
                    // A string or struct: its address.
                    Self::tmp_ptr(f, r, off);
                } else {
                    f.asm.emit(Insn::ldx(BPF_DW, r, FP, f.this_slots[&v.id]));
                }
                Ok(r)
            }
            ExprKind::Index { base, keys } => {
                let n = match &base.kind {
                    ExprKind::Ident(n) if n == "args" || self.env.sema.syms.var(VarClass::Assoc, n).is_some() => n,
                    ExprKind::Ident(n) if n == "uregs" => return self.uregs(f, line, &keys[0]),
                    _ => return self.load_place(f, e),
                };
                if n == "args" {
                    let idx = self.value(&keys[0])?.ok_or_else(|| {
                        CompileError::new(line, "D_ARGS_IDX", "args[ ] index must be an integer constant")
                    })?;
                    if !(0..10).contains(&idx) {
                        return Err(CompileError::new(
                            line,
                            "D_ARGS_IDX",
                            format!("index {} is out of range for args[ ]", idx),
                        ));
                    }
                    let r = self.arg(f, line, idx as usize)?;
                    // Typed arguments narrower than a register.
                    if let Type::Int { size, signed } = self.ty(e)? {
                        normalize(&mut f.asm, r, size, signed);
                    }
                    return Ok(r);
                }
                let v = self.env.sema.syms.var(VarClass::Assoc, n).unwrap().clone();
                let m = self.assoc_maps[v.id];
                let koff = self.build_tuple(f, line, keys, &v.keys)?;
                self.load_dyn(f, line, m, KeyAt::Tmp(koff), &v.ty)
            }
            ExprKind::Call { name, args } => match builtins::lookup(name) {
                Some(b) => self.subroutine(f, e, b, args),
                None => Err(CompileError::new(line, "D_FUNC_UNDEF", format!("undefined function name: {}", name))),
            },
            ExprKind::Unary { op, expr } => self.unary(f, e, *op, expr),
            ExprKind::Binary { op, lhs, rhs } => self.binary(f, e, *op, lhs, rhs),
            ExprKind::Assign { op, lhs, rhs } => self.assign(f, e, *op, lhs, rhs),
            ExprKind::Ternary { cond, then, els } => {
                let c = self.expr(f, cond)?;
                let l_else = f.asm.label();
                let l_end = f.asm.label();
                f.asm.jmp_imm(BPF_JEQ, c, 0, l_else);
                self.free(f, c);
                // Both arms leave their value in the same register.
                let t = self.expr(f, then)?;
                let rt = self.ty(e)?;
                self.convert(f, t, &self.ty(then)?, &rt);
                f.asm.ja(l_end);
                f.asm.bind(l_else);
                self.free(f, t);
                let el = self.expr(f, els)?;
                self.convert(f, el, &self.ty(els)?, &rt);
                if el != t {
                    f.asm.emit(Insn::mov64_reg(t, el));
                    self.free(f, el);
                    let i = POOL.iter().position(|&p| p == t).unwrap();
                    f.free[i] = false;
                }
                f.asm.bind(l_end);
                Ok(t)
            }
            ExprKind::Member { .. } | ExprKind::Arrow { .. } => self.load_place(f, e),
            ExprKind::Cast { expr, .. } => {
                let from = self.ty(expr)?;
                let to = self.ty(e)?;
                let r = self.expr(f, expr)?;
                self.convert(f, r, &from, &to);
                Ok(r)
            }
            ExprKind::SizeofType(_) | ExprKind::SizeofExpr(_) | ExprKind::Offsetof { .. } => {
                let n = self.value(e)?.ok_or_else(|| untyped(e))?;
                let r = self.alloc(f, line)?;
                emit_ld64(&mut f.asm, r, n as u64);
                Ok(r)
            }
            ExprKind::Stringof(x) => self.stringof(f, line, x),
            ExprKind::Macro(_) | ExprKind::MacroStr(_) | ExprKind::Agg(_) | ExprKind::AggAssign { .. } => {
                self.ty(e)?;
                Err(CompileError::new(line, "D_UNSUPPORTED", "expression cannot be used as a value"))
            }
            _ => {
                self.ty(e)?;
                Err(CompileError::new(line, "D_UNSUPPORTED", "this expression is not supported yet"))
            }
        }
    }

    /// Converts the value in `r` from one integer type to another (C casts).
    pub(super) fn convert(&mut self, f: &mut Prog, r: Reg, from: &Type, to: &Type) {
        let _ = from;
        if let Type::Int { size, signed } = to {
            normalize(&mut f.asm, r, *size, *signed);
        }
    }

    pub(super) fn unary(&mut self, f: &mut Prog, e: &Expr, op: UnOp, x: &Expr) -> R<Reg> {
        let rt = self.ty(e)?;
        match op {
            UnOp::PreInc | UnOp::PreDec | UnOp::PostInc | UnOp::PostDec => {
                let bop = if matches!(op, UnOp::PreInc | UnOp::PostInc) { BinOp::Add } else { BinOp::Sub };
                let lt = self.ty(x)?;
                let v = self.compound(f, e, bop, x, &lt, None)?;
                let new = self.store(f, e.line, x, &lt, v)?;
                if matches!(op, UnOp::PostInc | UnOp::PostDec) {
                    let inv = if bop == BinOp::Add { BPF_SUB } else { BPF_ADD };
                    f.asm.emit(Insn::alu64_imm(inv, new, 1));
                    self.convert(f, new, &rt, &rt);
                }
                return Ok(new);
            }
            UnOp::Deref => return self.load_place(f, e),
            UnOp::AddrOf => {
                let (r, _) = self.place(f, x)?;
                return Ok(r);
            }
            _ => {}
        }
        let r = self.expr(f, x)?;
        let a = &mut f.asm;
        match op {
            UnOp::Neg => a.emit(Insn::neg64(r)),
            UnOp::BitNot => a.emit(Insn::alu64_imm(BPF_XOR, r, -1)),
            UnOp::Not => {
                let z = a.label();
                let d = a.label();
                a.jmp_imm(BPF_JEQ, r, 0, z);
                a.emit(Insn::mov64_imm(r, 0));
                a.ja(d);
                a.bind(z);
                a.emit(Insn::mov64_imm(r, 1));
                a.bind(d);
            }
            _ => {}
        }
        self.convert(f, r, &rt, &rt);
        Ok(r)
    }

    pub(super) fn binary(&mut self, f: &mut Prog, e: &Expr, op: BinOp, lhs: &Expr, rhs: &Expr) -> R<Reg> {
        let lt = self.ty(lhs)?;
        let rt = self.ty(rhs)?;
        let res = self.ty(e)?;
        match op {
            BinOp::LogAnd | BinOp::LogOr => {
                let l = self.expr(f, lhs)?;
                let short = f.asm.label();
                let done = f.asm.label();
                let (jop, val) = if op == BinOp::LogAnd { (BPF_JEQ, 0) } else { (BPF_JNE, 1) };
                f.asm.jmp_imm(jop, l, 0, short);
                let r = self.expr(f, rhs)?;
                f.asm.emit(Insn::mov64_imm(l, 1));
                f.asm.jmp_imm(BPF_JNE, r, 0, done);
                f.asm.emit(Insn::mov64_imm(l, 0));
                f.asm.ja(done);
                self.free(f, r);
                f.asm.bind(short);
                f.asm.emit(Insn::mov64_imm(l, val));
                f.asm.bind(done);
                return Ok(l);
            }
            BinOp::Comma => {
                let l = self.expr(f, lhs)?;
                self.free(f, l);
                return self.expr(f, rhs);
            }
            _ => {}
        }
        if let (BinOp::Eq | BinOp::Ne, Some(s)) = (op, self.env.sema.null_comparison(lhs, rhs)) {
            return self.null_test(f, s, op == BinOp::Eq);
        }
        if lt.is_str() || rt.is_str() {
            let l = self.str_expr(f, lhs)?;
            let (l, r) = self.second_operand_with(f, l, rhs, true)?;
            self.strcmp(f, l, r);
            self.free(f, r);
            let cmp = match op {
                BinOp::Eq => BPF_JEQ,
                BinOp::Ne => BPF_JNE,
                BinOp::Lt => BPF_JSLT,
                BinOp::Le => BPF_JSLE,
                BinOp::Gt => BPF_JSGT,
                _ => BPF_JSGE,
            };
            set_bool(&mut f.asm, cmp, l, None, 0);
            return Ok(l);
        }
        let l = self.expr(f, lhs)?;
        let (l, r) = self.second_operand(f, l, rhs)?;
        Ok(self.arith(f, op, l, &lt, r, &rt, &res))
    }

    /// `l op r` for an arithmetic, bitwise or comparison operator, of
    /// values of types `lt` and `rt` in registers, into `l` (a value of
    /// type `res`); frees `r`.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn arith(&mut self, f: &mut Prog, op: BinOp, l: Reg, lt: &Type, r: Reg, rt: &Type, res: &Type) -> Reg {
        if matches!(op, BinOp::Add | BinOp::Sub) && (lt.target().is_some() || rt.target().is_some()) {
            self.pointer_arith(f, op, l, lt, r, rt);
            self.free(f, r);
            return l;
        }
        let common = arith_result(lt, rt);
        let signed = common.is_signed();
        let a = &mut f.asm;
        match op {
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor | BinOp::Shl => {
                let o = match op {
                    BinOp::Add => BPF_ADD,
                    BinOp::Sub => BPF_SUB,
                    BinOp::Mul => BPF_MUL,
                    BinOp::BitAnd => BPF_AND,
                    BinOp::BitOr => BPF_OR,
                    BinOp::BitXor => BPF_XOR,
                    _ => BPF_LSH,
                };
                a.emit(Insn::alu64_reg(o, l, r));
            }
            BinOp::Shr => {
                let o = if lt.promoted().is_signed() { BPF_ARSH } else { BPF_RSH };
                a.emit(Insn::alu64_reg(o, l, r));
            }
            BinOp::Div | BinOp::Mod => {
                self.fault_if(f, BPF_JEQ, r, 0, FLT_DIVZERO, None);
                signed_divmod(&mut f.asm, l, r, op == BinOp::Mod, signed);
            }
            _ => {
                let cmp = match (op, signed) {
                    (BinOp::Eq, _) => BPF_JEQ,
                    (BinOp::Ne, _) => BPF_JNE,
                    (BinOp::Lt, true) => BPF_JSLT,
                    (BinOp::Le, true) => BPF_JSLE,
                    (BinOp::Gt, true) => BPF_JSGT,
                    (BinOp::Ge, true) => BPF_JSGE,
                    (BinOp::Lt, false) => BPF_JLT,
                    (BinOp::Le, false) => BPF_JLE,
                    (BinOp::Gt, false) => BPF_JGT,
                    (BinOp::Ge, false) => BPF_JGE,
                    (BinOp::LogXor, _) => {
                        // (l != 0) != (r != 0)
                        set_bool(a, BPF_JNE, l, None, 0);
                        set_bool(a, BPF_JNE, r, None, 0);
                        BPF_JNE
                    }
                    _ => BPF_JEQ,
                };
                set_bool(&mut f.asm, cmp, l, Some(r), 0);
                self.free(f, r);
                return l;
            }
        }
        self.free(f, r);
        self.convert(f, l, res, res);
        l
    }

    /// Evaluates the right operand while the left one is live, spilling
    /// the left one when registers run short.
    pub(super) fn second_operand(&mut self, f: &mut Prog, l: Reg, rhs: &Expr) -> R<(Reg, Reg)> {
        self.second_operand_with(f, l, rhs, false)
    }

    /// `second_operand`, reading `char *`/`char []` as a string if `as_str`.
    pub(super) fn second_operand_with(&mut self, f: &mut Prog, l: Reg, rhs: &Expr, as_str: bool) -> R<(Reg, Reg)> {
        let eval = |g: &mut Self, f: &mut Prog| {
            if as_str {
                g.str_expr(f, rhs)
            } else {
                g.expr(f, rhs)
            }
        };
        if Self::nfree(f) >= 2 || is_leaf(rhs) {
            let r = eval(self, f)?;
            return Ok((l, r));
        }
        let slot = self.stack_slot(f, rhs.line)?;
        f.asm.emit(Insn::stx(BPF_DW, FP, l, slot));
        self.free(f, l);
        let r = eval(self, f)?;
        let l2 = self.alloc(f, rhs.line)?;
        f.asm.emit(Insn::ldx(BPF_DW, l2, FP, slot));
        Ok((l2, r))
    }

    /// Compares two strings; leaves (a[i] - b[i]) at the first difference in `l`.
    pub(super) fn strcmp(&mut self, f: &mut Prog, l: Reg, r: Reg) {
        let n = self.strsize as i32;
        let a = &mut f.asm;
        let top = a.label();
        let done = a.label();
        a.emit(Insn::mov64_reg(R1, l));
        a.emit(Insn::mov64_reg(R2, r));
        a.emit(Insn::mov64_imm(R3, 0));
        a.bind(top);
        a.emit(Insn::ldx(BPF_B, R4, R1, 0));
        a.emit(Insn::ldx(BPF_B, R5, R2, 0));
        a.jmp_reg(BPF_JNE, R4, R5, done);
        a.jmp_imm(BPF_JEQ, R4, 0, done);
        a.emit(Insn::alu64_imm(BPF_ADD, R1, 1));
        a.emit(Insn::alu64_imm(BPF_ADD, R2, 1));
        a.emit(Insn::alu64_imm(BPF_ADD, R3, 1));
        a.jmp_imm(BPF_JLT, R3, n - 1, top);
        a.emit(Insn::mov64_imm(R4, 0));
        a.emit(Insn::mov64_imm(R5, 0));
        a.bind(done);
        a.emit(Insn::mov64_reg(l, R4));
        a.emit(Insn::alu64_reg(BPF_SUB, l, R5));
    }

    /// `s == NULL` (`eq`) or `s != NULL` for string s: whether it is the
    /// NULL string (an empty string with the NULL mark after it).
    pub(super) fn null_test(&mut self, f: &mut Prog, s: &Expr, eq: bool) -> R<Reg> {
        let r = self.expr(f, s)?;
        let buf = self.tmp(f, 16);
        Self::tmp_ptr(f, R1, buf);
        let a = &mut f.asm;
        a.emit(Insn::mov64_imm(R2, 16));
        a.emit(Insn::mov64_reg(R3, r));
        a.emit(Insn::call(H_READ_KERNEL));
        Self::tmp_ptr_a(a, R1, buf);
        a.emit(Insn::ldx(BPF_B, R2, R1, 0));
        a.emit(Insn::ldx(BPF_DW, R3, R1, 8));
        a.emit2(Insn::ld_imm64(R4, subr::NULL_MARK));
        let done = a.label();
        a.emit(Insn::mov64_imm(r, !eq as i32));
        a.jmp_imm(BPF_JNE, R2, 0, done);
        if self.strsize >= subr::NULL_MIN_STRSIZE {
            a.jmp_reg(BPF_JNE, R3, R4, done);
        }
        a.emit(Insn::mov64_imm(r, eq as i32));
        a.bind(done);
        Ok(r)
    }

    pub(super) fn stringof(&mut self, f: &mut Prog, line: u32, x: &Expr) -> R<Reg> {
        let t = self.ty(x)?;
        if t.is_strcompat() {
            return self.str_expr(f, x);
        }
        let r = self.expr(f, x)?;
        // An address: read a kernel string from it.
        let off = self.tmp(f, self.strsize);
        Self::tmp_ptr(f, R1, off);
        f.asm.emit(Insn::mov64_imm(R2, self.strsize as i32));
        f.asm.emit(Insn::mov64_reg(R3, r));
        f.asm.emit(Insn::call(H_READ_KERNEL_STR));
        Self::tmp_ptr(f, r, off);
        let _ = line;
        Ok(r)
    }
}
