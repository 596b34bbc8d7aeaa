//! Constant evaluation: the value of an integer constant expression
//! (literals, enumerators, inlines, sizeof, arithmetic).

use super::{Scope, Sema};
use crate::lang::ast::*;

impl<'a> Sema<'a> {
    /// Evaluates an integer constant expression, if it is one. The answer
    /// is kept once it is final: a value, or no value for a node that has
    /// been typed (its names are all resolved).
    pub(super) fn const_eval(&self, e: &Expr, sc: Scope) -> Option<i64> {
        if let Some(v) = e.memo.value.get() {
            return *v;
        }
        let v = self.const_eval_uncached(e, sc);
        if v.is_some() || e.memo.ty.get().is_some() {
            let _ = e.memo.value.set(v);
        }
        v
    }

    fn const_eval_uncached(&self, e: &Expr, sc: Scope) -> Option<i64> {
        Some(match &e.kind {
            ExprKind::Int { value, .. } => *value as i64,
            ExprKind::Char(c) => *c,
            ExprKind::Ident(n) => {
                if let Some(v) = self.types.enumerators.borrow().get(n) {
                    return Some(*v);
                }
                return self.inlines.get(n).and_then(|e| self.const_eval(e, sc));
            }
            ExprKind::Unary { op: UnOp::Neg, expr } => self.const_eval(expr, sc)?.wrapping_neg(),
            ExprKind::Unary { op: UnOp::Plus, expr } => self.const_eval(expr, sc)?,
            ExprKind::Unary { op: UnOp::BitNot, expr } => !self.const_eval(expr, sc)?,
            ExprKind::Cast { expr, .. } => self.const_eval(expr, sc)?,
            ExprKind::SizeofType(_) | ExprKind::SizeofExpr(_) | ExprKind::Offsetof { .. } => {
                self.sizeof(e, sc).ok()? as i64
            }
            ExprKind::Binary { op, lhs, rhs } => {
                let (a, b) = (self.const_eval(lhs, sc)?, self.const_eval(rhs, sc)?);
                match op {
                    BinOp::Add => a.wrapping_add(b),
                    BinOp::Sub => a.wrapping_sub(b),
                    BinOp::Mul => a.wrapping_mul(b),
                    BinOp::Div if b != 0 => a.wrapping_div(b),
                    BinOp::Mod if b != 0 => a.wrapping_rem(b),
                    BinOp::Shl => a.wrapping_shl(b as u32),
                    BinOp::Shr => a.wrapping_shr(b as u32),
                    BinOp::BitAnd => a & b,
                    BinOp::BitOr => a | b,
                    BinOp::BitXor => a ^ b,
                    _ => return None,
                }
            }
            _ => return None,
        })
    }
}
