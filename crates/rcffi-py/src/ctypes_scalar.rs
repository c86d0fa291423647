//! The simple ctypes values rcffi.ctypes reads and writes without Python code:
//! native-order integers, floats, `_Bool`, `c_char` and `c_void_p`, by their
//! ctypes type code. Fields, array items and `value` share these; every other
//! case (swapped byte order, bitfields, strings, records) stays in Python.

use std::ffi::c_long;

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyFloat};
use rcffi_core::scalar::{load_float, store_float, store_int, Machine, Rules};

use crate::convert_scalar::{ctypes_int_bits, float};
use crate::ctypes_instance::CtypesBufferBase;

/// The NUL-terminated bytes the `char *` at `addr` points to, or None for
/// NULL: a `c_char_p`'s value.
///
/// # Safety
/// `addr` must be readable for a pointer, and a non-NULL `char *` stored there
/// must point to a NUL-terminated string (as C's `strlen` needs).
pub unsafe fn read_char_p(py: Python<'_>, addr: usize) -> Option<Bound<'_, PyBytes>> {
    let text = (addr as *const *const std::ffi::c_char).read_unaligned();
    (!text.is_null()).then(|| PyBytes::new(py, std::ffi::CStr::from_ptr(text).to_bytes()))
}

/// The machine representation of a ctypes type code; `None` from
/// [`Scalar::from_code`] means "the Python code handles this type".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scalar(pub Machine);

impl Scalar {
    /// The representation of a ctypes type code (`"i"`, `"L"`...).
    pub fn from_code(code: &str) -> Option<Scalar> {
        let long = std::mem::size_of::<c_long>();
        let int = Machine::int;
        Some(Scalar(match code {
            "b" => int(1, true),
            "B" => int(1, false),
            "h" => int(2, true),
            "H" => int(2, false),
            "i" => int(4, true),
            "I" => int(4, false),
            "l" => int(long, true),
            "L" => int(long, false),
            "q" => int(8, true),
            "Q" => int(8, false),
            "f" => Machine::F32,
            "d" => Machine::F64,
            "?" => Machine::Bool,
            "c" => Machine::Char,
            "P" => Machine::Pointer,
            _ => return None,
        }))
    }

    /// The Python value at `addr`, as ctypes gives it for a plain simple type.
    ///
    /// # Safety
    /// `addr` must be readable for the representation's size.
    pub unsafe fn read(self, py: Python<'_>, addr: usize) -> Py<PyAny> {
        let p = addr as *const u8;
        let m = self.0;
        match m {
            // Every other integer fits an i64.
            Machine::U64 => (m.load_int(p) as u64)
                .into_pyobject(py)
                .unwrap()
                .into_any()
                .unbind(),
            _ if m.is_integer() => (m.load_int(p) as i64)
                .into_pyobject(py)
                .unwrap()
                .into_any()
                .unbind(),
            Machine::F32 | Machine::F64 => PyFloat::new(py, load_float(p, m)).into_any().unbind(),
            Machine::Bool => PyBool::new(py, p.read() != 0)
                .to_owned()
                .into_any()
                .unbind(),
            Machine::Pointer => {
                let raw = p.cast::<usize>().read_unaligned();
                if raw == 0 {
                    return py.None();
                }
                raw.into_pyobject(py).unwrap().into_any().unbind()
            }
            _ => PyBytes::new(py, std::slice::from_raw_parts(p, 1))
                .into_any()
                .unbind(),
        }
    }

    /// Stores `value` at `addr` if it is of a kind converted here (the scalar
    /// engine's ctypes rules: ints wrap); `Ok(false)` leaves the rest (other
    /// types, `__index__` objects, errors to word as ctypes does) to the Python
    /// code.
    ///
    /// # Safety
    /// `addr` must be writable for the representation's size.
    pub unsafe fn write(self, addr: usize, value: &Bound<'_, PyAny>) -> PyResult<bool> {
        let p = addr as *mut u8;
        match self.0 {
            m if m.is_integer() => {
                let Some(bits) = ctypes_int_bits(value) else {
                    return Ok(false);
                };
                store_int(p, m.size(), i128::from(bits));
            }
            m @ (Machine::F32 | Machine::F64) => {
                let Some(v) = float(value, "", Rules::CTYPES)? else {
                    return Ok(false);
                };
                if m == Machine::F32 && v.is_finite() && v.abs() > f32::MAX as f64 {
                    // Python's rounding to infinity is the Python code's.
                    return Ok(false);
                }
                store_float(p, m, v);
            }
            // An instance is copied (or refused) by the Python code, not tested.
            Machine::Bool if value.is_instance_of::<CtypesBufferBase>() => return Ok(false),
            Machine::Bool => p.write(u8::from(value.is_truthy()?)),
            Machine::Pointer => {
                if value.is_none() {
                    p.cast::<usize>().write_unaligned(0);
                } else if let Some(bits) = ctypes_int_bits(value) {
                    p.cast::<usize>().write_unaligned(bits as usize);
                } else {
                    return Ok(false);
                }
            }
            _ => match value.cast::<PyBytes>().map(|b| b.as_bytes()) {
                Ok([c]) => p.write(*c),
                _ => return Ok(false),
            },
        }
        Ok(true)
    }
}
