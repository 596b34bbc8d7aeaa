//! The consumer: record decoding, aggregation merging and DTrace's output formats.
//!
//! Everything here is a pure function of decoded data (no kernel access but
//! `ksyms` reading `/proc/kallsyms` and `usyms` reading `/proc/PID/maps` and
//! ELF files):
//!
//! * [`value`]: [`Value`], the decoded data of one record item; symbolic
//!   address formats; the ordering of aggregation keys.
//! * [`output`]: the heading and probe lines, `trace()`, byte dumps,
//!   stacks, wall-clock formats.
//! * [`printf`]: DTrace's `printf()` formatting (of formats parsed by
//!   [`crate::printf_format`]).
//! * [`agg`]: aggregation values (of the kinds and bucket layouts in
//!   [`crate::aggfn`]), merging, sorting, `printa()` and the default
//!   aggregation output.
//!
//! Within the consumer `value` and `cfmt` are at the bottom, then `output`,
//! then `printf`, then `agg`: each uses only those before it.
//! * [`ksyms`]: kernel symbols from `/proc/kallsyms` for `%a` and friends.
//! * [`usyms`]: user symbols (process mappings, ELF symbol tables) for
//!   `ustack()`, `%A` and friends.
//! * [`records`]: decoding of output records and aggregation maps, and the
//!   consumer-side actions (written by the session's side).
//!
//! Output layouts match Oracle's DTrace for Linux (and illumos where they
//! agree); see each function's documentation for the exact format and the
//! tests for the expected outputs they were checked against.

pub mod agg;
mod cfmt;
pub mod ksyms;
pub mod output;
pub mod print;
pub mod printf;
pub mod records;
pub mod usyms;
pub mod value;

pub use agg::{AggData, AggSortOpts, AggValue, SortOpts};
pub use output::{format_trace, heading, probe_line, PrintCtx, TimeZone};
pub use printf::{format, AsFormat};
pub use value::{NoSymbols, Symbol, Symbolizer, Value};
