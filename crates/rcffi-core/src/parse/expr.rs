//! Integer constant expressions: array lengths, bitfield widths, enumerator values.

use super::lexer::Tok;
use super::{PResult, Parser};
use crate::ctype::TypeData;
use crate::decl::Entity;
use crate::error::text;

/// The precedence of a binary operator, loosest 1, or `None` for other tokens
/// (C's, shared with the preprocessor's `#if`).
pub(crate) fn precedence(op: &str) -> Option<u8> {
    Some(match op {
        "||" => 1,
        "&&" => 2,
        "|" => 3,
        "^" => 4,
        "&" => 5,
        "==" | "!=" => 6,
        "<" | "<=" | ">" | ">=" => 7,
        "<<" | ">>" => 8,
        "+" | "-" => 9,
        "*" | "/" | "%" => 10,
        _ => return None,
    })
}

impl Parser<'_, '_> {
    /// A constant expression, evaluated.
    pub(super) fn const_expr(&mut self) -> PResult<i128> {
        let cond = self.binary(1)?;
        if self.eat_punct(punct!("?")) {
            let a = self.nested(|p| p.const_expr())?;
            self.expect_punct(punct!(":"))?;
            let b = self.nested(|p| p.const_expr())?;
            return Ok(if cond != 0 { a } else { b });
        }
        Ok(cond)
    }

    /// Operators binding at least as tightly as `min`, by precedence climbing: one
    /// table lookup per operator instead of one recursion per precedence level.
    fn binary(&mut self, min: u8) -> PResult<i128> {
        let mut lhs = self.unary()?;
        loop {
            let (op, prec) = match self.peek().tok {
                Tok::Punct(p) => match precedence(p.as_str()) {
                    Some(prec) if prec >= min => (p.as_str(), prec),
                    _ => return Ok(lhs),
                },
                _ => return Ok(lhs),
            };
            let at = self.pos;
            self.pos += 1;
            let rhs = self.binary(prec + 1)?;
            lhs = match op {
                "||" => i128::from(lhs != 0 || rhs != 0),
                "&&" => i128::from(lhs != 0 && rhs != 0),
                "|" => lhs | rhs,
                "^" => lhs ^ rhs,
                "&" => lhs & rhs,
                "==" => i128::from(lhs == rhs),
                "!=" => i128::from(lhs != rhs),
                "<" => i128::from(lhs < rhs),
                "<=" => i128::from(lhs <= rhs),
                ">" => i128::from(lhs > rhs),
                ">=" => i128::from(lhs >= rhs),
                "<<" if (0..64).contains(&rhs) => lhs << rhs,
                ">>" if (0..128).contains(&rhs) => lhs >> rhs,
                "<<" | ">>" => return Err(self.error_at(at, format!("invalid shift count {rhs}"))),
                "/" | "%" if rhs == 0 => {
                    return Err(self.error_at(at, "division by zero in a constant expression"))
                }
                // C division truncates toward zero, as Rust's does.
                "+" | "-" | "*" | "/" | "%" => match op {
                    "+" => lhs.checked_add(rhs),
                    "-" => lhs.checked_sub(rhs),
                    "*" => lhs.checked_mul(rhs),
                    "/" => lhs.checked_div(rhs),
                    _ => lhs.checked_rem(rhs),
                }
                .ok_or_else(|| self.error_at(at, text::CONSTANT_OVERFLOW))?,
                _ => unreachable!("operator table"),
            };
        }
    }

    /// A unary expression: each one is a nesting level, since `-`, casts and
    /// parentheses recurse.
    fn unary(&mut self) -> PResult<i128> {
        self.nested(|p| p.unary_term())
    }

    pub(super) fn unary_term(&mut self) -> PResult<i128> {
        let t = self.peek();
        match &t.tok {
            Tok::Punct(punct!("-")) => {
                self.pos += 1;
                let at = self.pos;
                self.unary()?
                    .checked_neg()
                    .ok_or_else(|| self.error_at(at, text::CONSTANT_OVERFLOW))
            }
            Tok::Punct(punct!("+")) => {
                self.pos += 1;
                self.unary()
            }
            Tok::Punct(punct!("~")) => {
                self.pos += 1;
                Ok(!self.unary()?)
            }
            Tok::Punct(punct!("!")) => {
                self.pos += 1;
                Ok(i128::from(self.unary()? == 0))
            }
            Tok::Punct(punct!("(")) if self.is_type_start(self.peek_at(1)) => {
                self.pos += 1;
                let at = self.pos;
                let ty = self.type_name(false)?;
                self.expect_punct(punct!(")"))?;
                let v = self.unary()?;
                match self.table.data(ty.id) {
                    TypeData::Primitive(p) if p.is_integer() => {
                        Ok(truncate(v, p.size(), p.is_signed()))
                    }
                    TypeData::Enum(e) => Ok(truncate(v, e.base.size(), e.base.is_signed())),
                    _ => {
                        Err(self
                            .error_at(at, "constant expressions may only cast to integer types"))
                    }
                }
            }
            Tok::Punct(punct!("(")) => {
                self.pos += 1;
                let v = self.const_expr()?;
                self.expect_punct(punct!(")"))?;
                Ok(v)
            }
            Tok::Int(index) => {
                self.pos += 1;
                Ok(i128::from(self.lx.int(*index).0))
            }
            Tok::Char(c) => {
                self.pos += 1;
                Ok(i128::from(*c))
            }
            Tok::Ident(_)
                if self.text(t) == "sizeof"
                    || self.text(t) == "_Alignof"
                    || self.text(t) == "__alignof__" =>
            {
                let is_size = self.text(t) == "sizeof";
                self.pos += 1;
                self.expect_punct(punct!("("))?;
                let at = self.pos;
                let ty = self.type_name(false)?;
                self.expect_punct(punct!(")"))?;
                let v = if is_size {
                    self.table.size_of(ty.id)
                } else {
                    self.table.align_of(ty.id)
                };
                v.map(|x| x as i128).ok_or_else(|| {
                    let n = self.table.cname(ty.id).to_string();
                    self.error_at(at, format!("'{n}' has no known size"))
                })
            }
            Tok::Ident(_) => {
                let name = self.text(t);
                match self.decls.lookup(name) {
                    Some(Entity::IntConstant { value, .. }) => {
                        self.pos += 1;
                        Ok(*value)
                    }
                    Some(_) => Err(self.token_error(
                        t,
                        format!("'{name}' is not an integer constant known at cdef time"),
                    )),
                    None => Err(self.token_error(
                        t,
                        format!("unknown identifier '{name}' in a constant expression"),
                    )),
                }
            }
            _ => Err(self.error(text::NOT_A_CONSTANT)),
        }
    }
}

/// `value` cast to an integer type of `size` bytes, as C truncates.
fn truncate(value: i128, size: usize, signed: bool) -> i128 {
    let bits = size * 8;
    let masked = value & ((1i128 << bits) - 1);
    if signed && masked >> (bits - 1) & 1 == 1 {
        masked - (1i128 << bits)
    } else {
        masked
    }
}
