//! The dtrace provider: BEGIN, END and ERROR. The session runs the BEGIN
//! and END programs itself, once (they are not attached); ERROR's clauses
//! are compiled into every clause's fault handler.

use super::attach::{AttachError, Progress};
use super::{Catalog, NewProbes, ProgInfo, Probe, Provider, Site, DTRACE};
use crate::bpf::consts;
use crate::lang::ctypes::TypeEnv;
use crate::program::{Attach, ProgSpec};
use std::os::fd::{BorrowedFd, OwnedFd};

pub const BEGIN_ID: u32 = 1;
pub const END_ID: u32 = 2;
pub const ERROR_ID: u32 = 3;

/// The programs the session runs (attach keys: the probe's datum).
pub const BEGIN: Attach = Attach { provider: DTRACE, key: 0 };
pub const END: Attach = Attach { provider: DTRACE, key: 1 };

pub struct Dtrace;

impl Provider for Dtrace {
    fn name(&self) -> &'static str {
        "dtrace"
    }

    fn populate(&mut self, new: &mut NewProbes) {
        for (i, name) in ["BEGIN", "END", "ERROR"].into_iter().enumerate() {
            new.add("", "", name, i as u64);
        }
    }

    fn attach_point(&self, p: &Probe, _: &TypeEnv) -> u64 {
        p.data
    }

    fn program(&self, _: &Catalog, key: u64, _: &[u32], _: &TypeEnv) -> ProgInfo {
        let name = if key == BEGIN.key { "dt_BEGIN" } else { "dt_END" };
        ProgInfo { prog_type: consts::BPF_PROG_TYPE_RAW_TRACEPOINT, name: name.into(), expected_attach_type: 0, attach_btf_id: 0 }
    }

    fn site(&self, _: u64) -> Site {
        // Run from the session's thread; bpf_get_stack's first frame is
        // our program.
        Site { gated: false, interrupt: Some(false), stack_skip: 1, ..Site::default() }
    }

    fn describe(&self, _: &Catalog, p: &ProgSpec) -> String {
        if p.attach == BEGIN { "dtrace:::BEGIN" } else { "dtrace:::END" }.into()
    }

    fn attach(&self, _: &Catalog, _: &ProgSpec, _: BorrowedFd, _: &mut Vec<OwnedFd>, _: &mut Progress) -> Result<(), AttachError> {
        Ok(())
    }
}

