//! The program around the clauses: splitting large attach points into
//! several programs, the prologue (nesting depth, record buffer, the
//! probe's identity), probe filters and bpf_loop callbacks.

use super::*;

impl<'a> Codegen<'a> {
    /// Emits the programs of one attach point: one, or as many as it takes
    /// to keep each within `MAX_PROG_INSNS` (the clauses split in order).
    pub(super) fn program_split(&mut self, attach: &Attach, clauses: &[ClauseIn], members: &[(usize, Vec<u32>)]) -> R<()> {
        let (np, ne) = (self.out.programs.len(), self.out.epids.len());
        let r = self.program(attach, clauses, members);
        let too_big = match &r {
            Ok(()) => self.out.programs.last().is_some_and(|p| p.insns.len() > MAX_PROG_INSNS),
            Err(e) => e.tag == "D_PROG",
        };
        // Each program of a profile/tick probe would get its own timer,
        // and their firings would drift apart: one program, however large.
        if let Some(what) = self.env.catalog.provider(attach.provider).site(attach.key).unsplittable {
            return r.map_err(|e| {
                CompileError::nowhere("D_PROG", format!("{}: the clauses of one {} must fit in one BPF program; move some of them to another probe", e.msg, what))
            });
        }
        if !too_big || members.len() < 2 {
            return r;
        }
        self.out.programs.truncate(np);
        self.out.epids.truncate(ne);
        let (a, b) = members.split_at(members.len() / 2);
        self.program_split(attach, clauses, a)?;
        self.program_split(attach, clauses, b)
    }

    /// Emits one program for an attach point.
    pub(super) fn program(&mut self, attach: &Attach, clauses: &[ClauseIn], members: &[(usize, Vec<u32>)]) -> R<()> {
        let provider = self.env.catalog.provider(attach.provider);
        let all_probes: Vec<u32> = {
            let mut v: Vec<u32> = members.iter().flat_map(|(_, p)| p.iter().copied()).collect();
            v.sort();
            v.dedup();
            v
        };
        let single = if all_probes.len() == 1 { Some(all_probes[0]) } else { None };
        let info = provider.program(self.env.catalog, attach.key, &all_probes, &self.env.sema.types);
        let site = provider.site(attach.key);
        if site.disc == Disc::Cookie {
            self.probeinfo_ids.extend(all_probes.iter().copied());
        }
        let mut f = Prog {
            asm: Asm::new(),
            attach: *attach,
            free: [true; 4],
            stack_top: SLOT_FIRST_FREE,
            this_slots: HashMap::new(),
            this_str: HashMap::new(),
            tmp_top: 0,
            tmp_base: 0,
            tmp_floor: 0,
            rec_off: REC_HDR,
            items: Vec::new(),
            epid: 0,
            fault: None,
            fault_used: false,
            clause_end: None,
            single_probe: single,
            action_no: 0,
            in_error: None,
            exit_seen: false,
            probes: all_probes,
            site,
            spec: 0,
            callbacks: Vec::new(),
        };
        // this-> variables live for the whole firing: fixed slots.
        for v in &self.env.sema.syms.thises {
            if v.ty.is_str() || matches!(v.ty, Type::Struct(_)) {
                f.this_str.insert(v.id, f.tmp_base);
                f.tmp_base += (self.value_size(&v.ty) + 7) & !7;
            } else {
                f.stack_top -= 8;
                f.this_slots.insert(v.id, f.stack_top);
            }
        }
        // Keep room for the spills of expressions.
        if f.stack_top < STACK_LIMIT + 64 {
            let n = f.this_slots.len();
            return Err(CompileError::nowhere(
                "D_STACK",
                format!("{} scalar this-> variables need {} bytes of the 512-byte BPF stack: use fewer this-> variables (self-> or global ones cost no stack)", n, 8 * n),
            ));
        }
        let prog_exit = f.asm.label();
        let leave = f.asm.label();
        self.prologue(&mut f, prog_exit, leave)?;
        // this-> structs start each firing zeroed (members not yet assigned read 0).
        for v in &self.env.sema.syms.thises {
            if matches!(v.ty, Type::Struct(_)) {
                let size = (self.value_size(&v.ty) + 7) & !7;
                let off = f.this_str[&v.id];
                Self::zero_tmp(&mut f, off, size);
            }
        }
        for (ci, probes) in members {
            let c = &clauses[*ci];
            self.clause(&mut f, clauses, *ci, c.clause, probes)?;
        }
        // Leave this nesting depth. Not atomic, and need not be: firings
        // nest strictly, so one that interrupts us here has restored the
        // counter when we resume.
        let a = &mut f.asm;
        a.bind(leave);
        a.emit(Insn::ldx(BPF_DW, R1, FP, SLOT_NEST));
        a.emit(Insn::ldx(BPF_DW, R2, R1, 0));
        a.emit(Insn::alu64_imm(BPF_SUB, R2, 1));
        a.emit(Insn::stx(BPF_DW, R1, R2, 0));
        a.bind(prog_exit);
        a.emit(Insn::mov64_imm(R0, 0));
        a.emit(Insn::exit());
        let funcs = self.callbacks(&mut f)?;
        let insns = f.asm.finish().map_err(|m| CompileError::nowhere("D_PROG", m))?;
        let clause_lines = members.iter().map(|(ci, _)| clauses[*ci].clause.line).collect();
        self.out.programs.push(ProgSpec {
            attach: *attach,
            prog_type: info.prog_type,
            name: info.name,
            insns,
            probes: f.probes,
            expected_attach_type: info.expected_attach_type,
            attach_btf_id: info.attach_btf_id,
            clause_lines,
            funcs,
        });
        Ok(())
    }

    /// The start of every program: what it serves, whether the session is
    /// active, then its nesting depth and that depth's record and scratch
    /// space. Before the depth is taken, leaving jumps to `exit`; after,
    /// to `leave`, which gives it back.
    pub(super) fn prologue(&mut self, f: &mut Prog, exit: Label, leave: Label) -> R<()> {
        let a = &mut f.asm;
        a.emit(Insn::stx(BPF_DW, FP, R1, SLOT_CTX));
        a.emit(Insn::st_imm(BPF_DW, FP, SLOT_ZERO, 0));
        // The provider's part: where the firing probe is found. Programs
        // that run for more than their probes (syscall programs run on
        // every syscall) leave at once when no clause wants this firing.
        let provider = self.env.catalog.provider(f.attach.provider);
        provider.prologue(f.attach.key, a);
        if let Some(vals) = provider.filter(self.env.catalog, f.attach.key, &f.probes, f.probes.len()) {
            Self::value_filter(a, &vals, exit);
        }
        let a = &mut f.asm;
        // Act only while the session is active: after BEGIN, before exit
        // (BEGIN and END run once, from user space).
        if f.site.gated {
            lookup_fixed(a, MAP_STATE);
            a.jmp_imm(BPF_JEQ, R0, 0, exit);
            a.emit(Insn::ldx(BPF_W, R1, R0, 0));
            a.jmp_imm(BPF_JNE, R1, STATE_ACTIVE, exit);
        }
        // Take the next nesting depth; past the deepest, skip the firing
        // and count it as a drop. Not atomic, and need not be: a firing that
        // interrupts us between the load and the store has put the counter
        // back when we resume, and the depth we took is ours.
        lookup_fixed(a, MAP_NEST);
        a.jmp_imm(BPF_JEQ, R0, 0, exit);
        a.emit(Insn::ldx(BPF_DW, R1, R0, 0));
        let nested = a.label();
        a.jmp_imm(BPF_JLT, R1, NEST_LEVELS as i32, nested);
        count_drop(a, DROP_PRINCIPAL);
        a.ja(exit);
        a.bind(nested);
        a.emit(Insn::stx(BPF_DW, FP, R0, SLOT_NEST));
        a.emit(Insn::st_imm(BPF_DW, FP, SLOT_LEVEL, 0));
        a.emit(Insn::stx(BPF_W, FP, R1, SLOT_LEVEL));
        a.emit(Insn::alu64_imm(BPF_ADD, R1, 1));
        a.emit(Insn::stx(BPF_DW, R0, R1, 0));
        lookup_level(a, MAP_REC);
        a.jmp_imm(BPF_JEQ, R0, 0, leave);
        a.emit(Insn::stx(BPF_DW, FP, R0, SLOT_REC));
        lookup_level(a, MAP_TMP);
        a.jmp_imm(BPF_JEQ, R0, 0, leave);
        a.emit(Insn::stx(BPF_DW, FP, R0, SLOT_TMP));
        Ok(())
    }

    /// Writes the probe discriminator of a record header (r1 = record).
    pub(super) fn emit_disc(f: &mut Prog) {
        let a = &mut f.asm;
        match (f.site.disc, f.in_error) {
            (Disc::Cookie | Disc::Number { .. }, None) => {
                a.emit(Insn::ldx(BPF_W, R2, FP, SLOT_NR));
                a.emit(Insn::stx(BPF_W, R1, R2, 4));
            }
            _ => a.emit(Insn::st_imm(BPF_W, R1, 4, f.single_probe.unwrap_or(0) as i32)),
        }
    }

    /// Skips to `skip` unless the value at SLOT_NR is one of `vals`
    /// (sorted): compares for few values, range tests for many.
    pub(super) fn value_filter(a: &mut Asm, vals: &[u32], skip: Label) {
        let take = a.label();
        a.emit(Insn::ldx(BPF_DW, R1, FP, SLOT_NR));
        if vals.len() <= 16 {
            for n in vals {
                a.jmp_imm(BPF_JEQ, R1, *n as i32, take);
            }
        } else {
            let mut i = 0;
            while i < vals.len() {
                let lo = vals[i];
                let mut hi = lo;
                while i + 1 < vals.len() && vals[i + 1] == hi + 1 {
                    i += 1;
                    hi = vals[i];
                }
                let next = a.label();
                a.jmp_imm(BPF_JLT, R1, lo as i32, next);
                a.jmp_imm(BPF_JLE, R1, hi as i32, take);
                a.bind(next);
                i += 1;
            }
        }
        a.ja(skip);
        a.bind(take);
    }

    // ---- registers and scratch -------------------------------------------

    /// The label of callback `cb` in this program (emitted after the main
    /// function by `callbacks`).
    pub(super) fn callback(f: &mut Prog, cb: Callback) -> Label {
        if let Some((_, l)) = f.callbacks.iter().find(|(c, _)| *c == cb) {
            return *l;
        }
        let l = f.asm.label();
        f.callbacks.push((cb, l));
        l
    }

    /// Emits the callbacks the program asked for after its main function;
    /// returns the program's func_info (none without callbacks).
    pub(super) fn callbacks(&mut self, f: &mut Prog) -> R<Vec<(u32, u32)>> {
        if f.callbacks.is_empty() {
            return Ok(Vec::new());
        }
        let mut info = vec![(0, funcs::MAIN_FUNC_ID)];
        for (cb, l) in f.callbacks.clone() {
            f.asm.bind(l);
            info.push((f.asm.len() as u32, cb.btf_id()));
            match cb {
                Callback::JsonSelector => self.json_selector_cb(f),
                Callback::JsonStep => self.json_step_cb(f),
                Callback::PathStep => self.path_step_cb(f),
            }
        }
        Ok(info)
    }
}
