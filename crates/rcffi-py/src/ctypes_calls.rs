//! `_CtypesFuncBase`: the call path of rcffi.ctypes' function objects.
//!
//! The Python class (`CFuncPtr._b_call_`) converts arguments with `argtypes`,
//! `from_param` and `_as_parameter_`, applies `restype`, `errcheck` and
//! `paramflags`, and builds the backend function cdata for the signature. When
//! a call needed none of that beyond plain simple types (ints and floats in,
//! an int, float, char or nothing out), it records here which arguments the
//! signature takes; later calls whose arguments are exact ints within the C
//! type's range, or floats, go straight to the backend's prepared call, with
//! the caller's argument objects: the result is what the slow path would give.
//! Anything else, a changed pointer value included, takes the Python path.

use pyo3::ffi;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple, PyType};

use crate::call::call_cdata;
use crate::cdata::CData;
use crate::ctypes_args::CtypesArg;
use crate::ctypes_fast_call::{ArgCheck, FastCall};
use crate::ctypes_instance::CtypesBufferBase;
use crate::ctypes_scalar::Scalar;
use crate::messages::Msg;
use crate::pylayout::exact_int;
use rcffi_core::scalar::{Machine, Rules};

/// Arguments the fast path takes at most (the slow path has no limit).
const MAX_FAST_ARGS: usize = 16;

/// How an accepted argument travels: as the caller's object, or as a new one.
enum Passed<'py> {
    Same,
    Address(Bound<'py, PyAny>),
}

impl ArgCheck {
    /// From what `_fast_codes` gives: a type code, or `(pointer type, item
    /// type, byref type)`.
    fn from_spec(spec: &Bound<'_, PyAny>) -> PyResult<ArgCheck> {
        if let Ok((pointer, item, byref)) =
            spec.extract::<(Bound<'_, PyType>, Bound<'_, PyType>, Bound<'_, PyType>)>()
        {
            if !pointer.is_subclass_of::<CtypesBufferBase>()?
                || !item.is_subclass_of::<CtypesBufferBase>()?
                || !byref.is_subclass_of::<CtypesArg>()?
            {
                return Err(Msg::PointerArgNotCtypes.to_err());
            }
            return Ok(ArgCheck::Pointer {
                pointer: pointer.unbind(),
                item: item.unbind(),
                byref: byref.unbind(),
            });
        }
        ArgCheck::from_code(&spec.extract::<String>()?)
    }

    fn from_code(code: &str) -> PyResult<ArgCheck> {
        Ok(match Scalar::from_code(code) {
            Some(Scalar(m)) if m.is_integer() => {
                let (lo, hi) = Rules::ARGUMENT.word_bounds(m);
                ArgCheck::Int { lo, hi }
            }
            Some(Scalar(Machine::F32 | Machine::F64)) => ArgCheck::Float,
            Some(Scalar(Machine::Pointer)) => ArgCheck::VoidP,
            None if code == "z" => ArgCheck::CharP,
            _ => return Err(Msg::NoFastArgument { code }.to_err()),
        })
    }

    /// How `arg` travels, or None when it needs the Python path.
    fn pass<'py>(&self, arg: &Bound<'py, PyAny>) -> PyResult<Option<Passed<'py>>> {
        let accepted = match self {
            ArgCheck::Int { lo, hi } => exact_int(arg).is_some_and(|v| *lo <= v && v <= *hi),
            // An int beyond 64 bits is the Python path's (an ArgumentError).
            // SAFETY: a type check of a live object.
            ArgCheck::Float => {
                let float = unsafe { ffi::PyFloat_CheckExact(arg.as_ptr()) != 0 };
                float || exact_int(arg).is_some()
            }
            ArgCheck::Pointer {
                pointer,
                item,
                byref,
            } => return pointer_arg(arg, pointer, item, byref),
            ArgCheck::CharP | ArgCheck::VoidP => {
                if let Some(address) = string_address(arg) {
                    return Ok(Some(Passed::Address(
                        address.into_pyobject(arg.py())?.into_any(),
                    )));
                }
                matches!(self, ArgCheck::VoidP) && exact_int(arg).is_some_and(|v| v >= 0)
            }
        };
        Ok(accepted.then_some(Passed::Same))
    }
}

/// The address bytes or None pass as a string argument.
fn string_address(arg: &Bound<'_, PyAny>) -> Option<usize> {
    if arg.is_none() {
        return Some(0);
    }
    // SAFETY: the bytes object is alive (the argument tuple holds it) for the
    // call, and C receives the address of its contents, as with ctypes.
    unsafe {
        (ffi::PyBytes_CheckExact(arg.as_ptr()) != 0)
            .then(|| ffi::PyBytes_AsString(arg.as_ptr()) as usize)
    }
}

/// The address a pointer argument passes, as ctypes computes it (see
/// `ArgCheck::Pointer`).
fn pointer_arg<'py>(
    arg: &Bound<'py, PyAny>,
    pointer: &Py<PyType>,
    item: &Py<PyType>,
    byref: &Py<PyType>,
) -> PyResult<Option<Passed<'py>>> {
    let py = arg.py();
    let is = |obj: &Bound<'_, PyAny>, ty: &Py<PyType>| {
        // SAFETY: reading the type of a live object.
        unsafe { ffi::Py_TYPE(obj.as_ptr()) == ty.as_ptr().cast() }
    };
    // SAFETY (both casts): the types were checked to derive from
    // _CtypesBufferBase when the signature was recorded.
    let address = if is(arg, pointer) {
        let at = unsafe { arg.cast_unchecked::<CtypesBufferBase>() }
            .get()
            .state
            .addr();
        // SAFETY: a pointer instance's memory holds the pointer.
        unsafe { (at as *const usize).read_unaligned() }
    } else if is(arg, item) {
        unsafe { arg.cast_unchecked::<CtypesBufferBase>() }
            .get()
            .state
            .addr()
    } else if is(arg, byref) {
        // SAFETY: `byref` was checked to be CArgObject or a subclass.
        let arg = unsafe { arg.cast_unchecked::<CtypesArg>() }.get();
        let Some(target) = arg.byref_target(py) else {
            return Ok(None);
        };
        if !is(target, item) {
            return Ok(None);
        }
        let at = unsafe { target.cast_unchecked::<CtypesBufferBase>() }
            .get()
            .state
            .addr();
        at.wrapping_add_signed(arg.offset)
    } else {
        return Ok(None);
    };
    Ok(Some(Passed::Address(address.into_pyobject(py)?.into_any())))
}

/// Adds no state (the recorded call is in the instance's): Python's function
/// class derives from it and from `CData`, both laid out as `_CtypesBufferBase`.
#[pyclass(subclass, extends = CtypesBufferBase, module = "rcffi._backend", name = "_CtypesFuncBase")]
pub struct CtypesFuncBase;

#[pymethods]
impl CtypesFuncBase {
    /// What `_CtypesBufferBase.__new__` makes, for the classes deriving from here.
    #[new]
    #[classmethod]
    #[pyo3(signature = (*args, **_kwargs))]
    fn new(
        cls: &Bound<'_, PyType>,
        args: &Bound<'_, PyTuple>,
        _kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<(Self, CtypesBufferBase)> {
        Ok((CtypesFuncBase, CtypesBufferBase::for_class(cls, args)?))
    }

    #[pyo3(signature = (*args, **kwargs))]
    fn __call__(
        slf: &Bound<'_, Self>,
        args: &Bound<'_, PyTuple>,
        kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Py<PyAny>> {
        if kwargs.is_none_or(|k| k.is_empty()) {
            if let Some(result) = fast_call(slf, args)? {
                return Ok(result);
            }
        }
        Ok(slf
            .call_method(intern!(slf.py(), "_b_call_"), args, kwargs)?
            .unbind())
    }

    /// Records (or with None forgets) the signature the fast path may take:
    /// `function` the backend function cdata, `codes` what `ArgCheck::from_spec`
    /// takes, one per argument.
    #[pyo3(name = "_b_set_fast_call_")]
    fn set_fast_call(
        slf: &Bound<'_, Self>,
        function: Option<Bound<'_, CData>>,
        codes: Vec<Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let state = &slf.as_super().get().state;
        let call = match function {
            Some(function) if codes.len() <= MAX_FAST_ARGS => {
                let args = codes
                    .iter()
                    .map(ArgCheck::from_spec)
                    .collect::<PyResult<Vec<_>>>()?;
                // SAFETY: a function object's memory holds its pointer.
                let address = unsafe { (state.addr() as *const usize).read_unaligned() };
                Some(FastCall {
                    function: function.unbind(),
                    address,
                    args,
                })
            }
            _ => None,
        };
        state.set_call(call);
        Ok(())
    }
}

/// The call through the recorded signature when `args` fit it and the object
/// still points where it did; None for the Python path.
fn fast_call(
    slf: &Bound<'_, CtypesFuncBase>,
    args: &Bound<'_, PyTuple>,
) -> PyResult<Option<Py<PyAny>>> {
    let state = &slf.as_super().get().state;
    let Some(fast) = state.call() else {
        return Ok(None);
    };
    if args.len() != fast.args.len() {
        return Ok(None);
    }
    // SAFETY: a function object's memory holds its pointer.
    if unsafe { (state.addr() as *const usize).read_unaligned() } != fast.address {
        return Ok(None);
    }
    // The caller's objects are borrowed from the tuple, which holds them for
    // the call; addresses made here are held by `made`.
    let mut ptrs = [std::ptr::null_mut(); MAX_FAST_ARGS];
    let mut made: [Option<Bound<'_, PyAny>>; MAX_FAST_ARGS] = Default::default();
    for (i, (check, arg)) in fast.args.iter().zip(args.iter()).enumerate() {
        match check.pass(&arg)? {
            None => return Ok(None),
            Some(Passed::Same) => ptrs[i] = arg.as_ptr(),
            Some(Passed::Address(address)) => {
                ptrs[i] = address.as_ptr();
                made[i] = Some(address);
            }
        }
    }
    call_cdata(fast.function.bind(slf.py()), &ptrs[..args.len()]).map(Some)
}
