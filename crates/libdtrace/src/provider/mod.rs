//! Providers: the probe catalog (what `dtrace -l` lists), matching of probe
//! descriptions, and the [`Provider`] trait: everything that differs from
//! one provider to another — its probes, the programs that serve them and
//! the code that finds a firing probe and its arguments, attaching, how
//! its programs are described — so that the code generator, the loader and
//! the consumer ask the probe's provider instead of knowing each one.
//!
//! One module per provider, each listed once in [`registry`]. Loading and
//! attaching is driven by `attach.rs`.

pub mod attach;
pub mod dtrace;
pub mod fbt;
pub mod glob;
pub mod profile;
pub mod syscall;
pub mod syscall_table;

use crate::bpf::asm::Asm;
use crate::bpf::insn::{Insn, Reg};
use crate::lang::ast::ProbeDesc;
use crate::lang::ctypes::TypeEnv;
use crate::lang::types::Type;
use crate::options::Options;
use crate::program::ProgSpec;
use attach::{AttachError, Progress};
use glob::glob_match;
use std::os::fd::{BorrowedFd, OwnedFd};

pub use crate::program::{Attach, ProviderId};
pub use dtrace::{BEGIN_ID, END_ID, ERROR_ID};

/// Every provider, in the order their probes are numbered. The dtrace
/// provider comes first: its probes have the fixed ids 1-3.
fn registry() -> Vec<Box<dyn Provider>> {
    vec![
        Box::new(dtrace::Dtrace),
        Box::new(syscall::Syscall::default()),
        Box::new(profile::Profile),
        Box::new(fbt::Fbt::default()),
    ]
}

/// The dtrace provider's place in [`registry`].
pub const DTRACE: ProviderId = ProviderId(0);

/// What a provider does. The catalog hooks fill the probe list; the code
/// generation hooks are asked per attach point (`Attach::key`, whose
/// meaning the provider owns); the last ones load, attach and describe.
/// Code a provider emits may use r0-r5 and the frame slots of
/// [`crate::program`] (`SLOT_CTX`, `SLOT_NR`, `SLOT_B`).
pub trait Provider: Send + Sync {
    /// The provider's name in probe descriptions.
    fn name(&self) -> &'static str;

    /// Adds the probes every session has (listed by `dtrace -l`).
    fn populate(&mut self, _new: &mut NewProbes) {}

    /// Adds the probes made on demand that description `d` may name (fbt's
    /// are loaded on first use, profile-N exists for any N); an error says
    /// why the provider cannot serve a description that names it.
    fn provide(&mut self, _d: &ProbeDesc, _new: &mut NewProbes) -> Result<(), MatchError> {
        Ok(())
    }

    /// What the provider leaves out, one line each with the reason
    /// (`dtrace -l -v`).
    fn excluded(&self) -> &str {
        ""
    }

    /// The C types of a probe's `args[]`, where known.
    fn arg_types(&self, _p: &Probe, _types: &TypeEnv) -> Option<Vec<Type>> {
        None
    }

    /// Before code generation: chooses how to attach `ids`, the provider's
    /// probes the program enables (fbt's backend). The error is the message.
    fn prepare(&mut self, _probes: &[Probe], _ids: &[u32], _opts: &Options) -> Result<(), String> {
        Ok(())
    }

    /// The key of the attach point serving probe `p` (one of this
    /// provider's); probes with the same point share programs.
    fn attach_point(&self, p: &Probe, types: &TypeEnv) -> u64;

    /// How a program of attach point `key` serving `probes` is loaded.
    fn program(&self, cat: &Catalog, key: u64, probes: &[u32], types: &TypeEnv) -> ProgInfo;

    /// What the code generator must know of the probe site.
    fn site(&self, _key: u64) -> Site {
        Site::default()
    }

    /// The provider's part of the prologue, right after the context is
    /// saved at `SLOT_CTX`: stores the probe discriminator at `SLOT_NR`
    /// for programs whose `Site::disc` is not `Fixed`.
    fn prologue(&self, _key: u64, _a: &mut Asm) {}

    /// The discriminator values (sorted) a firing must have to be one of
    /// `probes` (a clause's, or all `n` of the program's); None when every
    /// firing of the program is.
    fn filter(&self, _cat: &Catalog, _key: u64, _probes: &[u32], _n: usize) -> Option<Vec<u32>> {
        None
    }

    /// Emits code that loads `what` into `r` (0 where the probe has none).
    fn load(&self, _key: u64, _what: Load, a: &mut Asm, r: Reg) {
        a.emit(Insn::mov64_imm(r, 0));
    }

    /// For `Disc::Number` providers: each number with its probe ids and
    /// function name, for `MAP_SYSPROBE`.
    fn number_table(&self, _cat: &Catalog) -> Vec<(u32, [u32; 2], String)> {
        Vec::new()
    }

    /// The program in load and attach errors (`syscall:::entry`).
    fn describe(&self, cat: &Catalog, p: &ProgSpec) -> String;

    /// The program as notices name it (auto-disable); by default as
    /// `describe` does.
    fn describe_probes(&self, cat: &Catalog, p: &ProgSpec) -> String {
        self.describe(cat, p)
    }

    /// How many probes `attach` attaches one by one (progress is shown for
    /// long attaches).
    fn attach_count(&self, _p: &ProgSpec) -> usize {
        0
    }

    /// Attaches loaded program `prog` to its probes, pushing to `links`
    /// what keeps it attached: closing those detaches it.
    fn attach(
        &self,
        cat: &Catalog,
        p: &ProgSpec,
        prog: BorrowedFd,
        links: &mut Vec<OwnedFd>,
        progress: &mut Progress,
    ) -> Result<(), AttachError>;

    /// With `-v`: how the provider attached `progs`, its programs.
    fn notes(&self, _progs: &[&ProgSpec]) -> Vec<String> {
        Vec::new()
    }

    /// The probe of a record from attach point `key` whose clause may
    /// serve several probes, by the record's discriminator. (A record of
    /// a clause that serves one probe, ERROR clauses included, names it.)
    fn probe_of(&self, _key: u64, disc: u32) -> Option<u32> {
        Some(disc)
    }
}

/// How a program is loaded.
pub struct ProgInfo {
    pub prog_type: u32,
    pub name: String,
    /// For fentry/fexit and kprobe.multi programs.
    pub expected_attach_type: u32,
    pub attach_btf_id: u32,
}

/// What the code generator must know of a probe site.
#[derive(Clone, Copy, Debug)]
pub struct Site {
    pub disc: Disc,
    /// Probes whose clauses must fit one program, named for the error
    /// (each program of a timer would get its own timer).
    pub unsplittable: Option<&'static str>,
    /// Whether the program acts only while the session is active (all
    /// but BEGIN and END, which the session runs itself).
    pub gated: bool,
    /// Known interrupt context: Some(true) in an interrupt, Some(false) in
    /// a thread; None: found at run time (`ipl`).
    pub interrupt: Option<bool>,
    /// Kernel stack frames of the probe machinery (bpf_get_stack skips).
    pub stack_skip: i32,
    /// The caller's place in a kernel stack taken here: 1 at a function's
    /// entry (the function's own frame comes first), else 0.
    pub caller_frame: i16,
    /// A kernel function whose frame tops the stack only while several
    /// tracers share the probe (a tracepoint's `__traceiter_`).
    pub glue: Option<&'static str>,
}

impl Default for Site {
    fn default() -> Site {
        Site {
            disc: Disc::Fixed,
            unsplittable: None,
            gated: true,
            interrupt: None,
            stack_skip: 0,
            caller_frame: 0,
            glue: None,
        }
    }
}

/// How a program tells at run time which of its probes fired.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Disc {
    /// It need not: it serves one probe.
    Fixed,
    /// `SLOT_NR` holds the probe id (the link's BPF cookie);
    /// `MAP_PROBEINFO` has each probe's module and function.
    Cookie,
    /// `SLOT_NR` holds a number of the provider's (the syscall number)
    /// that `MAP_SYSPROBE` maps to probe ids (`slot`: which of the two)
    /// and a function name.
    Number { slot: u8 },
}

/// A probe-dependent value the code generator asks a provider for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Load {
    Arg(usize),
    Errno,
}

/// x86-64 `struct pt_regs` offsets the providers' code reads: the syscall
/// arguments in order, the function-call argument registers, and more.
pub mod pt_regs {
    pub const SYSCALL_ARGS: [i16; 6] = [112, 104, 96, 56, 72, 64];
    pub const CALL_ARGS: [i16; 6] = [112, 104, 96, 88, 72, 64];
    pub const AX: i16 = 80;
    pub const ORIG_AX: i16 = 120;
    pub const IP: i16 = 128;
    pub const CS: i16 = 136;
}

#[derive(Clone, Debug)]
pub struct Probe {
    pub id: u32,
    pub provider: String,
    pub module: String,
    pub function: String,
    pub name: String,
    /// The provider that owns the probe, and its datum for it (the syscall
    /// number, the fbt function's index, a timer's period).
    pub prov: ProviderId,
    pub data: u64,
}

impl Probe {
    pub fn full_name(&self) -> String {
        format!("{}:{}:{}:{}", self.provider, self.module, self.function, self.name)
    }
}

/// Why a description matched nothing or could not be used.
#[derive(Debug, Clone)]
pub struct MatchError(pub String);

/// Where a provider adds its probes: they are numbered in order.
pub struct NewProbes<'a> {
    probes: &'a mut Vec<Probe>,
    prov: ProviderId,
    name: &'static str,
}

impl NewProbes<'_> {
    /// Adds a probe of the provider; returns its id.
    pub fn add(&mut self, module: &str, function: &str, name: &str, data: u64) -> u32 {
        let id = self.probes.len() as u32 + 1;
        self.probes.push(Probe {
            id,
            provider: self.name.to_string(),
            module: module.to_string(),
            function: function.to_string(),
            name: name.to_string(),
            prov: self.prov,
            data,
        });
        id
    }

    /// Does any probe so far (of any provider) match `d`?
    pub fn any_match(&self, d: &ProbeDesc) -> bool {
        self.probes.iter().any(|p| desc_matches(d, p))
    }
}

/// Every probe known to this session, with stable ids, and the providers.
pub struct Catalog {
    pub probes: Vec<Probe>,
    providers: Vec<Box<dyn Provider>>,
}

impl Catalog {
    /// Builds the catalog from the running kernel.
    pub fn load() -> Catalog {
        let mut c = Catalog { probes: Vec::new(), providers: registry() };
        for i in 0..c.providers.len() {
            let (prov, mut new) = c.split(i);
            prov.populate(&mut new);
        }
        c
    }

    /// Provider `i` and where it adds probes.
    fn split(&mut self, i: usize) -> (&mut dyn Provider, NewProbes<'_>) {
        let prov = &mut self.providers[i];
        let name = prov.name();
        (prov.as_mut(), NewProbes { probes: &mut self.probes, prov: ProviderId(i as u8), name })
    }

    pub fn provider(&self, id: ProviderId) -> &dyn Provider {
        self.providers[id.0 as usize].as_ref()
    }

    pub fn providers(&self) -> impl Iterator<Item = (ProviderId, &dyn Provider)> {
        self.providers.iter().enumerate().map(|(i, p)| (ProviderId(i as u8), p.as_ref()))
    }

    /// The C types of a probe's `args[]`, where known.
    pub fn arg_types(&self, id: u32, types: &TypeEnv) -> Option<Vec<Type>> {
        let p = self.get(id)?;
        self.provider(p.prov).arg_types(p, types)
    }

    pub fn get(&self, id: u32) -> Option<&Probe> {
        self.probes.get(id.checked_sub(1)? as usize)
    }

    /// Ids of every probe matching `d`, after the providers have made the
    /// probes it names on demand.
    pub fn matching(&mut self, d: &ProbeDesc) -> Result<Vec<u32>, MatchError> {
        for i in 0..self.providers.len() {
            let (prov, mut new) = self.split(i);
            prov.provide(d, &mut new)?;
        }
        Ok(self.probes.iter().filter(|p| desc_matches(d, p)).map(|p| p.id).collect())
    }

    /// Makes every probe the providers can (`dtrace -l`); a provider that
    /// cannot serve is left out.
    pub fn provide_all(&mut self) {
        let all = ProbeDesc {
            provider: String::new(),
            module: String::new(),
            function: String::new(),
            name: String::new(),
            text: String::new(),
            line: 0,
        };
        for i in 0..self.providers.len() {
            let (prov, mut new) = self.split(i);
            let _ = prov.provide(&all, &mut new);
        }
    }

    /// Lets each provider choose how to attach its probes among `ids`.
    pub fn prepare(&mut self, ids: &[u32], opts: &Options) -> Result<(), String> {
        for (i, prov) in self.providers.iter_mut().enumerate() {
            let mine: Vec<u32> =
                ids.iter().copied().filter(|&id| self.probes[id as usize - 1].prov.0 as usize == i).collect();
            prov.prepare(&self.probes, &mine, opts)?;
        }
        Ok(())
    }
}

pub fn desc_matches(d: &ProbeDesc, p: &Probe) -> bool {
    glob_match(&d.provider, &p.provider)
        && glob_match(&d.module, &p.module)
        && glob_match(&d.function, &p.function)
        && glob_match(&d.name, &p.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dtrace_provider_first() {
        assert_eq!(registry()[DTRACE.0 as usize].name(), "dtrace");
    }
}
