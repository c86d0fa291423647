//! The exceptions of rcffi and how core errors become them.

use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyIndexError, PyOSError, PyOverflowError, PyTypeError};
use pyo3::PyErr;
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
    }
}
