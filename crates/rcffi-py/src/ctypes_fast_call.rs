//! What a ctypes function object records for its fast path: the checks its
//! arguments must pass and the backend function to call. Instances keep it
//! (`ctypes_instance.rs`); the call path that fills and uses it
//! (`ctypes_calls.rs`) is built on those instances, so the data sits below.

use pyo3::prelude::*;
use pyo3::types::PyType;
use pyo3::{PyTraverseError, PyVisit};

use crate::cdata::CData;

/// What one argument must be for the fast path.
pub(crate) enum ArgCheck {
    /// An exact int within `lo..=hi`, which the C type holds unchanged.
    Int { lo: i64, hi: i64 },
    /// An exact float, or an exact int of at most 64 bits.
    Float,
    /// `c_char_p`: bytes (the address of their contents, as ctypes passes
    /// them) or None (NULL).
    CharP,
    /// `c_void_p`: a non-negative int of at most 63 bits, bytes or None.
    VoidP,
    /// For a `POINTER(item)` argument: an instance of exactly `pointer`
    /// (its value), of exactly `item` (its address, as ctypes passes it), or
    /// `byref()` of one (a `byref` instance: its address plus the offset).
    Pointer {
        pointer: Py<PyType>,
        item: Py<PyType>,
        byref: Py<PyType>,
    },
}

/// A signature recorded by the Python path: the backend function and the
/// function address it was made for.
pub struct FastCall {
    pub(crate) function: Py<CData>,
    pub(crate) address: usize,
    pub(crate) args: Vec<ArgCheck>,
}

impl FastCall {
    pub fn traverse(&self, visit: &PyVisit<'_>) -> Result<(), PyTraverseError> {
        visit.call(&self.function)?;
        for check in &self.args {
            if let ArgCheck::Pointer {
                pointer,
                item,
                byref,
            } = check
            {
                visit.call(pointer)?;
                visit.call(item)?;
                visit.call(byref)?;
            }
        }
        Ok(())
    }
}
