//! `FFI.new`, entered straight from the interpreter.
//!
//! `ffi.new("point_t *")` is the commonest allocation, and PyO3's method
//! wrapper (its argument parser, the `self` check, its GIL bookkeeping) cost
//! about 220 of the 816 instructions the whole statement took
//! (`benches/callgrind.py "new point_t"`). So the type's `new` is a
//! `METH_FASTCALL` method of our own: a call with the type string alone runs
//! with no wrapper at all, and drops no `Py` (whose drop outside PyO3's
//! bookkeeping would only be queued); any other call takes `Python::attach`
//! and the general argument handling.

use std::panic::{catch_unwind, AssertUnwindSafe};

use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyString, PyTuple};

use crate::cdata::CData;
use crate::ffiobj::FfiObject;

/// The method's doc, with the signature `inspect` reads from it.
const DOC: &std::ffi::CStr = c"new($self, cdecl, init=None)
--

`new(cdecl, init=None)`: zeroed memory for a pointer or array type, owned
by the result. A method (not a data attribute), so that instances may
shadow it as cffi's allow, and so that the interpreter's method-call
path calls it with no bound-method object in between.";

/// Makes `new` of the backend FFI type the method below. Called once, at
/// module creation, before any subclass of the type exists.
pub(crate) fn install(py: Python<'_>) -> PyResult<()> {
    let tp = py.get_type::<FfiObject>();
    // The interpreter keeps a pointer to the definition: it lives as long as
    // the process.
    let def = Box::leak(Box::new(ffi::PyMethodDef {
        ml_name: c"new".as_ptr(),
        ml_meth: ffi::PyMethodDefPointer {
            PyCFunctionFastWithKeywords: new_entry,
        },
        ml_flags: ffi::METH_FASTCALL | ffi::METH_KEYWORDS,
        ml_doc: DOC.as_ptr(),
    }));
    // SAFETY: a type object and a definition that outlives it.
    let descr =
        unsafe { Bound::from_owned_ptr_or_err(py, ffi::PyDescr_NewMethod(tp.as_type_ptr(), def))? };
    tp.setattr("new", descr)
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
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        if nargs == 1 && kwnames.is_null() {
            let py = Python::assume_attached();
            new_of_type(py, slf, *args)
                .map(Py::into_ptr)
                .map_err(|e| e.restore(py))
        } else {
            Python::attach(|py| {
                new_with_arguments(py, slf, args, nargs, kwnames)
                    .map(Py::into_ptr)
                    .map_err(|e| e.restore(py))
            })
        }
    }));
    match outcome {
        Ok(Ok(obj)) => obj,
        Ok(Err(())) => std::ptr::null_mut(),
        Err(_) => {
            let py = Python::assume_attached();
            PyRuntimeError::new_err("rcffi: a Rust panic in ffi.new()").restore(py);
            std::ptr::null_mut()
        }
    }
}

/// `ffi.new(cdecl)`.
///
/// # Safety
/// As [`new_entry`]; `cdecl` a borrowed reference.
#[inline(always)]
unsafe fn new_of_type(
    py: Python<'_>,
    slf: *mut ffi::PyObject,
    cdecl: *mut ffi::PyObject,
) -> PyResult<Py<CData>> {
    let this = pyo3::Borrowed::from_ptr(py, slf).cast_unchecked::<FfiObject>();
    let cdecl = pyo3::Borrowed::from_ptr(py, cdecl);
    crate::allocator::newp(py, this.get().resolve(py, &cdecl)?, None)
}

/// `ffi.new(cdecl, init)` with its arguments given any way Python allows.
///
/// # Safety
/// As [`new_entry`].
unsafe fn new_with_arguments(
    py: Python<'_>,
    slf: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
    kwnames: *mut ffi::PyObject,
) -> PyResult<Py<CData>> {
    let n = nargs as usize;
    if n > 2 {
        return Err(PyTypeError::new_err(format!(
            "FFI.new() takes from 1 to 2 positional arguments but {n} were given"
        )));
    }
    let arg = |i: usize| pyo3::Borrowed::from_ptr(py, *args.add(i));
    let mut given = [(n > 0).then(|| arg(0)), (n > 1).then(|| arg(1))];
    if !kwnames.is_null() {
        let names = pyo3::Borrowed::from_ptr(py, kwnames).cast_unchecked::<PyTuple>();
        for (i, name) in names.iter().enumerate() {
            let name = name.cast_into::<PyString>()?;
            let slot = match name.to_str()? {
                "cdecl" => 0,
                "init" => 1,
                other => {
                    return Err(PyTypeError::new_err(format!(
                        "FFI.new() got an unexpected keyword argument '{other}'"
                    )))
                }
            };
            if given[slot].is_some() {
                return Err(PyTypeError::new_err(format!(
                    "FFI.new() got multiple values for argument '{}'",
                    ["cdecl", "init"][slot]
                )));
            }
            given[slot] = Some(arg(n + i));
        }
    }
    let [cdecl, init] = given;
    let cdecl = cdecl.ok_or_else(|| {
        PyTypeError::new_err("FFI.new() missing 1 required positional argument: 'cdecl'")
    })?;
    let this = pyo3::Borrowed::from_ptr(py, slf).cast_unchecked::<FfiObject>();
    let ctype = this.get().resolve(py, &cdecl)?;
    crate::allocator::newp(py, ctype, init.as_deref())
}
