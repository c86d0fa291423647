//! `_CtypesField`: the C-level half of rcffi.ctypes' field descriptors (like
//! CPython's CField). A field of a plain simple type in native byte order is
//! read and written here, at the instance's address plus the offset; the
//! others (bitfields, swapped order, strings, records, arrays, pointers) call
//! the Python subclass's `_b_get_`/`_b_set_`, which build sub-objects with
//! their keep-alive links.

use pyo3::ffi;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple, PyType};
use pyo3::{PyTraverseError, PyVisit};

use crate::ctypes_instance::CtypesBufferBase;
use crate::ctypes_scalar::Scalar;
use crate::messages::Msg;

#[pyclass(subclass, frozen, module = "rcffi._backend", name = "_CtypesField")]
pub struct CtypesField {
    name: Py<PyString>,
    offset: usize,
    scalar: Option<Scalar>,
    /// The record class the field belongs to: its instances are known to be
    /// ctypes instances by their type alone, without a subclass check.
    owner: Option<Py<PyType>>,
}

#[pymethods]
impl CtypesField {
    /// `code`: the field type's ctypes code when the type is a plain simple
    /// type stored in native order without bits, else None; `owner`: the
    /// record class.
    #[new]
    #[pyo3(signature = (name, offset, code, owner=None))]
    fn new(
        name: Bound<'_, PyString>,
        offset: usize,
        code: Option<&str>,
        owner: Option<Bound<'_, PyType>>,
    ) -> PyResult<Self> {
        if let Some(owner) = &owner {
            if !owner.is_subclass_of::<CtypesBufferBase>()? {
                return Err(Msg::FieldOwnerNotCtypes.to_err());
            }
        }
        Ok(CtypesField {
            name: name.unbind(),
            offset,
            scalar: code.and_then(Scalar::from_code),
            owner: owner.map(Bound::unbind),
        })
    }

    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        if let Some(owner) = &self.owner {
            visit.call(owner)?;
        }
        Ok(())
    }

    fn __get__(
        slf: &Bound<'_, Self>,
        obj: Option<&Bound<'_, PyAny>>,
        _owner: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        CtypesField::get(slf, obj)
    }

    fn __set__(
        slf: &Bound<'_, Self>,
        obj: &Bound<'_, PyAny>,
        value: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        CtypesField::store(slf, obj, value)
    }

    fn __delete__(&self, _obj: &Bound<'_, PyAny>) -> PyResult<()> {
        Err(CtypesField::deleted())
    }
}

impl CtypesField {
    fn instance_address(&self, obj: &Bound<'_, PyAny>) -> PyResult<usize> {
        let exact = self.owner.as_ref().is_some_and(|owner| {
            // SAFETY: reading the type of a live object.
            unsafe { ffi::Py_TYPE(obj.as_ptr()) == owner.as_ptr().cast() }
        });
        let inst = if exact {
            // SAFETY: the owner is a subclass of _CtypesBufferBase (checked in new).
            unsafe { obj.cast_unchecked::<CtypesBufferBase>() }
        } else {
            obj.cast::<CtypesBufferBase>()
                .map_err(|_| Msg::NotCtypeInstance.to_err())?
        };
        Ok(inst.get().state.addr())
    }

    pub fn deleted() -> PyErr {
        Msg::CannotDeleteAttribute.to_err()
    }

    pub fn get(slf: &Bound<'_, Self>, obj: Option<&Bound<'_, PyAny>>) -> PyResult<Py<PyAny>> {
        let py = slf.py();
        let Some(obj) = obj.filter(|o| !o.is_none()) else {
            return Ok(slf.clone().into_any().unbind());
        };
        let this = slf.get();
        if let Some(scalar) = this.scalar {
            let address = this.instance_address(obj)? + this.offset;
            // SAFETY: the instance's memory holds its record, this field included.
            return Ok(unsafe { scalar.read(py, address) });
        }
        Ok(slf.call_method1(intern!(py, "_b_get_"), (obj,))?.unbind())
    }

    pub fn store(
        slf: &Bound<'_, Self>,
        obj: &Bound<'_, PyAny>,
        value: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        if slf.get().scalar.is_some() {
            return CtypesField::store_at(slf, obj, slf.get().instance_address(obj)?, value);
        }
        slf.call_method1(intern!(slf.py(), "_b_set_"), (obj, value))?;
        Ok(())
    }

    /// `store` into `obj`, an instance at `address`.
    fn store_at(
        slf: &Bound<'_, Self>,
        obj: &Bound<'_, PyAny>,
        address: usize,
        value: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let this = slf.get();
        if let Some(scalar) = this.scalar {
            // SAFETY: the instance's memory holds its record, this field included.
            if unsafe { scalar.write(address + this.offset, value)? } {
                return Ok(());
            }
        }
        slf.call_method1(intern!(slf.py(), "_b_set_"), (obj, value))?;
        Ok(())
    }
}

/// What `c_int(value)` does after allocation: the value, if any, stored
/// through the `value` attribute (the class's descriptor).
pub fn init_simple(obj: &Bound<'_, CtypesBufferBase>, args: &Bound<'_, PyTuple>) -> PyResult<()> {
    match args.len() {
        0 => Ok(()),
        1 => obj.setattr(intern!(obj.py(), "value"), args.get_item(0)?),
        n => Err(Msg::InitTooManyArgs { n: &n }.to_err()),
    }
}

/// What `Structure(*args, **kwargs)` does after allocation: positional values
/// go to the fields of the class's shape in order, keyword values through
/// the attribute of that name.
pub fn init_record(
    obj: &Bound<'_, CtypesBufferBase>,
    args: &Bound<'_, PyTuple>,
    kwargs: Option<&Bound<'_, PyDict>>,
) -> PyResult<()> {
    let py = obj.py();
    if args.is_empty() && kwargs.is_none_or(|k| k.is_empty()) {
        return Ok(());
    }
    let no_fields = Vec::new();
    let fields = obj
        .get()
        .state
        .shape
        .as_ref()
        .map_or(&no_fields, |shape| &shape.get().fields);
    if args.len() > fields.len() {
        return Err(Msg::TooManyInitializers.to_err());
    }
    for (field, value) in fields.iter().zip(args.iter()) {
        // The address again each time: a Python setter may resize the record.
        let address = obj.get().state.addr();
        CtypesField::store_at(field.bind(py), obj.as_any(), address, &value)?;
    }
    if let Some(kwargs) = kwargs {
        for (name, value) in kwargs.iter() {
            let name = name.cast_into::<PyString>()?;
            for given in &fields[..args.len()] {
                if given.get().name.bind(py).to_str()? == name.to_str()? {
                    return Err(Msg::DuplicateField {
                        name: &name.repr()?,
                    }
                    .to_err());
                }
            }
            obj.setattr(name, value)?;
        }
    }
    Ok(())
}
