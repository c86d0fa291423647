//! `FFI`: the backend's FFI object, as cffi's `_cffi_backend.FFI`. It owns one
//! set of declarations and the cache of type strings resolved against them, and
//! answers the type and memory questions (`typeof`, `sizeof`, `new`, `cast`, ...)
//! in Rust. `rcffi.FFI` subclasses it with what needs Python (`cdef()` warnings,
//! libraries, building modules); out-of-line modules instantiate it from their
//! serialised declarations.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple};

use crate::allocator::{resolve, Allocator, Caster, TypeCache};
use crate::cdata::CData;
use crate::decls::Declarations;
use crate::errors::FFIError;
use crate::types::CType;

/// The FFI object of the backend.
#[pyclass(subclass, dict, weakref, module = "rcffi._backend", name = "FFI")]
pub struct FfiObject {
    /// The declarations, typed as `resolve()` takes them (it calls their
    /// `parse_type` on a cache miss).
    decls: Py<PyAny>,
    types: Py<TypeCache>,
    new: Py<PyAny>,
    cast: Py<PyAny>,
    null: Py<CData>,
}

impl FfiObject {
    fn resolve(&self, py: Python<'_>, cdecl: &Bound<'_, PyAny>) -> PyResult<Py<CType>> {
        resolve(py, &self.types, &self.decls, cdecl)
    }
}

#[pymethods]
impl FfiObject {
    /// `FFI(_decls=None)`: an FFI over `_decls` (from `Declarations.deserialize()`
    /// for out-of-line modules), or over no declarations yet. Other arguments are
    /// left to subclasses.
    #[new]
    #[pyo3(signature = (*_args, **kwargs))]
    fn py_new(
        py: Python<'_>,
        _args: &Bound<'_, PyTuple>,
        kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let decls: Py<Declarations> = match kwargs.and_then(|k| k.get_item("_decls").ok().flatten())
        {
            Some(d) if !d.is_none() => d.extract()?,
            _ => py.get_type::<Declarations>().call0()?.extract()?,
        };
        let types = Py::new(py, TypeCache::default())?;
        let decls_any = decls.clone_ref(py).into_any();
        let allocator = py
            .get_type::<Allocator>()
            .call1((types.clone_ref(py), decls_any.clone_ref(py)))?;
        let caster = py
            .get_type::<Caster>()
            .call1((types.clone_ref(py), decls_any.clone_ref(py)))?;
        let new = allocator.getattr("allocate")?.unbind();
        let cast = caster.getattr("cast")?.unbind();
        let void_ptr = resolve(py, &types, &decls_any, PyString::new(py, "void *").as_any())?;
        let null = CData::new_pointer(py, void_ptr, std::ptr::null_mut())?;
        Ok(FfiObject {
            decls: decls_any,
            types,
            new,
            cast,
            null,
        })
    }

    /// The declarations (for the Python front end and module builders).
    #[getter(_decls)]
    fn decls(&self, py: Python<'_>) -> Py<PyAny> {
        self.decls.clone_ref(py)
    }

    /// The type strings resolved so far.
    #[getter(_types)]
    fn types(&self, py: Python<'_>) -> Py<TypeCache> {
        self.types.clone_ref(py)
    }

    /// `new(cdecl, init=None)`: zeroed memory for a pointer or array type, owned
    /// by the result.
    #[getter(new)]
    fn allocate(&self, py: Python<'_>) -> Py<PyAny> {
        self.new.clone_ref(py)
    }

    /// `cast(cdecl, value)`: a C cast.
    #[getter]
    fn cast(&self, py: Python<'_>) -> Py<PyAny> {
        self.cast.clone_ref(py)
    }

    /// The NULL pointer, a `void *`.
    #[getter(NULL)]
    fn null(&self, py: Python<'_>) -> Py<CData> {
        self.null.clone_ref(py)
    }

    #[classattr]
    #[pyo3(name = "CData")]
    fn cdata_class(py: Python<'_>) -> Py<PyAny> {
        py.get_type::<CData>().into_any().unbind()
    }

    #[classattr]
    #[pyo3(name = "CType")]
    fn ctype_class(py: Python<'_>) -> Py<PyAny> {
        py.get_type::<CType>().into_any().unbind()
    }

    #[classattr]
    fn buffer(py: Python<'_>) -> Py<PyAny> {
        py.get_type::<crate::buffer::CBuffer>().into_any().unbind()
    }

    #[classattr]
    fn error(py: Python<'_>) -> Py<PyAny> {
        py.get_type::<FFIError>().into_any().unbind()
    }

    /// The ctype of a type string already parsed (no cdata, no ctype).
    fn _typeof(&self, py: Python<'_>, cdecl: &Bound<'_, PyString>) -> PyResult<Py<CType>> {
        self.resolve(py, cdecl.as_any())
    }

    /// `typeof(cdecl_or_cdata)`: the ctype of a type string, of a cdata, or of the
    /// builtin function of an API-mode lib.
    #[pyo3(name = "typeof")]
    fn type_of(&self, py: Python<'_>, cdecl: &Bound<'_, PyAny>) -> PyResult<Py<CType>> {
        if let Ok(cd) = cdecl.cast::<CData>() {
            return Ok(cd.get().ctype.clone_ref(py));
        }
        if cdecl.is_instance_of::<PyString>() || cdecl.is_instance_of::<CType>() {
            return self.resolve(py, cdecl);
        }
        if let Ok(wrapped) = cdecl.getattr("__self__") {
            if let Ok(cd) = wrapped.cast::<CData>() {
                return Ok(cd.get().ctype.clone_ref(py));
            }
        }
        Err(PyTypeError::new_err(format!(
            "typeof() expects a type string or a cdata, not {}",
            cdecl.get_type().name()?
        )))
    }

    /// `sizeof(cdecl_or_cdata)`.
    fn sizeof(&self, py: Python<'_>, cdecl: &Bound<'_, PyAny>) -> PyResult<usize> {
        if cdecl.is_instance_of::<PyString>() {
            let ct = self.resolve(py, cdecl)?;
            return crate::backend::sizeof(ct.bind(py).as_any());
        }
        crate::backend::sizeof(cdecl)
    }

    /// `alignof(cdecl)`.
    fn alignof(&self, py: Python<'_>, cdecl: &Bound<'_, PyAny>) -> PyResult<usize> {
        let ct = self.resolve(py, cdecl)?;
        crate::backend::alignof(ct.get())
    }

    /// `offsetof(cdecl, *fields_or_indexes)`: the offset of a (nested) field or
    /// array item.
    #[pyo3(signature = (cdecl, *fields_or_indexes))]
    fn offsetof(
        &self,
        py: Python<'_>,
        cdecl: &Bound<'_, PyAny>,
        fields_or_indexes: &Bound<'_, PyTuple>,
    ) -> PyResult<isize> {
        if fields_or_indexes.is_empty() {
            return Err(PyTypeError::new_err(
                "offsetof() needs at least one field name or index",
            ));
        }
        let mut ct = self.resolve(py, cdecl)?;
        let mut offset = 0;
        for (i, step) in fields_or_indexes.iter().enumerate() {
            let (next, delta) = crate::backend::typeoffsetof(py, ct, &step, i as i32)?;
            ct = next;
            offset += delta;
        }
        Ok(offset)
    }

    /// `getctype(cdecl, replace_with="")`: the C name with `replace_with` where a
    /// declarator goes.
    #[pyo3(signature = (cdecl, replace_with=""))]
    fn getctype(
        &self,
        py: Python<'_>,
        cdecl: &Bound<'_, PyAny>,
        replace_with: &str,
    ) -> PyResult<String> {
        let ct = self.resolve(py, cdecl)?;
        let extra = replace_with.trim();
        let extra = if extra.starts_with('*') && ct.get().kind == rcffi_core::ctype::Kind::Array {
            format!("({extra})")
        } else {
            extra.to_string()
        };
        Ok(crate::backend::getcname(ct.get(), &extra))
    }

    /// `list_types()`: typedef names, struct tags and union tags, each sorted.
    fn list_types(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.decls
            .bind(py)
            .call_method0("list_types")
            .map(Bound::unbind)
    }

    /// `string(cdata, maxlen=-1)`: the bytes (or str) of a C string, or the name
    /// of an enum value.
    #[pyo3(signature = (cdata, maxlen=-1))]
    fn string(
        &self,
        py: Python<'_>,
        cdata: &Bound<'_, CData>,
        maxlen: isize,
    ) -> PyResult<Py<PyAny>> {
        crate::backend::string(py, cdata.get(), maxlen)
    }

    /// `unpack(cdata, length)`: `length` items of a pointer or array, as bytes,
    /// str or a list.
    fn unpack(
        &self,
        py: Python<'_>,
        cdata: &Bound<'_, CData>,
        length: isize,
    ) -> PyResult<Py<PyAny>> {
        crate::backend::unpack(py, cdata, length)
    }

    /// `errno`: the C `errno` saved after this thread's last C call.
    #[getter]
    fn get_errno(&self) -> i32 {
        crate::call::get_errno()
    }

    #[setter]
    fn set_errno(&self, value: i32) -> PyResult<()> {
        crate::call::set_errno(value);
        Ok(())
    }

    fn __repr__(&self) -> &'static str {
        "<rcffi FFI object>"
    }

    /// Refuses pickling: an FFI holds C state.
    fn __reduce__(&self) -> PyResult<()> {
        Err(PyValueError::new_err("FFI objects cannot be pickled"))
    }
}
