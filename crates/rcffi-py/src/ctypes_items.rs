//! `_CtypesArrayBase` and `_CtypesPointerBase`: item access of rcffi.ctypes
//! arrays and pointers. An integer index of an array of a plain simple type,
//! or of a pointer to one, is read and written here, and so is a slice without
//! a step of such an array; other slices, items that are
//! objects (records, pointers, strings) and values converted with ctypes' own
//! error messages go to the Python class's `_b_getitem_` and `_b_setitem_`.

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyInt, PyList, PySlice, PyTuple, PyType};
use rcffi_core::scalar::Machine;

use crate::ctypes_instance::CtypesBufferBase;
use crate::ctypes_instance::{view_token, Items};
use crate::messages::Msg;
use crate::pylayout::own_attribute_set;

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

    /// `(T * n)(*values)`: the array's `__init__`.
    #[pyo3(name = "_b_init_array_", signature = (*args))]
    fn init_array(slf: &Bound<'_, Self>, args: &Bound<'_, PyTuple>) -> PyResult<()> {
        init_items(slf.as_super(), args)
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
        let py = cls.py();
        let view = args.len() == 4 && args.get_item(0)?.is(view_token(py));
        // As in ctypes, a subclass of a pointer type has no _type_ of its own:
        // it makes no instances (views of its memory are still read).
        if !view && !own_attribute_set(cls, intern!(py, "_type_")) {
            return Err(Msg::InstanceWithoutType.to_err());
        }
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

    /// `POINTER(T)(obj)`: the pointer's `__init__`.
    #[pyo3(name = "_b_init_pointer_", signature = (value=None))]
    fn init_pointer(slf: &Bound<'_, Self>, value: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
        match value.filter(|v| !v.is_none()) {
            Some(value) => point_at(slf.as_super(), value),
            None => Ok(()),
        }
    }

    /// `pointer.contents`: a view of what the pointer points to, kept alive
    /// by the pointer (the type's `_b_new_instance_`, as its `_b_view_`).
    fn _b_contents_(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        let py = slf.py();
        let state = &slf.as_super().get().state;
        // SAFETY: a pointer instance owns or views pointer-sized memory.
        let target = unsafe { (state.addr() as *const usize).read_unaligned() };
        if target == 0 {
            return Err(Msg::NullPointerAccess.to_err());
        }
        let item = slf.get_type().getattr(intern!(py, "_type_"))?;
        let make = item.getattr(intern!(py, "_b_new_instance_"))?;
        Ok(make
            .call1((&item, view_token(py), target, slf, 0))?
            .unbind())
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
    Msg::CtypesNoItemDeletion { what: &what }.to_err()
}

/// `obj[key]` of an array or pointer instance.
pub fn get_item(obj: &Bound<'_, CtypesBufferBase>, key: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
    let py = obj.py();
    if let Some((address, scalar)) = scalar_item(obj, key)? {
        // SAFETY: the index is within the array the instance's memory holds,
        // or the item a pointer points to, as C would read it.
        return Ok(unsafe { scalar.read(py, address) });
    }
    if let Some(items) = scalar_slice(obj, key)? {
        return Ok(items);
    }
    Ok(obj
        .call_method1(intern!(py, "_b_getitem_"), (key,))?
        .unbind())
}

/// `array[start:stop]` (no step) of an array of a plain simple type: the
/// items as a list, or as bytes for `c_char`, as ctypes gives them; `None`
/// for anything else.
fn scalar_slice(
    obj: &Bound<'_, CtypesBufferBase>,
    key: &Bound<'_, PyAny>,
) -> PyResult<Option<Py<PyAny>>> {
    let py = obj.py();
    let state = &obj.get().state;
    let (
        Some(Items {
            scalar: Some(scalar),
            size,
            length,
            pointer: false,
        }),
        Ok(slice),
    ) = (state.items(), key.cast::<PySlice>())
    else {
        return Ok(None);
    };
    let bounds = slice.indices(length as isize)?;
    if bounds.step != 1 {
        return Ok(None);
    }
    let start = state.addr() + bounds.start as usize * size;
    if scalar.0 == Machine::Char {
        // SAFETY: the slice lies within the array the instance's memory holds.
        let bytes = unsafe { std::slice::from_raw_parts(start as *const u8, bounds.slicelength) };
        return Ok(Some(PyBytes::new(py, bytes).into_any().unbind()));
    }
    // SAFETY: as above, item by item.
    let items = (0..bounds.slicelength).map(|i| unsafe { scalar.read(py, start + i * size) });
    Ok(Some(PyList::new(py, items)?.into_any().unbind()))
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
            return Err(Msg::NullPointerAccess.to_err());
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
        return Err(Msg::InvalidIndex.to_err());
    }
    Ok(Some((state.addr() + i as usize * size, scalar)))
}

/// Makes a new pointer instance `ptr` point at `value`, a ctypes instance,
/// and keep it alive as ctypes does: `value` under key "1" of the
/// pointer's `_objects`, what `value` keeps under "0".
pub fn point_at(ptr: &Bound<'_, CtypesBufferBase>, value: &Bound<'_, PyAny>) -> PyResult<()> {
    let py = ptr.py();
    // As ctypes 3.11, any instance is accepted, whatever its type.
    let target = value.cast::<CtypesBufferBase>().map_err(|_| {
        let name = |obj: PyResult<Bound<'_, PyAny>>| {
            obj.and_then(|o| o.getattr(intern!(py, "__name__")))
                .map(|n| n.to_string())
                .unwrap_or_default()
        };
        let item = name(ptr.get_type().getattr(intern!(py, "_type_")));
        let given = name(Ok(value.get_type().into_any()));
        Msg::ExpectedInsteadOf {
            item: &item,
            given: &given,
        }
        .to_err()
    })?;
    let state = &ptr.get().state;
    if state.base(py).is_some() {
        // A view's links go to its root owner: the Python setter walks there.
        return ptr.setattr(intern!(py, "contents"), value);
    }
    // SAFETY: a pointer instance owns pointer-sized memory.
    unsafe { (state.addr() as *mut usize).write_unaligned(target.get().state.addr()) };
    let objects = match state
        .objects(py)
        .map(|o| o.into_bound(py).cast_into::<PyDict>())
    {
        Some(Ok(objects)) => objects,
        _ => {
            let objects = PyDict::new(py);
            state.set_objects(objects.clone().into_any());
            objects
        }
    };
    objects.set_item(intern!(py, "1"), value)?;
    if let Some(inner) = target.get().state.objects(py) {
        objects.set_item(intern!(py, "0"), inner)?;
    }
    Ok(())
}

/// Stores `values` in the first items of a new array, as ctypes does: more
/// values than items is an IndexError.
pub fn init_items(
    array: &Bound<'_, CtypesBufferBase>,
    values: &Bound<'_, PyTuple>,
) -> PyResult<()> {
    if values.is_empty() {
        return Ok(());
    }
    let py = array.py();
    let length: usize = array
        .get_type()
        .getattr(intern!(py, "_length_"))?
        .extract()?;
    // As ctypes, the values are stored in order: a bad one, or one past the
    // end, stops there (and the first error wins).
    for (i, value) in values.iter().enumerate() {
        if i >= length {
            return Err(Msg::InvalidIndex.to_err());
        }
        set_item(array, &i.into_pyobject(py)?.into_any(), &value)?;
    }
    Ok(())
}
