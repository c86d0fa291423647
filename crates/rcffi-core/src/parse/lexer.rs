//! Tokens of the cdef dialect: C tokens, plus whole preprocessor lines (which the
//! parser interprets) and `...`. Comments and line continuations disappear here;
//! `# 42 "file.h"` line directives change the positions reported afterwards.

use crate::error::text;
use std::rc::Rc;

use super::keyword::Kw;
use super::punct::P;
use crate::error::{CDefError, Headline, Location, Refusal};

/// A token kind. It has no heap data, so that the token vector (one entry per
/// three bytes of header) stays small and is freed in one step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Tok {
    /// An identifier: a keyword, or a name ([`Kw::Name`]).
    Ident(Kw),
    /// An integer literal: its index in [`Lexed::ints`].
    Int(u32),
    /// A floating literal (only meaningful in `#define`, where it is rejected).
    Float,
    /// A character literal's value.
    Char(u32),
    /// A string literal (for `extern "Python"`); its text includes the quotes.
    Str,
    /// A punctuator (`*`, `(`, `...`, ...).
    Punct(P),
    /// A preprocessor line other than a line directive, from after `#`.
    Directive,
    /// The end of the source.
    Eof,
}

impl Tok {
    /// Whether the token is an identifier, keyword or name.
    pub fn is_ident(self) -> bool {
        matches!(self, Tok::Ident(_))
    }
}

/// A token with its place in the source: 16 bytes, a large header's tokens
/// being the parser's largest allocation. Line and column are not stored: they
/// are computed from `start` only when a diagnostic needs them, which keeps
/// lexing linear and cheap.
#[derive(Clone, Debug)]
pub struct Token {
    /// The kind of token.
    pub tok: Tok,
    /// Byte range in the source (sources are at most 4 GiB, see [`lex_segments`]).
    start: u32,
    /// End of the byte range (exclusive).
    end: u32,
}

impl Token {
    /// Where the token starts in the source.
    pub fn start(&self) -> usize {
        self.start as usize
    }
}

/// A stretch of source whose line numbering was set by a `# 42 "file.h"` line
/// directive (the first segment starts at line 1 of no named file).
#[derive(Clone, Debug)]
pub struct Segment {
    /// Byte offset where the segment starts (the line after the directive).
    pub start: usize,
    /// The line number of that line.
    pub first_line: usize,
    /// The file the directive named, if any.
    pub file: Option<String>,
    /// Where that file was included from, innermost first (`path:line`).
    pub included_from: Rc<Vec<String>>,
}

/// The result of lexing one source.
pub struct Lexed<'a> {
    /// The source.
    pub src: &'a str,
    /// Its tokens, ending with [`Tok::Eof`].
    pub tokens: Vec<Token>,
    /// The values of its integer literals and whether each had a `U` suffix,
    /// in the order they appear (what [`Tok::Int`] indexes).
    pub ints: Vec<(u64, bool)>,
    /// Its line numbering, one segment per line directive.
    pub segments: Vec<Segment>,
}

impl<'a> Lexed<'a> {
    /// The text of a token (for directives, the line after `#`, continuations joined).
    pub fn text(&self, t: &Token) -> &'a str {
        &self.src[t.start as usize..t.end as usize]
    }

    /// The value of an integer literal and whether it had a `U` suffix.
    pub fn int(&self, index: u32) -> (u64, bool) {
        self.ints[index as usize]
    }

    /// A diagnostic at token `t`.
    pub fn error_at(&self, t: &Token, message: impl Into<String>) -> CDefError {
        CDefError {
            refusal: Refusal::Syntax,
            message: message.into(),
            location: Some(locate(self.src, &self.segments, t.start())),
            headline: Headline::None,
        }
    }
}

/// The line, column and source line of byte offset `pos`, after line directives.
/// A position past the end or inside a multi-byte character (where a malformed
/// literal stopped) is moved back to the character it falls in.
fn locate(src: &str, segments: &[Segment], pos: usize) -> Location {
    let mut pos = pos.min(src.len());
    while !src.is_char_boundary(pos) {
        pos -= 1;
    }
    let seg = &segments[segments.partition_point(|s| s.start <= pos).max(1) - 1];
    let before = &src.as_bytes()[seg.start..pos];
    let line = seg.first_line + before.iter().filter(|&&b| b == b'\n').count();
    let line_start = src[..pos].rfind('\n').map_or(0, |i| i + 1);
    let source_line = src[line_start..]
        .split('\n')
        .next()
        .unwrap_or("")
        .trim_end_matches('\r')
        .to_string();
    Location {
        file: seg.file.clone(),
        line,
        column: src[line_start..pos].chars().count() + 1,
        source_line,
        included_from: seg.included_from.to_vec(),
    }
}

struct Lexer<'a> {
    src: &'a str,
    b: &'a [u8],
    i: usize,
    segments: Vec<Segment>,
    at_line_start: bool,
    tokens: Vec<Token>,
    ints: Vec<(u64, bool)>,
}

/// Splits `src` into tokens.
pub fn lex(src: &str) -> Result<Lexed<'_>, CDefError> {
    lex_segments(
        src,
        vec![Segment {
            start: 0,
            first_line: 1,
            file: None,
            included_from: Rc::default(),
        }],
    )
}

/// Splits preprocessed text into tokens, `segments` (at least one, the first
/// at 0) telling where each stretch of it comes from.
pub fn lex_segments(src: &str, segments: Vec<Segment>) -> Result<Lexed<'_>, CDefError> {
    let Ok(len) = u32::try_from(src.len()) else {
        return Err(CDefError {
            refusal: Refusal::Unsupported,
            message: format!(
                "a cdef source of {} bytes: rcffi reads at most 4 GiB at once",
                src.len()
            ),
            location: None,
            headline: Headline::None,
        });
    };
    let mut lx = Lexer {
        src,
        b: src.as_bytes(),
        i: 0,
        segments,
        at_line_start: true,
        // Headers hold about one token per three bytes; reserving that much
        // saves copying the vector as it grows (pages never written to are
        // never touched).
        tokens: Vec::with_capacity(src.len() / 3 + 1),
        ints: Vec::new(),
    };
    lx.run()?;
    lx.tokens.push(Token {
        tok: Tok::Eof,
        start: len,
        end: len,
    });
    Ok(Lexed {
        src,
        tokens: lx.tokens,
        ints: lx.ints,
        segments: lx.segments,
    })
}

/// Whether a number's text starts with `0x` or `0X`.
fn is_hex(text: &str) -> bool {
    text.starts_with("0x") || text.starts_with("0X")
}

/// Which bytes can continue an identifier, as a table: scanning identifiers is
/// most of the lexer's work on a header.
static IDENT_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c == b'_' || c == b'$';
        b += 1;
    }
    t
};

impl<'a> Lexer<'a> {
    fn err(&self, msg: &str) -> CDefError {
        CDefError {
            refusal: Refusal::Syntax,
            message: msg.to_string(),
            location: Some(locate(self.src, &self.segments, self.i)),
            headline: Headline::None,
        }
    }

    fn run(&mut self) -> Result<(), CDefError> {
        while self.i < self.b.len() {
            let c = self.b[self.i];
            match c {
                b'\n' => {
                    self.i += 1;
                    self.at_line_start = true;
                }
                b' ' | b'\t' | b'\r' | 0x0c | 0x0b => self.i += 1,
                b'\\' if self.b.get(self.i + 1) == Some(&b'\n') => self.i += 2,
                b'\\'
                    if self.b.get(self.i + 1) == Some(&b'\r')
                        && self.b.get(self.i + 2) == Some(&b'\n') =>
                {
                    self.i += 3
                }
                b'/' if self.b.get(self.i + 1) == Some(&b'/') => {
                    while self.i < self.b.len() && self.b[self.i] != b'\n' {
                        self.i += 1;
                    }
                }
                b'/' if self.b.get(self.i + 1) == Some(&b'*') => {
                    let open = self.i;
                    match self.src[self.i + 2..].find("*/") {
                        Some(n) => self.i += 2 + n + 2,
                        None => {
                            self.i = open;
                            return Err(self.err(text::UNTERMINATED_COMMENT));
                        }
                    }
                }
                b'#' if self.at_line_start => self.directive()?,
                _ => {
                    self.at_line_start = false;
                    self.token()?;
                }
            }
        }
        Ok(())
    }

    /// A preprocessor line. Line directives are applied here; every other
    /// directive becomes one token whose text runs from after `#` to the line end.
    fn directive(&mut self) -> Result<(), CDefError> {
        self.i += 1;
        let start = self.i;
        // Read to the end of the line, honouring continuations and comments.
        while self.i < self.b.len() && self.b[self.i] != b'\n' {
            if self.b[self.i] == b'\\' && self.b.get(self.i + 1) == Some(&b'\n') {
                self.i += 2;
                continue;
            }
            if self.b[self.i..].starts_with(b"\\\r\n") {
                self.i += 3;
                continue;
            }
            if self.b[self.i] == b'/' && self.b.get(self.i + 1) == Some(&b'*') {
                self.i = match self.src[self.i + 2..].find("*/") {
                    Some(n) => self.i + 2 + n + 2,
                    None => return Err(self.err(text::UNTERMINATED_COMMENT)),
                };
                continue;
            }
            if self.b[self.i] == b'/' && self.b.get(self.i + 1) == Some(&b'/') {
                break;
            }
            self.i += 1;
        }
        let end = self.i;
        while self.i < self.b.len() && self.b[self.i] != b'\n' {
            self.i += 1;
        }
        let text = self.src[start..end].trim();
        if let Some((number, file)) = parse_line_directive(text) {
            // The line after the directive is `number`.
            if self.i < self.b.len() {
                self.i += 1;
                let file = file.or_else(|| self.segments.last().and_then(|s| s.file.clone()));
                let included_from = self
                    .segments
                    .last()
                    .map(|s| s.included_from.clone())
                    .unwrap_or_default();
                self.segments.push(Segment {
                    start: self.i,
                    first_line: number,
                    file,
                    included_from,
                });
            }
            return Ok(());
        }
        self.push(Tok::Directive, start, end);
        Ok(())
    }

    fn token(&mut self) -> Result<(), CDefError> {
        let start = self.i;
        let c = self.b[self.i];
        let tok = if c.is_ascii_alphabetic() || c == b'_' || c == b'$' {
            let rest = &self.b[self.i..];
            self.i += rest
                .iter()
                .position(|&b| !IDENT_BYTE[usize::from(b)])
                .unwrap_or(rest.len());
            if self.b.get(self.i) == Some(&b'\'')
                && matches!(&self.src[start..self.i], "L" | "u" | "U")
            {
                self.i = start + 1;
                self.char_literal()?
            } else {
                Tok::Ident(Kw::of(&self.src[start..self.i]))
            }
        } else if c.is_ascii_digit()
            || (c == b'.' && self.b.get(self.i + 1).is_some_and(|d| d.is_ascii_digit()))
        {
            self.number()?
        } else if c == b'"' {
            self.string()?
        } else if c == b'\'' {
            self.char_literal()?
        } else {
            match P::at_start(&self.b[self.i..]) {
                Some(p) => {
                    self.i += p.as_str().len();
                    Tok::Punct(p)
                }
                None => {
                    let ch = self.src[self.i..].chars().next().unwrap_or('?');
                    return Err(self.err(&format!("unexpected character {ch:?}")));
                }
            }
        };
        self.push(tok, start, self.i);
        Ok(())
    }

    /// Adds a token; `start` and `end` fit in `u32`, the source's length
    /// having been checked.
    fn push(&mut self, tok: Tok, start: usize, end: usize) {
        self.tokens.push(Token {
            tok,
            start: start as u32,
            end: end as u32,
        });
    }

    fn number(&mut self) -> Result<Tok, CDefError> {
        let start = self.i;
        while self.i < self.b.len()
            && (self.b[self.i].is_ascii_alphanumeric()
                || self.b[self.i] == b'.'
                || self.b[self.i] == b'_'
                || ((self.b[self.i] == b'+' || self.b[self.i] == b'-')
                    && matches!(self.b[self.i - 1], b'e' | b'E' | b'p' | b'P')
                    && !is_hex(&self.src[start..self.i])))
        {
            self.i += 1;
        }
        let text = &self.src[start..self.i];
        match parse_int_literal(text) {
            Some((v, unsigned)) => match u64::try_from(v) {
                Ok(v) => {
                    // No more literals than bytes, and the source length fits in u32.
                    let index = self.ints.len() as u32;
                    self.ints.push((v, unsigned));
                    Ok(Tok::Int(index))
                }
                Err(_) => {
                    self.i = start;
                    Err(self.err(&format!("integer constant '{text}' is too large")))
                }
            },
            None if text.contains(['.', 'e', 'E']) && !is_hex(text) => Ok(Tok::Float),
            None => {
                self.i = start;
                Err(self.err(&format!("invalid number '{text}'")))
            }
        }
    }

    fn string(&mut self) -> Result<Tok, CDefError> {
        let open = self.i;
        self.i += 1;
        while self.i < self.b.len() && self.b[self.i] != b'"' {
            if self.b[self.i] == b'\n' {
                return Err(self.err(text::UNTERMINATED_STRING));
            }
            if self.b[self.i] == b'\\' {
                self.i += 1;
            }
            // One whole character (the escaped one, after a backslash), so the
            // position stays on a character boundary.
            self.i += self.src[self.i..].chars().next().map_or(0, char::len_utf8);
        }
        if self.i >= self.b.len() {
            self.i = open;
            return Err(self.err(text::UNTERMINATED_STRING));
        }
        self.i += 1;
        Ok(Tok::Str)
    }

    fn char_literal(&mut self) -> Result<Tok, CDefError> {
        self.i += 1;
        let value = match self.b.get(self.i) {
            Some(b'\\') => {
                self.i += 1;
                let e = *self
                    .b
                    .get(self.i)
                    .ok_or_else(|| self.err(text::UNTERMINATED_CHARACTER))?;
                self.i += 1;
                match e {
                    b'n' => 10,
                    b't' => 9,
                    b'r' => 13,
                    b'0'..=b'7' => {
                        // As in C, an octal escape has at most three digits.
                        let mut v = u32::from(e - b'0');
                        for _ in 0..2 {
                            let Some(d @ b'0'..=b'7') = self.b.get(self.i) else {
                                break;
                            };
                            v = v * 8 + u32::from(d - b'0');
                            self.i += 1;
                        }
                        v
                    }
                    b'x' => {
                        let s = self.i;
                        while self.b.get(self.i).is_some_and(|d| d.is_ascii_hexdigit()) {
                            self.i += 1;
                        }
                        u32::from_str_radix(&self.src[s..self.i], 16)
                            .map_err(|_| self.err("bad escape"))?
                    }
                    b'a' => 7,
                    b'b' => 8,
                    b'f' => 12,
                    b'v' => 11,
                    other if other.is_ascii() => u32::from(other),
                    _ => {
                        // A backslash before a non-ASCII character stands for it.
                        self.i -= 1;
                        let ch = self.src[self.i..].chars().next().unwrap_or('\0');
                        self.i += ch.len_utf8();
                        ch as u32
                    }
                }
            }
            Some(_) => {
                let ch = self.src[self.i..].chars().next().unwrap_or('\0');
                self.i += ch.len_utf8();
                ch as u32
            }
            None => return Err(self.err(text::UNTERMINATED_CHARACTER)),
        };
        if self.b.get(self.i) != Some(&b'\'') {
            return Err(self.err("unterminated character constant"));
        }
        self.i += 1;
        Ok(Tok::Char(value))
    }
}

/// `# 42 "file.h"` or `#line 42 "file.h"`: the next line's number and file.
fn parse_line_directive(text: &str) -> Option<(usize, Option<String>)> {
    let rest = text
        .strip_prefix("line")
        .map(str::trim_start)
        .unwrap_or(text);
    let digits_end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    if digits_end == 0 {
        return None;
    }
    let number = rest[..digits_end].parse().ok()?;
    let after = rest[digits_end..].trim();
    let file = after
        .strip_prefix('"')
        .and_then(|s| s.find('"').map(|e| s[..e].to_string()));
    Some((number, file))
}

/// An integer literal in C syntax (decimal, `0x`, octal, `0b`; `u`/`l` suffixes).
pub fn parse_int_literal(text: &str) -> Option<(u128, bool)> {
    let body = text.trim_end_matches(['u', 'U', 'l', 'L']);
    let suffix = &text[body.len()..];
    let unsigned = suffix.contains(['u', 'U']);
    let longs = suffix.len() - usize::from(unsigned);
    // At most one `u`, and `l` or `ll` (same case) before or after it.
    let valid = suffix.len() <= 3
        && suffix.matches(['u', 'U']).count() <= 1
        && match longs {
            0 | 1 => true,
            _ => suffix.contains("ll") || suffix.contains("LL"),
        };
    if !valid {
        return None;
    }
    let b = body.as_bytes();
    let v = if b.len() > 2 && b[0] == b'0' && (b[1] | 0x20) == b'x' {
        u128::from_str_radix(&body[2..], 16).ok()?
    } else if b.len() > 2 && b[0] == b'0' && (b[1] | 0x20) == b'b' {
        u128::from_str_radix(&body[2..], 2).ok()?
    } else if b.len() > 1 && b[0] == b'0' {
        u128::from_str_radix(&body[1..], 8).ok()?
    } else {
        body.parse().ok()?
    };
    Some((v, unsigned))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<Tok> {
        lex(src)
            .unwrap()
            .tokens
            .into_iter()
            .map(|t| t.tok)
            .collect()
    }

    #[test]
    fn integer_literals() {
        assert_eq!(parse_int_literal("42"), Some((42, false)));
        assert_eq!(parse_int_literal("0x1F"), Some((31, false)));
        assert_eq!(parse_int_literal("017"), Some((15, false)));
        assert_eq!(parse_int_literal("10UL"), Some((10, true)));
        assert_eq!(parse_int_literal("0"), Some((0, false)));
        assert_eq!(parse_int_literal("12abc"), None);
    }

    #[test]
    fn comments_and_continuations_vanish() {
        let toks = kinds("int /* a\n comment */ x; // rest\nlong \\\n y;");
        assert_eq!(
            toks,
            vec![
                Tok::Ident(Kw::Int),
                Tok::Ident(Kw::Name),
                Tok::Punct(punct!(";")),
                Tok::Ident(Kw::Long),
                Tok::Ident(Kw::Name),
                Tok::Punct(punct!(";")),
                Tok::Eof
            ]
        );
    }

    #[test]
    fn a_token_is_sixteen_bytes() {
        // The token vector is a large header's largest allocation.
        assert_eq!(std::mem::size_of::<Token>(), 16);
    }

    #[test]
    fn integer_literals_keep_their_values() {
        let l = lex("a[0x10u] = 7;").unwrap();
        let ints: Vec<(u64, bool)> = l
            .tokens
            .iter()
            .filter_map(|t| match t.tok {
                Tok::Int(i) => Some(l.int(i)),
                _ => None,
            })
            .collect();
        assert_eq!(ints, vec![(16, true), (7, false)]);
    }

    #[test]
    fn directives_are_whole_lines() {
        let l = lex("#define FOO 42\nint x;").unwrap();
        assert_eq!(l.tokens[0].tok, Tok::Directive);
        assert_eq!(l.text(&l.tokens[0]), "define FOO 42");
    }

    #[test]
    fn line_directives_move_positions() {
        let Err(l) = lex("int a;\n# 42 \"foo.h\"\nint @;") else {
            panic!("lexed")
        };
        let loc = l.location.unwrap();
        assert_eq!(
            (loc.line, loc.column, loc.file.as_deref()),
            (42, 5, Some("foo.h"))
        );
    }

    #[test]
    fn ellipsis_and_strings() {
        assert_eq!(
            kinds("extern \"Python\" ...;"),
            vec![
                Tok::Ident(Kw::Extern),
                Tok::Str,
                Tok::Punct(punct!("...")),
                Tok::Punct(punct!(";")),
                Tok::Eof
            ]
        );
    }
}
