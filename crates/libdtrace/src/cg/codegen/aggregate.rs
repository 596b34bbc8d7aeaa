//! Aggregating functions: building the key tuple and updating the
//! aggregation's per-CPU value (atomically, see `aggregate`).

use super::*;

impl<'a> Codegen<'a> {
    pub(super) fn aggregate(&mut self, f: &mut Prog, line: u32, name: &str, keys: &[Expr], args: &[Expr]) -> R<()> {
        Self::spec_order(f, line, spec::ActKind::Aggregate)?;
        let av = self.env.sema.syms.agg(name).expect("declared").clone();
        let spec = self.out.aggs[self.agg_index[av.id]].clone();
        // Evaluate the value argument first (it survives the map calls).
        let val = match args.first() {
            Some(e) if av.func != AggFunc::Count => Some(self.expr(f, e)?),
            _ => None,
        };
        let incr = match (&av.func, args.len()) {
            (AggFunc::Quantize, 2) | (AggFunc::Lquantize { .. }, 5) | (AggFunc::Llquantize { .. }, 6) => {
                Some(self.expr(f, args.last().unwrap())?)
            }
            _ => None,
        };
        let ptr = self.alloc(f, line)?;
        if spec.keyless {
            lookup_fixed(&mut f.asm, spec.map);
            f.asm.jmp_imm(BPF_JEQ, R0, 0, f.clause_end.unwrap());
        } else {
            let key_off = self.build_tuple(f, line, keys, &spec.keys)?;
            let a = &mut f.asm;
            let have = a.label();
            a.emit2(Insn::ld_map_fd(R1, spec.map as i32));
            Self::tmp_ptr_a(a, R2, key_off);
            a.emit(Insn::call(H_MAP_LOOKUP));
            a.jmp_imm(BPF_JNE, R0, 0, have);
            a.emit2(Insn::ld_map_fd(R1, spec.map as i32));
            Self::tmp_ptr_a(a, R2, key_off);
            a.emit(Insn::new(BPF_LD | BPF_DW | BPF_IMM, R3, BPF_PSEUDO_MAP_VALUE, 0, MAP_ZERO as i32));
            a.emit(Insn::new(0, 0, 0, 0, 0));
            a.emit(Insn::mov64_imm(R4, BPF_NOEXIST));
            a.emit(Insn::call(H_MAP_UPDATE));
            a.emit2(Insn::ld_map_fd(R1, spec.map as i32));
            Self::tmp_ptr_a(a, R2, key_off);
            a.emit(Insn::call(H_MAP_LOOKUP));
            let got = a.label();
            a.jmp_imm(BPF_JNE, R0, 0, got);
            count_drop(a, DROP_AGG);
            a.ja(f.clause_end.unwrap());
            a.bind(got);
            a.bind(have);
        }
        // Every update is atomic: a probe firing in an interrupt on this
        // CPU may update the same value between our load and our store.
        let a = &mut f.asm;
        a.emit(Insn::mov64_reg(ptr, R0));
        // hits += 1
        a.emit(Insn::mov64_imm(R1, 1));
        a.emit(Insn::atomic_add(BPF_DW, ptr, R1, 0));
        match &av.func {
            AggFunc::Count => {}
            AggFunc::Sum | AggFunc::Avg => {
                a.emit(Insn::atomic_add(BPF_DW, ptr, val.unwrap(), 8));
            }
            AggFunc::Min | AggFunc::Max => {
                // Kept encoded so that both are an unsigned maximum whose
                // identity is the map's initial 0 (agg_extreme_code()):
                // compare-and-exchange until ours is stored or no longer
                // the extreme. Only nested firings can make it retry.
                let v = val.unwrap();
                emit_ld64(a, R3, agg_extreme_code(&av.func));
                a.emit(Insn::alu64_reg(BPF_XOR, R3, v));
                let done = a.label();
                a.emit(Insn::ldx(BPF_DW, R0, ptr, 8));
                for _ in 0..AGG_CMPXCHG_TRIES {
                    a.jmp_reg(BPF_JGE, R0, R3, done);
                    a.emit(Insn::mov64_reg(R1, R0));
                    a.emit(Insn::atomic_cmpxchg(BPF_DW, ptr, R3, 8));
                    a.jmp_reg(BPF_JEQ, R0, R1, done);
                }
                count_drop(a, DROP_AGG);
                a.bind(done);
            }
            AggFunc::Stddev => {
                let v = val.unwrap();
                a.emit(Insn::atomic_add(BPF_DW, ptr, v, 8));
                // 128-bit sum of squares: lo at 16, hi at 24 (|v| < 2^32
                // exact); the old low word tells whether the add carried.
                a.emit(Insn::mov64_reg(R2, v));
                a.emit(Insn::alu64_reg(BPF_MUL, R2, v));
                a.emit(Insn::mov64_reg(R1, R2));
                a.emit(Insn::atomic_fetch_add(BPF_DW, ptr, R1, 16));
                a.emit(Insn::alu64_reg(BPF_ADD, R1, R2));
                let nc = a.label();
                a.jmp_reg(BPF_JGE, R1, R2, nc);
                a.emit(Insn::mov64_imm(R1, 1));
                a.emit(Insn::atomic_add(BPF_DW, ptr, R1, 24));
                a.bind(nc);
            }
            AggFunc::Quantize => {
                let v = val.unwrap();
                quantize_index(a, v);
                bucket_add(a, ptr, incr);
            }
            AggFunc::Lquantize { base, limit, step } => {
                let v = val.unwrap();
                let levels = (limit - base) / step;
                let (lo, hi, done) = (a.label(), a.label(), a.label());
                a.emit(Insn::mov64_reg(R2, v));
                emit_ld64(a, R3, *base as u64);
                a.jmp_reg(BPF_JSLT, R2, R3, lo);
                emit_ld64(a, R3, *limit as u64);
                a.jmp_reg(BPF_JSGE, R2, R3, hi);
                emit_ld64(a, R3, *base as u64);
                a.emit(Insn::alu64_reg(BPF_SUB, R2, R3));
                emit_ld64(a, R3, *step as u64);
                a.emit(Insn::alu64_reg(BPF_DIV, R2, R3));
                a.emit(Insn::alu64_imm(BPF_ADD, R2, 1));
                a.ja(done);
                a.bind(lo);
                a.emit(Insn::mov64_imm(R2, 0));
                a.ja(done);
                a.bind(hi);
                a.emit(Insn::mov64_imm(R2, levels as i32 + 1));
                a.bind(done);
                let ok = a.label();
                a.jmp_imm(BPF_JLE, R2, levels as i32 + 1, ok);
                a.emit(Insn::mov64_imm(R2, levels as i32 + 1));
                a.bind(ok);
                bucket_add(a, ptr, incr);
            }
            AggFunc::Llquantize { factor, low, high, nsteps } => {
                let v = val.unwrap();
                let segs = llquantize_segments(*factor, *low, *high, *nsteps);
                let nb = llquantize_buckets(*factor, *low, *high, *nsteps) as i32;
                // Segments ascend: stop at the first start above v.
                let done = a.label();
                a.emit(Insn::mov64_imm(R2, segs[0].1 as i32));
                for (start, b) in &segs[1..] {
                    emit_ld64(a, R3, *start as u64);
                    a.jmp_reg(BPF_JSLT, v, R3, done);
                    a.emit(Insn::mov64_imm(R2, *b as i32));
                }
                a.bind(done);
                let ok = a.label();
                a.jmp_imm(BPF_JLE, R2, nb - 1, ok);
                a.emit(Insn::mov64_imm(R2, nb - 1));
                a.bind(ok);
                bucket_add(a, ptr, incr);
            }
        }
        self.free(f, ptr);
        if let Some(v) = val {
            self.free(f, v);
        }
        if let Some(v) = incr {
            self.free(f, v);
        }
        Ok(())
    }

    /// Builds a tuple key in the temp area (ints as 8 bytes, strings as
    /// zero-padded strsize buffers); returns its offset.
    pub(super) fn build_tuple(&mut self, f: &mut Prog, line: u32, keys: &[Expr], types: &[Type]) -> R<u32> {
        let size = self.tuple_size(types);
        let base = self.tmp(f, size);
        let mut off = base;
        for (k, t) in keys.iter().zip(types) {
            if let Type::Stack { user, frames } = *t {
                Self::tmp_ptr(f, R2, off);
                Self::get_stack(f, user, frames);
                off += self.value_size(t);
                continue;
            }
            if let Type::Sym(kind) = *t {
                let ExprKind::Call { args, .. } = &k.kind else { unreachable!() };
                let r = self.expr(f, &args[0])?;
                Self::tmp_ptr(f, R1, off);
                Self::store_sym(f, kind, r);
                self.free(f, r);
                off += self.value_size(t);
                continue;
            }
            let r = self.expr(f, k)?;
            if t.is_str() {
                // Zeroed first: bytes past the NUL are part of the key.
                let slot = self.value_size(t);
                Self::tmp_ptr(f, R1, off);
                for i in 0..(slot / 8) {
                    f.asm.emit(Insn::st_imm(BPF_DW, R1, (i * 8) as i16, 0));
                }
                f.asm.emit(Insn::mov64_imm(R2, self.strsize as i32));
                f.asm.emit(Insn::mov64_reg(R3, r));
                f.asm.emit(Insn::call(H_READ_KERNEL_STR));
                off += slot;
            } else {
                Self::tmp_ptr(f, R1, off);
                f.asm.emit(Insn::stx(BPF_DW, R1, r, 0));
                off += 8;
            }
            self.free(f, r);
        }
        if off == base {
            Self::tmp_ptr(f, R1, base);
            f.asm.emit(Insn::st_imm(BPF_DW, R1, 0, 0));
        }
        let _ = line;
        Ok(base)
    }

    // ---- expressions -------------------------------------------------------
}
