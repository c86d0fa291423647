//! The value of an object-like macro's expansion as gcc computes it: C's
//! typed arithmetic (integer promotions, the usual arithmetic conversions,
//! unsigned wrap-around, casts, floating operands), so `-1U` is 4294967295
//! and `(1.5 * 2)` is 3.0. `const_expr` (array lengths, enumerators) keeps
//! its untyped integers: there the declarations, not C's types, decide.

use super::lexer::Tok;
use super::{PResult, Parser};
use crate::ctype::{Prim, TypeData};
use crate::decl::Entity;
use crate::error::text;

/// An integer type as the conversions see it: size in bytes, signedness and
/// rank (`long long` outranks `long` of the same size).
#[derive(Clone, Copy, PartialEq, Eq)]
struct IntType {
    size: usize,
    signed: bool,
    rank: u8,
}

const INT: IntType = IntType {
    size: 4,
    signed: true,
    rank: 3,
};
const UINT: IntType = IntType {
    signed: false,
    ..INT
};
const LONG: IntType = IntType {
    size: 8,
    signed: true,
    rank: 4,
};
const ULONG: IntType = IntType {
    signed: false,
    ..LONG
};
const LLONG: IntType = IntType { rank: 5, ..LONG };
const ULLONG: IntType = IntType {
    signed: false,
    ..LLONG
};

#[derive(Clone, Copy)]
enum Value {
    Int(i128, IntType),
    /// A floating value, and whether its type is `float` (rounded to single).
    Float(f64, bool),
}

impl IntType {
    fn of_prim(p: Prim) -> IntType {
        let rank = match p.size() {
            1 => 1,
            2 => 2,
            4 => 3,
            _ if matches!(p, Prim::LongLong | Prim::ULongLong) => 5,
            _ => 4,
        };
        IntType {
            size: p.size(),
            signed: p.is_signed(),
            rank,
        }
    }

    fn wrap(self, v: i128) -> i128 {
        let bits = self.size * 8;
        let masked = v & ((1i128 << bits) - 1);
        if self.signed && masked >> (bits - 1) & 1 == 1 {
            masked - (1i128 << bits)
        } else {
            masked
        }
    }

    fn fits(self, v: i128) -> bool {
        self.wrap(v) == v
    }

    /// The integer promotions: what is narrower than `int` becomes `int`.
    fn promoted(self) -> IntType {
        if self.rank < INT.rank {
            INT
        } else {
            self
        }
    }
}

/// The usual arithmetic conversions of two promoted integer types.
fn common(a: IntType, b: IntType) -> IntType {
    let (a, b) = (a.promoted(), b.promoted());
    if a.signed == b.signed {
        return if a.rank >= b.rank { a } else { b };
    }
    let (s, u) = if a.signed { (a, b) } else { (b, a) };
    if u.rank >= s.rank {
        u
    } else if s.size > u.size {
        s
    } else {
        IntType { signed: false, ..s }
    }
}

/// The type of an integer literal: the first of C's candidates for its
/// suffix and base that holds the value.
fn literal_type(text: &str, value: u64, unsigned: bool) -> IntType {
    let lower = text.to_ascii_lowercase();
    let longs = lower.matches('l').count();
    let decimal = !(lower.starts_with('0') && lower.len() > 1);
    let candidates: &[IntType] = match (longs, unsigned, decimal) {
        (0, false, true) => &[INT, LONG, LLONG],
        (0, false, false) => &[INT, UINT, LONG, ULONG, LLONG, ULLONG],
        (0, true, _) => &[UINT, ULONG, ULLONG],
        (1, false, true) => &[LONG, LLONG],
        (1, false, false) => &[LONG, ULONG, LLONG, ULLONG],
        (1, true, _) => &[ULONG, ULLONG],
        (_, false, true) => &[LLONG],
        (_, false, false) => &[LLONG, ULLONG],
        (_, true, _) => &[ULLONG],
    };
    let v = i128::from(value);
    candidates
        .iter()
        .copied()
        .find(|t| t.fits(v))
        .unwrap_or(ULLONG)
}

/// Whether the integer literal `text` has a signed type, so that its
/// negation is the negated value (`-5`, `-0x10`; not `-1U` or `-0x80000000`).
pub(super) fn literal_is_signed(text: &str) -> bool {
    super::lexer::parse_int_literal(text)
        .and_then(|(v, unsigned)| Some((u64::try_from(v).ok()?, unsigned)))
        .is_some_and(|(v, unsigned)| literal_type(text, v, unsigned).signed)
}

impl Value {
    fn as_f64(self) -> f64 {
        match self {
            Value::Int(v, _) => v as f64,
            Value::Float(x, _) => x,
        }
    }

    fn truth(self) -> bool {
        match self {
            Value::Int(v, _) => v != 0,
            Value::Float(x, _) => x != 0.0,
        }
    }

    fn int(v: bool) -> Value {
        Value::Int(i128::from(v), INT)
    }
}

impl Parser<'_, '_> {
    /// The expansion as a constant of the lib, when it is a whole constant
    /// expression of integer or floating type.
    pub(super) fn macro_value(&mut self) -> Option<Entity> {
        let v = self.typed_conditional().ok()?;
        if self.peek().tok != Tok::Eof {
            return None;
        }
        Some(match v {
            Value::Int(value, _) => Entity::IntConstant { value, ty: None },
            Value::Float(x, _) => Entity::FloatConstant(x),
        })
    }

    fn typed_conditional(&mut self) -> PResult<Value> {
        let cond = self.typed_binary(1)?;
        if !self.eat_punct(punct!("?")) {
            return Ok(cond);
        }
        let a = self.nested(|p| p.typed_conditional())?;
        self.expect_punct(punct!(":"))?;
        let b = self.nested(|p| p.typed_conditional())?;
        let pick = if cond.truth() { a } else { b };
        Ok(match (a, b, pick) {
            (Value::Int(_, ta), Value::Int(_, tb), Value::Int(v, _)) => {
                let t = common(ta, tb);
                Value::Int(t.wrap(v), t)
            }
            (Value::Float(_, sa), Value::Float(_, sb), Value::Float(x, _)) => {
                Value::Float(x, sa && sb)
            }
            (Value::Float(_, single), Value::Int(..), v)
            | (Value::Int(..), Value::Float(_, single), v) => Value::Float(v.as_f64(), single),
            _ => pick,
        })
    }

    fn typed_binary(&mut self, min: u8) -> PResult<Value> {
        let mut lhs = self.typed_unary()?;
        loop {
            let (op, prec) = match self.peek().tok {
                Tok::Punct(p) => match super::expr::precedence(p.as_str()) {
                    Some(prec) if prec >= min => (p.as_str(), prec),
                    _ => return Ok(lhs),
                },
                _ => return Ok(lhs),
            };
            let at = self.pos;
            self.pos += 1;
            let rhs = self.typed_binary(prec + 1)?;
            lhs = self
                .apply_binary(op, lhs, rhs)
                .ok_or_else(|| self.error_at(at, format!("'{op}' has no constant value here")))?;
        }
    }

    fn apply_binary(&self, op: &str, lhs: Value, rhs: Value) -> Option<Value> {
        match op {
            "||" => return Some(Value::int(lhs.truth() || rhs.truth())),
            "&&" => return Some(Value::int(lhs.truth() && rhs.truth())),
            _ => {}
        }
        if let (Value::Int(a, ta), Value::Int(b, tb)) = (lhs, rhs) {
            if op == "<<" || op == ">>" {
                let t = ta.promoted();
                let shift = u32::try_from(b)
                    .ok()
                    .filter(|s| (*s as usize) < t.size * 8)?;
                let v = if op == "<<" { a << shift } else { a >> shift };
                return Some(Value::Int(t.wrap(v), t));
            }
            let t = common(ta, tb);
            let (a, b) = (t.wrap(a), t.wrap(b));
            let v = match op {
                "|" => a | b,
                "^" => a ^ b,
                "&" => a & b,
                "+" => a + b,
                "-" => a - b,
                "*" => a.checked_mul(b)?,
                "/" => a.checked_div(b)?,
                "%" => a.checked_rem(b)?,
                _ => return Some(Value::int(compare(op, a.cmp(&b))?)),
            };
            return Some(Value::Int(t.wrap(v), t));
        }
        let single = matches!(
            (lhs, rhs),
            (Value::Float(_, true), Value::Float(_, true))
                | (Value::Float(_, true), Value::Int(..))
                | (Value::Int(..), Value::Float(_, true))
        );
        let (a, b) = (lhs.as_f64(), rhs.as_f64());
        let x = match op {
            "+" => a + b,
            "-" => a - b,
            "*" => a * b,
            "/" => a / b,
            _ => return Some(Value::int(compare(op, a.partial_cmp(&b)?)?)),
        };
        Some(Value::Float(round(x, single), single))
    }

    fn typed_unary(&mut self) -> PResult<Value> {
        self.nested(|p| p.typed_unary_term())
    }

    fn typed_unary_term(&mut self) -> PResult<Value> {
        let t = self.peek();
        let text = self.text(t);
        match t.tok {
            Tok::Punct(op @ (punct!("-") | punct!("+") | punct!("~") | punct!("!"))) => {
                self.pos += 1;
                let at = self.pos;
                let v = self.typed_unary()?;
                match (op.as_str(), v) {
                    ("!", v) => Ok(Value::int(!v.truth())),
                    ("+", Value::Int(x, ty)) => Ok(Value::Int(x, ty.promoted())),
                    ("-", Value::Int(x, ty)) => {
                        Ok(Value::Int(ty.promoted().wrap(-x), ty.promoted()))
                    }
                    ("~", Value::Int(x, ty)) => {
                        Ok(Value::Int(ty.promoted().wrap(!x), ty.promoted()))
                    }
                    ("+", f) => Ok(f),
                    ("-", Value::Float(x, single)) => Ok(Value::Float(-x, single)),
                    _ => Err(self.error_at(at, "'~' of a floating value")),
                }
            }
            Tok::Punct(punct!("(")) if self.is_type_start(self.peek_at(1)) => {
                self.pos += 1;
                let at = self.pos;
                let ty = self.type_name(false)?;
                self.expect_punct(punct!(")"))?;
                let v = self.typed_unary()?;
                let target = match self.table.data(ty.id) {
                    TypeData::Primitive(p) if p.is_integer() => IntType::of_prim(*p),
                    TypeData::Enum(e) => IntType::of_prim(e.base),
                    TypeData::Primitive(Prim::Float) => {
                        return Ok(Value::Float(round(v.as_f64(), true), true))
                    }
                    TypeData::Primitive(Prim::Double | Prim::LongDouble) => {
                        return Ok(Value::Float(v.as_f64(), false))
                    }
                    _ => return Err(self.error_at(at, "a cast to a type that is no number")),
                };
                let x = match v {
                    Value::Int(x, _) => x,
                    Value::Float(x, _) if x.is_finite() => x.trunc() as i128,
                    Value::Float(..) => return Err(self.error_at(at, "a cast of infinity")),
                };
                Ok(Value::Int(target.wrap(x), target))
            }
            Tok::Punct(punct!("(")) => {
                self.pos += 1;
                let v = self.typed_conditional()?;
                self.expect_punct(punct!(")"))?;
                Ok(v)
            }
            Tok::Int(index) => {
                let (v, unsigned) = self.lx.int(index);
                self.pos += 1;
                Ok(Value::Int(i128::from(v), literal_type(text, v, unsigned)))
            }
            Tok::Float => {
                self.pos += 1;
                let single = text.ends_with(['f', 'F']);
                let x = super::macros::float_value(text).ok_or_else(|| {
                    self.error_at(self.pos - 1, "a floating literal rcffi cannot read")
                })?;
                Ok(Value::Float(round(x, single), single))
            }
            Tok::Char(c) => {
                self.pos += 1;
                // A plain char is signed on this target: '\xff' is -1.
                Ok(Value::Int(i128::from(c as u8 as i8), INT))
            }
            Tok::Ident(_) if matches!(text, "sizeof" | "_Alignof" | "__alignof__") => {
                self.unary_term().map(|v| Value::Int(v, ULONG))
            }
            Tok::Ident(_) => match self.decls.lookup(text) {
                Some(Entity::IntConstant { value, .. }) => {
                    self.pos += 1;
                    let ty = [INT, LONG, ULONG]
                        .into_iter()
                        .find(|t| t.fits(*value))
                        .unwrap_or(ULLONG);
                    Ok(Value::Int(*value, ty))
                }
                Some(Entity::FloatConstant(x)) => {
                    self.pos += 1;
                    Ok(Value::Float(*x, false))
                }
                _ => Err(self.error(text::NOT_A_CONSTANT)),
            },
            _ => Err(self.error(text::NOT_A_CONSTANT)),
        }
    }
}

fn compare(op: &str, order: std::cmp::Ordering) -> Option<bool> {
    use std::cmp::Ordering::*;
    Some(match op {
        "==" => order == Equal,
        "!=" => order != Equal,
        "<" => order == Less,
        "<=" => order != Greater,
        ">" => order == Greater,
        ">=" => order != Less,
        _ => return None,
    })
}

fn round(x: f64, single: bool) -> f64 {
    if single {
        f64::from(x as f32)
    } else {
        x
    }
}
