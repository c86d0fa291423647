//! `_CtypesArrayBase` and `_CtypesPointerBase`: item access of rcffi.ctypes
//! arrays and pointers. An integer index of an array of a plain simple type,
//! or of a pointer to one, is read and written here; slices, items that are
//! objects (records, pointers, strings) and values converted with ctypes' own
//! error messages go to the Python class's `_b_getitem_` and `_b_setitem_`.

use pyo3::exceptions::{PyIndexError, PyTypeError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyInt, PyTuple, PyType};

use crate::ctypes_instance::Items;
use crate::ctypes_support::CtypesBufferBase;

/// Adds no state: Python's array class derives from it and from `CData`, both
/// laid out as `_CtypesBufferBase`.
#[pyclass(subclass, extends = CtypesBufferBase, module = "rcffi._backend", name = "_CtypesArrayBase")]
pub struct CtypesArrayBase;

#[pymethods]
impl CtypesArrayBase {
    /// What `_CtypesBufferBase.__new__` makes, for the classes deriving from here.
    #[new]
    #[classmethod]
    #[pyo3(signature = (*args, **_kwargs))]
    fn new(
        cls: &Bound<'_, PyType>,
        args: &Bound<'_, PyTuple>,
        _kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<(Self, CtypesBufferBase)> {
        Ok((CtypesArrayBase, CtypesBufferBase::for_class(cls, args)?))
    }

    fn __getitem__(slf: &Bound<'_, Self>, key: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        get_item(slf.as_super(), key)
    }

    fn __setitem__(
        slf: &Bound<'_, Self>,
        key: &Bound<'_, PyAny>,
        value: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        set_item(slf.as_super(), key, value)
    }

    fn __delitem__(&self, _key: &Bound<'_, PyAny>) -> PyResult<()> {
        Err(deleted("Array"))
    }
}

/// Adds no state, like `_CtypesArrayBase`: Python's pointer class derives
/// from it and from `CData`.
#[pyclass(subclass, extends = CtypesBufferBase, module = "rcffi._backend", name = "_CtypesPointerBase")]
pub struct CtypesPointerBase;

#[pymethods]
impl CtypesPointerBase {
    /// What `_CtypesBufferBase.__new__` makes, for the classes deriving from here.
    #[new]
    #[classmethod]
    #[pyo3(signature = (*args, **_kwargs))]
    fn new(
        cls: &Bound<'_, PyType>,
        args: &Bound<'_, PyTuple>,
        _kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<(Self, CtypesBufferBase)> {
        Ok((CtypesPointerBase, CtypesBufferBase::for_class(cls, args)?))
    }

    fn __getitem__(slf: &Bound<'_, Self>, key: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        get_item(slf.as_super(), key)
    }

    fn __setitem__(
        slf: &Bound<'_, Self>,
        key: &Bound<'_, PyAny>,
        value: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        set_item(slf.as_super(), key, value)
    }

    fn __delitem__(&self, _key: &Bound<'_, PyAny>) -> PyResult<()> {
        Err(deleted("Pointer"))
    }

    /// Makes the pointer hold `address` (an int, taken modulo 2**64 as C's
    /// conversion does): `cast(address, POINTER(T))` without Python steps.
    fn _b_point_(slf: &Bound<'_, Self>, address: &Bound<'_, PyInt>) -> PyResult<()> {
        // SAFETY: a valid int object; the mask conversion never fails for one.
        let value = unsafe { pyo3::ffi::PyLong_AsUnsignedLongLongMask(address.as_ptr()) };
        let state = &slf.as_super().get().state;
        // SAFETY: a pointer instance owns or views pointer-sized memory.
        unsafe { (state.addr() as *mut usize).write_unaligned(value as usize) };
        Ok(())
    }
}

/// What deleting an item of an array or pointer raises.
pub fn deleted(what: &str) -> PyErr {
    PyTypeError::new_err(format!("{what} does not support item deletion"))
}

/// `obj[key]` of an array or pointer instance.
pub fn get_item(obj: &Bound<'_, CtypesBufferBase>, key: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
    let py = obj.py();
    if let Some((address, scalar)) = scalar_item(obj, key)? {
        // SAFETY: the index is within the array the instance's memory holds,
        // or the item a pointer points to, as C would read it.
        return Ok(unsafe { scalar.read(py, address) });
    }
    Ok(obj
        .call_method1(intern!(py, "_b_getitem_"), (key,))?
        .unbind())
}

/// `obj[key] = value` of an array or pointer instance.
pub fn set_item(
    obj: &Bound<'_, CtypesBufferBase>,
    key: &Bound<'_, PyAny>,
    value: &Bound<'_, PyAny>,
) -> PyResult<()> {
    if let Some((address, scalar)) = scalar_item(obj, key)? {
        // SAFETY: as in get_item.
        if unsafe { scalar.write(address, value)? } {
            return Ok(());
        }
    }
    obj.call_method1(intern!(obj.py(), "_b_setitem_"), (key, value))?;
    Ok(())
}

/// The address and representation of item `key` when it is an int index of
/// an array of simple items or of a pointer to one; `None` for what the
/// Python code handles.
fn scalar_item(
    obj: &Bound<'_, CtypesBufferBase>,
    key: &Bound<'_, PyAny>,
) -> PyResult<Option<(usize, crate::ctypes_scalar::Scalar)>> {
    let state = &obj.get().state;
    let Some(Items {
        scalar: Some(scalar),
        size,
        length,
        pointer,
    }) = state.items()
    else {
        return Ok(None);
    };
    if !key.is_instance_of::<PyInt>() {
        return Ok(None);
    }
    let Ok(mut i) = key.extract::<isize>() else {
        return Ok(None);
    };
    if pointer {
        // SAFETY: a pointer instance owns or views pointer-sized memory.
        let target = unsafe { (state.addr() as *const usize).read_unaligned() };
        if target == 0 {
            return Err(PyValueError::new_err("NULL pointer access"));
        }
        return Ok(Some((
            target.wrapping_add_signed(i.wrapping_mul(size as isize)),
            scalar,
        )));
    }
    if i < 0 {
        i += length as isize;
    }
    if i < 0 || i as usize >= length {
        return Err(PyIndexError::new_err("invalid index"));
    }
    Ok(Some((state.addr() + i as usize * size, scalar)))
}
