//! Placeholder for the fbt inventory (being written): every ftrace-able
//! text symbol, nothing excluded yet.

use std::io;

#[derive(Clone, Debug)]
pub struct FbtFunction {
    pub name: String,
    pub module: String,
    pub addr: u64,
    pub duplicate: bool,
}

#[derive(Clone, Debug, Default)]
pub struct Inventory {
    pub functions: Vec<FbtFunction>,
}

pub fn load() -> io::Result<Inventory> {
    let root = crate::kernel::tracefs::tracefs_root()?;
    let text = std::fs::read_to_string(root.join("available_filter_functions"))?;
    let mut functions = Vec::new();
    for line in text.lines() {
        let mut w = line.split_whitespace();
        let Some(name) = w.next() else { continue };
        let module = w.next().map(|m| m.trim_matches(|c| c == '[' || c == ']').to_string()).unwrap_or_else(|| "vmlinux".into());
        functions.push(FbtFunction { name: name.to_string(), module, addr: 0, duplicate: false });
    }
    Ok(Inventory { functions })
}
