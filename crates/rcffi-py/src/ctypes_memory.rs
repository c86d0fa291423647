//! Raw memory primitives of rcffi.ctypes (the role of PyPy's `_rawffi`
//! reads and writes): bytes and pointer-sized words at an address, without a
//! cdata object per access. The addresses come from ctypes instances or from
//! the user (`from_address`, `string_at`), so, as in C and in ctypes, only a
//! forged address can fault.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList};

use crate::convert_scalar::ctypes_int_bits;
use crate::ctypes_scalar::Scalar;
use crate::messages::Msg;

/// The low bits of an integer (or `__index__` object) that fit an address
/// (two's complement), as a C store of the value keeps them.
fn address_bits(value: &Bound<'_, PyAny>) -> PyResult<usize> {
    if let Some(bits) = ctypes_int_bits(value) {
        return Ok(bits as usize);
    }
    // SAFETY: PyNumber_Index returns a new reference to an int, or NULL with
    // an exception set.
    let index = unsafe {
        Bound::from_owned_ptr_or_err(value.py(), pyo3::ffi::PyNumber_Index(value.as_ptr()))?
    };
    Ok(ctypes_int_bits(&index).unwrap_or(0) as usize)
}

/// `size` bytes at `address` (none for a size <= 0).
#[pyfunction]
pub fn _ctypes_read_bytes(py: Python<'_>, address: usize, size: isize) -> Bound<'_, PyBytes> {
    if size <= 0 {
        return PyBytes::new(py, b"");
    }
    // SAFETY: the caller's address covers `size` readable bytes (see the module doc).
    PyBytes::new(py, unsafe {
        std::slice::from_raw_parts(address as *const u8, size as usize)
    })
}

/// The bytes at `address` before the first NUL of its first `size` (all of
/// them without one): a character array's `value`.
pub fn read_text(py: Python<'_>, address: usize, size: isize) -> Bound<'_, PyBytes> {
    if size <= 0 {
        return PyBytes::new(py, b"");
    }
    // SAFETY: as for `_ctypes_read_bytes`.
    let all = unsafe { std::slice::from_raw_parts(address as *const u8, size as usize) };
    let end = all.iter().position(|&b| b == 0).unwrap_or(all.len());
    PyBytes::new(py, &all[..end])
}

/// The NUL-terminated bytes the `char *` at `address` points to, or None for
/// NULL: a `c_char_p`'s `value`.
#[pyfunction]
pub fn _ctypes_read_char_p(py: Python<'_>, address: usize) -> Option<Bound<'_, PyBytes>> {
    // SAFETY: as for `_ctypes_read_bytes`.
    unsafe { crate::ctypes_scalar::read_char_p(py, address) }
}

/// The address of the bytes object's own NUL-terminated storage.
#[pyfunction]
pub fn _ctypes_bytes_address(data: &Bound<'_, PyBytes>) -> usize {
    data.as_bytes().as_ptr() as usize
}

/// `count` consecutive items of the plain simple type `code` from `address`
/// (an array slice), as ctypes reads each.
#[pyfunction]
pub fn _ctypes_read_items<'py>(
    py: Python<'py>,
    code: &str,
    address: usize,
    count: usize,
) -> PyResult<Bound<'py, PyList>> {
    let scalar =
        Scalar::from_code(code).ok_or_else(|| Msg::UnknownTypeCode { code: &code }.to_err())?;
    let size = scalar.0.size();
    // SAFETY: as for `_ctypes_read_bytes`, for `count` items of `size` bytes.
    PyList::new(
        py,
        (0..count).map(|i| unsafe { scalar.read(py, address + i * size) }),
    )
}

/// Copies the bytes of `data` to `address`.
#[pyfunction]
pub fn _ctypes_write_bytes(address: usize, data: &[u8]) {
    // SAFETY: as for `_ctypes_read_bytes`, for writing.
    unsafe { std::ptr::copy(data.as_ptr(), address as *mut u8, data.len()) }
}

/// Copies `size` bytes from `src` to `dest` (nothing for a size <= 0); the
/// ranges may overlap.
#[pyfunction]
pub fn _ctypes_copy(dest: usize, src: usize, size: isize) {
    if size > 0 {
        // SAFETY: as for `_ctypes_write_bytes`.
        unsafe { std::ptr::copy(src as *const u8, dest as *mut u8, size as usize) }
    }
}

/// The pointer-sized word at `address`.
#[pyfunction]
pub fn _ctypes_read_pointer(address: usize) -> usize {
    // SAFETY: as for `_ctypes_read_bytes`.
    unsafe { (address as *const usize).read_unaligned() }
}

/// Stores `value` (an int, truncated to a pointer's width) at `address`.
#[pyfunction]
pub fn _ctypes_write_pointer(address: usize, value: &Bound<'_, PyAny>) -> PyResult<()> {
    let bits = address_bits(value)?;
    // SAFETY: as for `_ctypes_write_bytes`.
    unsafe { (address as *mut usize).write_unaligned(bits) };
    Ok(())
}
