//! Parsing, translation, type checking and code generation of a script,
//! as `dtrace -e -s` does them (probes are matched against this machine's).
#![no_main]

use libdtrace::lang::sema::MacroEnv;
use libdtrace::options::Options;
use libdtrace::session::{self, Source};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let sources = [Source::Script { name: "fuzz.d".into(), text: String::from_utf8_lossy(data).into_owned() }];
    let mut opts = Options::default();
    let Ok(parsed) = session::parse_sources(&sources, &mut opts) else { return };
    let macros = MacroEnv { args: vec!["fuzz.d".into()], target: None, defaultargs: true };
    let _ = session::prepare(parsed, &sources, &opts, &macros, true);
});
