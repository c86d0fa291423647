//! `_CtypesBufferBase`: the C-level base class rcffi.ctypes' instances derive
//! from so that `memoryview(obj)` works. Before Python 3.12 a class written in
//! Python cannot export the buffer protocol (`__buffer__` is a 3.12 addition),
//! so the slot has to come from a compiled base; the memory itself stays
//! described by the Python class.

use std::ffi::{c_int, c_void, CString};

use pyo3::exceptions::{PyBufferError, PyValueError};
use pyo3::ffi;
use pyo3::prelude::*;

/// What an export needs to outlive the call that filled it: the format string
/// and the shape the `Py_buffer` points into, freed by `__releasebuffer__`.
struct Export {
    format: CString,
    shape: Vec<ffi::Py_ssize_t>,
    strides: Vec<ffi::Py_ssize_t>,
}

/// A base with no state of its own: `__getbuffer__` asks the instance's
/// `_b_buffer_()` for `(address, size, readonly, format, shape)` on each
/// export, so resizing or re-pointing an instance never leaves a stale copy.
#[pyclass(subclass, module = "rcffi._backend", name = "_CtypesBufferBase")]
pub struct CtypesBufferBase;

#[pymethods]
impl CtypesBufferBase {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs))]
    fn new(
        _args: &Bound<'_, pyo3::types::PyTuple>,
        _kwargs: Option<&Bound<'_, pyo3::types::PyDict>>,
    ) -> Self {
        CtypesBufferBase
    }

    unsafe fn __getbuffer__(
        slf: Bound<'_, Self>,
        view: *mut ffi::Py_buffer,
        flags: c_int,
    ) -> PyResult<()> {
        let (address, size, readonly, format, shape): (usize, isize, bool, String, Vec<isize>) =
            slf.call_method0("_b_buffer_")?.extract()?;
        if size < 0 {
            return Err(PyValueError::new_err("negative buffer size"));
        }
        if readonly && (flags & ffi::PyBUF_WRITABLE) == ffi::PyBUF_WRITABLE {
            return Err(PyBufferError::new_err("buffer is read-only"));
        }
        let count: isize = shape.iter().product();
        // An empty array still has items of a size; a zero count must not divide.
        let itemsize = if count > 0 { size / count } else { size.max(1) };
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
