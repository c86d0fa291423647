//! `_CtypesField`: the C-level half of rcffi.ctypes' field descriptors (like
//! CPython's CField). A field of a plain simple type in native byte order is
//! read and written here, at the instance's address plus the offset, and a
//! record, array or pointer field is read here as a view of that memory kept
//! by the instance (the type's own `_b_new_instance_`, as its `_b_load_`
//! would); the others (bitfields, swapped order, strings, stores of
//! sub-objects) call the Python subclass's `_b_get_`/`_b_set_`.

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
    /// A plain `c_char_p` (code "z"): read here as the bytes it points to
    /// (stores convert in Python, which keeps the bytes alive).
    char_p: bool,
    /// For a record, array or pointer field: its type, the type's
    /// `_b_new_instance_` and the field's index in the record, with which a
    /// read makes the view.
    view: Option<(Py<PyType>, Py<PyAny>, isize)>,
}

#[pymethods]
impl CtypesField {
    /// `code`: the field type's ctypes code when the type is a plain simple
    /// type stored in native order without bits, else None; `owner`: the
    /// record class; `view`: `(field type, index)` for a record, array or
    /// pointer field that reads as a view (looked up once, as the type's
    /// `_b_new_instance_`).
    #[new]
    #[pyo3(signature = (name, offset, code, owner=None, view=None))]
    fn new(
        name: Bound<'_, PyString>,
        offset: usize,
        code: Option<&str>,
        owner: Option<Bound<'_, PyType>>,
        view: Option<(Bound<'_, PyType>, isize)>,
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
            char_p: code == Some("z"),
            owner: owner.map(Bound::unbind),
            view: match view {
                Some((ftype, index)) => {
                    let make = ftype.getattr(intern!(ftype.py(), "_b_new_instance_"))?;
                    Some((ftype.unbind(), make.unbind(), index))
                }
                None => None,
            },
        })
    }

    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        if let Some(owner) = &self.owner {
            visit.call(owner)?;
        }
        if let Some((ftype, make, _)) = &self.view {
            visit.call(ftype)?;
            visit.call(make)?;
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
        if this.char_p {
            let address = this.instance_address(obj)? + this.offset;
            // SAFETY: the instance's memory holds its record, this `char *` included.
            let text = unsafe { crate::ctypes_scalar::read_char_p(py, address) };
            return Ok(text.map_or_else(|| py.None(), |t| t.into_any().unbind()));
        }
        if let Some((ftype, make, index)) = &this.view {
            let address = this.instance_address(obj)? + this.offset;
            let token = crate::ctypes_instance::view_token(py);
            return make.call1(py, (ftype, token, address, obj, *index));
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
