//! Code generation for the actions (dispatched in builtin.rs): exit,
//! printa and the aggregation arguments of clear/trunc/..., the destructive
//! actions (`raise`, `copyout`, `copyoutstr`, `chill`, `freopen`),
//! `tracemem`, `setopt`, the printf-like argument recording `printf` and
//! `system` share, and the refusal of `breakpoint` and `panic`.

use super::*;
use crate::lang::builtins::{Builtin, Id};

const SIGSTOP: i32 = 19;
/// Highest signal number (Linux's _NSIG); above it raise() is an illegal
/// operation, as in DTrace.
const MAX_SIGNAL: i32 = 64;
/// DTrace's chill() budget: at most 500 ms per CPU in any 1 s interval.
const CHILL_MAX_NS: i32 = 500_000_000;
const CHILL_INTERVAL_NS: i32 = 1_000_000_000;
/// BPF cannot sleep: chill() spins in a may_goto loop (kernel >= 6.9),
/// which the kernel ends once its budget for the program run is spent:
/// 8M iterations, or 250 ms where may_goto is timed (6.15+); a 6.18 kernel
/// was seen to end it after the first 64K iterations. One chill() is held
/// to 200 ms, and each iteration is long enough to cover it within 64K.
const CHILL_FIRING_MAX_NS: i64 = 200_000_000;
/// Clock reads per loop iteration (an inner counted loop): 64K iterations
/// of 512 reads last more than 200 ms even at 10 ns a read.
const CHILL_READS: i32 = 512;
/// Most bytes copyout() copies per call (they pass through scratch space).
const COPYOUT_MAX: u32 = 4096;
/// Most bytes tracemem() records per call (records live in a per-CPU
/// buffer of at most 32 KB).
const TRACEMEM_MAX: i64 = 8192;

impl<'a> Codegen<'a> {
    /// `breakpoint()` and `panic()`, which Linux cannot offer.
    pub(super) fn refused(line: u32, b: &Builtin) -> CompileError {
        let what = if b.id == Id::Panic { "cannot panic the kernel" } else { "cannot stop the kernel in a debugger" };
        CompileError::new(line, "D_UNKNOWN", format!("{}( ) is not available on Linux: BPF programs {}", b.name, what))
    }

    /// `raise(sig)`: sends the signal to the current process.
    pub(super) fn raise(&mut self, f: &mut Prog, sig: &Expr) -> R<()> {
        let r = self.expr(f, sig)?;
        self.fault_if(f, BPF_JGT, r, MAX_SIGNAL, FLT_ILLOP, None);
        Self::send_signal(f, Some(r));
        self.free(f, r);
        Ok(())
    }

    /// `exit(status)`: records the status and tells every probe to stop.
    pub(super) fn exit(&mut self, f: &mut Prog, args: &[Expr]) -> R<()> {
        let (off, _) = self.record_value(f, &args[0])?;
        // Tell every probe to stop: state = exiting.
        let a = &mut f.asm;
        lookup_fixed(a, MAP_STATE);
        let skip = a.label();
        a.jmp_imm(BPF_JEQ, R0, 0, skip);
        a.emit(Insn::st_imm(BPF_W, R0, 0, STATE_EXITING));
        a.emit(Insn::ldx(BPF_DW, R1, FP, SLOT_REC));
        a.emit(Insn::ldx(BPF_W, R1, R1, off as i16));
        a.emit(Insn::stx(BPF_W, R0, R1, 4));
        a.bind(skip);
        f.items.push(RecItem::Exit { off });
        f.exit_seen = true;
        Ok(())
    }

    /// The aggregation argument `i` of printa(), clear(), trunc(), ...
    pub(super) fn agg_arg(&self, line: u32, name: &str, args: &[Expr], i: usize) -> R<usize> {
        match args.get(i).map(|a| &a.kind) {
            Some(ExprKind::Agg(n)) => match self.env.sema.syms.agg(n) {
                Some(a) => Ok(self.agg_index[a.id]),
                None => Err(CompileError::new(line, "D_AGG_UNDEF", format!("failed to resolve @{}: Unknown aggregation", n))),
            },
            _ => Err(CompileError::new(line, "D_PROTO_ARG", format!("{}( ) argument #{} must be an aggregation", name, i + 1))),
        }
    }

    /// `printa([fmt,] @a, ...)`.
    pub(super) fn printa(&mut self, f: &mut Prog, line: u32, args: &[Expr]) -> R<()> {
        let (fmt, first) = match args.first().map(|a| &a.kind) {
            Some(ExprKind::Str(s)) => (Some(s.clone()), 1),
            _ => (None, 0),
        };
        if args.len() <= first {
            return Err(CompileError::new(line, "D_PRINTA_PROTO", "printa( ) prototype mismatch: too few arguments"));
        }
        let mut aggs = Vec::new();
        for i in first..args.len() {
            aggs.push(self.agg_arg(line, "printa", args, i)?);
        }
        if let (Some(fs), Some(ExprKind::Agg(n))) = (&fmt, args.get(first).map(|a| &a.kind)) {
            if let Some(av) = self.env.sema.syms.agg(n) {
                crate::lang::printf_check::check_printa(fs, &av.keys, av.func == AggFunc::Count)
                    .map_err(|e| CompileError::new(line, e.tag, e.msg))?;
            }
        }
        f.items.push(RecItem::Printa { fmt, aggs });
        Ok(())
    }

    /// DTrace's D_PROTO_ARG check of argument `i` (0-based) against a
    /// prototype type; returns the argument's type.
    fn check_arg(&self, line: u32, name: &str, args: &[Expr], i: usize, tag: &'static str, proto: &str, ok: impl std::ops::Fn(&Type) -> bool) -> R<Type> {
        let t = self.ty(&args[i])?;
        if ok(&t) {
            return Ok(t);
        }
        Err(CompileError::new(
            line,
            tag,
            format!("{}( ) argument #{} is incompatible with prototype:\n\tprototype: {}\n\t argument: {}", name, i + 1, proto, t),
        ))
    }

    /// The format and recorded arguments of printf-like actions (printf,
    /// system, freopen), checked as DTrace does.
    pub(super) fn printf_like(&mut self, f: &mut Prog, line: u32, name: &str, args: &[Expr]) -> R<(Vec<u8>, Vec<(u32, Type)>)> {
        let fmt = match &args[0].kind {
            ExprKind::Str(s) => s.clone(),
            _ => {
                let m = format!(
                    "{}( ) argument #1 is incompatible with prototype:\n\tprototype: string constant\n\t argument: {}",
                    name,
                    self.ty(&args[0])?
                );
                return Err(CompileError::new(line, "D_PRINTF_ARG_FMT", m));
            }
        };
        let wants_str = crate::lang::printf_check::string_args(&fmt);
        let mut vals = Vec::new();
        for (i, a) in args[1..].iter().enumerate() {
            vals.push(self.record_value_as(f, a, wants_str.get(i).copied().unwrap_or(false))?);
        }
        let types: Vec<Type> = vals.iter().map(|v| v.1.clone()).collect();
        crate::lang::printf_check::check_printf(&fmt, &types, name).map_err(|e| CompileError::new(line, e.tag, e.msg))?;
        Ok((fmt, vals))
    }

    /// `freopen(fmt, ...)`: later output goes to the formatted file;
    /// `freopen("")` restores the original output.
    pub(super) fn freopen(&mut self, f: &mut Prog, line: u32, args: &[Expr]) -> R<()> {
        // DTrace marks "restore" with the format "." internally, so a
        // literal "." is refused, and "" is checked as "." would be.
        let (fmt, args) = match args.first().map(|a| &a.kind) {
            Some(ExprKind::Str(s)) if s == b"." => {
                return Err(CompileError::new(line, "D_FREOPEN_INVALID", "freopen( ) argument #1 cannot be \".\""));
            }
            Some(ExprKind::Str(s)) if s.is_empty() => {
                let types = args[1..].iter().map(|a| self.ty(a)).collect::<R<Vec<_>>>()?;
                crate::lang::printf_check::check_printf(b".", &types, "freopen").map_err(|e| CompileError::new(line, e.tag, e.msg))?;
                (Vec::new(), Vec::new())
            }
            _ => self.printf_like(f, line, "freopen", args)?,
        };
        f.items.push(RecItem::Freopen { fmt, args });
        Ok(())
    }

    /// `setopt(name [, value])`: the consumer sets the option when it
    /// reaches the record. Both must be string constants here.
    pub(super) fn setopt(&mut self, f: &mut Prog, line: u32, args: &[Expr]) -> R<()> {
        let mut strs = Vec::new();
        for i in 0..args.len() {
            match &args[i].kind {
                ExprKind::Str(s) => strs.push(String::from_utf8_lossy(s).into_owned()),
                _ => return Err(CompileError::new(line, "D_PROTO_ARG", format!("setopt( ) argument #{} must be a string constant", i + 1))),
            }
        }
        let mut strs = strs.into_iter();
        f.items.push(RecItem::Setopt { name: strs.next().unwrap_or_default(), value: strs.next() });
        Ok(())
    }

    /// `tracemem(addr, size [, dynsize])`: `size` bytes of kernel memory
    /// into the record (only `dynsize` when it is smaller).
    pub(super) fn tracemem(&mut self, f: &mut Prog, line: u32, args: &[Expr]) -> R<()> {
        let name = "tracemem";
        self.check_arg(line, name, args, 0, "D_TRACEMEM_ADDR", "pointer or integer", |t| {
            t.is_scalar() || matches!(t, Type::Array(..))
        })?;
        let size = match self.value(&args[1])? {
            Some(n) if n > 0 => n,
            _ => {
                return Err(CompileError::new(
                    line,
                    "D_TRACEMEM_SIZE",
                    "tracemem( ) argument #2 must be a non-zero positive integral constant expression",
                ))
            }
        };
        if size > TRACEMEM_MAX {
            return Err(CompileError::new(line, "D_TRACEMEM_SIZE", format!("tracemem( ) argument #2 must be at most {}", TRACEMEM_MAX)));
        }
        let size = size as u32;
        let dynsize = match args.get(2) {
            Some(d) => Some(self.record_value(f, d)?.0),
            None => None,
        };
        let off = f.rec_off;
        f.rec_off += (size + 7) & !7;
        let addr = self.expr(f, &args[0])?;
        let n = self.alloc(f, line)?;
        let a = &mut f.asm;
        a.emit(Insn::mov64_imm(n, size as i32));
        if let Some(d) = dynsize {
            // Fewer bytes when dynsize < size (unsigned: a negative one does not count).
            let keep = a.label();
            a.emit(Insn::ldx(BPF_DW, R1, FP, SLOT_REC));
            a.emit(Insn::ldx(BPF_DW, R2, R1, d as i16));
            a.jmp_reg(BPF_JGE, R2, n, keep);
            a.emit(Insn::mov64_reg(n, R2));
            a.bind(keep);
        }
        a.emit(Insn::ldx(BPF_DW, R1, FP, SLOT_REC));
        a.emit(Insn::alu64_imm(BPF_ADD, R1, off as i32));
        a.emit(Insn::mov64_reg(R2, n));
        a.emit(Insn::mov64_reg(R3, addr));
        a.emit(Insn::call(H_READ_KERNEL));
        self.fault_if(f, BPF_JSLT, R0, 0, FLT_BADADDR, Some(addr));
        self.free(f, n);
        self.free(f, addr);
        f.items.push(RecItem::Tracemem { off, size, dynsize });
        Ok(())
    }

    /// bpf_send_signal(sig) to the current process: `sig` in a register,
    /// or SIGSTOP.
    pub(super) fn send_signal(f: &mut Prog, sig: Option<Reg>) {
        let a = &mut f.asm;
        match sig {
            Some(r) => a.emit(Insn::mov64_reg(R1, r)),
            None => a.emit(Insn::mov64_imm(R1, SIGSTOP)),
        }
        a.emit(Insn::call(H_SEND_SIGNAL));
    }

    /// Evaluates `e` (read as a string when `as_str`) into a fresh stack
    /// slot, so several operands outlive helper calls without holding
    /// registers.
    fn spill(&mut self, f: &mut Prog, line: u32, e: &Expr, as_str: bool) -> R<i16> {
        let r = if as_str { self.str_expr(f, e)? } else { self.expr(f, e)? };
        let slot = self.stack_slot(f, line)?;
        f.asm.emit(Insn::stx(BPF_DW, FP, r, slot));
        self.free(f, r);
        Ok(slot)
    }

    /// copyout() and copyoutstr() need a kernel that lets BPF programs
    /// write user memory (that they are destructive, the table says).
    fn user_writes(&self, line: u32, name: &str) -> R<()> {
        if (self.env.write_user_refused)() {
            return Err(CompileError::new(
                line,
                "D_UNSUPPORTED",
                format!(
                    "{}( ) is not available on this kernel: it refuses BPF programs the bpf_probe_write_user helper, as kernel lockdown (integrity or confidentiality mode) does",
                    name
                ),
            ));
        }
        Ok(())
    }

    /// bpf_probe_write_user(*user, tmp + off, n), faulting on a bad user
    /// address (n is in 1..=the bytes at tmp + off).
    fn write_user(&mut self, f: &mut Prog, user: i16, off: u32, n: Reg) {
        f.asm.emit(Insn::ldx(BPF_DW, R1, FP, user));
        Self::tmp_ptr(f, R2, off);
        f.asm.emit(Insn::mov64_reg(R3, n));
        f.asm.emit(Insn::call(H_PROBE_WRITE_USER));
        f.asm.emit(Insn::ldx(BPF_DW, R3, FP, user));
        self.fault_if(f, BPF_JSLT, R0, 0, FLT_BADADDR, Some(R3));
    }

    /// `copyout(buf, addr, nbytes)`: nbytes of the kernel (D) buffer `buf`
    /// to the current process's address `addr`.
    pub(super) fn copyout(&mut self, f: &mut Prog, line: u32, args: &[Expr]) -> R<()> {
        let name = "copyout";
        let room = match self.value(&args[2])? {
            Some(n) if n > COPYOUT_MAX as i64 => {
                return Err(CompileError::new(line, "D_PROTO_ARG", format!("copyout( ) argument #3 must be at most {}", COPYOUT_MAX)))
            }
            Some(n) => n.max(1) as u32,
            None => COPYOUT_MAX,
        };
        self.user_writes(line, name)?;
        let buf = self.spill(f, line, &args[0], false)?;
        let user = self.spill(f, line, &args[1], false)?;
        let n = self.expr(f, &args[2])?;
        let skip = f.asm.label();
        // More than the scratch space holds: DTrace's out-of-scratch fault.
        self.fault_if(f, BPF_JGT, n, room as i32, FLT_NOSCRATCH, Some(n));
        f.asm.jmp_imm(BPF_JLT, n, 1, skip);
        let off = self.tmp(f, room);
        Self::tmp_ptr(f, R1, off);
        let a = &mut f.asm;
        a.emit(Insn::mov64_reg(R2, n));
        a.emit(Insn::ldx(BPF_DW, R3, FP, buf));
        a.emit(Insn::call(H_READ_KERNEL));
        a.emit(Insn::ldx(BPF_DW, R3, FP, buf));
        self.fault_if(f, BPF_JSLT, R0, 0, FLT_BADADDR, Some(R3));
        self.write_user(f, user, off, n);
        f.asm.bind(skip);
        self.free(f, n);
        Ok(())
    }

    /// `copyoutstr(str, addr, maxlen)`: the string and its NUL, at most
    /// maxlen bytes, to the current process's address `addr`.
    pub(super) fn copyoutstr(&mut self, f: &mut Prog, line: u32, args: &[Expr]) -> R<()> {
        let name = "copyoutstr";
        self.user_writes(line, name)?;
        let strsize = self.strsize as i32;
        let s = self.spill(f, line, &args[0], true)?;
        let user = self.spill(f, line, &args[1], false)?;
        let n = self.expr(f, &args[2])?;
        let off = self.tmp(f, self.strsize);
        Self::tmp_ptr(f, R1, off);
        let a = &mut f.asm;
        a.emit(Insn::mov64_imm(R2, strsize));
        a.emit(Insn::ldx(BPF_DW, R3, FP, s));
        a.emit(Insn::call(H_READ_KERNEL_STR));
        a.emit(Insn::ldx(BPF_DW, R3, FP, s));
        self.fault_if(f, BPF_JSLT, R0, 0, FLT_BADADDR, Some(R3));
        // n = min(maxlen, length with NUL), within the buffer for the verifier.
        let (skip, shorter, fits) = (f.asm.label(), f.asm.label(), f.asm.label());
        let a = &mut f.asm;
        a.jmp_reg(BPF_JLE, n, R0, shorter);
        a.emit(Insn::mov64_reg(n, R0));
        a.bind(shorter);
        a.jmp_imm(BPF_JLT, n, 1, skip);
        a.jmp_imm(BPF_JLE, n, strsize, fits);
        a.emit(Insn::mov64_imm(n, strsize));
        a.bind(fits);
        self.write_user(f, user, off, n);
        f.asm.bind(skip);
        self.free(f, n);
        Ok(())
    }

    /// The per-CPU chill() account (u64 interval start, u64 ns chilled),
    /// created with the first chill().
    fn chill_map(&mut self) -> usize {
        match self.out.maps.iter().position(|m| m.name == "dt_chill") {
            Some(i) => i,
            None => self.add_map("dt_chill", consts::BPF_MAP_TYPE_PERCPU_ARRAY, 4, 16, 1),
        }
    }

    /// `chill(ns)`: spins for ns nanoseconds. As in DTrace, more than
    /// 500 ms of chill per CPU within one second is an illegal operation;
    /// so is more than 200 ms in one call (the BPF loop budget, above).
    pub(super) fn chill(&mut self, f: &mut Prog, line: u32, args: &[Expr]) -> R<()> {
        if let Some(ns) = self.value(&args[0])? {
            if !(0..=CHILL_FIRING_MAX_NS).contains(&ns) {
                return Err(CompileError::new(
                    line,
                    "D_PROTO_ARG",
                    format!("chill( ) argument #1 must be between 0 and {} ns: BPF programs cannot spin longer in one probe firing", CHILL_FIRING_MAX_NS),
                ));
            }
        }
        let map = self.chill_map();
        let deadline = self.stack_slot(f, line)?;
        let v = self.expr(f, &args[0])?;
        self.fault_if(f, BPF_JGT, v, CHILL_FIRING_MAX_NS as i32, FLT_ILLOP, None);
        let acct = self.alloc(f, line)?;
        let a = &mut f.asm;
        lookup_fixed(a, map);
        a.jmp_imm(BPF_JEQ, R0, 0, f.clause_end.unwrap());
        a.emit(Insn::mov64_reg(acct, R0));
        a.emit(Insn::call(H_KTIME));
        // A new interval once the current one is over.
        let same = a.label();
        a.emit(Insn::ldx(BPF_DW, R1, acct, 0));
        a.emit(Insn::mov64_reg(R2, R0));
        a.emit(Insn::alu64_reg(BPF_SUB, R2, R1));
        a.jmp_imm(BPF_JLE, R2, CHILL_INTERVAL_NS, same);
        a.emit(Insn::stx(BPF_DW, acct, R0, 0));
        a.emit(Insn::st_imm(BPF_DW, acct, 8, 0));
        a.bind(same);
        a.emit(Insn::ldx(BPF_DW, R1, acct, 8));
        a.emit(Insn::alu64_reg(BPF_ADD, R1, v));
        self.fault_if(f, BPF_JGT, R1, CHILL_MAX_NS, FLT_ILLOP, None);
        let a = &mut f.asm;
        a.emit(Insn::stx(BPF_DW, acct, R1, 8));
        a.emit(Insn::alu64_reg(BPF_ADD, R0, v));
        a.emit(Insn::stx(BPF_DW, FP, R0, deadline));
        self.free(f, v);
        Self::spin(f, deadline, acct);
        self.free(f, acct);
        Ok(())
    }

    /// Spins until the clock passes the u64 at `deadline` (a stack slot),
    /// or the kernel's loop budget is spent; `cnt` is a scratch register.
    fn spin(f: &mut Prog, deadline: i16, cnt: Reg) {
        let a = &mut f.asm;
        let (top, reads, done) = (a.label(), a.label(), a.label());
        a.bind(top);
        a.jmp_imm(BPF_JCOND, R0, 0, done);
        a.emit(Insn::mov64_imm(cnt, CHILL_READS));
        a.bind(reads);
        a.emit(Insn::call(H_KTIME));
        a.emit(Insn::alu64_imm(BPF_SUB, cnt, 1));
        a.jmp_imm(BPF_JNE, cnt, 0, reads);
        a.emit(Insn::ldx(BPF_DW, R1, FP, deadline));
        a.jmp_reg(BPF_JGE, R0, R1, done);
        a.ja(top);
        a.bind(done);
    }
}
