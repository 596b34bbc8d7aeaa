//! The consumer: record decoding, aggregation merging and DTrace's output formats.
//!
//! Everything here is a pure function of decoded data (no kernel access but
//! `ksyms` reading `/proc/kallsyms` and `usyms` reading `/proc/PID/maps` and
//! ELF files):
//!
//! * [`value`]: [`Value`], the decoded data of one record item; symbolic
//!   address formats; the ordering of aggregation keys.
//! * [`printf`]: DTrace's `printf()` format parsing and formatting.
//! * [`agg`]: aggregation kinds and values, the bucket layouts the code
//!   generator mirrors in BPF, merging, sorting, `printa()` and the default
//!   aggregation output.
//! * [`output`]: the heading and probe lines, `trace()`, byte dumps,
//!   stacks, wall-clock formats.
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

pub use agg::{AggData, AggKind, AggSortOpts, AggValue, SortOpts, QUANTIZE_NBUCKETS, QUANTIZE_ZERO_BUCKET};
pub use output::{format_trace, heading, probe_line, PrintCtx, TimeZone};
pub use printf::{format, parse_format, ArgKind, AsFormat, Conv, FormatArg, Piece};
pub use value::{NoSymbols, Symbol, Symbolizer, Value};
