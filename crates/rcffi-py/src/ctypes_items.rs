//! `_CtypesArrayBase`: item access of rcffi.ctypes arrays. An integer index of
//! an array of a plain simple type is read and written here; slices, items
//! that are objects (records, pointers, strings) and values converted with
//! ctypes' own error messages go to the Python class's `_b_getitem_` and
//! `_b_setitem_`.

use pyo3::exceptions::{PyIndexError, PyTypeError};
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
        CtypesArrayBase::get(slf, key)
    }

    fn __setitem__(
        slf: &Bound<'_, Self>,
        key: &Bound<'_, PyAny>,
        value: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        CtypesArrayBase::set(slf, key, value)
    }

    fn __delitem__(&self, _key: &Bound<'_, PyAny>) -> PyResult<()> {
        Err(CtypesArrayBase::deleted())
    }
}

impl CtypesArrayBase {
    pub fn deleted() -> PyErr {
        PyTypeError::new_err("Array does not support item deletion")
    }

    pub fn get(slf: &Bound<'_, Self>, key: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let py = slf.py();
        if let Some((address, scalar)) = scalar_item(slf, key)? {
            // SAFETY: the index is within the array the instance's memory holds.
            return Ok(unsafe { scalar.read(py, address) });
        }
        Ok(slf
            .call_method1(intern!(py, "_b_getitem_"), (key,))?
            .unbind())
    }

    pub fn set(
        slf: &Bound<'_, Self>,
        key: &Bound<'_, PyAny>,
        value: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        if let Some((address, scalar)) = scalar_item(slf, key)? {
            // SAFETY: as in get.
            if unsafe { scalar.write(address, value)? } {
                return Ok(());
            }
        }
        slf.call_method1(intern!(slf.py(), "_b_setitem_"), (key, value))?;
        Ok(())
    }
}

/// The address and representation of item `key` when it is an int index of
/// an array of simple items; `None` for what the Python code handles.
fn scalar_item(
    slf: &Bound<'_, CtypesArrayBase>,
    key: &Bound<'_, PyAny>,
) -> PyResult<Option<(usize, crate::ctypes_scalar::Scalar)>> {
    let state = &slf.as_super().get().state;
    let Some(Items {
        scalar: Some(scalar),
        size,
        length,
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
    if i < 0 {
        i += length as isize;
    }
    if i < 0 || i as usize >= length {
        return Err(PyIndexError::new_err("invalid index"));
    }
    Ok(Some((state.addr() + i as usize * size, scalar)))
}
