//! Code generation for the actions beyond the core ones in the parent
//! module: destructive actions (`system`, `raise`, `stop`, `copyout`,
//! `copyoutstr`, `chill`, ...), `tracemem`, `freopen`, `ftruncate`.

use super::*;

impl<'a> Gen<'a> {
    /// Actions not handled by `action` itself.
    pub(super) fn more_action(&mut self, _f: &mut Fn, line: u32, name: &str, _args: &[Expr]) -> R<()> {
        match name {
            "system" | "raise" | "stop" | "copyout" | "copyoutstr" | "chill" | "breakpoint" | "panic" => {
                if !self.env.opts.destructive {
                    return Err(CompileError::new(
                        line,
                        "D_ACT_DESTR",
                        format!("{}( ) is a destructive action: destructive actions are not allowed unless explicitly enabled with -w", name),
                    ));
                }
                Err(CompileError::new(line, "D_UNSUPPORTED", format!("{}( ) is not supported yet", name)))
            }
            _ => Err(CompileError::new(line, "D_UNSUPPORTED", format!("{}( ) is not supported yet", name))),
        }
    }
}
