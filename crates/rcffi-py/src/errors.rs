//! The exceptions of rcffi and how core errors become them.

use pyo3::create_exception;
use pyo3::exceptions::{
    PyException, PyIndexError, PyNotImplementedError, PyOSError, PyOverflowError, PyTypeError,
    PyValueError,
};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyType};
use pyo3::PyErr;
use rcffi_core::ctype::NeedsCompiler;
use rcffi_core::error::Refusal;
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

/// The class of an impossible array in a type (`int[-5]`, `int[10][]`): a
/// ValueError as cffi's type constructors raise, and an FFIError as cffi's own
/// type-string parser raises, since programs written against either catch it.
fn impossible_value_class(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    static CLASS: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    CLASS
        .get_or_try_init(py, || {
            let bases = (py.get_type::<FFIError>(), py.get_type::<PyValueError>());
            let attrs = PyDict::new(py);
            attrs.set_item("__module__", "rcffi._backend")?;
            attrs.set_item("__doc__", "An array type that cannot exist.")?;
            let class = py
                .get_type::<PyType>()
                .call1(("ImpossibleTypeError", bases, attrs))?;
            Ok(class.cast_into::<PyType>()?.unbind())
        })
        .map(|c| c.bind(py))
}

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
        Error::CDef(ref d) => match d.refusal {
            Refusal::Syntax => CDefError::new_err(e.to_string()),
            Refusal::Value => Python::attach(|py| match impossible_value_class(py) {
                Ok(class) => PyErr::from_type(class.clone(), e.to_string()),
                Err(err) => err,
            }),
            Refusal::Type => PyTypeError::new_err(e.to_string()),
        },
        Error::Type(m) => PyTypeError::new_err(m),
        Error::Library(m) => PyOSError::new_err(m),
        Error::Call(m) => PyTypeError::new_err(m),
        Error::Overflow(m) => PyOverflowError::new_err(m),
        Error::Memory(m) => PyIndexError::new_err(m),
        Error::Compile(m) => FFIError::new_err(m),
        Error::Unsupported(m) => PyNotImplementedError::new_err(m),
    }
}
