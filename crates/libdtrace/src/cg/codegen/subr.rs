//! Code generation for D's string, network and conversion subroutines
//! (basename, strchr, substr, htonl, inet_ntoa, ...), beside the core ones
//! in the parent module.

use super::*;

impl<'a> Gen<'a> {
    /// Subroutines not handled by `subroutine` itself.
    pub(super) fn more_subroutine(&mut self, _f: &mut Fn, line: u32, name: &str, args: &[Expr]) -> R<Reg> {
        match name {
            _ => {
                self.env.sema.type_of(&Expr::new(ExprKind::Call { name: name.to_string(), args: args.to_vec() }, line))?;
                Err(CompileError::new(line, "D_UNSUPPORTED", format!("{}( ) is not supported yet", name)))
            }
        }
    }
}
