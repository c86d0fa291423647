//! `FFI.cast`, entered straight from the interpreter (`fast_method.rs`):
//! `ffi.cast("int *", p)` is what callbacks and pointer arithmetic do on
//! every call.

use pyo3::ffi;
use pyo3::prelude::*;

use rcffi_core::ctype::Kind;

use crate::cdata::CData;
use crate::fast_method::{arguments, fast_method, this};

/// The method's doc, with the signature `inspect` reads from it.
const DOC: &std::ffi::CStr = c"cast($self, cdecl, source)
--

`cast(cdecl, source)`: `source` as a cdata of the type `cdecl`, as C casts
it (an address for pointer types, a truncated integer for integer types).";

fast_method!("cast", DOC, 2, |py, slf, args, nargs, kwnames|
    fast: {
        let cdecl = Borrowed::from_ptr(py, *args);
        let value = Borrowed::from_ptr(py, *args.add(1));
        cast(py, slf, &cdecl, &value)
    }
    general: {
        let [cdecl, value] =
            arguments(py, "FFI.cast", ["cdecl", "source"], 2, args, nargs, kwnames)?;
        let (cdecl, value) = (cdecl.expect("required"), value.expect("required"));
        cast(py, slf, &cdecl, &value)
    }
);

/// `ffi.cast(cdecl, source)`.
///
/// Two casts are made here, the new cdata taking the resolved type: a pointer
/// cdata to another pointer type (what a callback does with its `void *`
/// arguments), and an exact int or float to a number type
/// (`backend::cast_exact_number`). Everything else goes to the backend's
/// `cast` with PyO3's bookkeeping, under which the type it drops is released
/// at once rather than queued; entering that bookkeeping costs ~150
/// instructions a cast (callgrind), which the two casts here skip.
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
    if let Some(bytes) = crate::backend::cast_exact_number(ctype.get(), value) {
        return CData::new_value(py, ctype, bytes).map(Py::into_ptr);
    }
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
