//! `callback()`: Python callables as C function pointers.
//!
//! The C side is a core [`Callback`]; its handler takes the GIL (creating a thread
//! state when C calls from a thread Python never saw), converts the arguments as
//! reads, calls the Python function and converts its result as a write. An
//! exception is reported through `sys.unraisablehook` (after `onerror`, which may
//! supply the result) and the `error` value is returned to C.

use std::os::raw::c_void;
use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyTuple;
use pyo3::{PyClassInitializer, PyTraverseError, PyVisit};
use rcffi_core::callback::Callback;
use rcffi_core::ctype::{Kind, PrimClass};

use crate::cdata::{CData, Flavor, Owner};
use crate::cdata_layout::Tail;
use crate::convert;
use crate::ctypes_callback::CtypesRules;
use crate::errors::to_pyerr;
use crate::messages::Msg;
use crate::types::{ctype_for, table, CType};

/// A callback's cdata: it owns the C code, and the handler's objects (the
/// Python function, `onerror`), which the garbage collector sees through it,
/// so that a function referring to its own callback is collected.
#[pyclass(frozen, extends = CData, module = "_cffi_backend", name = "__CDataOwnGC")]
#[repr(C)]
pub struct CallbackCData {
    /// First, where every cdata but the bare ones has its tail (`cdata_layout.rs`).
    _tail: Tail,
    _callback: Callback,
    target: Arc<Target>,
}

#[pymethods]
impl CallbackCData {
    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        visit.call(&self.target.callable)?;
        if let Some(onerror) = &self.target.onerror {
            visit.call(onerror)?;
        }
        if let Some(rules) = &self.target.ctypes {
            rules.traverse(&visit)?;
        }
        Ok(())
    }
}

/// The Python callable behind a callback cdata, for `repr`.
pub fn callable_of<'py>(cdata: &Bound<'py, CData>) -> Option<Bound<'py, PyAny>> {
    cdata
        .cast::<CallbackCData>()
        .ok()
        .map(|c| c.get().target.callable.bind(cdata.py()).clone())
}

/// What the handler needs, fixed when the callback is made.
pub(crate) struct Target {
    callable: Py<PyAny>,
    args: Vec<Py<CType>>,
    result: Py<CType>,
    /// The result returned when the Python function raises.
    error_value: [u8; 16],
    onerror: Option<Py<PyAny>>,
    /// Set for the callbacks of `rcffi.ctypes`, which follow ctypes' rules.
    ctypes: Option<CtypesRules>,
}

impl Target {
    /// What calling `python_callable` for a C function of type `ctype` needs;
    /// `error` is what C gets when it raises (and `onerror` does not help).
    pub(crate) fn new(
        py: Python<'_>,
        ctype: &Py<CType>,
        python_callable: Py<PyAny>,
        error: Option<&Bound<'_, PyAny>>,
        onerror: Option<Py<PyAny>>,
    ) -> PyResult<Target> {
        let ct = ctype.get();
        if ct.kind != Kind::Function {
            return Err(Msg::NotFunctionType { ctype: &ct.cname }.to_err());
        }
        if !python_callable.bind(py).is_callable() {
            return Err(Msg::NotCallable.to_err());
        }
        if let Some(h) = &onerror {
            if !h.bind(py).is_callable() {
                return Err(Msg::OnerrorNotCallable.to_err());
            }
        }
        let sig = table().func(ct.id).cloned().expect("function type");
        let result = ctype_for(py, sig.result);
        let rct = result.get();
        if rct.size().is_some_and(|s| s > 16) || (rct.is_record() && rct.size().is_none()) {
            // Struct results travel through the result buffer libffi hands us; only
            // the error value has to fit our fixed buffer.
            if error.is_some_and(|e| !e.is_none()) {
                return Err(Msg::ErrorForLargeResult.to_err());
            }
        }
        let mut error_value = [0u8; 16];
        if let Some(e) = error.filter(|e| !e.is_none()) {
            if rct.kind == Kind::Void {
                return Err(Msg::ErrorForVoidResult.to_err());
            }
            unsafe { write_result(py, rct, error_value.as_mut_ptr(), e, true)? };
        }
        Ok(Target {
            callable: python_callable,
            args: sig.args.iter().map(|a| ctype_for(py, *a)).collect(),
            result,
            error_value,
            onerror,
            ctypes: None,
        })
    }

    /// The same target following ctypes' rules for arguments, results and
    /// reports.
    pub(crate) fn with_ctypes_rules(self, rules: CtypesRules) -> Target {
        Target {
            ctypes: Some(rules),
            ..self
        }
    }

    /// Argument `i`, which C passed at `p`, as the Python function sees it.
    unsafe fn read(&self, py: Python<'_>, i: usize, p: *mut u8) -> PyResult<Py<PyAny>> {
        match &self.ctypes {
            Some(rules) if rules.is_none(i, p) => Ok(py.None()),
            _ => read_arg(py, &self.args[i], p),
        }
    }

    /// The types of the arguments C passes.
    pub(crate) fn arg_types(&self) -> &[Py<CType>] {
        &self.args
    }
}

/// `callback(ctype, python_callable, error=None, onerror=None)`.
#[pyfunction]
#[pyo3(signature = (ctype, python_callable, error=None, onerror=None))]
pub fn callback(
    py: Python<'_>,
    ctype: Py<CType>,
    python_callable: Py<PyAny>,
    error: Option<&Bound<'_, PyAny>>,
    onerror: Option<Py<PyAny>>,
) -> PyResult<Py<CData>> {
    let target = Target::new(py, &ctype, python_callable, error, onerror)?;
    make(py, ctype, target)
}

/// The callback cdata calling `target` for a C function of type `ctype`.
pub(crate) fn make(py: Python<'_>, ctype: Py<CType>, target: Target) -> PyResult<Py<CData>> {
    let target = Arc::new(target);
    let ct = ctype.get();
    let handler = Arc::clone(&target);
    let cb = Callback::new(
        &table(),
        ct.id,
        Box::new(move |args, ret| run(&handler, args, ret)),
    )
    .map_err(to_pyerr)?;
    let code = cb.code_ptr() as *mut u8;
    let (base, tail) =
        CData::with_parts(ctype, code, 0, Owner::None, Flavor::Plain).into_subclass_parts();
    let init = PyClassInitializer::from(base).add_subclass(CallbackCData {
        _tail: tail,
        _callback: cb,
        target,
    });
    let made = Bound::new(py, init)?;
    debug_assert!(crate::cdata_layout::tail_is_first_field(
        made.as_super().get(),
        &made.get()._tail
    ));
    Ok(made.into_super().unbind())
}

/// The handler body: runs with the GIL, never unwinds into C.
///
/// The GIL is taken with `PyGILState_Ensure` first, because only CPython knows
/// this thread's real state: the thread may hold the GIL (a destructor calling
/// C that calls back), may have released it around a C call without PyO3's
/// bookkeeping (the per-call fast path), or may be a C thread Python never saw.
/// PyO3's `attach` trusts its own counter, which is stale in the second case
/// and would run Python without a thread state; inside the ensured section its
/// `attach` is correct in all three.
fn run(target: &Target, args: &[*mut c_void], ret: *mut c_void) {
    // Read before taking the GIL, written back after releasing it: both may
    // make system calls that change errno.
    crate::errno::errno_from_c();
    // SAFETY: the interpreter is initialized (this callback was made by it);
    // paired with the release below on the same thread.
    let gil = unsafe { pyo3::ffi::PyGILState_Ensure() };
    Python::attach(|py| deliver(py, target, args, ret as *mut u8, true));
    unsafe { pyo3::ffi::PyGILState_Release(gil) };
    crate::errno::errno_to_c();
}

/// Calls the Python function with the arguments at `args` and writes its
/// result at `ret` (integers narrower than a word `widened`, as libffi's
/// closures return them); an exception goes to `onerror` or
/// `sys.unraisablehook`, and C gets the error value.
pub(crate) fn deliver(
    py: Python<'_>,
    target: &Target,
    args: &[*mut c_void],
    ret: *mut u8,
    widened: bool,
) {
    {
        let mut converting = false;
        let outcome = call_python(py, target, args).and_then(|value| {
            converting = true;
            let result = target.result.get();
            match &target.ctypes {
                Some(rules) => unsafe { rules.deliver(py, result, ret, value.bind(py), widened) },
                None => unsafe { write_result(py, result, ret, value.bind(py), widened) },
            }
        });
        if let Err(err) = outcome {
            let rescued = target
                .onerror
                .as_ref()
                .and_then(|h| on_error(py, target, h, err.clone_ref(py), ret, widened));
            if rescued.is_none() {
                if target.ctypes.is_some() {
                    crate::ctypes_callback::report(py, err, target.callable.bind(py), converting);
                } else if target.onerror.is_none() {
                    report_unraisable(py, err, target.callable.bind(py), converting);
                }
                let size = if widened {
                    result_bytes(target.result.get())
                } else {
                    target.result.get().size().unwrap_or(0).min(16)
                };
                unsafe { std::ptr::copy_nonoverlapping(target.error_value.as_ptr(), ret, size) };
            }
        }
    }
}

/// Reports `err` through `sys.unraisablehook` worded as cffi words it:
/// "Exception ignored from cffi callback <f>", and ", trying to convert the
/// result back to C" when the result was what failed.
fn report_unraisable(py: Python<'_>, err: PyErr, callable: &Bound<'_, PyAny>, converting: bool) {
    let repr = callable
        .repr()
        .map(|r| r.to_string())
        .unwrap_or_else(|_| "<callback>".to_string());
    let tail = if converting {
        ", trying to convert the result back to C"
    } else {
        ""
    };
    match std::ffi::CString::new(format!("from cffi callback {repr}{tail}")) {
        Ok(message) => {
            err.restore(py);
            // SAFETY: an exception is set (just restored) and the GIL is held.
            unsafe { write_unraisable_message(message.as_ptr(), std::ptr::null_mut()) }
        }
        Err(_) => err.write_unraisable(py, Some(callable)),
    }
}

/// `PyErr_WriteUnraisable` with a message instead of an object: the
/// function's name changed in 3.13.
/// `object`, when not NULL, is the hook's `object` (printed after the message).
#[cfg(not(Py_3_13))]
pub(crate) unsafe fn write_unraisable_message(
    message: *const std::os::raw::c_char,
    object: *mut pyo3::ffi::PyObject,
) {
    extern "C" {
        fn _PyErr_WriteUnraisableMsg(
            message: *const std::os::raw::c_char,
            object: *mut pyo3::ffi::PyObject,
        );
    }
    _PyErr_WriteUnraisableMsg(message, object);
}

#[cfg(Py_3_13)]
pub(crate) unsafe fn write_unraisable_message(
    message: *const std::os::raw::c_char,
    object: *mut pyo3::ffi::PyObject,
) {
    extern "C" {
        fn PyErr_FormatUnraisable(format: *const std::os::raw::c_char, ...);
    }
    if object.is_null() {
        PyErr_FormatUnraisable(c"Exception ignored %s".as_ptr(), message);
    } else {
        PyErr_FormatUnraisable(c"Exception ignored %s: %R".as_ptr(), message, object);
    }
}

/// Arguments up to this count are passed to Python from a stack array.
const STACK_ARGS: usize = 8;

fn call_python(py: Python<'_>, target: &Target, args: &[*mut c_void]) -> PyResult<Py<PyAny>> {
    if args.len() > STACK_ARGS {
        let mut values = Vec::with_capacity(args.len());
        for (i, p) in args.iter().enumerate() {
            values.push(unsafe { target.read(py, i, *p as *mut u8)? });
        }
        return Ok(target
            .callable
            .bind(py)
            .call1(PyTuple::new(py, values)?)?
            .unbind());
    }
    // The common case: a vectorcall with the arguments in a stack array, no tuple.
    let mut values: [Option<Py<PyAny>>; STACK_ARGS] = Default::default();
    for (i, (slot, p)) in values.iter_mut().zip(args).enumerate() {
        *slot = Some(unsafe { target.read(py, i, *p as *mut u8)? });
    }
    let mut raw = [std::ptr::null_mut::<pyo3::ffi::PyObject>(); STACK_ARGS];
    for (r, v) in raw.iter_mut().zip(&values) {
        if let Some(v) = v {
            *r = v.as_ptr();
        }
    }
    // SAFETY: `raw` holds `args.len()` live references owned by `values`.
    unsafe {
        let result = pyo3::ffi::PyObject_Vectorcall(
            target.callable.as_ptr(),
            raw.as_ptr(),
            args.len(),
            std::ptr::null_mut(),
        );
        Bound::from_owned_ptr_or_err(py, result).map(Bound::unbind)
    }
}

/// Calls `onerror(exc_type, exc_value, traceback)`; a non-None result becomes the
/// callback's result. Returns `Some` when it supplied the result.
fn on_error(
    py: Python<'_>,
    target: &Target,
    handler: &Py<PyAny>,
    err: PyErr,
    ret: *mut u8,
    widened: bool,
) -> Option<()> {
    let args = (err.get_type(py), err.value(py).clone(), err.traceback(py));
    match handler.bind(py).call1(args) {
        Ok(v) if v.is_none() => None,
        Ok(v) => match unsafe { write_result(py, target.result.get(), ret, &v, widened) } {
            Ok(()) => Some(()),
            Err(e) => {
                report_both(py, target, err, handler, e);
                None
            }
        },
        Err(e) => {
            report_both(py, target, err, handler, e);
            None
        }
    }
}

/// `onerror` failed: both the callback's exception and onerror's are reported,
/// in that order (a handler that returns normally silences the first one).
fn report_both(py: Python<'_>, target: &Target, err: PyErr, handler: &Py<PyAny>, e: PyErr) {
    report_unraisable(py, err, target.callable.bind(py), false);
    report_unraisable(py, e, handler.bind(py), false);
}

/// An argument as the Python function sees it. Structs are copied: the memory
/// libffi hands us is only valid during the call.
unsafe fn read_arg(py: Python<'_>, ct: &Py<CType>, p: *mut u8) -> PyResult<Py<PyAny>> {
    let c = ct.get();
    if c.is_record() {
        let size = c.size_or_err()?;
        let owned = CData::new_owned(py, ct.clone_ref(py), size, 0)?;
        std::ptr::copy_nonoverlapping(p, owned.get().address(), size);
        return Ok(owned.into_any());
    }
    convert::read(py, ct, p, None)
}

/// Whether a result is returned widened to a machine word (integers narrower
/// than 8 bytes, as libffi's closures return them).
pub(crate) fn is_widened(ct: &CType) -> bool {
    matches!(ct.kind, Kind::Primitive | Kind::Enum)
        && ct.prim.is_some_and(|p| {
            p.size() < 8
                && !matches!(
                    p.class(),
                    PrimClass::Float | PrimClass::Complex | PrimClass::LongDouble
                )
        })
}

/// How many bytes a result occupies in libffi's result buffer.
fn result_bytes(ct: &CType) -> usize {
    if is_widened(ct) {
        8
    } else {
        ct.size().unwrap_or(0).min(16)
    }
}

/// Writes a callback result; integers narrower than a word are `widened` as
/// libffi's closures return them.
pub(crate) unsafe fn write_result(
    py: Python<'_>,
    ct: &CType,
    ret: *mut u8,
    value: &Bound<'_, PyAny>,
    widened: bool,
) -> PyResult<()> {
    match ct.kind {
        Kind::Void => {
            if value.is_none() {
                Ok(())
            } else {
                Err(Msg::CallbackMustReturnNone { ctype: &ct.cname }.to_err())
            }
        }
        _ if widened && is_widened(ct) => {
            let prim = ct.prim.expect("primitive");
            let mut tmp = [0u8; 16];
            convert::write(py, ct, tmp.as_mut_ptr(), value)?;
            let v = rcffi_core::scalar::load_int(tmp.as_ptr(), prim.size(), prim.is_signed());
            std::ptr::write_unaligned(ret as *mut i64, v as i64);
            Ok(())
        }
        _ => convert::write(py, ct, ret, value),
    }
}
