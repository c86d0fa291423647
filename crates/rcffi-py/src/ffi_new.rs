//! `FFI.new`, entered straight from the interpreter (`fast_method.rs`):
//! `ffi.new("point_t *")` is the commonest allocation.

use pyo3::ffi;
use pyo3::prelude::*;

use crate::fast_method::{arguments, enter, this};

/// The method's doc, with the signature `inspect` reads from it.
const DOC: &std::ffi::CStr = c"new($self, cdecl, init=None)
--

`new(cdecl, init=None)`: zeroed memory for a pointer or array type, owned
by the result. A method (not a data attribute), so that instances may
shadow it as cffi's allow, and so that the interpreter's method-call
path calls it with no bound-method object in between.";

/// Makes `new` of the backend FFI type the method below.
pub(crate) fn install(py: Python<'_>) -> PyResult<()> {
    crate::fast_method::install(py, c"new", new_entry, DOC)
}

/// The method: `args` holds `nargs` positional arguments, then one value per
/// name of `kwnames`.
///
/// # Safety
/// Called by the interpreter with the GIL held, `slf` an instance of the
/// backend FFI type (the method descriptor checks it).
unsafe extern "C" fn new_entry(
    slf: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
    kwnames: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    enter(
        "ffi.new()",
        nargs,
        kwnames,
        1,
        |py| {
            let cdecl = Borrowed::from_ptr(py, *args);
            let ctype = this(py, slf).get().resolve(py, &cdecl)?;
            crate::allocator::newp(py, ctype, None).map(Py::into_ptr)
        },
        |py| {
            let [cdecl, init] =
                arguments(py, "FFI.new", ["cdecl", "init"], 1, args, nargs, kwnames)?;
            let cdecl = cdecl.expect("a required argument");
            let ctype = this(py, slf).get().resolve(py, &cdecl)?;
            crate::allocator::newp(py, ctype, init.as_deref()).map(Py::into_ptr)
        },
    )
}
