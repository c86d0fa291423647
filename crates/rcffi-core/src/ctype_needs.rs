//! What the C compiler must still fill in before a type can be used (API
//! mode, or `ffi.configure()` in ABI mode), and how that is said to users.

use super::UnknownNumeric;

/// Why a type cannot be used before the C compiler has filled it in (API mode).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NeedsCompiler {
    /// A `typedef int... t;` or `typedef float... t;` type, by name.
    Numeric(String, UnknownNumeric),
    /// A struct or union declared with `...;` (or containing such a type by value).
    Layout(String),
    /// An array declared with `[...]`, by its C name (`int[...]`).
    ArrayLength(String),
    /// An enum declared with a trailing `...` or an `= ...` value.
    EnumValues(String),
}

impl std::fmt::Display for NeedsCompiler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NeedsCompiler::Numeric(name, kind) => {
                let what = match kind {
                    UnknownNumeric::Integer => "integer",
                    UnknownNumeric::Float => "floating-point",
                };
                write!(
                    f,
                    "{what} type '{name}' is declared with '...': its real type is only known after compilation (API mode, set_source)"
                )
            }
            NeedsCompiler::Layout(name) => write!(
                f,
                "'{name}' is declared with '...;' (or contains such a type): its layout is only known after compilation (API mode, set_source)"
            ),
            NeedsCompiler::ArrayLength(name) => write!(
                f,
                "cannot use the type '{name}': its length is declared as '[...]' and only known after compilation (API mode, set_source)"
            ),
            NeedsCompiler::EnumValues(name) => write!(
                f,
                "'{name}' is declared with '...': its values are only known after compilation (API mode, set_source)"
            ),
        }
    }
}
