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
}

/// A declaration that cannot be accepted: where and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CDefError {
    pub message: String,
    pub location: Option<Location>,
}

impl fmt::Display for CDefError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            None => write!(f, "{}", self.message),
            Some(loc) => {
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
    /// A call that cannot be prepared (unsupported argument kind, libffi refusal).
    Call(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::CDef(e) => e.fmt(f),
            Error::Type(m) | Error::Library(m) | Error::Call(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Error {}

impl From<CDefError> for Error {
    fn from(e: CDefError) -> Self {
        Error::CDef(e)
    }
}
