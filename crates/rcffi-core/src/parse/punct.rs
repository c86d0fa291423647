//! Punctuators: one byte each in a token, so that a token fits in 16 bytes
//! (the token vector of a large header is the parser's largest allocation) and
//! comparing two is comparing bytes. The parser names them by their text,
//! through [`punct!`], which fails to compile on a text that is no punctuator.

use std::fmt;

/// Declares [`P`] with its texts, longest first where one text begins another
/// (the order [`P::at_start`] tries them in).
macro_rules! punctuators {
    ($($name:ident $text:literal,)*) => {
        /// A punctuator (`*`, `(`, `...`, ...).
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum P {
            $(#[doc = $text] $name,)*
        }

        impl P {
            /// Every punctuator, longest texts first.
            const ALL: &'static [P] = &[$(P::$name,)*];

            /// The punctuator's text.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(P::$name => $text,)*
                }
            }
        }
    };
}

punctuators! {
    Ellipsis "...",
    ShlAssign "<<=",
    ShrAssign ">>=",
    Arrow "->",
    Increment "++",
    Decrement "--",
    Shl "<<",
    Shr ">>",
    LessEqual "<=",
    GreaterEqual ">=",
    EqualEqual "==",
    NotEqual "!=",
    AndAnd "&&",
    OrOr "||",
    AddAssign "+=",
    SubAssign "-=",
    MulAssign "*=",
    DivAssign "/=",
    ModAssign "%=",
    AndAssign "&=",
    OrAssign "|=",
    XorAssign "^=",
    HashHash "##",
    LParen "(",
    RParen ")",
    Semicolon ";",
    Comma ",",
    LBrace "{",
    RBrace "}",
    LBracket "[",
    RBracket "]",
    Colon ":",
    Star "*",
    Assign "=",
    Plus "+",
    Minus "-",
    Slash "/",
    Percent "%",
    Amp "&",
    Pipe "|",
    Caret "^",
    Tilde "~",
    Bang "!",
    Less "<",
    Greater ">",
    Question "?",
    Dot ".",
    Hash "#",
}

/// The punctuator written `$text`, as an expression or a pattern.
macro_rules! punct {
    ("...") => {
        $crate::parse::punct::P::Ellipsis
    };
    ("<<=") => {
        $crate::parse::punct::P::ShlAssign
    };
    (">>=") => {
        $crate::parse::punct::P::ShrAssign
    };
    ("->") => {
        $crate::parse::punct::P::Arrow
    };
    ("++") => {
        $crate::parse::punct::P::Increment
    };
    ("--") => {
        $crate::parse::punct::P::Decrement
    };
    ("<<") => {
        $crate::parse::punct::P::Shl
    };
    (">>") => {
        $crate::parse::punct::P::Shr
    };
    ("<=") => {
        $crate::parse::punct::P::LessEqual
    };
    (">=") => {
        $crate::parse::punct::P::GreaterEqual
    };
    ("==") => {
        $crate::parse::punct::P::EqualEqual
    };
    ("!=") => {
        $crate::parse::punct::P::NotEqual
    };
    ("&&") => {
        $crate::parse::punct::P::AndAnd
    };
    ("||") => {
        $crate::parse::punct::P::OrOr
    };
    ("+=") => {
        $crate::parse::punct::P::AddAssign
    };
    ("-=") => {
        $crate::parse::punct::P::SubAssign
    };
    ("*=") => {
        $crate::parse::punct::P::MulAssign
    };
    ("/=") => {
        $crate::parse::punct::P::DivAssign
    };
    ("%=") => {
        $crate::parse::punct::P::ModAssign
    };
    ("&=") => {
        $crate::parse::punct::P::AndAssign
    };
    ("|=") => {
        $crate::parse::punct::P::OrAssign
    };
    ("^=") => {
        $crate::parse::punct::P::XorAssign
    };
    ("##") => {
        $crate::parse::punct::P::HashHash
    };
    ("(") => {
        $crate::parse::punct::P::LParen
    };
    (")") => {
        $crate::parse::punct::P::RParen
    };
    (";") => {
        $crate::parse::punct::P::Semicolon
    };
    (",") => {
        $crate::parse::punct::P::Comma
    };
    ("{") => {
        $crate::parse::punct::P::LBrace
    };
    ("}") => {
        $crate::parse::punct::P::RBrace
    };
    ("[") => {
        $crate::parse::punct::P::LBracket
    };
    ("]") => {
        $crate::parse::punct::P::RBracket
    };
    (":") => {
        $crate::parse::punct::P::Colon
    };
    ("*") => {
        $crate::parse::punct::P::Star
    };
    ("=") => {
        $crate::parse::punct::P::Assign
    };
    ("+") => {
        $crate::parse::punct::P::Plus
    };
    ("-") => {
        $crate::parse::punct::P::Minus
    };
    ("/") => {
        $crate::parse::punct::P::Slash
    };
    ("%") => {
        $crate::parse::punct::P::Percent
    };
    ("&") => {
        $crate::parse::punct::P::Amp
    };
    ("|") => {
        $crate::parse::punct::P::Pipe
    };
    ("^") => {
        $crate::parse::punct::P::Caret
    };
    ("~") => {
        $crate::parse::punct::P::Tilde
    };
    ("!") => {
        $crate::parse::punct::P::Bang
    };
    ("<") => {
        $crate::parse::punct::P::Less
    };
    (">") => {
        $crate::parse::punct::P::Greater
    };
    ("?") => {
        $crate::parse::punct::P::Question
    };
    (".") => {
        $crate::parse::punct::P::Dot
    };
    ("#") => {
        $crate::parse::punct::P::Hash
    };
}

impl P {
    /// The punctuator at the start of `rest`, longest first: the common
    /// one-byte tokens are decided by their first byte alone.
    pub fn at_start(rest: &[u8]) -> Option<P> {
        let first = *rest.first()?;
        let single = match first {
            b'(' => return Some(P::LParen),
            b')' => return Some(P::RParen),
            b';' => return Some(P::Semicolon),
            b',' => return Some(P::Comma),
            b'{' => return Some(P::LBrace),
            b'}' => return Some(P::RBrace),
            b'[' => return Some(P::LBracket),
            b']' => return Some(P::RBracket),
            b'*' if rest.get(1) != Some(&b'=') => return Some(P::Star),
            b':' => P::Colon,
            b'*' => P::Star,
            b'=' => P::Assign,
            b'+' => P::Plus,
            b'-' => P::Minus,
            b'/' => P::Slash,
            b'%' => P::Percent,
            b'&' => P::Amp,
            b'|' => P::Pipe,
            b'^' => P::Caret,
            b'~' => P::Tilde,
            b'!' => P::Bang,
            b'<' => P::Less,
            b'>' => P::Greater,
            b'?' => P::Question,
            b'.' => P::Dot,
            b'#' => P::Hash,
            _ => return None,
        };
        P::ALL
            .iter()
            .copied()
            .take_while(|p| p.as_str().len() > 1)
            .find(|p| rest.starts_with(p.as_str().as_bytes()))
            .or(Some(single))
    }
}

impl fmt::Display for P {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::P;

    #[test]
    fn every_text_reads_back_as_its_punctuator() {
        for &p in P::ALL {
            assert_eq!(P::at_start(p.as_str().as_bytes()), Some(p), "{p}");
        }
    }

    #[test]
    fn the_longest_punctuator_wins() {
        assert_eq!(P::at_start(b"<<=1"), Some(P::ShlAssign));
        assert_eq!(P::at_start(b"*p"), Some(P::Star));
        assert_eq!(P::at_start(b"*=2"), Some(P::MulAssign));
        assert_eq!(P::at_start(b"..x"), Some(P::Dot));
        assert_eq!(P::at_start(b"@"), None);
    }

    #[test]
    fn the_macro_names_the_same_punctuators() {
        assert_eq!(punct!("..."), P::Ellipsis);
        assert_eq!(punct!("("), P::LParen);
        assert!(matches!(P::Star, punct!("*")));
    }
}
