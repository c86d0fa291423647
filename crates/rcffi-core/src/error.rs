//! Errors of the core, with enough context to tell the user what to fix.

use std::fmt;

/// Where in a `cdef()` source a problem is, with the offending line for display.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The file named by a `# 42 "file.h"` line directive, if any.
    pub file: Option<String>,
    /// 1-based line, after line directives.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// The source line as written.
    pub source_line: String,
    /// The `#include` lines that led to the file, innermost first
    /// (`path:line`); empty for the cdef source itself.
    pub included_from: Vec<String>,
}

/// Which exception a refused declaration is. cffi refuses text it cannot parse
/// with `CDefError`, but C that parses and names an impossible type with the
/// exceptions its type constructors raise, which callers catch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Refusal {
    /// Not C, or C that cffi does not support.
    #[default]
    Syntax,
    /// An impossible value: a negative array length, items of unknown size.
    Value,
    /// An impossible combination of types: a function returning an array.
    Type,
    /// C that rcffi does not represent, refused as cffi does
    /// (`NotImplementedError`): an enum whose body comes after its first use,
    /// or a bit-field in a struct declared with `...;`, whose layout the
    /// compiler's answers (offsets) cannot describe.
    Unsupported,
}

/// A declaration that cannot be accepted: where and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CDefError {
    /// What is wrong, without the location.
    pub message: String,
    /// The exception it becomes.
    pub refusal: Refusal,
    /// Where, when the error comes from source text.
    pub location: Option<Location>,
    /// A first line before the location, for text that does not parse at all.
    pub headline: Headline,
}

/// The first line cffi gives an error about text that does not parse, which
/// callers match as a prefix.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Headline {
    /// None: C that parses but is refused.
    #[default]
    None,
    /// `cannot parse "<the stripped line>"`: the line is the cdef's or the
    /// type string's own.
    CannotParse,
    /// `parse error`: the line is another file's (a `# 42 "file"` directive
    /// or an included header).
    ParseError,
}

impl CDefError {
    /// The error as one about text that is not C at all.
    pub(crate) fn unparsable(mut self) -> Self {
        self.headline = match &self.location {
            Some(loc) if loc.file.is_none() => Headline::CannotParse,
            _ => Headline::ParseError,
        };
        self
    }
}

impl fmt::Display for CDefError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.headline, &self.location) {
            (Headline::None, _) => {}
            (Headline::CannotParse, Some(loc)) => {
                writeln!(f, "cannot parse \"{}\"", loc.source_line.trim())?
            }
            (Headline::CannotParse | Headline::ParseError, _) => writeln!(f, "parse error")?,
        }
        match &self.location {
            None => write!(f, "{}", self.message),
            Some(loc) => {
                for (i, at) in loc.included_from.iter().enumerate() {
                    let lead = if i == 0 {
                        "In file included from"
                    } else {
                        "                 from"
                    };
                    writeln!(f, "{lead} {at}:")?;
                }
                let file = loc.file.as_deref().unwrap_or("<cdef source string>");
                write!(f, "{file}:{}:{}: {}", loc.line, loc.column, self.message)?;
                let caret_pad: String = loc
                    .source_line
                    .chars()
                    .take(loc.column.saturating_sub(1))
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                write!(f, "\n    {}\n    {caret_pad}^", loc.source_line)
            }
        }
    }
}

/// Every error the core reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// A declaration or type string that does not parse or does not make sense.
    CDef(CDefError),
    /// A type used where its kind or completeness does not allow it.
    Type(String),
    /// A library that cannot be opened, or a symbol that is not in it.
    Library(String),
    /// A call that cannot be prepared (unsupported argument kind, libffi refusal),
    /// or a call made with the wrong number of arguments.
    Call(String),
    /// A value that does not fit the C type it is converted to (`300` for an
    /// `unsigned char`).
    Overflow(String),
    /// An access outside a block of memory, or a C string that is not one
    /// (no NUL terminator, invalid UTF-8, a NULL pointer).
    Memory(String),
    /// The C compiler (or `pkg-config`) could not be run or reported an error;
    /// the message holds the command line and what the tool printed.
    Compile(String),
    /// Valid C that libffi cannot do (an empty struct, or one ending in a
    /// flexible array, passed or returned by value).
    Unsupported(String),
    /// Generated C (API-mode glue, a configure probe) would have to name a
    /// type C has no name for: an anonymous struct, union or enum reached
    /// through nothing named. `place` says where (`argument of foo`).
    Unspellable {
        /// rcffi's name of the type (`struct $1 * *`).
        cname: String,
        /// Where the glue needed it, when known.
        place: Option<String>,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::CDef(e) => e.fmt(f),
            Error::Type(m)
            | Error::Library(m)
            | Error::Call(m)
            | Error::Overflow(m)
            | Error::Memory(m)
            | Error::Compile(m)
            | Error::Unsupported(m) => f.write_str(m),
            Error::Unspellable { cname, place } => {
                write!(f, "cannot generate '{cname}'")?;
                if let Some(place) = place {
                    write!(f, " in {place}")?;
                }
                f.write_str(": unknown type name (an anonymous struct, union or enum has no name in C: give it a name or a typedef to use it here)")
            }
        }
    }
}

impl std::error::Error for Error {}

impl Error {
    /// The same error with `what` (`"strlen() argument 1"`) in front of its
    /// message, so that a conversion error says where it happened.
    pub(crate) fn context(self, what: &str) -> Error {
        let prefix = |m: String| format!("{what}: {m}");
        match self {
            Error::CDef(e) => Error::CDef(e),
            Error::Type(m) => Error::Type(prefix(m)),
            Error::Library(m) => Error::Library(prefix(m)),
            Error::Call(m) => Error::Call(prefix(m)),
            Error::Overflow(m) => Error::Overflow(prefix(m)),
            Error::Memory(m) => Error::Memory(prefix(m)),
            Error::Compile(m) => Error::Compile(prefix(m)),
            Error::Unsupported(m) => Error::Unsupported(prefix(m)),
            e @ Error::Unspellable { .. } => e.in_place(what),
        }
    }

    /// A call or callback prepared for a type that is not a function type.
    pub(crate) fn not_a_function(cname: &str) -> Error {
        Error::Call(format!("'{cname}' is not a function type"))
    }

    /// An [`Error::Unspellable`] that does not say where yet now says
    /// `place`; other errors are returned as they are.
    pub(crate) fn in_place(self, place: &str) -> Error {
        match self {
            Error::Unspellable { cname, place: None } => Error::Unspellable {
                cname,
                place: Some(place.to_string()),
            },
            e => e,
        }
    }
}

/// Texts the parser and the preprocessor report from more than one place,
/// written once.
pub(crate) mod text {
    pub(crate) const UNTERMINATED_COMMENT: &str = "unterminated comment";
    pub(crate) const UNTERMINATED_STRING: &str = "unterminated string";
    pub(crate) const UNTERMINATED_CHARACTER: &str = "unterminated character";
    pub(crate) const CONSTANT_OVERFLOW: &str = "constant overflow";
    pub(crate) const TOO_MANY_SPECIFIERS: &str = "too many type specifiers";
    pub(crate) const NOT_A_CONSTANT: &str = "expected a constant expression";
}

impl From<CDefError> for Error {
    fn from(e: CDefError) -> Self {
        Error::CDef(e)
    }
}

/// The parser's errors, boxed so that its results stay small.
impl From<Box<CDefError>> for Error {
    fn from(e: Box<CDefError>) -> Self {
        Error::CDef(*e)
    }
}
