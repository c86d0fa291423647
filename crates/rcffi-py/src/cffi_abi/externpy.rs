//! `extern "Python"` functions of cffi-compiled modules. The module's C code
//! defines each as a C function that stores its arguments in 8-byte slots of
//! a local array (structs and `long double` by address) and calls
//! `_cffi_call_python(&descriptor, slots)`, then returns what the slots' start
//! holds. `ffi.def_extern()` attaches a Python function by storing a handler
//! in the descriptor's first reserved field.

use std::os::raw::{c_char, c_void};

use pyo3::ffi;
use pyo3::prelude::*;
use rcffi_core::ctype::Prim;

use crate::callback::{deliver, Target};
use crate::messages::Msg;
use crate::types::CType;

/// cffi's `struct _cffi_externpy_s`.
#[repr(C)]
pub struct ExternPy {
    name: *const c_char,
    size_of_result: usize,
    handler: *mut c_void,
    reserved: *mut c_void,
}

/// One `extern "Python"` function of a compiled module: its descriptor in the
/// module and its type, for `ffi.def_extern()`.
#[pyclass(frozen, module = "rcffi._backend", name = "_ExternPython")]
pub struct ExternEntry {
    descriptor: usize,
    ctype: Py<CType>,
}

impl ExternEntry {
    pub fn new(descriptor: usize, ctype: Py<CType>) -> Self {
        ExternEntry { descriptor, ctype }
    }

    /// Makes the C function call `function` from now on.
    pub fn attach(
        &self,
        py: Python<'_>,
        function: Py<PyAny>,
        error: Option<&Bound<'_, PyAny>>,
        onerror: Option<Py<PyAny>>,
    ) -> PyResult<()> {
        let target = Target::new(py, &self.ctype, function, error, onerror)?;
        let handler = Py::new(py, Handler { target })?.into_ptr();
        // SAFETY: the descriptor is the module's static struct; it is only
        // read and written with the GIL held, which we hold.
        unsafe {
            let slot = &mut (*(self.descriptor as *mut ExternPy)).handler;
            let old = std::mem::replace(slot, handler as *mut c_void);
            if !old.is_null() {
                ffi::Py_DECREF(old as *mut ffi::PyObject);
            }
        }
        Ok(())
    }
}

/// What a descriptor's handler field points to.
#[pyclass(frozen, module = "rcffi._backend", name = "_ExternHandler")]
struct Handler {
    target: Target,
}

/// Arguments bigger than their slot travel by address.
fn by_address(ct: &CType) -> bool {
    ct.is_record() || ct.prim == Some(Prim::LongDouble)
}

/// `_cffi_call_python(descriptor, slots)`: calls the attached Python function
/// with the arguments in `slots` and writes its result at `slots`; with none
/// attached, says so on stderr and returns zero, as cffi does.
///
/// # Safety
/// Called by the module's C code (from any thread, with or without the GIL)
/// with its descriptor and a slot array matching the function's type.
pub unsafe extern "C" fn call_python(descriptor: *mut ExternPy, slots: *mut c_char) {
    crate::errno::errno_from_c();
    let gil = ffi::PyGILState_Ensure();
    Python::attach(|py| {
        let handler = (*descriptor).handler as *mut ffi::PyObject;
        if handler.is_null() {
            not_attached(py, descriptor);
            std::ptr::write_bytes(slots, 0, (*descriptor).size_of_result);
            return;
        }
        // A reference of our own: a def_extern() during the call may replace it.
        let handler = Bound::from_borrowed_ptr(py, handler).cast_into_unchecked::<Handler>();
        let target = &handler.get().target;
        let args: Vec<*mut c_void> = target
            .arg_types()
            .iter()
            .enumerate()
            .map(|(i, ct)| {
                let slot = slots.add(8 * i) as *mut c_void;
                if by_address(ct.get()) {
                    *(slot as *const *mut c_void)
                } else {
                    slot
                }
            })
            .collect();
        deliver(py, target, &args, slots as *mut u8, false);
    });
    ffi::PyGILState_Release(gil);
    crate::errno::errno_to_c();
}

/// The warning of a call with no Python function attached.
unsafe fn not_attached(py: Python<'_>, descriptor: *const ExternPy) {
    let name = std::ffi::CStr::from_ptr((*descriptor).name).to_string_lossy();
    let text = format!(
        "extern \"Python\": function {name}() called, but no code was attached to it yet \
         with @ffi.def_extern().  Returning 0.\n"
    );
    let written = py
        .import("sys")
        .and_then(|sys| sys.getattr("stderr"))
        .and_then(|err| err.call_method1("write", (text,)));
    if let Err(e) = written {
        e.write_unraisable(py, None);
    }
}

/// The decorator `ffi.def_extern(name, error, onerror)` returns, for the
/// `extern "Python"` functions `entries` (`{name: _ExternPython}`) of an ffi.
pub fn def_extern(
    py: Python<'_>,
    entries: Py<pyo3::types::PyDict>,
    name: Option<String>,
    error: Option<Py<PyAny>>,
    onerror: Option<Py<PyAny>>,
) -> PyResult<Py<PyAny>> {
    let decorate = move |args: &Bound<'_, pyo3::types::PyTuple>,
                         _kwargs: Option<&Bound<'_, pyo3::types::PyDict>>|
          -> PyResult<Py<PyAny>> {
        let py = args.py();
        let function = args.get_item(0)?;
        if !function.is_callable() {
            return Err(Msg::DefExternNotCallable {
                given: &function.get_type().name()?,
            }
            .to_err());
        }
        let key: String = match &name {
            Some(n) => n.clone(),
            None => function.getattr("__name__")?.extract()?,
        };
        let Some(entry) = entries.bind(py).get_item(&key)? else {
            return Err(Msg::DefExternNoSuchFunction { key: &key }.to_err());
        };
        let entry = entry.cast::<ExternEntry>()?;
        let error = error.as_ref().map(|e| e.bind(py));
        let onerror = onerror.as_ref().map(|h| h.clone_ref(py));
        entry
            .get()
            .attach(py, function.clone().unbind(), error, onerror)?;
        Ok(function.unbind())
    };
    Ok(
        pyo3::types::PyCFunction::new_closure(py, None, None, decorate)?
            .into_any()
            .unbind(),
    )
}
