//! Reads of CPython's object layout, kept in one place: each is version-gated
//! and saves a call into the interpreter on a hot path.

use pyo3::ffi;
use pyo3::prelude::*;

/// The value of an exact Python int that fits a machine word; `None` for
/// anything else (which then takes the general conversion, with its checks and
/// messages).
#[inline]
pub(crate) fn exact_int(obj: &Bound<'_, PyAny>) -> Option<i64> {
    // SAFETY: `obj` is a live object.
    unsafe { exact_int_ptr(obj.as_ptr()) }
}

/// [`exact_int`] of a raw object pointer, for the call path that has only those.
///
/// # Safety
/// `obj` must be a live object and the GIL held; the error indicator is left
/// alone.
#[inline]
pub(crate) unsafe fn exact_int_ptr(obj: *mut ffi::PyObject) -> Option<i64> {
    if ffi::PyLong_CheckExact(obj) == 0 {
        return None;
    }
    if let Some(v) = compact_int(obj) {
        return Some(v);
    }
    // Wider ints: the conversion that reports an overflow without raising.
    let mut overflow = 0;
    let v = ffi::PyLong_AsLongLongAndOverflow(obj, &mut overflow);
    (overflow == 0).then_some(v)
}

/// The value of an exact int of at most one internal digit (|v| < 2**30), read
/// from CPython's object layout: most integers passed to C are small, and this
/// skips a call into the interpreter per argument. Larger ints return `None`.
///
/// # Safety
/// `obj` must be an exact `int`.
#[cfg(not(Py_3_12))]
#[inline]
unsafe fn compact_int(obj: *mut ffi::PyObject) -> Option<i64> {
    // Up to 3.11: the sign of `ob_size` is the sign, its magnitude the digit count.
    let size = (*(obj as *mut ffi::PyVarObject)).ob_size;
    let digit = || {
        i64::from(*((obj as *const u8).add(std::mem::size_of::<ffi::PyVarObject>()) as *const u32))
    };
    match size {
        0 => Some(0),
        1 => Some(digit()),
        -1 => Some(-digit()),
        _ => None,
    }
}

/// As above, for CPython 3.12+, whose ints keep the sign and digit count in a tag
/// (its low two bits: 0 positive, 1 zero, 2 negative; a single-digit int's tag is
/// below 16).
///
/// # Safety
/// `obj` must be an exact `int`.
#[cfg(Py_3_12)]
#[inline]
unsafe fn compact_int(obj: *mut ffi::PyObject) -> Option<i64> {
    let base = (obj as *const u8).add(std::mem::size_of::<ffi::PyObject>());
    let tag = *(base as *const usize);
    if tag >= 16 {
        return None;
    }
    if tag & 3 == 1 {
        return Some(0);
    }
    let digit = i64::from(*(base.add(std::mem::size_of::<usize>()) as *const u32));
    Some((1 - (tag & 3) as i64) * digit)
}

/// Whether `name` is in the class's own `__dict__` with a value other than
/// None, read from the type object's dict without making a mapping proxy.
pub(crate) fn own_attribute_set(
    cls: &Bound<'_, pyo3::types::PyType>,
    name: &Bound<'_, pyo3::types::PyString>,
) -> bool {
    // SAFETY: a heap type (every class rcffi.ctypes makes) has its `tp_dict`;
    // the item is borrowed only for the comparison.
    unsafe {
        let dict = (*cls.as_type_ptr()).tp_dict;
        if dict.is_null() {
            return false;
        }
        let item = ffi::PyDict_GetItemWithError(dict, name.as_ptr());
        if item.is_null() {
            ffi::PyErr_Clear();
            return false;
        }
        item != ffi::Py_None()
    }
}
