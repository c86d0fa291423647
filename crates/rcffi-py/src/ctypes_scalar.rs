//! The simple ctypes values rcffi.ctypes reads and writes without Python code:
//! native-order integers, floats, `_Bool`, `c_char` and `c_void_p`, by their
//! ctypes type code. Fields, array items and `value` share these; every other
//! case (swapped byte order, bitfields, strings, records) stays in Python.

use std::ffi::c_long;

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyFloat, PyInt};

use crate::ctypes_support::CtypesBufferBase;

/// One C representation; `None` from [`Scalar::from_code`] means "the Python
/// code handles this type".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scalar {
    I8,
    U8,
    I16,
    U16,
    I32,
    U32,
    I64,
    U64,
    F32,
    F64,
    Bool,
    Char,
    VoidPtr,
}

impl Scalar {
    /// The representation of a ctypes type code (`"i"`, `"L"`...).
    pub fn from_code(code: &str) -> Option<Scalar> {
        let long64 = std::mem::size_of::<c_long>() == 8;
        Some(match code {
            "b" => Scalar::I8,
            "B" => Scalar::U8,
            "h" => Scalar::I16,
            "H" => Scalar::U16,
            "i" => Scalar::I32,
            "I" => Scalar::U32,
            "l" if long64 => Scalar::I64,
            "l" => Scalar::I32,
            "L" if long64 => Scalar::U64,
            "L" => Scalar::U32,
            "q" => Scalar::I64,
            "Q" => Scalar::U64,
            "f" => Scalar::F32,
            "d" => Scalar::F64,
            "?" => Scalar::Bool,
            "c" => Scalar::Char,
            "P" => Scalar::VoidPtr,
            _ => return None,
        })
    }

    /// The Python value at `addr`, as ctypes gives it for a plain simple type.
    ///
    /// # Safety
    /// `addr` must be readable for the representation's size.
    pub unsafe fn read(self, py: Python<'_>, addr: usize) -> Py<PyAny> {
        let p = addr as *const u8;
        match self {
            Scalar::I8 => (p.cast::<i8>().read_unaligned() as i64).into_pyobject(py),
            Scalar::I16 => (p.cast::<i16>().read_unaligned() as i64).into_pyobject(py),
            Scalar::I32 => (p.cast::<i32>().read_unaligned() as i64).into_pyobject(py),
            Scalar::I64 => p.cast::<i64>().read_unaligned().into_pyobject(py),
            Scalar::U8 => (p.read() as u64).into_pyobject(py),
            Scalar::U16 => (p.cast::<u16>().read_unaligned() as u64).into_pyobject(py),
            Scalar::U32 => (p.cast::<u32>().read_unaligned() as u64).into_pyobject(py),
            Scalar::U64 => p.cast::<u64>().read_unaligned().into_pyobject(py),
            Scalar::F32 => {
                return PyFloat::new(py, p.cast::<f32>().read_unaligned() as f64)
                    .into_any()
                    .unbind()
            }
            Scalar::F64 => {
                return PyFloat::new(py, p.cast::<f64>().read_unaligned())
                    .into_any()
                    .unbind()
            }
            Scalar::Bool => {
                return PyBool::new(py, p.read() != 0)
                    .to_owned()
                    .into_any()
                    .unbind()
            }
            Scalar::Char => {
                return PyBytes::new(py, std::slice::from_raw_parts(p, 1))
                    .into_any()
                    .unbind()
            }
            Scalar::VoidPtr => {
                let raw = p.cast::<usize>().read_unaligned();
                if raw == 0 {
                    return py.None();
                }
                return raw.into_pyobject(py).unwrap().into_any().unbind();
            }
        }
        .unwrap()
        .into_any()
        .unbind()
    }

    /// Stores `value` at `addr` if it is of a kind converted here; `Ok(false)`
    /// leaves the rest (other types, `__index__` objects, errors to word as
    /// ctypes does) to the Python code.
    ///
    /// # Safety
    /// `addr` must be writable for the representation's size.
    pub unsafe fn write(self, addr: usize, value: &Bound<'_, PyAny>) -> PyResult<bool> {
        let p = addr as *mut u8;
        match self {
            Scalar::I8 | Scalar::U8 | Scalar::I16 | Scalar::U16 => {
                let Some(bits) = int_bits(value) else {
                    return Ok(false);
                };
                if matches!(self, Scalar::I8 | Scalar::U8) {
                    p.write(bits as u8);
                } else {
                    p.cast::<u16>().write_unaligned(bits as u16);
                }
            }
            Scalar::I32 | Scalar::U32 => {
                let Some(bits) = int_bits(value) else {
                    return Ok(false);
                };
                p.cast::<u32>().write_unaligned(bits as u32);
            }
            Scalar::I64 | Scalar::U64 => {
                let Some(bits) = int_bits(value) else {
                    return Ok(false);
                };
                p.cast::<u64>().write_unaligned(bits);
            }
            Scalar::F32 | Scalar::F64 => {
                let Some(v) = float_of(value) else {
                    return Ok(false);
                };
                if self == Scalar::F64 {
                    p.cast::<f64>().write_unaligned(v);
                } else if v.is_finite() && v.abs() > f32::MAX as f64 {
                    // Python's rounding to infinity is the Python code's.
                    return Ok(false);
                } else {
                    p.cast::<f32>().write_unaligned(v as f32);
                }
            }
            // An instance is copied (or refused) by the Python code, not tested.
            Scalar::Bool if value.is_instance_of::<CtypesBufferBase>() => return Ok(false),
            Scalar::Bool => p.write(u8::from(value.is_truthy()?)),
            Scalar::Char => {
                if let Ok(bytes) = value.cast::<PyBytes>() {
                    let data = bytes.as_bytes();
                    if data.len() != 1 {
                        return Ok(false);
                    }
                    p.write(data[0]);
                } else {
                    return Ok(false);
                }
            }
            Scalar::VoidPtr => {
                if value.is_none() {
                    p.cast::<usize>().write_unaligned(0);
                } else if let Some(bits) = int_bits(value) {
                    p.cast::<usize>().write_unaligned(bits as usize);
                } else {
                    return Ok(false);
                }
            }
        }
        Ok(true)
    }
}

/// The low 64 bits of a Python int (two's complement), what C keeps of it.
pub(crate) fn int_bits(value: &Bound<'_, PyAny>) -> Option<u64> {
    if !value.is_instance_of::<PyInt>() {
        return None;
    }
    // SAFETY: an int never fails the masked conversion.
    Some(unsafe { ffi::PyLong_AsUnsignedLongLongMask(value.as_ptr()) })
}

fn float_of(value: &Bound<'_, PyAny>) -> Option<f64> {
    if let Ok(f) = value.cast::<PyFloat>() {
        return Some(f.value());
    }
    if value.is_instance_of::<PyInt>() {
        // SAFETY: an int argument; an overflow sets an error we clear, and the
        // Python code then raises its own.
        let v = unsafe { ffi::PyLong_AsDouble(value.as_ptr()) };
        if v == -1.0 && unsafe { !ffi::PyErr_Occurred().is_null() } {
            unsafe { ffi::PyErr_Clear() };
            return None;
        }
        return Some(v);
    }
    None
}
