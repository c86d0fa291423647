//! The exceptions of rcffi and how core errors become them.

use pyo3::create_exception;
use pyo3::exceptions::{
    PyAttributeError, PyException, PyIndexError, PyNotImplementedError, PyOSError, PyOverflowError,
    PyTypeError, PyValueError,
};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyType};
use pyo3::{PyErr, PyErrArguments};
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
    PkgConfigError,
    VerificationError,
    "pkg-config is missing, failed, or does not know a package the build names."
);
create_exception!(
    _backend,
    VerificationMissing,
    FFIError,
    "A type or value that only the C compiler can fill in (API mode) was used without it."
);

/// A class deriving from FFIError and from `second`, for errors cffi raises
/// as one or the other depending on the mode: programs written against either
/// catch it.
fn dual_class<'py>(
    py: Python<'py>,
    cell: &'static PyOnceLock<Py<PyType>>,
    name: &str,
    second: Bound<'py, PyType>,
    doc: &str,
) -> PyResult<&'py Bound<'py, PyType>> {
    cell.get_or_try_init(py, || {
        let bases = (py.get_type::<FFIError>(), second);
        let attrs = PyDict::new(py);
        attrs.set_item("__module__", "rcffi._backend")?;
        attrs.set_item("__doc__", doc)?;
        let class = py.get_type::<PyType>().call1((name, bases, attrs))?;
        Ok(class.cast_into::<PyType>()?.unbind())
    })
    .map(|c| c.bind(py))
}

/// An error of class `class` (made by `make`) with `message`.
fn dual_err<M: PyErrArguments + Send + Sync + 'static>(
    message: M,
    make: for<'py> fn(Python<'py>) -> PyResult<&'py Bound<'py, PyType>>,
) -> PyErr {
    Python::attach(|py| match make(py) {
        Ok(class) => PyErr::from_type(class.clone(), message),
        Err(err) => err,
    })
}

/// The class of an impossible array in a type (`int[-5]`, `int[10][]`): a
/// ValueError as cffi's type constructors raise, and an FFIError as cffi's own
/// type-string parser raises.
fn impossible_value_class(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    static CLASS: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    let doc = "An array type that cannot exist.";
    dual_class(
        py,
        &CLASS,
        "ImpossibleTypeError",
        py.get_type::<PyValueError>(),
        doc,
    )
}

fn closed_library_class(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    static CLASS: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    let doc = "A name of a library closed with ffi.dlclose() was used.";
    dual_class(
        py,
        &CLASS,
        "LibraryClosedError",
        py.get_type::<PyValueError>(),
        doc,
    )
}

fn missing_symbol_class(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    static CLASS: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    let doc = "A declared function or global variable is not in the library.";
    dual_class(
        py,
        &CLASS,
        "SymbolNotFoundError",
        py.get_type::<PyAttributeError>(),
        doc,
    )
}

/// Using a library closed with `ffi.dlclose()`: a ValueError in cffi's ABI
/// mode, `ffi.error` for its out-of-line modules.
pub struct LibraryClosedError;

impl LibraryClosedError {
    pub fn new_err<M: PyErrArguments + Send + Sync + 'static>(message: M) -> PyErr {
        dual_err(message, closed_library_class)
    }
}

/// An impossible array in a type, as `to_pyerr` raises it for the core.
pub struct ImpossibleTypeError;

impl ImpossibleTypeError {
    pub fn new_err<M: PyErrArguments + Send + Sync + 'static>(message: M) -> PyErr {
        dual_err(message, impossible_value_class)
    }
}

/// A declared symbol missing from its library: an AttributeError in cffi's
/// ABI mode, `ffi.error` for its out-of-line modules.
pub struct SymbolNotFoundError;

impl SymbolNotFoundError {
    pub fn new_err<M: PyErrArguments + Send + Sync + 'static>(message: M) -> PyErr {
        dual_err(message, missing_symbol_class)
    }
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
            Refusal::Value => ImpossibleTypeError::new_err(e.to_string()),
            Refusal::Type => PyTypeError::new_err(e.to_string()),
            Refusal::Unsupported => PyNotImplementedError::new_err(e.to_string()),
        },
        Error::Type(m) => PyTypeError::new_err(m),
        Error::Library(m) => PyOSError::new_err(m),
        Error::Call(m) => PyTypeError::new_err(m),
        Error::Overflow(m) => PyOverflowError::new_err(m),
        Error::Memory(m) => PyIndexError::new_err(m),
        Error::Compile(m) => FFIError::new_err(m),
        Error::Unsupported(m) => PyNotImplementedError::new_err(m),
        e @ Error::Unspellable { .. } => VerificationError::new_err(e.to_string()),
    }
}
