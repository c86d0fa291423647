//! `new_handle()` / `from_handle()`: a `void *` standing for a Python object.
//!
//! The pointer is the address of a box owned by the handle cdata, holding the
//! object; every call makes a new box, so two handles never compare equal, and
//! the object lives as long as the handle cdata does.

use pyo3::prelude::*;
use rcffi_core::ctype::{Kind, PrimClass};

use crate::cdata::{CData, Flavor, Owner};
use crate::cdata_layout::Tail;
use crate::cdata_owner::HandleBox;
use crate::messages::Msg;
use crate::types::CType;

/// Marks a live handle box, so that `from_handle()` on a pointer that is not a
/// handle (or no longer one) is usually caught instead of crashing.
const MAGIC: u64 = 0x7263_6666_6948_6e64;

impl HandleBox {
    /// The object (alive while the handle cdata is).
    pub fn object<'py>(&self, py: Python<'py>) -> Bound<'py, PyAny> {
        // SAFETY: the handle cdata owning this box holds a reference to it.
        unsafe { Bound::from_borrowed_ptr(py, self.object) }
    }
}

// SAFETY: the pointer is only followed with the GIL held (`object()`).
unsafe impl Send for HandleBox {}
unsafe impl Sync for HandleBox {}

/// A handle cdata: a `CData` that also holds the handle's object where the
/// garbage collector sees it, so that an object referring to its own handle
/// (`o.h = ffi.new_handle(o)`) is collected.
#[pyclass(frozen, extends = CData, module = "_cffi_backend", name = "__CDataOwnGC")]
#[repr(C)]
pub struct HandleCData {
    /// First, where every cdata but the bare ones has its tail (`cdata_layout.rs`).
    _tail: Tail,
    object: Py<PyAny>,
}

#[pymethods]
impl HandleCData {
    fn __traverse__(&self, visit: pyo3::PyVisit<'_>) -> Result<(), pyo3::PyTraverseError> {
        visit.call(&self.object)
    }
}

impl Drop for HandleBox {
    fn drop(&mut self) {
        // SAFETY: our own field; the volatile write is not optimised away, so a
        // stale pointer read later sees no magic.
        unsafe { std::ptr::write_volatile(&mut self.magic, 0) };
    }
}

/// `newp_handle(ctype, x)`: a `void *` cdata for `x`, keeping `x` alive.
#[pyfunction]
pub fn newp_handle(py: Python<'_>, ctype: Py<CType>, x: Py<PyAny>) -> PyResult<Py<CData>> {
    let ct = ctype.get();
    if ct.kind != Kind::Pointer || ct.item_ref().kind != Kind::Void {
        return Err(Msg::HandleNeedsVoidPointer { ctype: &ct.cname }.to_err());
    }
    let boxed = Box::new(HandleBox {
        magic: MAGIC,
        object: x.as_ptr(),
    });
    let addr = &*boxed as *const HandleBox as *mut u8;
    let (cd, tail) = CData::with_parts(ctype, addr, 0, Owner::Handle(boxed), Flavor::Plain)
        .into_subclass_parts();
    let init = pyo3::PyClassInitializer::from(cd).add_subclass(HandleCData {
        _tail: tail,
        object: x,
    });
    let made = Bound::new(py, init)?;
    debug_assert!(crate::cdata_layout::tail_is_first_field(
        made.as_super().get(),
        &made.get()._tail
    ));
    Ok(made.into_super().unbind())
}

/// `from_handle(cdata)`: the object of the handle whose pointer `cdata` holds.
#[pyfunction]
pub fn from_handle(py: Python<'_>, cdata: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
    let Ok(cd) = cdata.cast::<CData>() else {
        return Err(Msg::NotCdata.to_err());
    };
    let c = cd.get();
    let ct = c.ct();
    let is_void_or_char = ct.kind == Kind::Pointer
        && (ct.item_ref().kind == Kind::Void
            || ct.item_ref().prim.map(|p| p.class()) == Some(PrimClass::Char));
    if !is_void_or_char {
        return Err(Msg::HandleNotVoidPointer { ctype: &ct.cname }.to_err());
    }
    let p = c.address() as *const HandleBox;
    if p.is_null() {
        return Err(Msg::HandleNull.to_err());
    }
    // SAFETY: as documented for cffi, `p` must come from a live handle; a forged
    // pointer may crash here, a dead handle's box is usually caught by the magic.
    let handle = unsafe { &*p };
    if unsafe { std::ptr::read_volatile(&handle.magic) } != MAGIC {
        return Err(Msg::HandleNotLive.to_err());
    }
    Ok(handle.object(py).unbind())
}
