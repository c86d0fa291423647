//! `CArgObject`: an argument made ready for a call (ctypes' `<cparam>`), and
//! `byref()`, which makes one per call in the common `f(byref(x))`: so both
//! are here, with no Python frame or subclass on the way.

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use pyo3::{PyTraverseError, PyVisit};

use crate::ctypes_instance::CtypesBufferBase;
use crate::messages::Msg;

/// `byref(obj, offset)` (`value` None), or what a simple type's `from_param`
/// made of a Python value (`value` the instance, `obj` the value).
#[pyclass(subclass, frozen, module = "rcffi._backend", name = "CArgObject")]
pub struct CtypesArg {
    obj: Py<PyAny>,
    pub offset: isize,
    value: Option<Py<PyAny>>,
}

impl CtypesArg {
    /// The instance a `byref()` argument refers to; None for converted values.
    pub fn byref_target<'a>(&'a self, py: Python<'a>) -> Option<&'a Bound<'a, PyAny>> {
        match self.value {
            None => Some(self.obj.bind(py)),
            Some(_) => None,
        }
    }
}

#[pymethods]
impl CtypesArg {
    #[new]
    #[pyo3(signature = (obj, offset, value=None))]
    fn new(obj: Bound<'_, PyAny>, offset: isize, value: Option<Bound<'_, PyAny>>) -> Self {
        CtypesArg {
            obj: obj.unbind(),
            offset,
            value: value.filter(|v| !v.is_none()).map(Bound::unbind),
        }
    }

    #[getter(_obj)]
    fn obj(&self, py: Python<'_>) -> Py<PyAny> {
        self.obj.clone_ref(py)
    }

    #[getter(_offset)]
    fn offset(&self) -> isize {
        self.offset
    }

    #[getter(_b_value_)]
    fn value(&self, py: Python<'_>) -> Option<Py<PyAny>> {
        self.value.as_ref().map(|v| v.clone_ref(py))
    }

    /// The address a `byref()` argument passes: its instance's plus the offset.
    #[getter(_b_address_)]
    fn address(&self, py: Python<'_>) -> PyResult<usize> {
        let base: usize = self
            .obj
            .bind(py)
            .getattr(intern!(py, "_b_addr"))?
            .extract()?;
        Ok(base.wrapping_add_signed(self.offset))
    }

    /// As ctypes shows a `<cparam>`: the type code, and the value where it has one.
    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        let py = slf.py();
        let this = slf.get();
        let Some(value) = &this.value else {
            return Ok(format!("<cparam 'P' ({:#x})>", this.address(py)?));
        };
        let value = value.bind(py);
        let code: String = value
            .get_type()
            .getattr(intern!(py, "_b_code_"))?
            .extract()?;
        Ok(match code.as_str() {
            "z" | "Z" | "P" => {
                let at: usize = value.getattr(intern!(py, "_b_addr"))?.extract()?;
                // SAFETY: a pointer-sized simple instance's memory holds the pointer.
                let target = unsafe { (at as *const usize).read_unaligned() };
                format!("<cparam '{code}' ({target:#x})>")
            }
            "c" => {
                let bytes = value.getattr(intern!(py, "value"))?;
                let char = bytes
                    .cast::<PyBytes>()?
                    .as_bytes()
                    .first()
                    .copied()
                    .unwrap_or(0);
                let shown = if (0x20..0x7f).contains(&char) {
                    (char as char).to_string()
                } else {
                    format!("\\x{char:02x}")
                };
                format!("<cparam 'c' ('{shown}')>")
            }
            "b" | "B" | "h" | "H" | "i" | "I" | "l" | "L" | "q" | "Q" | "f" | "d" => {
                let shown = value.getattr(intern!(py, "value"))?.repr()?;
                format!("<cparam '{code}' ({shown})>")
            }
            // ctypes shows other values by where the parameter object lives.
            _ => format!("<cparam '{code}' at {:#x}>", slf.as_ptr() as usize),
        })
    }

    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        visit.call(&self.obj)?;
        if let Some(value) = &self.value {
            visit.call(value)?;
        }
        Ok(())
    }
}

/// ctypes' `byref(obj, offset=0)`: the address of a ctypes instance (plus
/// `offset`), passed where a pointer is expected.
#[pyfunction]
#[pyo3(name = "_ctypes_byref", signature = (obj, offset=0))]
pub fn byref(obj: Bound<'_, PyAny>, offset: isize) -> PyResult<CtypesArg> {
    if !obj.is_instance_of::<CtypesBufferBase>() {
        return Err(Msg::ByrefNotInstance {
            given: &obj.get_type().name()?,
        }
        .to_err());
    }
    Ok(CtypesArg {
        obj: obj.unbind(),
        offset,
        value: None,
    })
}
