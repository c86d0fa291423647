//! Object-like macros become integer constants of the lib when their
//! expansion is an integer constant expression (`42`, `(1 << 3)`,
//! `((int)4)`, `0x10UL`, other macros and enumerators), as cffi's
//! `#define X 42` does; other macros are only macros and are skipped.

use super::lexer::{self, Tok};
use super::Parser;
use crate::ctype::TypeTable;
use crate::decl::{CdefOptions, Declarations, Entity};
use crate::error::{CDefError, Refusal};
use crate::preprocess::MacroConstant;

/// Declares the macros of one cdef that are constants. A constant of the
/// cdef text itself that clashes with another declaration is an error, as
/// any redefinition; a header's macro never replaces a declaration.
pub(super) fn declare_constants(
    table: &mut TypeTable,
    decls: &mut Declarations,
    options: CdefOptions,
    macros: &[MacroConstant],
) -> Result<(), CDefError> {
    for m in macros {
        let entity = if m.dotdotdot {
            Entity::UnknownConstant
        } else {
            match evaluate(table, decls, options, &m.expansion) {
                Some(value) => Entity::IntConstant { value, ty: None },
                None => continue,
            }
        };
        if !m.from_user && decls.lookup(&m.name).is_some() {
            continue;
        }
        decls
            .declare(&m.name, entity, options.override_)
            .map_err(|message| CDefError {
                refusal: Refusal::Syntax,
                message,
                location: m.location.clone(),
            })?;
    }
    Ok(())
}

/// The value of `expansion` if it is one integer constant expression.
fn evaluate(
    table: &mut TypeTable,
    decls: &mut Declarations,
    options: CdefOptions,
    expansion: &str,
) -> Option<i128> {
    if let Some(v) = literal_value(expansion) {
        return Some(v);
    }
    // Most macros of a header are not numbers (`#define foo_fn bar_fn`, a
    // call, a string): refuse them on sight rather than lexing them.
    let first = expansion.as_bytes().first()?;
    let numeric_start =
        first.is_ascii_digit() || matches!(first, b'(' | b'-' | b'+' | b'~' | b'!' | b'\'');
    let starts_with_constant = || {
        decls
            .lookup(expansion.split(' ').next().unwrap_or(""))
            .is_some_and(|e| matches!(e, Entity::IntConstant { .. }))
    };
    if !numeric_start && !starts_with_constant() {
        return None;
    }
    let lexed = lexer::lex(expansion).ok()?;
    let mut p = Parser::new(&lexed, table, decls, options);
    let value = p.const_expr().ok()?;
    (p.peek().tok == Tok::Eof).then_some(value)
}

/// The value of a macro that is an integer literal, optionally negated or
/// parenthesized: the common case, read in a loop rather than a recursion, as
/// the value is input of any length (`((((5))))` nests past the parser's bound).
fn literal_value(value: &str) -> Option<i128> {
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
            break;
        }
    }
    let x = lexer::parse_int_literal(v).and_then(|(x, _)| i128::try_from(x).ok())?;
    Some(if negative { -x } else { x })
}
