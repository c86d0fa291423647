//! `FFI.cast`, entered straight from the interpreter (`fast_method.rs`):
//! `ffi.cast("int *", p)` is what callbacks and pointer arithmetic do on
//! every call.

use pyo3::ffi;
use pyo3::prelude::*;

use rcffi_core::ctype::Kind;

use crate::cdata::CData;
use crate::fast_method::{arguments, enter, this};

/// The method's doc, with the signature `inspect` reads from it.
const DOC: &std::ffi::CStr = c"cast($self, cdecl, value)
--

`cast(cdecl, value)`: `value` as a cdata of the type `cdecl`, as C casts
it (an address for pointer types, a truncated integer for integer types).";

/// Makes `cast` of the backend FFI type the method below.
pub(crate) fn install(py: Python<'_>) -> PyResult<()> {
    crate::fast_method::install(py, c"cast", cast_entry, DOC)
}

/// The method: `args` holds `nargs` positional arguments, then one value per
/// name of `kwnames`.
///
/// # Safety
/// Called by the interpreter with the GIL held, `slf` an instance of the
/// backend FFI type (the method descriptor checks it).
unsafe extern "C" fn cast_entry(
    slf: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
    kwnames: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    enter(
        "ffi.cast()",
        nargs,
        kwnames,
        2,
        |py| {
            let cdecl = Borrowed::from_ptr(py, *args);
            let value = Borrowed::from_ptr(py, *args.add(1));
            cast(py, slf, &cdecl, &value)
        },
        |py| {
            let [cdecl, value] =
                arguments(py, "FFI.cast", ["cdecl", "value"], 2, args, nargs, kwnames)?;
            let (cdecl, value) = (cdecl.expect("required"), value.expect("required"));
            cast(py, slf, &cdecl, &value)
        },
    )
}

/// `ffi.cast(cdecl, value)`.
///
/// A pointer cdata cast to another pointer type (what a callback does with
/// its `void *` arguments) is made here, the new cdata taking the resolved
/// type; everything else goes to the backend's `cast` with PyO3's
/// bookkeeping, under which the type it drops is released at once rather
/// than queued.
///
/// # Safety
/// As [`cast_entry`].
#[inline(always)]
unsafe fn cast(
    py: Python<'_>,
    slf: *mut ffi::PyObject,
    cdecl: &Bound<'_, PyAny>,
    value: &Bound<'_, PyAny>,
) -> PyResult<*mut ffi::PyObject> {
    let ctype = this(py, slf).get().resolve(py, cdecl)?;
    if ctype.get().kind == Kind::Pointer {
        if let Ok(cd) = value.cast::<CData>() {
            let c = cd.get();
            if matches!(
                c.ctype.get().kind,
                Kind::Pointer | Kind::Function | Kind::Array
            ) {
                return CData::new_pointer(py, ctype, c.address()).map(Py::into_ptr);
            }
        }
    }
    Python::attach(|py| crate::backend::cast(py, ctype, value).map(Py::into_ptr))
}
