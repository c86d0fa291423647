//! The exceptions of rcffi and how core errors become them.

use pyo3::create_exception;
use pyo3::exceptions::{
    PyException, PyIndexError, PyNotImplementedError, PyOSError, PyOverflowError, PyTypeError,
};
use pyo3::PyErr;
use rcffi_core::ctype::NeedsCompiler;
use rcffi_core::Error;

create_exception!(
    _backend,
    FFIError,
    PyException,
    "Base class of the errors rcffi raises about declarations and modules."
);
create_exception!(
    _backend,
    CDefError,
    FFIError,
    "A C declaration or type string that cannot be parsed or does not make sense."
);

create_exception!(
    _backend,
    VerificationError,
    FFIError,
    "An API-mode module could not be generated or compiled."
);
create_exception!(
    _backend,
    VerificationMissing,
    FFIError,
    "A type or value that only the C compiler can fill in (API mode) was used without it."
);

/// The exception for using, in ABI mode, a type only the compiler knows; the
/// exception types are cffi's (NotImplementedError for `typedef int...`,
/// VerificationMissing for `...;` layouts, CDefError for `[...]` lengths).
pub fn needs_compiler_err(what: &NeedsCompiler) -> PyErr {
    match what {
        NeedsCompiler::Numeric(..) => PyNotImplementedError::new_err(what.to_string()),
        NeedsCompiler::Layout(_) | NeedsCompiler::EnumValues(_) => {
            VerificationMissing::new_err(what.to_string())
        }
        NeedsCompiler::ArrayLength(_) => CDefError::new_err(what.to_string()),
    }
}

/// The Python exception for a core error.
pub fn to_pyerr(e: Error) -> PyErr {
    match e {
        Error::CDef(_) => CDefError::new_err(e.to_string()),
        Error::Type(m) => PyTypeError::new_err(m),
        Error::Library(m) => PyOSError::new_err(m),
        Error::Call(m) => PyTypeError::new_err(m),
        Error::Overflow(m) => PyOverflowError::new_err(m),
        Error::Memory(m) => PyIndexError::new_err(m),
        Error::Compile(m) => FFIError::new_err(m),
        Error::Unsupported(m) => PyNotImplementedError::new_err(m),
    }
}
