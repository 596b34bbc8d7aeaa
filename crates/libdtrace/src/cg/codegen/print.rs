//! `print(expr)`: records a value with its type for the consumer's
//! type-aware printing (a struct is copied out of kernel memory, up to the
//! `printsize` limit).

use super::*;

/// Most bytes of a struct print() records (records live in a per-CPU
/// buffer; DTrace's printsize default is 8k).
const PRINT_MAX: u64 = 8192;

impl<'a> Codegen<'a> {
    pub(super) fn print(&mut self, f: &mut Prog, line: u32, args: &[Expr]) -> R<()> {
        let ty = self.ty(&args[0])?;
        let st = match &ty {
            Type::Struct(_) => Some(ty.clone()),
            Type::Ptr(p) if matches!(**p, Type::Struct(_)) => Some((**p).clone()),
            _ => None,
        };
        let Some(st) = st else {
            if ty.is_aggregate() || matches!(ty, Type::Void) {
                return Err(CompileError::new(line, "D_PRINT_TYPE", format!("print( ) of type {} is not supported yet", ty)));
            }
            let (off, ty) = self.record_value(f, &args[0])?;
            f.items.push(RecItem::Print { off, ty, size: 0 });
            return Ok(());
        };
        let size = st.size(self.strsize).min(PRINT_MAX) as u32;
        if size == 0 {
            return Err(CompileError::new(line, "D_PRINT_SIZE", format!("print( ) argument #1 reference has type '{}' with size 0; cannot print( ) it.", st)));
        }
        // The address (a struct value is its address), then the bytes.
        let r = self.expr(f, &args[0])?;
        let off = f.rec_off;
        f.rec_off += 8 + size.div_ceil(8) * 8;
        let a = &mut f.asm;
        a.emit(Insn::ldx(BPF_DW, R1, FP, SLOT_REC));
        a.emit(Insn::stx(BPF_DW, R1, r, off as i16));
        a.emit(Insn::alu64_imm(BPF_ADD, R1, off as i32 + 8));
        a.emit(Insn::mov64_imm(R2, size as i32));
        a.emit(Insn::mov64_reg(R3, r));
        a.emit(Insn::call(H_READ_KERNEL));
        self.fault_if(f, BPF_JSLT, R0, 0, FLT_BADADDR, Some(r));
        self.free(f, r);
        f.items.push(RecItem::Print { off, ty, size });
        Ok(())
    }
}
