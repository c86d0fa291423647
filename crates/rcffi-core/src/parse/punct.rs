//! Punctuators: one byte each in a token, so that a token fits in 16 bytes
//! (the token vector of a large header is the parser's largest allocation) and
//! comparing two is comparing bytes. The parser names them by their text,
//! through [`punct!`], which fails to compile on a text that is no punctuator.

use std::fmt;

/// Declares [`P`] with its texts.
macro_rules! punctuators {
    ($($name:ident $text:literal,)*) => {
        /// A punctuator (`*`, `(`, `...`, ...).
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum P {
            $(#[doc = $text] $name,)*
        }

        impl P {
            /// Every punctuator, for the tests that [`P::at_start`] agrees
            /// with [`P::as_str`].
            #[cfg(test)]
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
    /// The punctuator at the start of `rest`, longest first, decided by its
    /// first bytes.
    pub fn at_start(rest: &[u8]) -> Option<P> {
        let (&first, tail) = rest.split_first()?;
        let second = tail.first().copied().unwrap_or(0);
        let third = tail.get(1).copied().unwrap_or(0);
        Some(match (first, second) {
            (b'(', _) => P::LParen,
            (b')', _) => P::RParen,
            (b';', _) => P::Semicolon,
            (b',', _) => P::Comma,
            (b'{', _) => P::LBrace,
            (b'}', _) => P::RBrace,
            (b'[', _) => P::LBracket,
            (b']', _) => P::RBracket,
            (b'.', b'.') if third == b'.' => P::Ellipsis,
            (b'<', b'<') if third == b'=' => P::ShlAssign,
            (b'>', b'>') if third == b'=' => P::ShrAssign,
            (b'-', b'>') => P::Arrow,
            (b'+', b'+') => P::Increment,
            (b'-', b'-') => P::Decrement,
            (b'<', b'<') => P::Shl,
            (b'>', b'>') => P::Shr,
            (b'<', b'=') => P::LessEqual,
            (b'>', b'=') => P::GreaterEqual,
            (b'=', b'=') => P::EqualEqual,
            (b'!', b'=') => P::NotEqual,
            (b'&', b'&') => P::AndAnd,
            (b'|', b'|') => P::OrOr,
            (b'+', b'=') => P::AddAssign,
            (b'-', b'=') => P::SubAssign,
            (b'*', b'=') => P::MulAssign,
            (b'/', b'=') => P::DivAssign,
            (b'%', b'=') => P::ModAssign,
            (b'&', b'=') => P::AndAssign,
            (b'|', b'=') => P::OrAssign,
            (b'^', b'=') => P::XorAssign,
            (b'#', b'#') => P::HashHash,
            (b':', _) => P::Colon,
            (b'*', _) => P::Star,
            (b'=', _) => P::Assign,
            (b'+', _) => P::Plus,
            (b'-', _) => P::Minus,
            (b'/', _) => P::Slash,
            (b'%', _) => P::Percent,
            (b'&', _) => P::Amp,
            (b'|', _) => P::Pipe,
            (b'^', _) => P::Caret,
            (b'~', _) => P::Tilde,
            (b'!', _) => P::Bang,
            (b'<', _) => P::Less,
            (b'>', _) => P::Greater,
            (b'?', _) => P::Question,
            (b'.', _) => P::Dot,
            (b'#', _) => P::Hash,
            _ => return None,
        })
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
            let followed = format!("{p}a");
            assert_eq!(P::at_start(followed.as_bytes()), Some(p), "{followed}");
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
