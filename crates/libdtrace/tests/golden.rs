//! Golden tests of the code generator: each `golden/NAME.d` is compiled as
//! `dtrace -e -s NAME.d` would (parse, translate, check, match probes,
//! generate; nothing is loaded) and its programs' disassembly is compared
//! with `golden/NAME.bpf`, so that a change to the generated code is seen.
//!
//! `DTRACE_BLESS=1 cargo test --release -p libdtrace --test golden` rewrites
//! the `.bpf` files from the current compiler (review the diff before
//! committing it); `DTRACE_GOLDEN=NAME,...` runs only the cases whose names
//! contain one of the substrings.
//!
//! The cases avoid what depends on the machine rather than on the compiler
//! (BTF offsets through `curthread`, `walltimestamp`, `curcpu`, kernel
//! addresses); the one such value they cannot avoid, the id of a profile or
//! tick probe (numbered after this kernel's syscalls), is masked.

use libdtrace::bpf::insn::disassemble;
use libdtrace::lang::sema::MacroEnv;
use libdtrace::options::Options;
use libdtrace::session::{self, Failure, Source};
use std::fs;
use std::path::{Path, PathBuf};

/// Ids of the dtrace provider's probes (BEGIN, END, ERROR), the same on
/// every machine; later ones are numbered after the kernel's syscalls.
const FIXED_PROBE_IDS: u32 = 3;

/// Where the text of a disassembled line starts, after the instruction
/// number and the raw fields (`cg::insn::disassemble`'s fixed widths).
const RAW_FIELDS: std::ops::Range<usize> = 6..32;

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// The generated code of a script, one program after another.
fn compile(name: &str, text: &str) -> Result<String, String> {
    let sources = [Source::Script { name: name.into(), text: text.into() }];
    let mut opts = Options::default();
    let parsed = session::parse_sources(&sources, &mut opts).map_err(|Failure(m)| m)?;
    let macros = MacroEnv { args: vec![name.into()], ..MacroEnv::default() };
    let prep = session::prepare(parsed, &sources, &opts, &macros, false).map_err(|Failure(m)| m)?;
    let mut out = String::new();
    for p in &prep.compiled.programs {
        let masked: Vec<String> =
            p.probes.iter().filter(|&&id| id > FIXED_PROBE_IDS).map(|id| id.to_string()).collect();
        let name = masked
            .iter()
            .find_map(|id| p.name.strip_suffix(id.as_str()).map(|head| format!("{}<probe id>", head)))
            .unwrap_or_else(|| p.name.clone());
        out += &format!("{} ({} instructions):\n", name, p.insns.len());
        for line in disassemble(&p.insns) {
            let text = mask_probe_ids(&line[RAW_FIELDS.end..], &masked);
            out += &format!("{}{}\n", &line[..RAW_FIELDS.start], text);
        }
    }
    Ok(out)
}

/// Replaces an immediate operand that is one of the program's
/// machine-numbered probe ids (the record header's probe discriminator;
/// timer programs also carry the id in their name).
fn mask_probe_ids(text: &str, ids: &[String]) -> String {
    for id in ids {
        if let Some(head) = text.strip_suffix(id.as_str()).and_then(|h| h.strip_suffix(", ")) {
            return format!("{}, <probe id>", head);
        }
    }
    text.to_string()
}

#[test]
fn golden() {
    let bless = std::env::var_os("DTRACE_BLESS").is_some_and(|v| v != "0");
    let only: Vec<String> = std::env::var("DTRACE_GOLDEN")
        .map(|s| s.split(',').filter(|p| !p.is_empty()).map(String::from).collect())
        .unwrap_or_default();
    let mut cases: Vec<PathBuf> = fs::read_dir(golden_dir())
        .expect("tests/golden")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "d"))
        .collect();
    cases.sort();
    assert!(!cases.is_empty(), "no cases in {}", golden_dir().display());
    let (mut failed, mut ran) = (Vec::new(), 0);
    for d in cases {
        let name = d.file_stem().unwrap().to_string_lossy().into_owned();
        if !only.is_empty() && !only.iter().any(|o| name.contains(o.as_str())) {
            continue;
        }
        let text = fs::read_to_string(&d).unwrap();
        ran += 1;
        let got = match compile(&format!("{}.d", name), &text) {
            Ok(g) => g,
            Err(m) => {
                failed.push(format!("{}: does not compile: {}", name, m));
                continue;
            }
        };
        let expected_path = d.with_extension("bpf");
        if bless {
            fs::write(&expected_path, &got).unwrap();
            continue;
        }
        let expected = fs::read_to_string(&expected_path).unwrap_or_default();
        if got != expected {
            failed.push(format!(
                "{}: generated code differs from {}:\n{}",
                name,
                expected_path.display(),
                diff(&expected, &got)
            ));
        }
    }
    eprintln!("golden: {} cases compiled{}", ran, if bless { " (blessed)" } else { "" });
    assert!(
        failed.is_empty(),
        "{} of {} golden cases failed (DTRACE_BLESS=1 rewrites the .bpf files if the change is intended):\n{}",
        failed.len(),
        ran,
        failed.join("\n")
    );
}

/// The first lines that differ, with a little context: enough to see what
/// changed without printing two listings of hundreds of lines.
fn diff(expected: &str, got: &str) -> String {
    let (e, g): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), got.lines().collect());
    let first = e.iter().zip(&g).position(|(a, b)| a != b).unwrap_or(e.len().min(g.len()));
    let mut out = format!("  (expected {} lines, got {}; first difference at line {})\n", e.len(), g.len(), first + 1);
    let from = first.saturating_sub(2);
    for i in from..(first + 8) {
        match (e.get(i), g.get(i)) {
            (Some(a), Some(b)) if a == b => out += &format!("    {}\n", a),
            (a, b) => {
                if let Some(a) = a {
                    out += &format!("  - {}\n", a);
                }
                if let Some(b) = b {
                    out += &format!("  + {}\n", b);
                }
            }
        }
    }
    out
}
