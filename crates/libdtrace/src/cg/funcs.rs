//! BPF subprograms (callbacks run by the bpf_loop helper) and the small
//! BTF blob that describes a program's functions to the kernel.
//!
//! A callback lets a long loop be verified once per call instead of once
//! per iteration: the body of `bpf_loop(n, cb, ctx, 0)` is checked as one
//! function whatever `n` is. The kernel accepts the callback's address
//! (`ld_imm64` with `BPF_PSEUDO_FUNC`) only when the program comes with
//! BTF "func_info" naming every function and marking callbacks static,
//! so programs that use one carry this blob.

/// The callbacks the code generator can emit; each is one BTF function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Callback {
    /// json(): splits the selector into its elements.
    JsonSelector,
    /// json(): one step of the JSON scanner.
    JsonStep,
    /// d_path() and the paths built on it: one dentry of the walk.
    PathStep,
}

impl Callback {
    pub const ALL: [Callback; 3] = [Callback::JsonSelector, Callback::JsonStep, Callback::PathStep];

    fn name(self) -> &'static str {
        match self {
            Callback::JsonSelector => "dt_json_selector",
            Callback::JsonStep => "dt_json_step",
            Callback::PathStep => "dt_path_step",
        }
    }

    /// The callback's BTF type id in [`program_btf`].
    pub fn btf_id(self) -> u32 {
        FIRST_CALLBACK_ID + Callback::ALL.iter().position(|c| *c == self).unwrap() as u32
    }
}

/// BTF type id of the program's main function.
pub const MAIN_FUNC_ID: u32 = 4;
const FIRST_CALLBACK_ID: u32 = 6;

const BTF_KIND_INT: u32 = 1;
const BTF_KIND_PTR: u32 = 2;
const BTF_KIND_FUNC: u32 = 12;
const BTF_KIND_FUNC_PROTO: u32 = 13;
const BTF_INT_SIGNED: u32 = 1;
const LINKAGE_STATIC: u32 = 0;
const LINKAGE_GLOBAL: u32 = 1;

/// The BTF blob shared by every program of a session:
/// 1 `long`, 2 `void *`, 3 `long (void *ctx)`, 4 the main function
/// (global), 5 `long (long index, void *ctx)`, then one static function
/// per [`Callback`].
pub fn program_btf() -> Vec<u8> {
    let mut strings = vec![0u8];
    let mut name = |s: &str| -> u32 {
        let off = strings.len() as u32;
        strings.extend_from_slice(s.as_bytes());
        strings.push(0);
        off
    };
    let mut types: Vec<u32> = Vec::new();
    let ty = |types: &mut Vec<u32>, name_off: u32, kind: u32, vlen: u32, size_or_type: u32, extra: &[u32]| {
        types.extend_from_slice(&[name_off, (kind << 24) | vlen, size_or_type]);
        types.extend_from_slice(extra);
    };
    let long = name("long");
    ty(&mut types, long, BTF_KIND_INT, 0, 8, &[(BTF_INT_SIGNED << 24) | 64]); // 1
    ty(&mut types, 0, BTF_KIND_PTR, 0, 0, &[]); // 2: void *
    let ctx = name("ctx");
    ty(&mut types, 0, BTF_KIND_FUNC_PROTO, 1, 1, &[ctx, 2]); // 3
    let main = name("dt_clauses");
    ty(&mut types, main, BTF_KIND_FUNC, LINKAGE_GLOBAL, 3, &[]); // 4
    let index = name("index");
    ty(&mut types, 0, BTF_KIND_FUNC_PROTO, 2, 1, &[index, 1, ctx, 2]); // 5
    for c in Callback::ALL {
        let n = name(c.name());
        ty(&mut types, n, BTF_KIND_FUNC, LINKAGE_STATIC, 5, &[]);
    }
    let type_bytes: Vec<u8> = types.iter().flat_map(|w| w.to_le_bytes()).collect();
    let mut out = Vec::new();
    out.extend_from_slice(&0xeb9fu16.to_le_bytes());
    out.push(1); // version
    out.push(0); // flags
    for w in [24u32, 0, type_bytes.len() as u32, type_bytes.len() as u32, strings.len() as u32] {
        out.extend_from_slice(&w.to_le_bytes());
    }
    out.extend_from_slice(&type_bytes);
    out.extend_from_slice(&strings);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bpf::btf::{Btf, TypeId};

    #[test]
    fn blob_reads_back_with_our_btf_reader() {
        let blob = program_btf();
        let btf = Btf::parse(blob).expect("valid BTF");
        assert_eq!(btf.name(TypeId(MAIN_FUNC_ID)), "dt_clauses");
        assert_eq!(btf.name(TypeId(Callback::JsonStep.btf_id())), "dt_json_step");
        assert_eq!(btf.name(TypeId(Callback::JsonSelector.btf_id())), "dt_json_selector");
        let (params, ret) = btf.func_params(TypeId(Callback::JsonStep.btf_id())).unwrap();
        assert_eq!(params.iter().map(|p| p.0.as_str()).collect::<Vec<_>>(), ["index", "ctx"]);
        assert_eq!(btf.name(ret), "long");
    }
}
