//! Prints the fbt inventory's figures for the running kernel, or for saved
//! copies of its files.
//!
//! Usage: fbt_inventory [-v] [KALLSYMS FILTER_FUNCTIONS BLACKLIST [FILTER_FUNCTIONS_ADDRS]]
//! -v also lists every excluded function with its reason.

use libdtrace::provider::fbt::inventory::{build, load, Inventory};
use std::time::Instant;

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let verbose = args.first().map(|a| a == "-v").unwrap_or(false);
    if verbose {
        args.remove(0);
    }
    let t0 = Instant::now();
    let inv: Inventory = if args.len() >= 3 {
        let read = |p: &String| std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{p}: {e}"));
        let addrs = args.get(3).map(read);
        build(
            &read(&args[0]),
            &read(&args[1]),
            addrs.as_deref(),
            &read(&args[2]),
        )
    } else {
        match load() {
            Ok(i) => i,
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(1);
            }
        }
    };
    let elapsed = t0.elapsed();
    let s = &inv.stats;
    println!(
        "kallsyms text symbols     {:>7} (addresses {})",
        s.kallsyms_text,
        if s.kallsyms_addresses {
            "shown"
        } else {
            "hidden"
        }
    );
    println!(
        "ftrace list entries       {:>7} ({} invalid, addrs file {})",
        s.ftrace_entries,
        s.ftrace_invalid,
        if s.ftrace_addrs { "used" } else { "absent" }
    );
    println!("ftrace-able               {:>7}", s.ftrace_able);
    println!("  not in kallsyms         {:>7}", s.not_in_kallsyms);
    println!("kprobe blacklist entries  {:>7}", s.blacklist_entries);
    println!("  blacklisted ftrace-able {:>7}", s.blacklisted);
    for (fam, n) in &s.excluded_by_family {
        println!("  excluded: {fam:<14}{n:>7}");
    }
    println!(
        "duplicates                {:>7} functions, {} names",
        s.duplicate_functions, s.duplicate_names
    );
    println!("without address           {:>7}", s.without_address);
    println!(
        "final (functions)         {:>7} ({} probes)",
        s.functions,
        2 * s.functions
    );
    println!("per family over kallsyms: in-kallsyms not-ftrace-able blacklisted excluded-by-rule duplicate-names");
    for f in &s.families {
        println!(
            "  {:<16}{:>7}{:>7}{:>7}{:>7}{:>7}",
            f.family,
            f.in_kallsyms,
            f.not_ftrace_able,
            f.blacklisted,
            f.excluded,
            f.duplicate_names
        );
    }
    println!(
        "build time                {:>7.1} ms",
        elapsed.as_secs_f64() * 1000.0
    );
    if verbose {
        print!("{}", inv.verbose_listing());
    }
}
