//! One clause: its probe filter, predicate, statements and the record it
//! writes.

use super::*;
use crate::lang::builtins::{self, Kind};

impl<'a> Codegen<'a> {
    pub(super) fn clause(&mut self, f: &mut Prog, all: &[ClauseIn], ci: usize, c: &Clause, probes: &[u32]) -> R<()> {
        let end = f.asm.label();
        let fault = f.asm.label();
        f.clause_end = Some(end);
        f.fault = Some(fault);
        f.fault_used = false;
        f.free = [true; 4];
        f.rec_off = REC_HDR;
        f.items.clear();
        f.tmp_top = f.tmp_base;
        f.tmp_floor = f.tmp_base;
        f.action_no = 0;
        f.spec = 0;
        let saved_stack = f.stack_top;
        // Reserve the epid now: ERROR clauses generated inside take later ones.
        let epid_idx = self.out.epids.len();
        self.out.epids.push(Epid {
            clause: ci,
            attach: f.attach.clone(),
            probe: None,
            items: Vec::new(),
            size: 0,
            line: c.line,
        });
        let epid = epid_idx as u32 + 1;
        f.epid = epid;

        // Probe filter for programs that serve many probes.
        if f.in_error.is_none() {
            let provider = self.env.catalog.provider(f.attach.provider);
            if let Some(vals) = provider.filter(self.env.catalog, f.attach.key, probes, f.probes.len()) {
                Self::value_filter(&mut f.asm, &vals, end);
            }
        }
        // -x cpu=N: trace only on that CPU.
        if let (Some(cpu), None) = (self.env.opts.cpu, f.in_error) {
            f.asm.emit(Insn::call(H_SMP_ID));
            f.asm.jmp_imm(BPF_JNE, R0, cpu as i32, end);
        }
        // After exit(), the clauses that follow it for this firing do not
        // run, as in DTrace (providers/tst.beginexit); END's all do, since
        // END runs once the session is exiting.
        if f.exit_seen && f.in_error.is_none() && f.attach != crate::provider::dtrace::END {
            let a = &mut f.asm;
            lookup_fixed(a, MAP_STATE);
            a.jmp_imm(BPF_JEQ, R0, 0, end);
            a.emit(Insn::ldx(BPF_W, R1, R0, 0));
            a.jmp_imm(BPF_JEQ, R1, STATE_EXITING, end);
        }
        if let Some(p) = &c.predicate {
            let t = self.ty(p)?;
            if !t.is_scalar() {
                return Err(CompileError::new(p.line, "D_PRED_SCALAR", "predicate result must be of scalar type"));
            }
            let r = self.expr(f, p)?;
            f.asm.jmp_imm(BPF_JEQ, r, 0, end);
            self.free(f, r);
        }
        // Does the clause write a record? Everything but pure aggregation
        // clauses does (an empty clause records the probe: the default action).
        let records = c.body.is_empty() || c.body.iter().any(|s| !is_agg_only(s));
        if records {
            // Header: epid, probe discriminator, cpu.
            let a = &mut f.asm;
            a.emit(Insn::ldx(BPF_DW, R1, FP, SLOT_REC));
            a.emit(Insn::st_imm(BPF_W, R1, 0, epid as i32));
            Self::emit_disc(f);
            let a = &mut f.asm;
            a.emit(Insn::call(H_SMP_ID));
            a.emit(Insn::ldx(BPF_DW, R1, FP, SLOT_REC));
            a.emit(Insn::stx(BPF_W, R1, R0, 8));
            a.emit(Insn::st_imm(BPF_W, R1, 12, 0));
        }
        // A statement's temporaries (strings, tuples, scratch of subroutines)
        // are dead once it is done: the next statement reuses their space.
        for s in &c.body {
            let mark = f.tmp_top;
            self.stmt(f, s)?;
            f.tmp_top = mark.max(f.tmp_floor);
        }
        if records {
            let size = f.rec_off;
            let a = &mut f.asm;
            // Wake the consumer only when the buffer is filling up; it
            // otherwise drains on its own timer (switchrate), so a steady
            // trickle of records costs no wakeup per record.
            // A record with exit() wakes it at once: the session ends now.
            let rb_size = self.out.maps[MAP_RINGBUF].max_entries;
            if f.items.iter().any(|i| matches!(i, RecItem::Exit { .. })) {
                a.emit(Insn::mov64_imm(R4, BPF_RB_FORCE_WAKEUP));
            } else {
                a.emit2(Insn::ld_map_fd(R1, MAP_RINGBUF as i32));
                a.emit(Insn::mov64_imm(R2, BPF_RB_AVAIL_DATA));
                a.emit(Insn::call(H_RINGBUF_QUERY));
                a.emit(Insn::mov64_imm(R4, BPF_RB_NO_WAKEUP));
                let quiet = a.label();
                a.jmp_imm(BPF_JLT, R0, (rb_size / 4) as i32, quiet);
                a.emit(Insn::mov64_imm(R4, BPF_RB_FORCE_WAKEUP));
                a.bind(quiet);
            }
            a.emit2(Insn::ld_map_fd(R1, MAP_RINGBUF as i32));
            a.emit(Insn::ldx(BPF_DW, R2, FP, SLOT_REC));
            a.emit(Insn::mov64_imm(R3, size as i32));
            a.emit(Insn::call(H_RINGBUF_OUTPUT));
            let ok = a.label();
            a.jmp_imm(BPF_JEQ, R0, 0, ok);
            count_drop(a, DROP_PRINCIPAL);
            a.bind(ok);
            self.max_rec = self.max_rec.max(size);
        }
        // Faults: SLOT_A holds the fault code, SLOT_B the address/value.
        if f.fault_used {
            f.asm.ja(end);
            f.asm.bind(fault);
            let a = &mut f.asm;
            a.emit(Insn::ldx(BPF_DW, R1, FP, SLOT_REC));
            a.emit(Insn::st_imm(BPF_W, R1, 0, ERROR_EPID as i32));
            Self::emit_disc(f);
            let a = &mut f.asm;
            a.emit(Insn::st_imm(BPF_W, R1, 16, epid as i32));
            a.emit(Insn::ldx(BPF_DW, R2, FP, SLOT_A));
            a.emit(Insn::stx(BPF_DW, R1, R2, 24));
            a.emit(Insn::ldx(BPF_DW, R2, FP, SLOT_B));
            a.emit(Insn::stx(BPF_DW, R1, R2, 32));
            a.emit(Insn::call(H_SMP_ID));
            a.emit(Insn::ldx(BPF_DW, R2, FP, SLOT_REC));
            a.emit(Insn::stx(BPF_W, R2, R0, 8));
            a.emit2(Insn::ld_map_fd(R1, MAP_RINGBUF as i32));
            a.emit(Insn::mov64_imm(R3, 40));
            a.emit(Insn::mov64_imm(R4, 0));
            a.emit(Insn::call(H_RINGBUF_OUTPUT));
            count_drop(a, DROP_ERRORS);
            self.max_rec = self.max_rec.max(40);
            // Then the ERROR probe fires: its clauses run here, with the
            // fault's details as arguments.
            if !self.error_clauses.is_empty() {
                let a = &mut f.asm;
                a.emit(Insn::ldx(BPF_DW, R1, FP, SLOT_A));
                a.emit(Insn::stx(BPF_DW, FP, R1, SLOT_ERR_CODE));
                a.emit(Insn::ldx(BPF_DW, R1, FP, SLOT_B));
                a.emit(Insn::stx(BPF_DW, FP, R1, SLOT_ERR_VALUE));
                let saved = (
                    f.clause_end,
                    f.fault,
                    f.fault_used,
                    f.rec_off,
                    std::mem::take(&mut f.items),
                    f.tmp_top,
                    f.single_probe,
                    f.action_no,
                    f.in_error,
                    f.free,
                );
                let floor = f.tmp_floor;
                f.in_error = Some(epid);
                f.single_probe = Some(crate::provider::ERROR_ID);
                for eci in self.error_clauses.clone() {
                    self.clause(f, all, eci, all[eci].clause, &[crate::provider::ERROR_ID])?;
                }
                (
                    f.clause_end,
                    f.fault,
                    f.fault_used,
                    f.rec_off,
                    f.items,
                    f.tmp_top,
                    f.single_probe,
                    f.action_no,
                    f.in_error,
                    f.free,
                ) = saved;
                f.tmp_floor = floor;
            }
        } else {
            f.asm.bind(fault);
        }
        f.asm.bind(end);
        self.max_tmp = self.max_tmp.max(f.tmp_top);
        f.stack_top = saved_stack;
        self.out.epids[epid_idx] = Epid {
            clause: ci,
            attach: f.attach.clone(),
            probe: f.single_probe,
            items: std::mem::take(&mut f.items),
            size: f.rec_off,
            line: c.line,
        };
        Ok(())
    }

    pub(super) fn stmt(&mut self, f: &mut Prog, s: &Stmt) -> R<()> {
        match s {
            Stmt::Expr(e) => {
                f.action_no += 1;
                self.top_expr(f, e)
            }
            Stmt::If { cond, then, els, line } => {
                let t = self.ty(cond)?;
                if !t.is_scalar() {
                    return Err(CompileError::new(*line, "D_COND_SCALAR", "if condition must be of scalar type"));
                }
                let r = self.expr(f, cond)?;
                let l_else = f.asm.label();
                let l_end = f.asm.label();
                f.asm.jmp_imm(BPF_JEQ, r, 0, l_else);
                self.free(f, r);
                for s in then {
                    self.stmt(f, s)?;
                }
                f.asm.ja(l_end);
                f.asm.bind(l_else);
                for s in els {
                    self.stmt(f, s)?;
                }
                f.asm.bind(l_end);
                Ok(())
            }
            Stmt::Decl(_) | Stmt::Empty => Ok(()),
        }
    }

    pub(super) fn top_expr(&mut self, f: &mut Prog, e: &Expr) -> R<()> {
        match &e.kind {
            ExprKind::AggAssign { name, keys, func: _, args } => return self.aggregate(f, e.line, name, keys, args),
            ExprKind::Call { name, args } => {
                if let Some(b) = builtins::lookup(name).filter(|b| b.kind == Kind::Action) {
                    return self.action(f, e, b, args);
                }
            }
            _ => {}
        }
        let r = self.expr(f, e)?;
        self.free(f, r);
        Ok(())
    }
}
