//! `FFI.cast`, entered straight from the interpreter (`fast_method.rs`):
//! `ffi.cast("int *", p)` is what callbacks and pointer arithmetic do on
//! every call.

use pyo3::ffi;
use pyo3::prelude::*;

use rcffi_core::ctype::Kind;

use crate::cdata::CData;
use crate::fast_method::{arguments, fast_method, this};

/// The method's doc, with the signature `inspect` reads from it.
const DOC: &std::ffi::CStr = c"cast($self, cdecl, value)
--

`cast(cdecl, value)`: `value` as a cdata of the type `cdecl`, as C casts
it (an address for pointer types, a truncated integer for integer types).";

fast_method!("cast", DOC, 2, |py, slf, args, nargs, kwnames|
    fast: {
        let cdecl = Borrowed::from_ptr(py, *args);
        let value = Borrowed::from_ptr(py, *args.add(1));
        cast(py, slf, &cdecl, &value)
    }
    general: {
        let [cdecl, value] =
            arguments(py, "FFI.cast", ["cdecl", "value"], 2, args, nargs, kwnames)?;
        let (cdecl, value) = (cdecl.expect("required"), value.expect("required"));
        cast(py, slf, &cdecl, &value)
    }
);

/// `ffi.cast(cdecl, value)`.
///
/// A pointer cdata cast to another pointer type (what a callback does with
/// its `void *` arguments) is made here, the new cdata taking the resolved
/// type; everything else goes to the backend's `cast` with PyO3's
/// bookkeeping, under which the type it drops is released at once rather
/// than queued.
///
/// # Safety
/// As the entry's.
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
