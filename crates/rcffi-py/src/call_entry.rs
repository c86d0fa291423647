//! How the interpreter enters a C call: the vectorcall entry of function
//! cdata, the builtins of API-mode libs, and the shortest way into C.
//!
//! The shortest way: a function cdata whose arguments are integers and
//! pointers and whose result is an integer (or void), called with exact ints
//! in range, cdata of the parameters' own types and, for `char *`-like
//! parameters, exact bytes. Nothing on that path can fail before C runs, so it
//! needs no `PyResult` to move around, no unwinding frame and no temporaries;
//! any other call (a conversion, a wrong count) is left untouched for the
//! general path, which redoes it with every check and message. Measured with
//! `benches/callgrind.py add strlen`: the general path spent about 60
//! instructions a call on results and frames that this one does not build, and
//! ~150 on a `char *` argument.

use pyo3::ffi;
use pyo3::prelude::*;
use rcffi_core::ctype::Kind;
use rcffi_core::TypeId;

use crate::call::{call_cdata, call_integer_registers, call_registers, with_gil, without_gil};
use crate::call_plan::{Class, FastArg, FunctionPlan};
use crate::cdata::CData;
use crate::convert_scalar::word_within;
use crate::errno::around_c_call;
use crate::messages::Msg;
use crate::pylayout::int_object;

/// The vectorcall entry point of function cdata.
///
/// # Safety
/// Called by CPython with the GIL held, `callable` a `CData`, `args` holding
/// `PyVectorcall_NARGS(nargsf)` borrowed references.
pub unsafe extern "C" fn vectorcall(
    callable: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    nargsf: usize,
    kwnames: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    enter_vectorcall(
        callable,
        args,
        ffi::PyVectorcall_NARGS(nargsf) as usize,
        kwnames,
    )
}

/// The body of [`vectorcall`], inlined into it and into the lib's method
/// descriptors (`libfunc.rs`), which would otherwise pay a second call.
///
/// # Safety
/// As [`vectorcall`], with `n` the argument count.
#[inline(always)]
pub(crate) unsafe fn enter_vectorcall(
    callable: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    n: usize,
    kwnames: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    let py = Python::assume_attached();
    if !kwnames.is_null() && ffi::PyTuple_GET_SIZE(kwnames) > 0 {
        Msg::NoKeywordArguments.to_err().restore(py);
        return std::ptr::null_mut();
    }
    enter_from_interpreter(py, callable, args, n)
}

/// What both entry points do: call the function cdata with the borrowed
/// argument array, turn errors into the interpreter's error indicator, and keep
/// a Rust panic from unwinding into C.
///
/// # Safety
/// `callable` must be a function `CData` and `args` hold `n` borrowed references.
#[inline(always)]
unsafe fn enter_from_interpreter(
    py: Python<'_>,
    callable: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    n: usize,
) -> *mut ffi::PyObject {
    let this = Borrowed::from_ptr(py, callable).cast_unchecked::<CData>();
    let slice = if n == 0 {
        &[][..]
    } else {
        std::slice::from_raw_parts(args, n)
    };
    if let Some(r) = try_call(this.get(), slice) {
        return r;
    }
    enter_general(py, callable, args, n)
}

/// [`enter_from_interpreter`] for every call [`try_call`] does not take.
///
/// # Safety
/// As [`enter_from_interpreter`].
#[inline(never)]
unsafe fn enter_general(
    py: Python<'_>,
    callable: *mut ffi::PyObject,
    args: *const *mut ffi::PyObject,
    n: usize,
) -> *mut ffi::PyObject {
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let args = if n == 0 {
            &[][..]
        } else {
            std::slice::from_raw_parts(args, n)
        };
        let slf = Borrowed::from_ptr(py, callable).cast_unchecked::<CData>();
        call_cdata(&slf, args)
    }));
    match outcome {
        Ok(Ok(obj)) => obj.into_ptr(),
        Ok(Err(err)) => {
            err.restore(py);
            std::ptr::null_mut()
        }
        Err(_) => {
            Msg::PanicInCall.to_err().restore(py);
            std::ptr::null_mut()
        }
    }
}

/// The C function behind the builtin functions of API-mode libs: `slf` is the
/// function cdata.
unsafe extern "C" fn builtin_call(
    slf: *mut ffi::PyObject,
    args: *mut *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
) -> *mut ffi::PyObject {
    let py = Python::assume_attached();
    enter_from_interpreter(py, slf, args, nargs as usize)
}

/// A builtin function calling the function cdata `func`: what API-mode libs
/// expose, as cffi's do. The interpreter calls builtins through its most direct
/// path, and `help()` shows `doc` (the C declaration).
pub fn builtin_function(
    py: Python<'_>,
    func: Py<CData>,
    name: &str,
    doc: &str,
    module: &str,
) -> PyResult<Py<PyAny>> {
    let c = |s: &str| std::ffi::CString::new(s.replace('\0', "")).expect("NUL removed");
    // The method definition must outlive the function object: it is leaked, once
    // per function of a loaded module, like a static table in a C extension.
    let def = Box::leak(Box::new(ffi::PyMethodDef {
        ml_name: c(name).into_raw(),
        ml_meth: ffi::PyMethodDefPointer {
            PyCFunctionFast: builtin_call,
        },
        ml_flags: ffi::METH_FASTCALL,
        ml_doc: c(doc).into_raw(),
    }));
    let module = pyo3::types::PyString::new(py, module);
    // SAFETY: `def` is valid forever; `func` and `module` are live references.
    unsafe {
        let f = ffi::PyCFunction_NewEx(def, func.as_ptr(), module.as_ptr());
        Bound::from_owned_ptr_or_err(py, f).map(Bound::unbind)
    }
}

/// Calls `this` with `args` if the call qualifies; `None` (before anything ran)
/// if it does not. The pointer returned is the result, or NULL with the error
/// set when the result object could not be made.
///
/// # Safety
/// The GIL is held and `args` are live borrowed references.
#[inline(always)]
pub(crate) unsafe fn try_call(
    this: &CData,
    args: &[*mut ffi::PyObject],
) -> Option<*mut ffi::PyObject> {
    let ct = this.ct();
    if ct.kind != Kind::Function {
        return None;
    }
    let func = this.address();
    let plan = ct.call_plan.get()?;
    if !plan.plain_registers || func.is_null() || args.len() != plan.fast_args.len() {
        return None;
    }
    let func = func as *const std::os::raw::c_void;
    if plan.float_registers {
        return try_call_with_floats(plan, func, args);
    }
    let mut ints = [0i64; 8];
    for ((slot, &obj), &fast) in ints.iter_mut().zip(args).zip(&plan.fast_args) {
        *slot = match fast {
            FastArg::Int(lo, hi) => word_within(obj, (lo, hi))?,
            FastArg::Pointer { id, bytes } => pointer_as_is(obj, id, bytes)?,
            FastArg::Double | FastArg::Other => return None,
        };
    }
    let saved = without_gil(plan.keeps_gil);
    let raw = around_c_call(|| call_integer_registers(func, &ints));
    with_gil(saved);
    Some(result(plan, raw))
}

/// [`try_call`] for signatures with floating arguments or result, kept apart
/// so that the integer-only loop stays as short as it is.
///
/// # Safety
/// As [`try_call`], with `func` the function's address.
#[inline(never)]
unsafe fn try_call_with_floats(
    plan: &FunctionPlan,
    func: *const std::os::raw::c_void,
    args: &[*mut ffi::PyObject],
) -> Option<*mut ffi::PyObject> {
    let mut ints = [0i64; 8];
    let mut floats = [0f64; 8];
    let (mut ni, mut nf) = (0, 0);
    for (&obj, &fast) in args.iter().zip(&plan.fast_args) {
        match fast {
            FastArg::Int(lo, hi) => {
                *ints.get_mut(ni)? = word_within(obj, (lo, hi))?;
                ni += 1;
            }
            FastArg::Pointer { id, bytes } => {
                *ints.get_mut(ni)? = pointer_as_is(obj, id, bytes)?;
                ni += 1;
            }
            FastArg::Double => {
                if ffi::PyFloat_CheckExact(obj) == 0 {
                    return None;
                }
                *floats.get_mut(nf)? = ffi::PyFloat_AS_DOUBLE(obj);
                nf += 1;
            }
            FastArg::Other => return None,
        }
    }
    let float_result = plan.int_result.is_none() && !plan.returns_void;
    let saved = without_gil(plan.keeps_gil);
    let raw = around_c_call(|| call_registers(func, &ints, &floats, float_result));
    with_gil(saved);
    Some(result(plan, raw))
}

/// The address a pointer argument passes, when it needs no conversion: exact
/// bytes for a `char *`-like parameter, or a live cdata of the parameter's
/// own type; `None` for anything else.
///
/// # Safety
/// The GIL is held and `obj` is a live borrowed reference.
#[inline(always)]
unsafe fn pointer_as_is(obj: *mut ffi::PyObject, id: TypeId, bytes: bool) -> Option<i64> {
    let py = Python::assume_attached();
    let obj = Borrowed::from_ptr(py, obj);
    if bytes {
        if let Some(bytes) = crate::pylayout::exact_bytes(&obj) {
            return Some(bytes.as_ptr() as i64);
        }
    }
    let cdata = obj.cast::<CData>().ok()?;
    let c = cdata.get();
    (c.ct().id == id && c.alive_on_its_own()).then(|| c.address() as i64)
}

/// The result register as a new reference (NULL with an error set if the
/// object could not be allocated).
#[inline(always)]
unsafe fn result(plan: &FunctionPlan, raw: u64) -> *mut ffi::PyObject {
    if plan.returns_void {
        let none = ffi::Py_None();
        ffi::Py_INCREF(none);
        return none;
    }
    if let Some((size, signed)) = plan.int_result {
        return match rcffi_core::scalar::register_int(raw, size, signed) {
            Some(v) => int_object(v),
            None => ffi::PyLong_FromUnsignedLongLong(raw),
        };
    }
    let value = match plan.result_class {
        Class::F32 => f64::from(f32::from_bits(raw as u32)),
        _ => f64::from_bits(raw),
    };
    ffi::PyFloat_FromDouble(value)
}
