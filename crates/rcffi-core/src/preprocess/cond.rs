//! `#if` expressions: `defined`, `__has_include` and the `__has_*` queries
//! answered, macros expanded, remaining identifiers 0, then evaluated in
//! `intmax_t`/`uintmax_t` as C11 6.10.1 says.

use super::lex::{Kind, PpTok};
use super::Pp;
use crate::error::CDefError;
use crate::parse::expr::precedence;

/// A value of a `#if` expression: 64 bits, signed or unsigned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Value {
    bits: u64,
    unsigned: bool,
}

impl Value {
    fn int(v: i64) -> Value {
        Value {
            bits: v as u64,
            unsigned: false,
        }
    }

    fn truth(self) -> bool {
        self.bits != 0
    }
}

/// Attributes `__has_attribute` says gcc has: the ones rcffi honours or
/// knows to be harmless. For any other, 0 steers a header to its fallback.
fn known_attribute(name: &str) -> bool {
    let bare = name
        .strip_prefix("__")
        .and_then(|n| n.strip_suffix("__"))
        .unwrap_or(name);
    matches!(
        bare,
        "packed"
            | "aligned"
            | "mode"
            | "deprecated"
            | "visibility"
            | "nonnull"
            | "format"
            | "noreturn"
            | "warn_unused_result"
            | "malloc"
            | "pure"
            | "const"
            | "nothrow"
            | "leaf"
            | "unused"
            | "used"
            | "always_inline"
            | "noinline"
            | "gnu_inline"
            | "artificial"
            | "returns_nonnull"
            | "alloc_size"
            | "may_alias"
            | "sentinel"
            | "cold"
            | "hot"
    )
}

impl Pp<'_> {
    /// The truth of a `#if` or `#elif` line.
    pub(super) fn eval_condition(&mut self, kw: PpTok, args: &[PpTok]) -> Result<bool, CDefError> {
        let answered = self.answer_queries(args, false)?;
        let expanded = self.expand_list(answered)?;
        let toks = self.answer_queries(&expanded, true)?;
        let mut e = Eval {
            pp: self,
            toks: &toks,
            pos: 0,
            kw,
            depth: 0,
        };
        let v = e.ternary(true)?;
        if e.pos != toks.len() {
            let at = toks[e.pos];
            let text = e.pp.names.text(at.sym).to_string();
            return Err(e
                .pp
                .error_at(at, format!("unexpected '{text}' in a #if expression")));
        }
        Ok(v.truth())
    }

    /// `defined X`, `defined(X)` and (after expansion, `after`) the `__has_*`
    /// queries replaced by 0 or 1.
    fn answer_queries(&mut self, toks: &[PpTok], after: bool) -> Result<Vec<PpTok>, CDefError> {
        let mut out = Vec::with_capacity(toks.len());
        let mut i = 0;
        while i < toks.len() {
            let t = toks[i];
            let text = self.names.text(t.sym);
            if t.kind != Kind::Ident {
                out.push(t);
                i += 1;
                continue;
            }
            let answer = match text {
                "defined" => {
                    let paren = toks.get(i + 1).is_some_and(|n| self.is(*n, "("));
                    let at = if paren { i + 2 } else { i + 1 };
                    let Some(name) = toks.get(at).filter(|n| n.kind == Kind::Ident) else {
                        return Err(self.error_at(t, "'defined' needs a macro name"));
                    };
                    if paren && !toks.get(at + 1).is_some_and(|n| self.is(*n, ")")) {
                        return Err(self.error_at(t, "missing ')' after 'defined'"));
                    }
                    i = at + 1 + usize::from(paren);
                    Some(self.is_defined(name.sym))
                }
                "__has_include" | "__has_include_next" if after => {
                    let next = text == "__has_include_next";
                    let close = self.closing_paren(toks, i + 1, t)?;
                    let (name, quoted) = self.header_name(t, &toks[i + 2..close])?;
                    i = close + 1;
                    Some(self.find_header(&name, quoted, next).is_some())
                }
                "__has_attribute"
                | "__has_builtin"
                | "__has_feature"
                | "__has_extension"
                | "__has_c_attribute"
                | "__has_cpp_attribute"
                | "__has_warning"
                    if after =>
                {
                    let close = self.closing_paren(toks, i + 1, t)?;
                    let arg = self.spell(&toks[i + 2..close]);
                    let yes = text == "__has_attribute" && known_attribute(&arg);
                    i = close + 1;
                    Some(yes)
                }
                _ if after => {
                    // Identifiers left after expansion are 0 (C11 6.10.1p4).
                    i += 1;
                    Some(false)
                }
                _ => None,
            };
            match answer {
                Some(yes) => out.push(PpTok {
                    kind: Kind::Number,
                    sym: self.names.intern(if yes { "1" } else { "0" }),
                    ..t
                }),
                None => {
                    out.push(t);
                    i += 1;
                }
            }
        }
        Ok(out)
    }

    /// The index of the `)` closing the `(` at `open`.
    fn closing_paren(&self, toks: &[PpTok], open: usize, at: PpTok) -> Result<usize, CDefError> {
        if !toks.get(open).is_some_and(|t| self.is(*t, "(")) {
            let what = self.names.text(at.sym).to_string();
            return Err(self.error_at(at, format!("'{what}' needs '('")));
        }
        let mut depth = 0usize;
        for (k, t) in toks.iter().enumerate().skip(open) {
            match self.names.text(t.sym) {
                "(" => depth += 1,
                ")" => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(k);
                    }
                }
                _ => {}
            }
        }
        let what = self.names.text(at.sym).to_string();
        Err(self.error_at(at, format!("missing ')' after '{what}'")))
    }
}

/// The evaluator of one `#if` line. `live` is false in the operand C does
/// not evaluate (`0 && 1/0`), where division by zero is no error.
struct Eval<'p, 'c, 't> {
    pp: &'p Pp<'c>,
    toks: &'t [PpTok],
    pos: usize,
    kw: PpTok,
    /// Nesting of parentheses and unary operators, bounded by `MAX_DEPTH`.
    depth: usize,
}

impl Eval<'_, '_, '_> {
    fn peek(&self) -> Option<&str> {
        self.toks.get(self.pos).map(|t| self.pp.names.text(t.sym))
    }

    fn error(&self, msg: &str) -> CDefError {
        let at = self.toks.get(self.pos).copied().unwrap_or(self.kw);
        self.pp.error_at(at, msg.to_string())
    }

    fn expect(&mut self, p: &str) -> Result<(), CDefError> {
        if self.peek() == Some(p) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(&format!("expected '{p}' in a #if expression")))
        }
    }

    fn ternary(&mut self, live: bool) -> Result<Value, CDefError> {
        let c = self.binary(1, live)?;
        if self.peek() == Some("?") {
            self.pos += 1;
            let a = self.ternary(live && c.truth())?;
            self.expect(":")?;
            let b = self.ternary(live && !c.truth())?;
            let unsigned = a.unsigned || b.unsigned;
            let v = if c.truth() { a } else { b };
            return Ok(Value { unsigned, ..v });
        }
        if self.peek() == Some(",") {
            self.pos += 1;
            return self.ternary(live);
        }
        Ok(c)
    }

    fn binary(&mut self, min: u8, live: bool) -> Result<Value, CDefError> {
        let mut lhs = self.unary(live)?;
        while let Some(op) = self.peek() {
            let Some(prec) = precedence(op).filter(|&p| p >= min) else {
                break;
            };
            let op = op.to_string();
            self.pos += 1;
            let rhs_live = match op.as_str() {
                "&&" => live && lhs.truth(),
                "||" => live && !lhs.truth(),
                _ => live,
            };
            let rhs = self.binary(prec + 1, rhs_live)?;
            lhs = self.apply(&op, lhs, rhs, rhs_live)?;
        }
        Ok(lhs)
    }

    fn apply(&self, op: &str, a: Value, b: Value, live: bool) -> Result<Value, CDefError> {
        let unsigned = a.unsigned || b.unsigned;
        let bool_of = |x: bool| Value::int(i64::from(x));
        let (x, y) = (a.bits, b.bits);
        let (sx, sy) = (x as i64, y as i64);
        Ok(match op {
            "||" => bool_of(a.truth() || b.truth()),
            "&&" => bool_of(a.truth() && b.truth()),
            "==" => bool_of(x == y),
            "!=" => bool_of(x != y),
            "<" | "<=" | ">" | ">=" => {
                let ord = if unsigned { x.cmp(&y) } else { sx.cmp(&sy) };
                bool_of(match op {
                    "<" => ord.is_lt(),
                    "<=" => ord.is_le(),
                    ">" => ord.is_gt(),
                    _ => ord.is_ge(),
                })
            }
            "<<" | ">>" => {
                let n = (y & 63) as u32;
                let bits = match (op, a.unsigned) {
                    ("<<", _) => x.wrapping_shl(n),
                    (_, true) => x >> n,
                    _ => (sx >> n) as u64,
                };
                Value {
                    bits,
                    unsigned: a.unsigned,
                }
            }
            "/" | "%" if y == 0 => {
                if live {
                    return Err(self.error("division by zero in a #if expression"));
                }
                Value::int(0)
            }
            _ => {
                let bits = match op {
                    "|" => x | y,
                    "^" => x ^ y,
                    "&" => x & y,
                    "+" => x.wrapping_add(y),
                    "-" => x.wrapping_sub(y),
                    "*" => x.wrapping_mul(y),
                    "/" if unsigned => x / y,
                    "/" => sx.wrapping_div(sy) as u64,
                    _ if unsigned => x % y,
                    _ => sx.wrapping_rem(sy) as u64,
                };
                Value { bits, unsigned }
            }
        })
    }

    fn unary(&mut self, live: bool) -> Result<Value, CDefError> {
        if self.depth >= super::MAX_DEPTH || crate::parse::stack_is_low() {
            return Err(self.error("#if expression nested too deeply"));
        }
        self.depth += 1;
        let v = self.unary_term(live);
        self.depth -= 1;
        v
    }

    fn unary_term(&mut self, live: bool) -> Result<Value, CDefError> {
        let Some(t) = self.toks.get(self.pos).copied() else {
            return Err(self.error("incomplete #if expression"));
        };
        let text = self.pp.names.text(t.sym);
        self.pos += 1;
        match (t.kind, text) {
            (Kind::Punct, "-") => {
                let v = self.unary(live)?;
                Ok(Value {
                    bits: v.bits.wrapping_neg(),
                    ..v
                })
            }
            (Kind::Punct, "+") => self.unary(live),
            (Kind::Punct, "~") => {
                let v = self.unary(live)?;
                Ok(Value { bits: !v.bits, ..v })
            }
            (Kind::Punct, "!") => Ok(Value::int(i64::from(!self.unary(live)?.truth()))),
            (Kind::Punct, "(") => {
                let v = self.ternary(live)?;
                self.expect(")")?;
                Ok(v)
            }
            (Kind::Number, _) => number(text).ok_or_else(|| {
                self.pp
                    .error_at(t, format!("invalid integer '{text}' in a #if expression"))
            }),
            (Kind::Char, _) => char_value(text).map(Value::int).ok_or_else(|| {
                self.pp.error_at(
                    t,
                    format!("invalid character constant {text} in a #if expression"),
                )
            }),
            _ => {
                self.pos -= 1;
                Err(self.error(&format!("'{text}' cannot appear in a #if expression")))
            }
        }
    }
}

/// An integer literal of a `#if` line.
fn number(text: &str) -> Option<Value> {
    let lower = text.to_ascii_lowercase();
    let digits = lower.trim_end_matches(['u', 'l']);
    let suffix = &lower[digits.len()..];
    if !matches!(suffix, "" | "u" | "l" | "ul" | "lu" | "ll" | "ull" | "llu") {
        return None;
    }
    let digits = digits.replace('\'', "");
    let (radix, body) = if let Some(h) = digits.strip_prefix("0x") {
        (16, h)
    } else if let Some(b) = digits.strip_prefix("0b") {
        (2, b)
    } else if digits.len() > 1 && digits.starts_with('0') {
        (8, &digits[1..])
    } else {
        (10, digits.as_str())
    };
    let bits = u64::from_str_radix(body, radix).ok()?;
    Some(Value {
        bits,
        unsigned: suffix.contains('u') || bits > i64::MAX as u64,
    })
}

/// The value of a character constant (`'a'`, `'\n'`, `'\x41'`).
fn char_value(text: &str) -> Option<i64> {
    let inner = text.trim_start_matches(['L', 'u', 'U', '8']);
    let inner = inner.strip_prefix('\'')?.strip_suffix('\'')?;
    let Some(esc) = inner.strip_prefix('\\') else {
        let c = inner.chars().next()?;
        // A plain char is signed on x86-64: bytes above 127 are negative.
        return Some(if (c as u32) < 256 {
            i64::from(c as u32 as u8 as i8)
        } else {
            i64::from(c as u32)
        });
    };
    Some(match esc.as_bytes().first()? {
        b'n' => 10,
        b't' => 9,
        b'r' => 13,
        b'0'..=b'7' => i64::from_str_radix(esc, 8).ok()?,
        b'x' => i64::from_str_radix(&esc[1..], 16).ok()?,
        b'a' => 7,
        b'b' => 8,
        b'f' => 12,
        b'v' => 11,
        b'e' => 27,
        c => i64::from(*c),
    })
}
