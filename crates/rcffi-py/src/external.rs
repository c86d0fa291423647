//! What extension modules compiled by cffi (API mode) call at import, answered
//! with a clear ImportError: rcffi's backend does not yet provide the `_C_API`
//! exports table they fill and call through, so it cannot run them, and
//! failing their import cleanly is what keeps `install_as_cffi()` from
//! breaking a process that has such modules installed.

use pyo3::exceptions::PyImportError;
use pyo3::prelude::*;

/// How far up the Python stack the module being imported is looked for.
const MAX_FRAMES: usize = 32;

/// The name of the module the import system is loading: the `spec` of the
/// nearest importlib frame. The argument cffi's init code passes is the address
/// of a C array holding the name, but an address from Python cannot be trusted,
/// so it is never read.
fn importing_module(py: Python<'_>) -> Option<String> {
    let mut frame = py
        .import("sys")
        .ok()?
        .getattr("_getframe")
        .ok()?
        .call0()
        .ok()?;
    for _ in 0..MAX_FRAMES {
        if frame.is_none() {
            break;
        }
        if let Ok(Some(spec)) = frame
            .getattr("f_locals")
            .and_then(|l| l.get_item("spec").map(Some).or(Ok(None)))
        {
            if let Ok(name) = spec.getattr("name").and_then(|n| n.extract::<String>()) {
                return Some(name);
            }
        }
        frame = frame.getattr("f_back").ok()?;
    }
    None
}

/// `_init_cffi_1_0_external_module(raw)`: called by the `PyInit_` function of
/// every extension module cffi compiled; refused with an ImportError naming the
/// module and what it needs.
#[pyfunction]
pub fn _init_cffi_1_0_external_module(py: Python<'_>, raw: &Bound<'_, PyAny>) -> PyResult<()> {
    let _ = raw;
    let name = importing_module(py);
    let shown = name.as_deref().unwrap_or("<unknown>");
    let err = PyImportError::new_err(format!(
        "cannot import '{shown}': it is an extension module compiled by cffi (API mode), \
         which needs cffi's _init_cffi_1_0_external_module and _C_API exports table; \
         rcffi standing in for cffi does not provide them yet. Rebuild the module with \
         rcffi (ffi.set_source() and ffi.compile()) or install the real cffi"
    ));
    if let Some(name) = name {
        err.value(py).setattr("name", name)?;
    }
    Err(err)
}
