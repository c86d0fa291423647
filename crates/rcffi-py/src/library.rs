//! Shared libraries as cffi's backend presents them: `load_library()` returns an
//! object that loads functions and reads and writes global variables by name.

use std::sync::Mutex;

use pyo3::exceptions::PyAttributeError;
use pyo3::prelude::*;
use rcffi_core::ctype::Kind;
use rcffi_core::dl::Library;

use crate::cdata::{CData, Owner};
use crate::convert;
use crate::messages::Msg;
use crate::types::CType;

/// What a function cdata loaded from a library knows about itself: its name (for
/// `__name__` and `__doc__`) and its library, kept open while the function lives.
#[pyclass(frozen, module = "rcffi._backend", name = "_FunctionOrigin")]
pub struct FunctionOrigin {
    pub name: String,
    _lib: Py<CLibrary>,
}

impl FunctionOrigin {
    /// The origin of function `name` of `lib`.
    pub fn new(name: String, lib: Py<CLibrary>) -> Self {
        FunctionOrigin { name, _lib: lib }
    }
}

/// An open library.
#[pyclass(frozen, weakref, module = "rcffi._backend", name = "CLibrary")]
pub struct CLibrary {
    lib: Mutex<Library>,
    name: String,
}

impl CLibrary {
    /// The name it was opened with (`<None>` for the process).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The address of `name`, for other modules of the backend.
    pub(crate) fn symbol_address_raw(&self, name: &str) -> PyResult<*mut u8> {
        self.symbol(name)
    }

    fn symbol(&self, name: &str) -> PyResult<*mut u8> {
        let lib = self.lib.lock().unwrap_or_else(|p| p.into_inner());
        if lib.is_closed() {
            return Err(Msg::ClosedLibrarySymbol { name: &self.name }.to_err());
        }
        lib.symbol(name)
            .map(|p| p as *mut u8)
            .map_err(|e| PyAttributeError::new_err(e.to_string()))
    }
}

/// `load_library(path, flags=0)`; `None` opens the C namespace of the process,
/// and a `void *` cdata is a handle the caller got from `dlopen` (and closes).
#[pyfunction]
#[pyo3(signature = (path, flags=0))]
pub fn load_library(path: &Bound<'_, PyAny>, flags: i32) -> PyResult<CLibrary> {
    let opened = if let Ok(handle) = path.cast::<CData>() {
        let handle = handle.get();
        let ct = handle.ctype.get();
        if ct.kind != Kind::Pointer || ct.item_ref().kind != Kind::Void {
            return Err(Msg::LibraryHandleNotVoidPointer {
                ctype: &handle.ctype.get().cname,
            }
            .to_err());
        }
        // SAFETY: as in C, the handle is what the program's dlopen returned.
        unsafe { Library::borrowed(handle.address().cast()) }
    } else {
        let path: Option<String> = path.extract().map_err(|_| {
            Msg::NotALibrary {
                given: &path.get_type().name().map_or("?".into(), |n| n.to_string()),
            }
            .to_err()
        })?;
        Library::open(path.as_deref(), flags)
    };
    let lib = opened.map_err(|e| pyo3::exceptions::PyOSError::new_err(e.to_string()))?;
    Ok(CLibrary {
        name: lib.name().to_string(),
        lib: Mutex::new(lib),
    })
}

#[pymethods]
impl CLibrary {
    /// The name it was opened with (`<None>` for the process, `<handle ...>`
    /// for a handle of the program's own `dlopen`).
    #[getter(name)]
    fn py_name(&self) -> &str {
        &self.name
    }

    /// A function-pointer cdata of type `ctype` for the function `name`.
    pub(crate) fn load_function(
        slf: &Bound<'_, Self>,
        ctype: Py<CType>,
        name: &str,
    ) -> PyResult<Py<CData>> {
        let py = slf.py();
        let ct = ctype.get();
        if !matches!(ct.kind, Kind::Function | Kind::Pointer) {
            return Err(Msg::FunctionLoadType {
                name: &name,
                ctype: &ct.cname,
            }
            .to_err());
        }
        let addr = slf.get().symbol(name)?;
        let origin = FunctionOrigin {
            name: name.to_string(),
            _lib: slf.clone().unbind(),
        };
        CData::new_view(
            py,
            ctype,
            addr,
            Owner::Keep(Py::new(py, origin)?.into_any()),
            false,
        )
    }

    /// The value of the global variable `name` of type `ctype`.
    fn read_variable(slf: &Bound<'_, Self>, ctype: Py<CType>, name: &str) -> PyResult<Py<PyAny>> {
        let addr = slf.get().symbol(name)?;
        unsafe { crate::libobj::read_global(slf.py(), &ctype, addr, slf.as_any()) }
    }

    /// Stores `value` into the global variable `name` of type `ctype`.
    fn write_variable(
        &self,
        py: Python<'_>,
        ctype: Py<CType>,
        name: &str,
        value: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let addr = self.symbol(name)?;
        unsafe { convert::write(py, ctype.get(), addr, value) }
    }

    /// The address of the symbol `name`, as a `void *`-sized integer.
    fn symbol_address(&self, name: &str) -> PyResult<usize> {
        Ok(self.symbol(name)? as usize)
    }

    /// Closes the library; later accesses raise `ValueError`.
    pub(crate) fn close_lib(&self) {
        self.lib.lock().unwrap_or_else(|p| p.into_inner()).close();
    }

    fn __repr__(&self) -> String {
        format!("<clibrary '{}'>", self.name)
    }
}
