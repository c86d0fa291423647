//! `FFI`: the backend's FFI object, as cffi's `_cffi_backend.FFI`. It owns one
//! set of declarations and the cache of type strings resolved against them, and
//! answers the type and memory questions (`typeof`, `sizeof`, `new`, `cast`, ...)
//! in Rust. `rcffi.FFI` subclasses it with what needs Python (`cdef()` warnings,
//! libraries, building modules); out-of-line modules instantiate it from their
//! serialised declarations.

use std::sync::{Condvar, Mutex};

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyCFunction, PyDict, PyString, PyTuple};
use rcffi_core::ctype::Kind;

use crate::allocator::{resolve, Allocator, Caster, TypeCache};
use crate::cdata::CData;
use crate::decls::Declarations;
use crate::errors::FFIError;
use crate::types::CType;

/// The FFI object of the backend.
///
/// It has no instance dictionary (as cffi's: unknown attributes raise); the
/// Python front end's subclass has one.
#[pyclass(frozen, subclass, weakref, module = "rcffi._backend", name = "FFI")]
pub struct FfiObject {
    /// The declarations, typed as `resolve()` takes them (it calls their
    /// `parse_type` on a cache miss).
    decls: Py<PyAny>,
    types: Py<TypeCache>,
    new: Py<PyAny>,
    cast: Py<PyAny>,
    /// `init_once()` state per tag: `{tag: InitOnce}`.
    once: Py<PyDict>,
}

/// One tag's `init_once()` state: whether a caller is running the function
/// (the others wait on `done`), and its result once it has returned.
#[pyclass(frozen, module = "rcffi._backend", name = "_InitOnce")]
#[derive(Default)]
pub struct InitOnce {
    busy: Mutex<bool>,
    done: Condvar,
    result: Mutex<Option<Py<PyAny>>>,
}

impl InitOnce {
    fn result(&self, py: Python<'_>) -> Option<Py<PyAny>> {
        let r = self.result.lock().unwrap_or_else(|p| p.into_inner());
        r.as_ref().map(|r| r.clone_ref(py))
    }

    /// Waits (without the GIL) until no other caller runs the function, then
    /// marks this one as running.
    fn enter(&self, py: Python<'_>) {
        py.detach(|| {
            let mut busy = self.busy.lock().unwrap_or_else(|p| p.into_inner());
            while *busy {
                busy = self.done.wait(busy).unwrap_or_else(|p| p.into_inner());
            }
            *busy = true;
        });
    }

    fn leave(&self) {
        *self.busy.lock().unwrap_or_else(|p| p.into_inner()) = false;
        self.done.notify_all();
    }
}

impl FfiObject {
    fn resolve(&self, py: Python<'_>, cdecl: &Bound<'_, PyAny>) -> PyResult<Py<CType>> {
        resolve(py, &self.types, &self.decls, cdecl)
    }

    fn declarations<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, Declarations>> {
        Ok(self.decls.bind(py).cast::<Declarations>()?.clone())
    }

    /// The `init_once()` state of `tag`; the dict is only touched with the GIL
    /// held, so two threads never make two states for one tag.
    fn once_state(&self, py: Python<'_>, tag: &Bound<'_, PyAny>) -> PyResult<Py<InitOnce>> {
        let states = self.once.bind(py);
        if let Some(found) = states.get_item(tag)? {
            return Ok(found.cast::<InitOnce>()?.clone().unbind());
        }
        let state = Py::new(py, InitOnce::default())?;
        states.set_item(tag, &state)?;
        Ok(state)
    }
}

#[pymethods]
impl FfiObject {
    /// `FFI(_decls=None)`: an FFI over `_decls` (from `Declarations.deserialize()`
    /// for out-of-line modules), or over no declarations yet. Other arguments are
    /// left to subclasses.
    #[new]
    #[classmethod]
    #[pyo3(signature = (*args, **kwargs))]
    fn py_new(
        cls: &Bound<'_, pyo3::types::PyType>,
        args: &Bound<'_, PyTuple>,
        kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let py = cls.py();
        let decls_arg = kwargs.and_then(|k| k.get_item("_decls").ok().flatten());
        if cls.is(py.get_type::<FfiObject>())
            && (!args.is_empty()
                || kwargs.is_some_and(|k| k.len() > usize::from(decls_arg.is_some())))
        {
            return Err(PyTypeError::new_err(
                "FFI() takes no arguments (out-of-line module arguments are not supported yet)",
            ));
        }
        let decls: Py<Declarations> = match decls_arg {
            Some(d) if !d.is_none() => d.extract()?,
            _ => py.get_type::<Declarations>().call0()?.extract()?,
        };
        let types = Py::new(py, TypeCache::default())?;
        let decls_any = decls.clone_ref(py).into_any();
        let allocator = Allocator::new(
            types.clone_ref(py),
            decls_any.clone_ref(py),
            None,
            None,
            true,
        )?;
        let caster = Caster::new(types.clone_ref(py), decls_any.clone_ref(py));
        // Bound methods: called through vectorcall, with no argument tuple.
        let new = Py::new(py, allocator)?
            .bind(py)
            .getattr("allocate")?
            .unbind();
        let cast = Py::new(py, caster)?.bind(py).getattr("cast")?.unbind();
        Ok(FfiObject {
            decls: decls_any,
            types,
            new,
            cast,
            once: PyDict::new(py).unbind(),
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

    /// The NULL pointer, a `void *` (a class attribute, as in cffi, so that
    /// instances of subclasses may shadow it).
    #[classattr]
    #[pyo3(name = "NULL")]
    fn null(py: Python<'_>) -> PyResult<Py<CData>> {
        let void_ptr =
            crate::backend::new_pointer_type(py, crate::backend::new_void_type(py).get());
        CData::new_pointer(py, void_ptr, std::ptr::null_mut())
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

    /// `sizeof(cdecl_or_cdata)`. A type of unknown size is `ffi.error` on the
    /// backend's own FFI (the `ffi` of cffi's compiled modules) and ValueError
    /// on the front end's subclass (cffi's `FFI` class), as in cffi.
    fn sizeof(slf: &Bound<'_, Self>, cdecl: &Bound<'_, PyAny>) -> PyResult<usize> {
        if cdecl.is_instance_of::<PyString>() {
            let ct = slf.get().resolve(slf.py(), cdecl)?;
            if slf.is_exact_instance_of::<FfiObject>() {
                return ct.get().size().ok_or_else(|| {
                    FFIError::new_err(format!("don't know the size of ctype '{}'", ct.get().cname))
                });
            }
            return crate::backend::sizeof(ct.bind(slf.py()).as_any());
        }
        crate::backend::sizeof(cdecl)
    }

    /// `alignof(cdecl)`.
    fn alignof(&self, py: Python<'_>, cdecl: &Bound<'_, PyAny>) -> PyResult<usize> {
        let ct = match cdecl.cast::<CData>() {
            Ok(cd) => cd.get().ctype.clone_ref(py),
            Err(_) => self.resolve(py, cdecl)?,
        };
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

    /// `new_allocator(alloc=None, free=None, should_clear_after_alloc=True)`: a
    /// callable like `new()` that gets memory from `alloc(size)` and gives it
    /// back with `free(ptr)`; both may be C functions or Python callables.
    #[pyo3(signature = (alloc=None, free=None, should_clear_after_alloc=true))]
    fn new_allocator(
        &self,
        py: Python<'_>,
        alloc: Option<&Bound<'_, PyAny>>,
        free: Option<&Bound<'_, PyAny>>,
        should_clear_after_alloc: bool,
    ) -> PyResult<Py<PyAny>> {
        let allocator = Allocator::new(
            self.types.clone_ref(py),
            self.decls.clone_ref(py),
            alloc,
            free,
            should_clear_after_alloc,
        )?;
        Ok(Py::new(py, allocator)?.into_any())
    }

    /// `from_buffer([cdecl,] python_buffer, require_writable=False)`: a cdata
    /// (`char[]` by default) over the memory of a Python buffer object.
    #[pyo3(name = "from_buffer", signature = (cdecl, python_buffer=None, require_writable=false))]
    fn buffer_view(
        &self,
        py: Python<'_>,
        cdecl: &Bound<'_, PyAny>,
        python_buffer: Option<&Bound<'_, PyAny>>,
        require_writable: bool,
    ) -> PyResult<Py<CData>> {
        let (cdecl, buffer) = match python_buffer {
            Some(b) => (cdecl.clone(), b.clone()),
            None => (PyString::new(py, "char[]").into_any(), cdecl.clone()),
        };
        let ctype = self.resolve(py, &cdecl)?;
        crate::buffer::from_buffer(py, ctype, &buffer, require_writable)
    }

    /// `memmove(dest, src, n)`: copies `n` bytes between cdata or buffer
    /// objects; the areas may overlap.
    fn memmove(&self, dest: &Bound<'_, PyAny>, src: &Bound<'_, PyAny>, n: isize) -> PyResult<()> {
        crate::buffer::memmove(dest, src, n)
    }

    /// `addressof(cdata, *fields_or_indexes)`: `&cdata` of a struct, union or
    /// array, or the address of a (nested) field or item in it.
    #[pyo3(signature = (cdata, *fields_or_indexes))]
    fn addressof(
        &self,
        py: Python<'_>,
        cdata: &Bound<'_, PyAny>,
        fields_or_indexes: &Bound<'_, PyTuple>,
    ) -> PyResult<Py<CData>> {
        let Ok(cd) = cdata.cast::<CData>() else {
            return Err(PyTypeError::new_err(format!(
                "expected a cdata struct/union/array/pointer object, not {}",
                cdata.get_type().name()?
            )));
        };
        let mut ct = cd.get().ctype.clone_ref(py);
        if fields_or_indexes.is_empty() && ct.get().kind == Kind::Pointer {
            return Err(PyTypeError::new_err("addressof(pointer)"));
        }
        let mut offset = 0;
        for (i, step) in fields_or_indexes.iter().enumerate() {
            let (next, delta) = crate::backend::typeoffsetof(py, ct, &step, i as i32)?;
            ct = next;
            offset += delta;
        }
        let pointer = crate::backend::new_pointer_type(py, ct.get());
        crate::backend::rawaddressof(py, pointer, cd, offset)
    }

    /// `gc(cdata, destructor, size=0)`: a new cdata for the same data whose death
    /// (or release) calls `destructor(cdata)`; `gc(p, None)` removes it.
    #[pyo3(signature = (cdata, destructor, size=0))]
    fn gc(
        &self,
        py: Python<'_>,
        cdata: &Bound<'_, CData>,
        destructor: &Bound<'_, PyAny>,
        size: isize,
    ) -> PyResult<Option<Py<CData>>> {
        crate::lifetime::gcp(py, cdata, destructor, size)
    }

    /// `release(cdata)`: gives back now what a cdata from new, gc, from_buffer
    /// or an allocator holds.
    fn release(&self, cdata: &Bound<'_, CData>) -> PyResult<()> {
        crate::lifetime::release(cdata)
    }

    /// `new_handle(x)`: a unique `void *` standing for `x`, which it keeps alive.
    fn new_handle(&self, py: Python<'_>, x: Py<PyAny>) -> PyResult<Py<CData>> {
        let void_ptr = self.resolve(py, PyString::new(py, "void *").as_any())?;
        crate::handles::newp_handle(py, void_ptr, x)
    }

    /// `from_handle(x)`: the object of a handle from `new_handle()`.
    #[pyo3(name = "from_handle")]
    fn handle_object(&self, py: Python<'_>, x: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        crate::handles::from_handle(py, x)
    }

    /// `init_once(func, tag)`: runs `func()` the first time `tag` is seen and
    /// returns its result, then and afterwards. Concurrent callers with the same
    /// tag wait for the first; an exception is not remembered.
    fn init_once(
        &self,
        py: Python<'_>,
        func: &Bound<'_, PyAny>,
        tag: &Bound<'_, PyAny>,
    ) -> PyResult<Py<PyAny>> {
        let state = self.once_state(py, tag)?;
        let state = state.get();
        if let Some(done) = state.result(py) {
            return Ok(done);
        }
        state.enter(py);
        let outcome = match state.result(py) {
            Some(done) => Ok(done),
            None => func.call0().map(|r| {
                *state.result.lock().unwrap_or_else(|p| p.into_inner()) = Some(r.clone().unbind());
                r.unbind()
            }),
        };
        state.leave();
        outcome
    }

    /// `callback(cdecl, python_callable=None, error=None, onerror=None)`: a C
    /// function pointer calling `python_callable`; a decorator without it.
    #[pyo3(signature = (cdecl, python_callable=None, error=None, onerror=None))]
    fn callback(
        &self,
        py: Python<'_>,
        cdecl: &Bound<'_, PyAny>,
        python_callable: Option<Py<PyAny>>,
        error: Option<Py<PyAny>>,
        onerror: Option<Py<PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let ctype = match cdecl.cast::<PyString>() {
            Ok(text) => self
                .declarations(py)?
                .get()
                .parse_callback_type(py, text.to_str()?)?,
            Err(_) => self.resolve(py, cdecl)?,
        };
        if ctype.get().kind != Kind::Function {
            return Err(PyTypeError::new_err(format!(
                "expected a function ctype, got '{}'",
                ctype.get().cname
            )));
        }
        if let Some(h) = onerror.as_ref().filter(|h| !h.bind(py).is_callable()) {
            return Err(PyTypeError::new_err(format!(
                "expected a callable object for 'onerror', not {}",
                h.bind(py).get_type().name()?
            )));
        }
        if let Some(f) = python_callable {
            let error = error.as_ref().map(|e| e.bind(py));
            return Ok(crate::callback::callback(py, ctype, f, error, onerror)?.into_any());
        }
        let make = move |args: &Bound<'_, PyTuple>,
                         _kwargs: Option<&Bound<'_, PyDict>>|
              -> PyResult<Py<CData>> {
            let py = args.py();
            let f: Py<PyAny> = args.get_item(0)?.unbind();
            let error = error.as_ref().map(|e| e.bind(py));
            let onerror = onerror.as_ref().map(|h| h.clone_ref(py));
            crate::callback::callback(py, ctype.clone_ref(py), f, error, onerror)
        };
        Ok(PyCFunction::new_closure(py, None, None, make)?
            .into_any()
            .unbind())
    }

    /// `integer_const(name)`: the value of an integer constant of the cdef
    /// (`#define`, enum value or `static const`).
    fn integer_const(&self, py: Python<'_>, name: &str) -> PyResult<Py<PyAny>> {
        match self.declarations(py)?.get().lookup(py, name)? {
            Some(("int", value)) => Ok(value),
            _ => Err(pyo3::exceptions::PyAttributeError::new_err(format!(
                "integer constant '{name}' not found"
            ))),
        }
    }

    fn __repr__(&self) -> &'static str {
        "<rcffi FFI object>"
    }

    /// Refuses pickling: an FFI holds C state.
    fn __reduce__(&self) -> PyResult<()> {
        Err(PyValueError::new_err("FFI objects cannot be pickled"))
    }
}
