//! Methods of the backend FFI entered straight from the interpreter.
//!
//! PyO3's method wrapper (its argument parser, the `self` check, its GIL
//! bookkeeping) costs about 220 instructions a call, more than the work of
//! `ffi.new("point_t *")` or `ffi.cast("int *", p)` itself
//! (`benches/callgrind.py "new point_t" cast`). So the commonest methods are
//! `METH_FASTCALL` methods of our own: the call with exactly the positional
//! arguments runs with no wrapper at all, and drops no `Py` (whose drop
//! outside PyO3's bookkeeping would only be queued); any other call takes
//! `Python::attach` and [`arguments`], which words its errors as PyO3 does.

use std::ffi::CStr;
use std::panic::{catch_unwind, AssertUnwindSafe};

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyString, PyTuple};

use crate::ffiobj::FfiObject;
use crate::messages::Msg;

/// The interpreter's signature of a `METH_FASTCALL | METH_KEYWORDS` method.
pub(crate) type FastEntry = unsafe extern "C" fn(
    *mut ffi::PyObject,
    *const *mut ffi::PyObject,
    ffi::Py_ssize_t,
    *mut ffi::PyObject,
) -> *mut ffi::PyObject;

/// Makes `name` of the backend FFI type the method `entry`, documented by
/// `doc` (which starts with the signature `inspect` reads). Called once, at
/// module creation, before any subclass of the type exists.
pub(crate) fn install(
    py: Python<'_>,
    name: &'static CStr,
    entry: FastEntry,
    doc: &'static CStr,
) -> PyResult<()> {
    let tp = py.get_type::<FfiObject>();
    // The interpreter keeps a pointer to the definition: it lives as long as
    // the process.
    let def = Box::leak(Box::new(ffi::PyMethodDef {
        ml_name: name.as_ptr(),
        ml_meth: ffi::PyMethodDefPointer {
            PyCFunctionFastWithKeywords: entry,
        },
        ml_flags: ffi::METH_FASTCALL | ffi::METH_KEYWORDS,
        ml_doc: doc.as_ptr(),
    }));
    // SAFETY: a type object and a definition that outlives it.
    let descr =
        unsafe { Bound::from_owned_ptr_or_err(py, ffi::PyDescr_NewMethod(tp.as_type_ptr(), def))? };
    tp.setattr(name.to_str().expect("ASCII name"), descr)
}

/// Defines the entry `$entry` of the method `$name` (documented by `$doc`,
/// which starts with the signature `inspect` reads) and `install`, which
/// makes it the backend FFI type's: `$fast` runs for a call of exactly
/// `$positional` arguments, `$general` for any other, both given `py` and the
/// entry's arguments (`slf`, `args`, `nargs`, `kwnames`) as the interpreter
/// passed them.
macro_rules! fast_method {
    ($name:literal, $doc:expr, $positional:literal,
     |$py:ident, $slf:ident, $args:ident, $nargs:ident, $kwnames:ident|
     fast: $fast:block general: $general:block) => {
        /// Makes the method the backend FFI type's.
        pub(crate) fn install(py: pyo3::Python<'_>) -> pyo3::PyResult<()> {
            let name = std::ffi::CStr::from_bytes_with_nul(concat!($name, "\0").as_bytes())
                .expect("a method name");
            $crate::fast_method::install(py, name, entry, $doc)
        }

        /// The method, entered by the interpreter with the GIL held and `slf`
        /// an instance of the backend FFI type (the method descriptor checks
        /// it): `args` holds `nargs` positional arguments, then one value per
        /// name of `kwnames`.
        unsafe extern "C" fn entry(
            $slf: *mut pyo3::ffi::PyObject,
            $args: *const *mut pyo3::ffi::PyObject,
            $nargs: pyo3::ffi::Py_ssize_t,
            $kwnames: *mut pyo3::ffi::PyObject,
        ) -> *mut pyo3::ffi::PyObject {
            $crate::fast_method::enter(
                concat!("ffi.", $name, "()"),
                $nargs,
                $kwnames,
                $positional,
                |$py| $fast,
                |$py| $general,
            )
        }
    };
}
pub(crate) use fast_method;

/// The body of an entry: `fast` when the call has exactly `positional`
/// arguments and no keywords, `general` otherwise; errors become the
/// interpreter's error indicator and a Rust panic a `RuntimeError` naming
/// `what`.
///
/// # Safety
/// Called from an entry the interpreter called with the GIL held.
#[inline(always)]
pub(crate) unsafe fn enter(
    what: &str,
    nargs: ffi::Py_ssize_t,
    kwnames: *mut ffi::PyObject,
    positional: ffi::Py_ssize_t,
    fast: impl FnOnce(Python<'_>) -> PyResult<*mut ffi::PyObject>,
    general: impl FnOnce(Python<'_>) -> PyResult<*mut ffi::PyObject>,
) -> *mut ffi::PyObject {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        if nargs == positional && kwnames.is_null() {
            let py = Python::assume_attached();
            fast(py).map_err(|e| e.restore(py))
        } else {
            Python::attach(|py| general(py).map_err(|e| e.restore(py)))
        }
    }));
    match outcome {
        Ok(Ok(obj)) => obj,
        Ok(Err(())) => std::ptr::null_mut(),
        Err(_) => {
            let py = Python::assume_attached();
            Msg::PanicInMethod { what: &what }.to_err().restore(py);
            std::ptr::null_mut()
        }
    }
}

/// The arguments of a call of `method` with the parameters `names`, of which
/// the first `required` have no default: `args` holds `nargs` positional
/// arguments, then one value per name of `kwnames`.
///
/// # Safety
/// As for the entry: `args` and `kwnames` as the interpreter passed them.
pub(crate) unsafe fn arguments<'py, const N: usize>(
    py: Python<'py>,
    method: &str,
    names: [&str; N],
    required: usize,
    args: *const *mut ffi::PyObject,
    nargs: ffi::Py_ssize_t,
    kwnames: *mut ffi::PyObject,
) -> PyResult<[Option<Borrowed<'py, 'py, PyAny>>; N]> {
    let n = nargs as usize;
    if n > N {
        let takes = if required == N {
            format!("{N}")
        } else {
            format!("from {required} to {N}")
        };
        return Err(Msg::TooManyPositional {
            method: &method,
            takes: &takes,
            n: &n,
        }
        .to_err());
    }
    let arg = |i: usize| Borrowed::from_ptr(py, *args.add(i));
    let mut given: [Option<Borrowed<'py, 'py, PyAny>>; N] =
        std::array::from_fn(|i| (i < n).then(|| arg(i)));
    if !kwnames.is_null() {
        let names_given = Borrowed::from_ptr(py, kwnames).cast_unchecked::<PyTuple>();
        for (i, name) in names_given.iter().enumerate() {
            let name = name.cast_into::<PyString>()?;
            let text = name.to_str()?;
            let slot = names.iter().position(|p| *p == text).ok_or_else(|| {
                Msg::UnexpectedKeyword {
                    method: &method,
                    name: &text,
                }
                .to_err()
            })?;
            if given[slot].is_some() {
                return Err(Msg::DuplicateArgument {
                    method: &method,
                    name: &names[slot],
                }
                .to_err());
            }
            given[slot] = Some(arg(n + i));
        }
    }
    let missing: Vec<String> = (0..required)
        .filter(|&i| given[i].is_none())
        .map(|i| format!("'{}'", names[i]))
        .collect();
    if !missing.is_empty() {
        let count = missing.len();
        let plural = if count == 1 { "" } else { "s" };
        let listed = match missing.split_last() {
            Some((last, [])) => last.clone(),
            Some((last, [first])) => format!("{first} and {last}"),
            Some((last, rest)) => format!("{}, and {last}", rest.join(", ")),
            None => String::new(),
        };
        return Err(Msg::MissingPositional {
            method: &method,
            count: &count,
            plural: &plural,
            listed: &listed,
        }
        .to_err());
    }
    Ok(given)
}

/// The backend FFI behind `slf`.
///
/// # Safety
/// `slf` an instance of the backend FFI type (the method descriptor checks
/// it), borrowed for `'py`.
#[inline(always)]
pub(crate) unsafe fn this<'py>(
    py: Python<'py>,
    slf: *mut ffi::PyObject,
) -> Borrowed<'py, 'py, FfiObject> {
    Borrowed::from_ptr(py, slf).cast_unchecked::<FfiObject>()
}
