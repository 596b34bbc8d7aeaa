//! The parser alone, as a script and as a `-n` description: any input
//! gives a program or a D error.
#![no_main]

use libdtrace::lang::parser::{parse_probe_spec, parse_program};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = parse_program(&text);
    let _ = parse_probe_spec(&text);
});
