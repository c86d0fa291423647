//! Object-like macros become constants of the lib when their expansion is a
//! constant expression of integer or floating type (`42`, `(1 << 3)`,
//! `((int)3.7)`, `-1U`, `(1.5 * 2)`, other macros and enumerators; evaluated
//! with C's types by `macro_value.rs`), as cffi's `#define X 42` does, or
//! string literals; other macros are only macros and are skipped.

use super::lexer;
use super::{PResult, Parser};
use crate::ctype::TypeTable;
use crate::decl::{CdefOptions, Declarations, Entity};
use crate::error::{CDefError, Headline, Refusal};
use crate::preprocess::MacroConstant;

/// Declares the macros of one cdef that are constants. A constant of the
/// cdef text itself that clashes with another declaration is an error, as
/// any redefinition; a header's macro never replaces a declaration.
pub(super) fn declare_constants(
    table: &mut TypeTable,
    decls: &mut Declarations,
    options: CdefOptions,
    macros: &[MacroConstant],
    done: &[bool],
) -> Result<(), CDefError> {
    for (m, _) in macros.iter().zip(done).filter(|(_, d)| !**d) {
        let entity = if m.dotdotdot {
            Entity::UnknownConstant
        } else {
            match evaluate(table, decls, options, &m.expansion) {
                Some(entity) => entity,
                None => continue,
            }
        };
        if !m.from_user && decls.lookup(&m.name).is_some() {
            continue;
        }
        if !m.from_user {
            decls.from_header.insert(m.name.clone());
        }
        decls
            .declare(&m.name, entity, options.override_)
            .map_err(|message| CDefError {
                refusal: Refusal::Syntax,
                message,
                location: m.location.clone(),
                headline: Headline::None,
            })?;
    }
    Ok(())
}

impl Parser<'_, '_> {
    /// Where the cdef text defines macro `name`: its constant is declared
    /// here when it already evaluates (a later enumerator it uses waits for
    /// the end).
    pub(super) fn define_marker(&mut self, name: &str) -> PResult<()> {
        let Some(&i) = self.macro_index.get(name) else {
            return Ok(());
        };
        if self.macro_done[i] {
            return Ok(());
        }
        let m = &self.macros[i];
        let entity = if m.dotdotdot {
            Entity::UnknownConstant
        } else {
            match evaluate(self.table, self.decls, self.options, &m.expansion) {
                Some(entity) => entity,
                None => return Ok(()),
            }
        };
        self.macro_done[i] = true;
        self.decls
            .declare(&m.name, entity, self.options.override_)
            .map_err(|message| {
                Box::new(CDefError {
                    refusal: Refusal::Syntax,
                    message,
                    location: m.location.clone(),
                    headline: Headline::None,
                })
            })
    }
}

/// What `expansion` is as a constant: a string literal (or several, joined),
/// a floating literal, or an integer constant expression.
fn evaluate(
    table: &mut TypeTable,
    decls: &mut Declarations,
    options: CdefOptions,
    expansion: &str,
) -> Option<Entity> {
    if expansion.starts_with('"') {
        return string_value(expansion).map(Entity::StrConstant);
    }
    let (negative, bare) = strip_signs(expansion);
    // A negated unsigned literal has C's type rules to follow (`-1U`): the
    // evaluator's.
    if let Some(x) = lexer::parse_int_literal(bare)
        .filter(|_| !negative || super::macro_value::literal_is_signed(bare))
        .and_then(|(x, _)| i128::try_from(x).ok())
    {
        let value = if negative { -x } else { x };
        return Some(Entity::IntConstant { value, ty: None });
    }
    if let Some(x) = float_value(bare) {
        return Some(Entity::FloatConstant(if negative { -x } else { x }));
    }
    // Most macros of a header are not numbers (`#define foo_fn bar_fn`, a
    // call): refuse them on sight rather than lexing them.
    let first = expansion.as_bytes().first()?;
    let numeric_start =
        first.is_ascii_digit() || matches!(first, b'(' | b'-' | b'+' | b'~' | b'!' | b'\'');
    let starts_with_constant = || {
        decls
            .lookup(expansion.split(' ').next().unwrap_or(""))
            .is_some_and(|e| matches!(e, Entity::IntConstant { .. } | Entity::FloatConstant(_)))
    };
    if !numeric_start && !starts_with_constant() {
        return None;
    }
    let lexed = lexer::lex(expansion).ok()?;
    let mut p = Parser::new(&lexed, table, decls, options);
    p.macro_value()
}

/// A macro's value without the parentheses and signs around a literal, and
/// whether the signs negate it: read in a loop rather than a recursion, as the
/// value is input of any length (`((((5))))` nests past the parser's bound).
fn strip_signs(value: &str) -> (bool, &str) {
    let mut v = value.trim();
    let mut negative = false;
    loop {
        if let Some(inner) = v.strip_prefix('(').and_then(|s| s.strip_suffix(')')) {
            v = inner.trim();
        } else if let Some(rest) = v.strip_prefix('-') {
            negative = !negative;
            v = rest.trim();
        } else if let Some(rest) = v.strip_prefix('+') {
            v = rest.trim();
        } else {
            return (negative, v);
        }
    }
}

/// A decimal floating literal (`1.5`, `1e-3`, `2.f`, `.5L`).
pub(super) fn float_value(text: &str) -> Option<f64> {
    let digits = text.trim_end_matches(['f', 'F', 'l', 'L']);
    let decimal = digits.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && digits.contains(['.', 'e', 'E'])
        && !digits.starts_with("0x")
        && !digits.starts_with("0X");
    decimal.then(|| digits.parse().ok()).flatten()
}

/// The bytes of adjacent plain string literals (`"a" "b"`), escapes decoded;
/// `None` for anything else (a wide string, a macro that goes on).
fn string_value(expansion: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut rest = expansion.trim();
    while !rest.is_empty() {
        let body = rest.strip_prefix('"')?;
        let mut chars = body.char_indices();
        let end = loop {
            let (i, c) = chars.next()?;
            match c {
                '"' => break i,
                '\\' => {
                    let (_, e) = chars.next()?;
                    match e {
                        'n' => out.push(b'\n'),
                        't' => out.push(b'\t'),
                        'r' => out.push(b'\r'),
                        'a' => out.push(7),
                        'b' => out.push(8),
                        'f' => out.push(12),
                        'v' => out.push(11),
                        'x' => {
                            let hex: String = body[i + 2..]
                                .chars()
                                .take_while(char::is_ascii_hexdigit)
                                .collect();
                            out.push(u8::from_str_radix(&hex, 16).ok()?);
                            for _ in 0..hex.len() {
                                chars.next();
                            }
                        }
                        '0'..='7' => {
                            let oct: String = body[i + 1..]
                                .chars()
                                .take(3)
                                .take_while(|c| ('0'..='7').contains(c))
                                .collect();
                            out.push(u8::try_from(u32::from_str_radix(&oct, 8).ok()?).ok()?);
                            for _ in 1..oct.len() {
                                chars.next();
                            }
                        }
                        other => {
                            let mut buf = [0u8; 4];
                            out.extend_from_slice(other.encode_utf8(&mut buf).as_bytes());
                        }
                    }
                }
                c => {
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
            }
        };
        rest = body[end + 1..].trim_start();
    }
    Some(out)
}
