//! Preprocessing tokens (C11 6.4): identifiers, pp-numbers, character and
//! string literals, punctuators and stray characters, each with whether
//! whitespace precedes it and whether it starts a line. Comments become
//! whitespace, line continuations vanish; the lines reported are those of the
//! file as written.

use crate::error::text;
use std::rc::Rc;

use crate::fasthash::FastMap;

/// An interned token spelling.
pub type Sym = u32;

/// The spellings of one preprocessor run, interned: macro lookups and token
/// copies then move integers, not strings.
pub struct Interner {
    /// One allocation per spelling, shared by the map and the table.
    map: FastMap<Rc<str>, Sym>,
    texts: Vec<Rc<str>>,
    /// The symbol of each one-byte punctuator, by its byte.
    single: [Sym; 128],
}

impl Default for Interner {
    fn default() -> Self {
        let mut names = Interner {
            map: FastMap::default(),
            texts: Vec::new(),
            single: [Sym::MAX; 128],
        };
        for p in PUNCTS {
            let s = names.intern(p);
            if p.len() == 1 {
                names.single[usize::from(p.as_bytes()[0])] = s;
            }
        }
        names
    }
}

impl Interner {
    /// The symbol of `text`, added when new.
    pub fn intern(&mut self, text: &str) -> Sym {
        if let Some(&s) = self.map.get(text) {
            return s;
        }
        let s = self.texts.len() as Sym;
        let shared: Rc<str> = Rc::from(text);
        self.texts.push(shared.clone());
        self.map.insert(shared, s);
        s
    }

    /// The spelling of `s`.
    pub fn text(&self, s: Sym) -> &str {
        &self.texts[s as usize]
    }
}

/// What kind of preprocessing token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Ident,
    Number,
    Char,
    Str,
    Punct,
    /// A character that is no token (`@`, a lone `\`).
    Other,
}

/// One preprocessing token. `Copy`: expansions copy tokens by the thousand.
#[derive(Clone, Copy, Debug)]
pub struct PpTok {
    pub kind: Kind,
    pub sym: Sym,
    /// Whitespace (or a comment) came before it.
    pub space: bool,
    /// It is the first token of its line (only tokens read from a file).
    pub bol: bool,
    /// The file (an index into the run's file table) and position.
    pub file: u32,
    pub line: u32,
    pub col: u32,
    /// The macros that must not expand this token again (an index into the
    /// run's hide-set table; 0 is the empty set).
    pub hide: u32,
}

/// Punctuators, longest first within each leading byte's group.
const PUNCTS: &[&str] = &[
    "...", "<<=", ">>=", "->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "+=",
    "-=", "*=", "/=", "%=", "&=", "|=", "^=", "##", "[", "]", "(", ")", "{", "}", ".", "&", "*",
    "+", "-", "~", "!", "/", "%", "<", ">", "^", "|", "?", ":", ";", "=", ",", "#",
];

/// An unterminated comment or literal: its line and column.
#[derive(Debug)]
pub struct LexError {
    pub line: u32,
    pub col: u32,
    pub message: &'static str,
}

/// Splits the text of file `file` into tokens.
pub fn tokenize(src: &str, file: u32, names: &mut Interner) -> Result<Vec<PpTok>, LexError> {
    let spliced;
    let continued = src
        .match_indices('\\')
        .any(|(i, _)| matches!(&src.as_bytes()[i + 1..], [b'\n', ..] | [b'\r', b'\n', ..]));
    let (text, splices) = if continued {
        spliced = splice(src);
        (spliced.0.as_str(), spliced.1)
    } else {
        (src, Vec::new())
    };
    let b = text.as_bytes();
    let mut toks = Vec::with_capacity(b.len() / 6 + 1);
    let mut i = 0;
    let mut line: u32 = 1;
    let mut line_start = 0;
    let mut next_splice = 0;
    let mut space = false;
    let mut bol = true;
    while i < b.len() {
        // Line continuations removed before `i` still count as lines.
        while next_splice < splices.len() && splices[next_splice] <= i {
            line += 1;
            line_start = splices[next_splice];
            next_splice += 1;
        }
        let c = b[i];
        match c {
            b'\n' => {
                i += 1;
                line += 1;
                line_start = i;
                bol = true;
                space = false;
                continue;
            }
            b' ' | b'\t' | b'\r' | 0x0b | 0x0c => {
                i += 1;
                space = true;
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                space = true;
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let Some(n) = text[i + 2..].find("*/") else {
                    return Err(LexError {
                        line,
                        col: (i - line_start + 1) as u32,
                        message: text::UNTERMINATED_COMMENT,
                    });
                };
                let end = i + 2 + n + 2;
                for (k, &ch) in b[i..end].iter().enumerate() {
                    if ch == b'\n' {
                        line += 1;
                        line_start = i + k + 1;
                    }
                }
                i = end;
                space = true;
                continue;
            }
            _ => {}
        }
        let start = i;
        let col = (start - line_start + 1) as u32;
        let kind = if IDENT[usize::from(c)] && !c.is_ascii_digit() {
            while i < b.len() && IDENT[usize::from(b[i])] {
                i += 1;
            }
            // An encoding prefix makes a literal: L"x", u8"x", U'x'.
            let word = &text[start..i];
            if matches!(word, "L" | "u" | "U" | "u8") && matches!(b.get(i), Some(b'"' | b'\'')) {
                let (end, kind) = literal(b, i, line, col)?;
                i = end;
                kind
            } else {
                Kind::Ident
            }
        } else if c.is_ascii_digit() || (c == b'.' && b.get(i + 1).is_some_and(u8::is_ascii_digit))
        {
            i += 1;
            while i < b.len() {
                let d = b[i];
                let sign =
                    matches!(d, b'+' | b'-') && matches!(b[i - 1], b'e' | b'E' | b'p' | b'P');
                if sign || d.is_ascii_alphanumeric() || d == b'_' || d == b'.' {
                    i += 1;
                } else {
                    break;
                }
            }
            Kind::Number
        } else if c == b'"' || c == b'\'' {
            let (end, kind) = literal(b, i, line, col)?;
            i = end;
            kind
        } else if let Some(n) = punct_len(&b[i..]) {
            i += n;
            if n == 1 {
                toks.push(PpTok {
                    kind: Kind::Punct,
                    sym: names.single[usize::from(c)],
                    space,
                    bol,
                    file,
                    line,
                    col,
                    hide: 0,
                });
                space = false;
                bol = false;
                continue;
            }
            Kind::Punct
        } else {
            i += text[i..].chars().next().map_or(1, char::len_utf8);
            Kind::Other
        };
        toks.push(PpTok {
            kind,
            sym: names.intern(&text[start..i]),
            space,
            bol,
            file,
            line,
            col,
            hide: 0,
        });
        space = false;
        bol = false;
    }
    Ok(toks)
}

/// Which bytes continue an identifier (scanning identifiers is most of the
/// work on a header).
static IDENT: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c == b'_' || c == b'$';
        b += 1;
    }
    t
};

/// The length of the punctuator `b` starts with, if any.
fn punct_len(b: &[u8]) -> Option<usize> {
    let c = b[0];
    let n = b.get(1).copied().unwrap_or(0);
    let m = b.get(2).copied().unwrap_or(0);
    Some(match c {
        b'.' if n == b'.' && m == b'.' => 3,
        b'<' | b'>' if n == c && m == b'=' => 3,
        b'-' if matches!(n, b'>' | b'-' | b'=') => 2,
        b'+' if matches!(n, b'+' | b'=') => 2,
        b'<' | b'>' if n == c || n == b'=' => 2,
        b'&' | b'|' if n == c || n == b'=' => 2,
        b'=' | b'!' | b'*' | b'/' | b'%' | b'^' if n == b'=' => 2,
        b'#' if n == b'#' => 2,
        b'[' | b']' | b'(' | b')' | b'{' | b'}' | b'.' | b'&' | b'*' | b'+' | b'-' | b'~'
        | b'!' | b'/' | b'%' | b'<' | b'>' | b'^' | b'|' | b'?' | b':' | b';' | b'=' | b','
        | b'#' => 1,
        _ => return None,
    })
}

/// The end of the string or character literal whose quote is at `i`, and
/// its kind.
fn literal(b: &[u8], i: usize, line: u32, col: u32) -> Result<(usize, Kind), LexError> {
    let quote = b[i];
    let end = literal_end(b, i, quote).ok_or(LexError {
        line,
        col,
        message: "unterminated literal",
    })?;
    Ok((end, if quote == b'"' { Kind::Str } else { Kind::Char }))
}

/// The end of the literal quoted by `q` opening at `i`, or `None` when the
/// line ends first.
fn literal_end(b: &[u8], mut i: usize, q: u8) -> Option<usize> {
    i += 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'\n' => return None,
            c if c == q => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// `src` with line continuations removed, and where each one was (offsets in
/// the result), so that lines can still be counted as written.
fn splice(src: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(src.len());
    let mut at = Vec::new();
    let mut rest = src;
    while let Some(k) = rest.find('\\') {
        out.push_str(&rest[..k]);
        let after = &rest[k + 1..];
        if let Some(r) = after
            .strip_prefix("\r\n")
            .or_else(|| after.strip_prefix('\n'))
        {
            at.push(out.len());
            rest = r;
        } else {
            out.push('\\');
            rest = after;
        }
    }
    out.push_str(rest);
    (out, at)
}
