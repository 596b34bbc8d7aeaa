//! Code generation for D's string, network, conversion and memory
//! subroutines (basename, strchr, substr, htonl, inet_ntoa, alloca, ...),
//! dispatched by `subroutine` (at the end of this file). Semantics follow illumos
//! DTrace; see each implementation for the details.

use super::*;

mod conv;
mod dpath;
mod emit;
mod json;
pub(super) use json::{NULL_MARK, NULL_MIN_STRSIZE};
mod mem;
mod net;
mod path;
mod search;
mod text;

/// A parameter of a subroutine prototype, with the type name DTrace
/// prints in its mismatch messages.
#[derive(Clone, Copy)]
enum Param {
    /// A string (`const char *`).
    Str,
    /// A string or NULL (strtok's first argument).
    StrOrNull,
    /// An integer type.
    Int(&'static str),
    /// A pointer to kernel memory: a pointer or an integer address.
    Addr(&'static str),
    /// `void *`: a pointer, an integer address or a string.
    Any(&'static str),
}

/// Parameters of a subroutine, and how many of them are required (the
/// rest are optional).
struct Proto {
    params: &'static [Param],
    required: usize,
}

fn proto(name: &str) -> Option<Proto> {
    use Param::*;
    let (params, required): (&'static [Param], usize) = match name {
        "basename" | "dirname" | "cleanpath" | "toupper" | "tolower" => (&[Str], 1),
        "strchr" | "strrchr" => (&[Str, Int("char")], 2),
        "strstr" => (&[Str, Str], 2),
        "strtok" => (&[StrOrNull, Str], 2),
        "json" => (&[Str, Str], 2),
        "index" | "rindex" => (&[Str, Str, Int("int")], 2),
        "substr" => (&[Str, Int("int"), Int("int")], 2),
        "lltostr" => (&[Int("int64_t"), Int("int")], 1),
        "strtoll" => (&[Str, Int("int")], 1),
        "htons" | "ntohs" => (&[Int("uint16_t")], 1),
        "htonl" | "ntohl" => (&[Int("uint32_t")], 1),
        "htonll" | "ntohll" => (&[Int("uint64_t")], 1),
        "inet_ntoa" => (&[Addr("ipaddr_t *")], 1),
        "inet_ntoa6" => (&[Addr("in6_addr_t *")], 1),
        "inet_ntop" => (&[Int("int"), Any("void *")], 2),
        "progenyof" => (&[Int("pid_t")], 1),
        "alloca" => (&[Int("size_t")], 1),
        "bcopy" => (&[Any("void *"), Any("void *"), Int("size_t")], 3),
        "copyinto" => (&[Addr("uintptr_t"), Int("size_t"), Any("void *")], 3),
        "d_path" => (&[Addr("struct path *")], 1),
        _ => return None,
    };
    Some(Proto { params, required })
}

impl<'a> Codegen<'a> {
    /// Subroutines not handled by `subroutine` itself.
    pub(super) fn more_subroutine(&mut self, f: &mut Prog, line: u32, name: &str, args: &[Expr]) -> R<Reg> {
        let Some(p) = proto(name) else {
            self.env.sema.type_of(&Expr::new(ExprKind::Call { name: name.to_string(), args: args.to_vec() }, line))?;
            return Err(CompileError::new(line, "D_UNSUPPORTED", format!("{}( ) is not supported yet", name)));
        };
        self.check_args(line, name, &p, args)?;
        // Loop counters are stack slots needed only while the code runs.
        let stack = f.stack_top;
        let r = self.subr_body(f, line, name, args);
        f.stack_top = stack;
        r
    }

    fn subr_body(&mut self, f: &mut Prog, line: u32, name: &str, args: &[Expr]) -> R<Reg> {
        match name {
            "strchr" | "strrchr" => self.strchr(f, args, name == "strrchr"),
            "strstr" => self.strstr(f, line, args),
            "index" | "rindex" => self.index(f, line, args, name == "rindex"),
            "substr" => self.substr(f, args),
            "strtok" => self.strtok(f, line, args),
            "json" => self.json(f, line, args),
            "toupper" | "tolower" => self.fold_case(f, &args[0], name == "toupper"),
            "basename" | "dirname" => self.basename(f, &args[0], name == "dirname"),
            "cleanpath" => self.cleanpath(f, line, &args[0]),
            "lltostr" => self.lltostr(f, args),
            "strtoll" => self.strtoll(f, args),
            "htons" | "ntohs" => self.byteswap(f, &args[0], 16),
            "htonl" | "ntohl" => self.byteswap(f, &args[0], 32),
            "htonll" | "ntohll" => self.byteswap(f, &args[0], 64),
            "inet_ntoa" => self.inet(f, line, false, &args[0]),
            "inet_ntoa6" => self.inet(f, line, true, &args[0]),
            "inet_ntop" => self.inet_ntop(f, line, args),
            "progenyof" => self.progenyof(f, line, &args[0]),
            "alloca" => self.alloca(f, line, &args[0]),
            "bcopy" => self.bcopy(f, line, args),
            "copyinto" => self.copyinto(f, line, args),
            "d_path" => self.d_path(f, line, &args[0]),
            _ => unreachable!("every prototype has a body"),
        }
    }

    /// Checks the argument count and types against DTrace's prototype,
    /// with DTrace's messages.
    fn check_args(&self, line: u32, name: &str, p: &Proto, args: &[Expr]) -> R<()> {
        let n = args.len();
        let optional = p.required < p.params.len();
        if n < p.required || n > p.params.len() {
            return Err(CompileError::new(
                line,
                "D_PROTO_LEN",
                format!(
                    "{}( ) prototype mismatch: {} arg{} passed, {}{} expected",
                    name,
                    n,
                    if n == 1 { "" } else { "s" },
                    if optional { "at least " } else { "" },
                    if optional { p.required } else { p.params.len() }
                ),
            ));
        }
        for (i, (param, arg)) in p.params.iter().zip(args).enumerate() {
            let t = self.env.sema.type_of(arg)?;
            let (ok, proto_name) = match param {
                Param::Str => (t.is_str(), "char *"),
                Param::StrOrNull => (t.is_str() || self.env.sema.const_eval(arg) == Some(0), "char *"),
                Param::Int(tn) => (t.is_int(), *tn),
                Param::Addr(tn) => (t.is_scalar(), *tn),
                Param::Any(tn) => (t.is_scalar() || t.is_str(), *tn),
            };
            if !ok {
                return Err(CompileError::new(
                    line,
                    "D_PROTO_ARG",
                    format!(
                        "{}( ) argument #{} is incompatible with prototype:\n\tprototype: {}\n\t argument: {}",
                        name,
                        i + 1,
                        proto_name,
                        t
                    ),
                ));
            }
        }
        Ok(())
    }
}

impl<'a> Codegen<'a> {
    pub(super) fn subroutine(&mut self, f: &mut Prog, line: u32, name: &str, args: &[Expr]) -> R<Reg> {
        let nargs = |lo: usize, hi: usize| -> R<()> {
            if (lo..=hi).contains(&args.len()) {
                Ok(())
            } else {
                Err(CompileError::new(
                    line,
                    "D_PROTO_LEN",
                    format!(
                        "{}( ) prototype mismatch: {} arg{} passed, {} expected",
                        name,
                        args.len(),
                        if args.len() == 1 { "" } else { "s" },
                        lo
                    ),
                ))
            }
        };
        let want = |i: usize, want_str: bool| -> R<()> {
            let t = self.env.sema.type_of(&args[i])?;
            if t.is_str() != want_str {
                return Err(CompileError::new(
                    line,
                    "D_PROTO_ARG",
                    format!(
                        "{}( ) argument #{} is incompatible with prototype:\n\tprototype: {}\n\t argument: {}",
                        name,
                        i + 1,
                        if want_str { "string" } else { "uint64_t" },
                        t
                    ),
                ));
            }
            Ok(())
        };
        let strsize = self.strsize;
        match name {
            "strlen" => {
                nargs(1, 1)?;
                want(0, true)?;
                let r = self.expr(f, &args[0])?;
                let a = &mut f.asm;
                let top = a.label();
                let done = a.label();
                a.emit(Insn::mov64_reg(R1, r));
                a.emit(Insn::mov64_imm(R3, 0));
                a.bind(top);
                a.emit(Insn::ldx(BPF_B, R4, R1, 0));
                a.jmp_imm(BPF_JEQ, R4, 0, done);
                a.emit(Insn::alu64_imm(BPF_ADD, R1, 1));
                a.emit(Insn::alu64_imm(BPF_ADD, R3, 1));
                a.jmp_imm(BPF_JLT, R3, strsize as i32 - 1, top);
                a.bind(done);
                a.emit(Insn::mov64_reg(r, R3));
                Ok(r)
            }
            "strjoin" => {
                nargs(2, 2)?;
                want(0, true)?;
                want(1, true)?;
                let x = self.expr(f, &args[0])?;
                let y = self.expr(f, &args[1])?;
                let off = self.tmp(f, 2 * strsize);
                Self::tmp_ptr(f, R1, off);
                let a = &mut f.asm;
                a.emit(Insn::mov64_imm(R2, strsize as i32));
                a.emit(Insn::mov64_reg(R3, x));
                a.emit(Insn::call(H_READ_KERNEL_STR));
                let pos = a.label();
                a.jmp_imm(BPF_JSGT, R0, 0, pos);
                a.emit(Insn::mov64_imm(R0, 1));
                a.bind(pos);
                a.emit(Insn::alu64_imm(BPF_SUB, R0, 1));
                let inb = a.label();
                a.jmp_imm(BPF_JLE, R0, strsize as i32 - 1, inb);
                a.emit(Insn::mov64_imm(R0, strsize as i32 - 1));
                a.bind(inb);
                Self::tmp_ptr_a(a, R1, off);
                a.emit(Insn::alu64_reg(BPF_ADD, R1, R0));
                a.emit(Insn::mov64_imm(R2, strsize as i32));
                a.emit(Insn::mov64_reg(R3, y));
                a.emit(Insn::call(H_READ_KERNEL_STR));
                Self::tmp_ptr_a(a, x, off);
                a.emit(Insn::st_imm(BPF_B, x, strsize as i16 - 1, 0));
                self.free(f, y);
                Ok(x)
            }
            "copyinstr" => {
                nargs(1, 2)?;
                want(0, false)?;
                let addr = self.expr(f, &args[0])?;
                let max = match args.get(1) {
                    Some(m) => (self.env.sema.const_eval(m).ok_or_else(|| {
                        CompileError::new(line, "D_PROTO_ARG", "copyinstr( ) argument #2 must be an integer constant")
                    })? as u32)
                        .clamp(1, strsize),
                    None => strsize,
                };
                let off = self.tmp(f, strsize);
                Self::tmp_ptr(f, R1, off);
                f.asm.emit(Insn::mov64_imm(R2, max as i32));
                f.asm.emit(Insn::mov64_reg(R3, addr));
                f.asm.emit(Insn::call(H_READ_USER_STR));
                self.fault_if(f, BPF_JSLT, R0, 0, FLT_BADADDR, Some(addr));
                if max < strsize {
                    Self::tmp_ptr(f, R1, off);
                    f.asm.emit(Insn::st_imm(BPF_B, R1, max as i16 - 1, 0));
                }
                Self::tmp_ptr(f, addr, off);
                Ok(addr)
            }
            "copyin" => {
                nargs(2, 2)?;
                let addr = self.expr(f, &args[0])?;
                let size = self.env.sema.const_eval(&args[1]).ok_or_else(|| {
                    CompileError::new(line, "D_PROTO_ARG", "copyin( ) argument #2 must be an integer constant")
                })?;
                if size <= 0 || size > 4096 {
                    return Err(CompileError::new(line, "D_PROTO_ARG", "copyin( ) size must be between 1 and 4096"));
                }
                let off = self.tmp(f, size as u32);
                Self::tmp_ptr(f, R1, off);
                f.asm.emit(Insn::mov64_imm(R2, size as i32));
                f.asm.emit(Insn::mov64_reg(R3, addr));
                f.asm.emit(Insn::call(H_READ_USER));
                self.fault_if(f, BPF_JSLT, R0, 0, FLT_BADADDR, Some(addr));
                Self::tmp_ptr(f, addr, off);
                Ok(addr)
            }
            "stringof" => {
                nargs(1, 1)?;
                self.stringof(f, line, &args[0])
            }
            "speculation" => {
                nargs(0, 0)?;
                self.speculation(f, line)
            }
            "__psargs" => {
                nargs(2, 2)?;
                self.psargs(f, &args[0], &args[1])
            }
            // The library's fileinfo_t translator: where a file's file
            // system is mounted.
            "__mount_point" => {
                nargs(1, 1)?;
                let p = self.expr(f, &args[0])?;
                self.path_string(f, line, p, true)
            }
            "rand" => {
                nargs(0, 0)?;
                let r = self.alloc(f, line)?;
                f.asm.emit(Insn::call(H_PRANDOM));
                f.asm.emit(Insn::mov64_reg(r, R0));
                normalize(&mut f.asm, r, 4, true);
                Ok(r)
            }
            _ => self.more_subroutine(f, line, name, args),
        }
    }
}
