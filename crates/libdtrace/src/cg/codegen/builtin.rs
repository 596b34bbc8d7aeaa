//! Calls of the built-in functions: one arm per built-in of the table in
//! lang/builtins.rs, naming its emitter. Sema has checked each call
//! against the table's prototype; the `match` has no catch-all, so a
//! built-in added to the table does not build until it has its arm here.

use super::*;
use crate::lang::builtins::{Builtin, Id, Kind, DESTRUCTIVE};

impl<'a> Codegen<'a> {
    /// An action (a statement): the call `e` of `b` with `args`.
    pub(super) fn action(&mut self, f: &mut Prog, e: &Expr, b: &Builtin, args: &[Expr]) -> R<()> {
        Self::spec_order(f, e.line, spec::act_kind(b))?;
        self.call(f, e, b, args)?;
        // DTrace refuses a destructive action without -w only when it
        // enables tracing; the program compiles (the session checks).
        if b.has(DESTRUCTIVE) {
            self.out.destructive = true;
        }
        Ok(())
    }

    /// A call in an expression: a subroutine's value.
    pub(super) fn subroutine(&mut self, f: &mut Prog, e: &Expr, b: &Builtin, args: &[Expr]) -> R<Reg> {
        if b.kind != Kind::Subroutine {
            return Err(CompileError::new(e.line, "D_UNSUPPORTED", format!("{}( ) is not supported yet", b.name)));
        }
        // Loop counters are stack slots needed only while the code runs.
        let stack = f.stack_top;
        let r = self.call(f, e, b, args);
        f.stack_top = stack;
        r?.ok_or_else(|| CompileError::new(e.line, "D_UNSUPPORTED", format!("{}( ) has no value", b.name)))
    }

    /// The code of a call `e` whose arguments fit its prototype: a
    /// subroutine's value, None for an action.
    fn call(&mut self, f: &mut Prog, e: &Expr, b: &Builtin, args: &[Expr]) -> R<Option<Reg>> {
        let (line, name) = (e.line, b.name);
        let value = |r: R<Reg>| r.map(Some);
        match b.id {
            Id::Trace => {
                let (off, ty) = self.record_value(f, &args[0])?;
                f.items.push(RecItem::Trace { off, ty });
            }
            Id::Printf => {
                let (fmt, args) = self.printf_like(f, line, name, args)?;
                f.items.push(RecItem::Printf { fmt, args });
            }
            Id::Printa => self.printa(f, line, args)?,
            Id::Print => self.print(f, line, args)?,
            Id::Tracemem => self.tracemem(f, line, args)?,
            Id::Stack | Id::Ustack | Id::Func | Id::Sym | Id::Mod | Id::Ufunc | Id::Usym | Id::Umod | Id::Uaddr => {
                let (off, ty) = self.record_value(f, e)?;
                f.items.push(RecItem::Trace { off, ty });
            }
            Id::Exit => self.exit(f, args)?,
            Id::Speculate => self.speculate(f, &args[0])?,
            Id::Commit | Id::Discard => self.commit_or_discard(f, b.id == Id::Commit, &args[0])?,
            Id::Clear => {
                let agg = self.agg_arg(line, name, args, 0)?;
                f.items.push(RecItem::Clear { agg });
            }
            Id::Denormalize => {
                let agg = self.agg_arg(line, name, args, 0)?;
                f.items.push(RecItem::Denormalize { agg });
            }
            Id::Normalize => {
                let agg = self.agg_arg(line, name, args, 0)?;
                let (off, _) = self.record_value(f, &args[1])?;
                f.items.push(RecItem::Normalize { agg, off });
            }
            Id::Trunc => {
                let agg = self.agg_arg(line, name, args, 0)?;
                let keep = match args.get(1) {
                    Some(e) => Some(self.record_value(f, e)?.0),
                    None => None,
                };
                f.items.push(RecItem::Trunc { agg, keep });
            }
            Id::Setopt => self.setopt(f, line, args)?,
            Id::Ftruncate => f.items.push(RecItem::Ftruncate),
            Id::System => {
                let (fmt, args) = self.printf_like(f, line, name, args)?;
                f.items.push(RecItem::System { fmt, args });
            }
            Id::Freopen => self.freopen(f, line, args)?,
            Id::Raise => self.raise(f, &args[0])?,
            Id::Stop => Self::send_signal(f, None),
            Id::Chill => self.chill(f, line, args)?,
            Id::Copyout => self.copyout(f, line, args)?,
            Id::Copyoutstr => self.copyoutstr(f, line, args)?,
            Id::Breakpoint | Id::Panic => return Err(Self::refused(line, b)),
            Id::Jstack => {
                return Err(CompileError::new(line, "D_UNSUPPORTED", format!("{}( ) is not supported yet", name)))
            }
            Id::Strlen => return value(self.strlen(f, &args[0])),
            Id::Strjoin => return value(self.strjoin(f, args)),
            Id::Copyinstr => return value(self.copyinstr(f, line, args)),
            Id::Copyin => return value(self.copyin(f, line, args)),
            Id::Copyinto => return value(self.copyinto(f, line, args)),
            Id::Stringof => return value(self.stringof(f, line, &args[0])),
            Id::Speculation => return value(self.speculation(f, line)),
            Id::Rand => return value(self.rand(f, line)),
            Id::Strchr | Id::Strrchr => return value(self.strchr(f, args, b.id == Id::Strrchr)),
            Id::Strstr => return value(self.strstr(f, line, args)),
            Id::Strtok => return value(self.strtok(f, line, args)),
            Id::Json => return value(self.json(f, line, args)),
            Id::Index | Id::Rindex => return value(self.index(f, line, args, b.id == Id::Rindex)),
            Id::Substr => return value(self.substr(f, args)),
            Id::Toupper | Id::Tolower => return value(self.fold_case(f, &args[0], b.id == Id::Toupper)),
            Id::Basename | Id::Dirname => return value(self.basename(f, &args[0], b.id == Id::Dirname)),
            Id::Cleanpath => return value(self.cleanpath(f, line, &args[0])),
            Id::Lltostr => return value(self.lltostr(f, args)),
            Id::Strtoll => return value(self.strtoll(f, args)),
            Id::Htons | Id::Ntohs => return value(self.byteswap(f, &args[0], 16)),
            Id::Htonl | Id::Ntohl => return value(self.byteswap(f, &args[0], 32)),
            Id::Htonll | Id::Ntohll => return value(self.byteswap(f, &args[0], 64)),
            Id::InetNtoa => return value(self.inet(f, line, false, &args[0])),
            Id::InetNtoa6 => return value(self.inet(f, line, true, &args[0])),
            Id::InetNtop => return value(self.inet_ntop(f, line, args)),
            Id::Progenyof => return value(self.progenyof(f, line, &args[0])),
            Id::Alloca => return value(self.alloca(f, line, &args[0])),
            Id::Bcopy => return value(self.bcopy(f, line, args)),
            Id::DPath => return value(self.d_path(f, line, &args[0])),
            Id::Psargs => return value(self.psargs(f, &args[0], &args[1])),
            Id::MountPoint => return value(self.mount_point(f, line, &args[0])),
            // Compiled by `aggregate` (sema refuses them anywhere else).
            Id::Count
            | Id::Sum
            | Id::Avg
            | Id::Min
            | Id::Max
            | Id::Stddev
            | Id::Quantize
            | Id::Lquantize
            | Id::Llquantize => {
                return Err(CompileError::new(
                    line,
                    "D_CG_EXPR",
                    format!(
                        "aggregating function {}( ) may not be called from a D expression (D program context required)",
                        name
                    ),
                ))
            }
        }
        Ok(None)
    }
}
