//! Callbacks of `rcffi.ctypes` (`CFUNCTYPE(...)(func)`) run by the backend's
//! handler, with ctypes' rules where they differ from cffi's: a NULL
//! `c_void_p` argument reaches Python as None, an int result is stored
//! truncated to the result's width (as a C assignment does, where cffi raises
//! OverflowError), other results go through the Python side's conversion, and
//! exceptions are reported with ctypes' words. Signatures whose arguments need
//! Python-level conversion (pointers to types, structures) keep the Python
//! trampoline; these cover the plain ones without any Python frame between C
//! and the user's function.

use pyo3::prelude::*;
use pyo3::{PyTraverseError, PyVisit};
use rcffi_core::ctype::{Kind, PrimClass};

use crate::callback::{self, is_widened, write_result, write_unraisable_message, Target};
use crate::cdata::CData;
use crate::convert_scalar::ctypes_int_bits;
use crate::types::CType;
use rcffi_core::scalar::register_int;

/// What a ctypes callback does differently, fixed when it is made.
pub(crate) struct CtypesRules {
    /// Per argument: a zero address (a `c_void_p` passed as an integer) is None.
    none_if_zero: Vec<bool>,
    /// Turns a result that is not a plain int of an integer result type into
    /// the value C gets; it reports its own failures and then returns the
    /// error value.
    convert_result: Py<PyAny>,
}

impl CtypesRules {
    pub(crate) fn traverse(&self, visit: &PyVisit<'_>) -> Result<(), PyTraverseError> {
        visit.call(&self.convert_result)
    }

    /// Whether argument `i`, passed at `p`, reaches Python as None.
    pub(crate) unsafe fn is_none(&self, i: usize, p: *const u8) -> bool {
        self.none_if_zero.get(i).copied().unwrap_or(false)
            && std::ptr::read_unaligned(p as *const usize) == 0
    }

    /// Writes what the Python function returned as the result C gets.
    pub(crate) unsafe fn deliver(
        &self,
        py: Python<'_>,
        result: &CType,
        ret: *mut u8,
        value: &Bound<'_, PyAny>,
        widened: bool,
    ) -> PyResult<()> {
        if result.kind == Kind::Void {
            // ctypes ignores what a callback without a result type returns.
            return Ok(());
        }
        if let Some(prim) = result
            .prim
            .filter(|p| matches!(p.class(), PrimClass::Signed | PrimClass::Unsigned))
        {
            if let Some(bits) = ctypes_int_bits(value) {
                let size = prim.size();
                // The low bytes, sign- or zero-extended as C reads them back.
                let value =
                    register_int(bits, size as u8, prim.is_signed()).map_or(bits, |v| v as u64);
                if widened && is_widened(result) {
                    std::ptr::write_unaligned(ret as *mut u64, value);
                } else {
                    std::ptr::copy_nonoverlapping(value.to_ne_bytes().as_ptr(), ret, size);
                }
                return Ok(());
            }
        }
        let converted = self.convert_result.bind(py).call1((value,))?;
        write_result(py, result, ret, &converted, widened)
    }
}

/// Reports an exception of a ctypes callback as CPython's ctypes words it,
/// with the Python function as the hook's object.
pub(crate) fn report(py: Python<'_>, err: PyErr, callable: &Bound<'_, PyAny>, converting: bool) {
    let message = if converting {
        c"on converting result of ctypes callback function"
    } else {
        c"on calling ctypes callback function"
    };
    err.restore(py);
    // SAFETY: an exception is set (just restored) and the GIL is held.
    unsafe { write_unraisable_message(message.as_ptr(), callable.as_ptr()) }
}

/// `_ctypes_callback(ctype, func, none_if_zero, convert_result, error)`: the
/// callback cdata of a ctypes function pointer made from `func`.
#[pyfunction]
#[pyo3(signature = (ctype, func, none_if_zero, convert_result, error=None))]
pub fn _ctypes_callback(
    py: Python<'_>,
    ctype: Py<CType>,
    func: Py<PyAny>,
    none_if_zero: Vec<bool>,
    convert_result: Py<PyAny>,
    error: Option<&Bound<'_, PyAny>>,
) -> PyResult<Py<CData>> {
    let target = Target::new(py, &ctype, func, error, None)?.with_ctypes_rules(CtypesRules {
        none_if_zero,
        convert_result,
    });
    callback::make(py, ctype, target)
}
