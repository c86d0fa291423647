//! The methods of `_CtypesBufferBase` (defined with its state in
//! `ctypes_instance.rs`): the C-level base class rcffi.ctypes' instances derive
//! from so that `memoryview(obj)` works. Before Python 3.12 a class written in
//! Python cannot export the buffer protocol (`__buffer__` is a 3.12 addition),
//! so the slot has to come from a compiled base; the memory itself stays
//! described by the Python class.

use std::ffi::{c_int, c_void, CString};

use pyo3::exceptions::PyValueError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyTuple, PyType};
use pyo3::{PyTraverseError, PyVisit};

use crate::ctypes_instance::CtypesBufferBase;
use crate::messages::Msg;

/// What an export needs to outlive the call that filled it: the format string
/// and the shape the `Py_buffer` points into, freed by `__releasebuffer__`.
struct Export {
    format: CString,
    shape: Vec<ffi::Py_ssize_t>,
    strides: Vec<ffi::Py_ssize_t>,
}

#[pymethods]
impl CtypesBufferBase {
    /// A zeroed instance owning `cls._b_size_` bytes, or, called as
    /// `__new__(cls, _CTYPES_VIEW, address, base, index)`, a view of memory
    /// owned by `base` (or nobody).
    #[new]
    #[classmethod]
    #[pyo3(signature = (*args, **_kwargs))]
    fn new(
        cls: &Bound<'_, PyType>,
        args: &Bound<'_, PyTuple>,
        _kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        CtypesBufferBase::for_class(cls, args)
    }

    #[getter(_b_addr)]
    fn get_address(&self) -> usize {
        self.state.addr()
    }

    #[setter(_b_addr)]
    fn set_address(&self, address: usize) {
        self.state.set_addr(address);
    }

    #[getter(_b_base_)]
    fn get_base(&self, py: Python<'_>) -> Option<Py<PyAny>> {
        self.state.base(py)
    }

    #[setter(_b_base_)]
    fn set_base(&self, base: Bound<'_, PyAny>) {
        self.state.set_base(base);
    }

    #[getter(_objects)]
    fn get_objects(&self, py: Python<'_>) -> Option<Py<PyAny>> {
        self.state.objects(py)
    }

    #[setter(_objects)]
    fn set_objects(&self, objects: Bound<'_, PyAny>) {
        self.state.set_objects(objects);
    }

    #[getter(_b_index)]
    fn get_index(&self) -> isize {
        self.state.index()
    }

    #[setter(_b_index)]
    fn set_index(&self, index: isize) {
        self.state.set_index(index);
    }

    /// Whether the instance owns its memory (ctypes' `_b_needsfree_`).
    #[getter(_b_needsfree_)]
    fn needs_free(&self) -> bool {
        self.state.owned_size() > 0
    }

    /// How many bytes the instance owns (0 for a view).
    #[getter(_b_owned_size_)]
    fn owned_size(&self) -> usize {
        self.state.owned_size()
    }

    #[pyo3(name = "_b_resize_")]
    fn resize(&self, size: usize) -> PyResult<()> {
        self.state.resize(size)
    }

    /// `Structure.__init__` and `Union.__init__`: positional values for the
    /// fields in `_b_fields_` order, then keyword values by name, each stored
    /// through the class's attribute as ctypes does.
    #[pyo3(name = "_b_init_record_", signature = (*args, **kwargs))]
    fn init_record(
        slf: &Bound<'_, Self>,
        args: &Bound<'_, PyTuple>,
        kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<()> {
        crate::ctypes_fields::init_record(slf, args, kwargs)
    }

    /// `_SimpleCData.__init__`: at most one value, stored through the class's
    /// `value` attribute; keyword arguments are ignored, as by ctypes.
    #[pyo3(name = "_b_init_simple_", signature = (*args, **_kwargs))]
    fn init_simple(
        slf: &Bound<'_, Self>,
        args: &Bound<'_, PyTuple>,
        _kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<()> {
        crate::ctypes_fields::init_simple(slf, args)
    }

    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        self.state.traverse(&visit)
    }

    fn __clear__(&self) {
        self.state.clear();
    }

    unsafe fn __getbuffer__(
        slf: Bound<'_, Self>,
        view: *mut ffi::Py_buffer,
        flags: c_int,
    ) -> PyResult<()> {
        let (address, size, readonly, format, shape, itemsize): (
            usize,
            isize,
            bool,
            String,
            Vec<isize>,
            isize,
        ) = slf.call_method0("_b_buffer_")?.extract()?;
        if size < 0 {
            return Err(Msg::NegativeBufferSize.to_err());
        }
        if readonly && (flags & ffi::PyBUF_WRITABLE) == ffi::PyBUF_WRITABLE {
            return Err(Msg::BufferReadOnly.to_err());
        }
        let mut strides = Vec::with_capacity(shape.len());
        let mut step = itemsize;
        for dim in shape.iter().rev() {
            strides.push(step);
            step *= *dim;
        }
        strides.reverse();
        let export = Box::new(Export {
            format: CString::new(format).map_err(|e| PyValueError::new_err(e.to_string()))?,
            shape,
            strides,
        });
        let v = &mut *view;
        v.obj = slf.clone().into_any().into_ptr();
        v.buf = address as *mut c_void;
        v.len = size;
        v.readonly = c_int::from(readonly);
        v.itemsize = itemsize;
        v.ndim = export.shape.len() as c_int;
        v.format = if (flags & ffi::PyBUF_FORMAT) == ffi::PyBUF_FORMAT {
            export.format.as_ptr() as *mut _
        } else {
            std::ptr::null_mut()
        };
        // Without PyBUF_ND the consumer asked for plain bytes and reads no shape.
        v.shape = if (flags & ffi::PyBUF_ND) == ffi::PyBUF_ND {
            export.shape.as_ptr() as *mut _
        } else {
            std::ptr::null_mut()
        };
        v.strides = if (flags & ffi::PyBUF_STRIDES) == ffi::PyBUF_STRIDES {
            export.strides.as_ptr() as *mut _
        } else {
            std::ptr::null_mut()
        };
        v.suboffsets = std::ptr::null_mut();
        v.internal = Box::into_raw(export) as *mut c_void;
        Ok(())
    }

    unsafe fn __releasebuffer__(_slf: Bound<'_, Self>, view: *mut ffi::Py_buffer) {
        let internal = (*view).internal;
        if !internal.is_null() {
            drop(Box::from_raw(internal as *mut Export));
            (*view).internal = std::ptr::null_mut();
        }
    }
}

/// `ctypes.sizeof(obj_or_type)`: an instance's size in the backend (a
/// resized instance owns more than its type's size); types ask their
/// metaclass's `_b_sizeof_`, which knows about open records.
#[pyfunction]
pub fn _ctypes_sizeof(obj: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
    let py = obj.py();
    if let Ok(inst) = obj.cast::<CtypesBufferBase>() {
        let size = instance_size(inst)?;
        return Ok(size.into_pyobject(py)?.into_any().unbind());
    }
    match obj.getattr_opt(pyo3::intern!(py, "_b_sizeof_"))? {
        Some(method) if obj.is_instance_of::<PyType>() => Ok(method.call0()?.unbind()),
        _ => Err(Msg::TypeHasNoSize.to_err()),
    }
}

/// The size of all the memory a ctypes instance owns or views: its type's,
/// or more after a `resize()`.
fn instance_size(inst: &Bound<'_, CtypesBufferBase>) -> PyResult<usize> {
    let size: usize = inst
        .get_type()
        .getattr(pyo3::intern!(inst.py(), "_b_size_"))?
        .extract()?;
    Ok(inst.get().state.size(size))
}

/// The address and size of a ctypes instance's memory, as its text reads it.
fn text_memory(obj: &Bound<'_, PyAny>) -> PyResult<(usize, isize)> {
    let inst = obj
        .cast::<CtypesBufferBase>()
        .map_err(|_| Msg::InvalidType.to_err())?;
    Ok((inst.get().state.addr(), instance_size(inst)? as isize))
}

/// A character array's `value`: its bytes before the first NUL, as ctypes
/// reads it.
#[pyfunction]
pub fn _ctypes_text_value<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyBytes>> {
    let (address, size) = text_memory(obj)?;
    Ok(crate::ctypes_memory::read_text(obj.py(), address, size))
}

/// A character array's `raw`: all its bytes.
#[pyfunction]
pub fn _ctypes_raw_value<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyBytes>> {
    let (address, size) = text_memory(obj)?;
    Ok(crate::ctypes_memory::_ctypes_read_bytes(
        obj.py(),
        address,
        size,
    ))
}

/// `ctypes.addressof(obj)`, with the `ctypes.addressof` audit event.
#[pyfunction]
pub fn _ctypes_addressof(obj: &Bound<'_, PyAny>) -> PyResult<usize> {
    let inst = obj
        .cast::<CtypesBufferBase>()
        .map_err(|_| Msg::InvalidType.to_err())?;
    extern "C" {
        fn PySys_Audit(
            event: *const std::ffi::c_char,
            format: *const std::ffi::c_char,
            ...
        ) -> c_int;
    }
    // SAFETY: the GIL is held; "O" takes one borrowed object.
    if unsafe { PySys_Audit(c"ctypes.addressof".as_ptr(), c"O".as_ptr(), obj.as_ptr()) } < 0 {
        return Err(PyErr::fetch(obj.py()));
    }
    Ok(inst.get().state.addr())
}
