//! `_LibFunction`: how a lib holds a C function so that `lib.f(...)` stays on
//! the interpreter's specialised paths.
//!
//! CPython 3.11 compiles `lib.f(x)` to `LOAD_METHOD`, which it specialises only
//! for modules and for *method descriptors found on the type*; a function in
//! the instance dict takes the generic path (~250 instructions against ~35).
//! So each lib's type holds, per function, this small object flagged as a
//! method descriptor: `lib.f(x)` then calls it with the lib first, and it calls
//! the function with the rest. `lib.f` alone (`LOAD_ATTR`) goes through its
//! C `tp_descr_get` and gives the function cdata itself. (API-mode libs hold
//! their builtins in slots instead: see `libobj.rs`.)

use std::ptr;
use std::sync::atomic::{AtomicPtr, Ordering};

use pyo3::ffi;
use pyo3::prelude::*;

use crate::cdata::CData;

/// The `Lib` type, set once at module creation: every lib is the single
/// instance of a direct subclass of it, so a call checks its first argument's
/// base with one comparison instead of asking PyO3 for the type and walking
/// the MRO (~40 instructions a call, callgrind).
static LIB_TYPE: AtomicPtr<ffi::PyTypeObject> = AtomicPtr::new(ptr::null_mut());

/// A C function as a member of a lib's type.
#[pyclass(frozen, module = "rcffi._backend", name = "_LibFunction")]
pub struct LibFunction {
    /// CPython's vectorcall entry; the type's `tp_vectorcall_offset` points here.
    vectorcall: Option<ffi::vectorcallfunc>,
    /// The function cdata: what `lib.f` gives and what calls run.
    cdata: Py<CData>,
}

impl LibFunction {
    pub fn new(cdata: Py<CData>) -> Self {
        LibFunction {
            vectorcall: Some(lib_function_vectorcall),
            cdata,
        }
    }

    /// Flags the type as an immutable method descriptor with a vectorcall
    /// entry. PyO3 has no switch for these, so the type is adjusted once, at module creation,
    /// before any instance exists.
    pub fn enable_method_calls(py: Python<'_>) -> PyResult<()> {
        let void = crate::backend::new_void_type(py);
        let probe = Py::new(
            py,
            LibFunction::new(CData::new_pointer(py, void, ptr::null_mut())?),
        )?;
        let offset = (&probe.get().vectorcall as *const _ as usize) - (probe.as_ptr() as usize);
        LIB_TYPE.store(
            py.get_type::<crate::libobj::Lib>().as_type_ptr(),
            Ordering::Relaxed,
        );
        let tp = py.get_type::<LibFunction>().as_type_ptr();
        // SAFETY: the type object is ours and fully created, no instance was
        // called yet, and the offset is inside every instance (measured above).
        unsafe { crate::pylayout::make_vectorcall_method_descriptor(tp, offset, lib_function_get) };
        Ok(())
    }
}

/// `lib.f`: the function itself, whatever the owner.
///
/// # Safety
/// Called by CPython with the GIL held and `member` a `LibFunction`.
unsafe extern "C" fn lib_function_get(
    member: *mut ffi::PyObject,
    _obj: *mut ffi::PyObject,
    _owner: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    let py = Python::assume_attached();
    let member = Borrowed::from_ptr(py, member).cast_unchecked::<LibFunction>();
    member.get().cdata.clone_ref(py).into_ptr()
}

/// `lib.f(args)` arrives as `member(lib, args)`: the lib is dropped. A direct
/// call of the member (only reachable through the type's `__dict__`) has no
/// lib in front, and passes all its arguments.
///
/// # Safety
/// Called by CPython with the GIL held, `callable` a `LibFunction`, `args`
/// holding `PyVectorcall_NARGS(nargsf)` borrowed references.
unsafe extern "C" fn lib_function_vectorcall(
    callable: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    nargsf: usize,
    kwnames: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    let py = Python::assume_attached();
    let mut n = ffi::PyVectorcall_NARGS(nargsf) as usize;
    let mut args = args;
    if n > 0 {
        let lib_type = LIB_TYPE.load(Ordering::Relaxed);
        let first = ffi::Py_TYPE(*args);
        if (*first).tp_base == lib_type || ffi::PyType_IsSubtype(first, lib_type) != 0 {
            args = args.add(1);
            n -= 1;
        }
    }
    let member = Borrowed::from_ptr(py, callable).cast_unchecked::<LibFunction>();
    let cdata = member.get().cdata.as_ptr();
    crate::call_entry::enter_vectorcall(cdata, args, n, kwnames)
}
