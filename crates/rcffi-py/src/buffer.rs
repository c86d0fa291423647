//! Raw memory shared with Python's buffer protocol, both ways: `ffi.buffer`
//! exposes a cdata's memory as a buffer, `from_buffer()` makes a cdata over a
//! Python object's buffer, and `memmove()` copies between either.

use std::ffi::{c_int, c_void};

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PySlice, PyString};
use rcffi_core::ctype::Kind;

use crate::cdata::{CData, Flavor, Owner};
use crate::cdata_owner::OwnerRef;
use crate::cdata_owner::{Resource, Resources};
use crate::messages::Msg;
use crate::types::CType;

/// A Python object's exported buffer, released when dropped.
pub(crate) struct Exported(Box<ffi::Py_buffer>);

impl Exported {
    /// The contiguous buffer of `obj`, writable if asked.
    pub(crate) fn get(obj: &Bound<'_, PyAny>, writable: bool) -> PyResult<Exported> {
        if obj.is_instance_of::<PyString>() {
            return Err(Msg::NotBytesLike {
                given: &obj.get_type().name()?,
            }
            .to_err());
        }
        let mut view: Box<ffi::Py_buffer> = Box::new(unsafe { std::mem::zeroed() });
        let flags = if writable {
            ffi::PyBUF_WRITABLE
        } else {
            ffi::PyBUF_SIMPLE
        };
        // SAFETY: `view` is a zeroed Py_buffer the call fills in.
        if unsafe { ffi::PyObject_GetBuffer(obj.as_ptr(), &mut *view, flags) } == -1 {
            return Err(PyErr::fetch(obj.py()));
        }
        Ok(Exported(view))
    }

    pub(crate) fn ptr(&self) -> *mut u8 {
        self.0.buf as *mut u8
    }

    pub(crate) fn len(&self) -> usize {
        self.0.len as usize
    }

    /// Hands the buffer over (to a cdata that releases it later).
    fn into_inner(self) -> Box<ffi::Py_buffer> {
        let me = std::mem::ManuallyDrop::new(self);
        // SAFETY: `me` is never dropped, so the box is moved out exactly once.
        unsafe { std::ptr::read(&me.0) }
    }
}

impl Drop for Exported {
    fn drop(&mut self) {
        unsafe { ffi::PyBuffer_Release(&mut *self.0) };
    }
}

/// `ffi.buffer(cdata, size=-1)`: the raw bytes of a cdata's memory, with the
/// buffer protocol; keeps the cdata alive. Its module is cffi's name for the
/// backend, which its repr shows.
#[pyclass(frozen, weakref, module = "_cffi_backend", name = "buffer")]
pub struct CBuffer {
    cdata: Py<CData>,
    ptr: *mut u8,
    len: usize,
}

// A C address and a length, immutable; the cdata keeps the memory alive.
unsafe impl Send for CBuffer {}
unsafe impl Sync for CBuffer {}

impl CBuffer {
    fn bytes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        self.cdata.get().check_alive(py)?;
        // SAFETY: the memory is alive and `len` long (checked at creation).
        Ok(PyBytes::new(py, unsafe {
            std::slice::from_raw_parts(self.ptr, self.len)
        }))
    }

    /// `[start, stop)` of a step-1 slice.
    fn range(&self, slice: &Bound<'_, PySlice>) -> PyResult<(usize, usize)> {
        let ind = slice.indices(self.len as isize)?;
        if ind.step != 1 {
            return Err(Msg::BufferSliceStep.to_err());
        }
        let start = ind.start as usize;
        Ok((start, start + ind.slicelength))
    }

    fn index(&self, key: &Bound<'_, PyAny>, what: &str) -> PyResult<usize> {
        let i: isize = key.extract()?;
        let j = if i < 0 { i + self.len as isize } else { i };
        if j < 0 || j as usize >= self.len {
            return Err(Msg::BufferIndexOutOfRange { what: &what }.to_err());
        }
        Ok(j as usize)
    }
}

#[pymethods]
impl CBuffer {
    #[new]
    #[pyo3(signature = (cdata, size=-1))]
    fn py_new(py: Python<'_>, cdata: &Bound<'_, CData>, size: isize) -> PyResult<Self> {
        let c = cdata.get();
        let ct = c.ct();
        if c.is_handle() {
            return Err(Msg::HandleIsNoMemory { what: &"buffer()" }.to_err());
        }
        let natural = match ct.kind {
            Kind::Array => c.data_size()?,
            // An explicit size needs no item size (`buffer(void_ptr, n)`).
            Kind::Pointer if size >= 0 => c.owned_size().unwrap_or(size as usize),
            Kind::Pointer => match c.owned_size() {
                Some(n) => n,
                None => ct
                    .item_ref()
                    .size()
                    .ok_or_else(|| Msg::BufferUnknownSize { ctype: &ct.cname }.to_err())?,
            },
            _ => return Err(Msg::NotPointerOrArrayCdata { ctype: &ct.cname }.to_err()),
        };
        c.check_alive(py)?;
        let len = if size >= 0 { size as usize } else { natural };
        if let Some(owned) = c.owned_size().filter(|o| len > *o) {
            let msg = format!(
                "ffi.buffer(cdata, bytes): creating a buffer of {len} bytes over a cdata that owns only {owned} bytes.  This will crash if you access the extra memory"
            );
            PyErr::warn(
                py,
                &py.get_type::<pyo3::exceptions::PyUserWarning>(),
                &std::ffi::CString::new(msg).expect("no NUL"),
                1,
            )?;
        }
        if c.address().is_null() && len > 0 {
            return Err(Msg::BufferOfNull { ctype: &ct.cname }.to_err());
        }
        Ok(CBuffer {
            cdata: cdata.clone().unbind(),
            ptr: c.address(),
            len,
        })
    }

    fn __len__(&self) -> usize {
        self.len
    }

    fn __bytes__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        self.bytes(py)
    }

    fn __getitem__(&self, py: Python<'_>, key: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.cdata.get().check_alive(py)?;
        let (start, stop) = match key.cast::<PySlice>() {
            Ok(slice) => self.range(slice)?,
            Err(_) => {
                let i = self.index(key, "")?;
                (i, i + 1)
            }
        };
        // SAFETY: within the buffer.
        let bytes = unsafe { std::slice::from_raw_parts(self.ptr.add(start), stop - start) };
        Ok(PyBytes::new(py, bytes).into_any().unbind())
    }

    fn __setitem__(
        &self,
        py: Python<'_>,
        key: &Bound<'_, PyAny>,
        value: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        self.cdata.get().check_alive(py)?;
        match key.cast::<PySlice>() {
            Ok(slice) => {
                let (start, stop) = self.range(slice)?;
                let src = Exported::get(value, false)?;
                if src.len() != stop - start {
                    return Err(Msg::BufferSliceLength.to_err());
                }
                // SAFETY: both ranges are valid; `copy` allows overlap.
                unsafe { std::ptr::copy(src.ptr(), self.ptr.add(start), src.len()) };
            }
            Err(_) => {
                let i = self.index(key, "assignment ")?;
                match value.cast::<PyBytes>().map(|b| b.as_bytes()) {
                    Ok([b]) => unsafe { *self.ptr.add(i) = *b },
                    _ => {
                        return Err(Msg::BufferItemNotByte {
                            given: &value.get_type().name()?,
                        }
                        .to_err())
                    }
                }
            }
        }
        Ok(())
    }

    fn __richcmp__(
        &self,
        py: Python<'_>,
        other: &Bound<'_, PyAny>,
        op: pyo3::basic::CompareOp,
    ) -> PyResult<Py<PyAny>> {
        let mine = self.bytes(py)?;
        let theirs = match other.cast::<CBuffer>() {
            Ok(b) => b.get().bytes(py)?.into_any(),
            Err(_) => other.clone(),
        };
        Ok(mine.rich_compare(theirs, op)?.unbind())
    }

    fn __hash__(&self) -> PyResult<isize> {
        Err(Msg::BufferUnhashable.to_err())
    }

    unsafe fn __getbuffer__(
        slf: Bound<'_, Self>,
        view: *mut ffi::Py_buffer,
        flags: c_int,
    ) -> PyResult<()> {
        let this = slf.get();
        this.cdata.get().check_alive(slf.py())?;
        let ok = ffi::PyBuffer_FillInfo(
            view,
            slf.as_ptr(),
            this.ptr as *mut c_void,
            this.len as isize,
            0,
            flags,
        );
        if ok == -1 {
            return Err(PyErr::fetch(slf.py()));
        }
        Ok(())
    }
}

/// `from_buffer(ctype, obj, require_writable=False)`: a cdata of an array (or
/// pointer) type over the memory of a Python buffer; the buffer stays exported
/// (the object alive and locked) until the cdata dies or is released.
#[pyfunction]
#[pyo3(signature = (ctype, obj, require_writable=false))]
pub fn from_buffer(
    py: Python<'_>,
    ctype: Py<CType>,
    obj: &Bound<'_, PyAny>,
    require_writable: bool,
) -> PyResult<Py<CData>> {
    let ct = ctype.get();
    if !matches!(ct.kind, Kind::Array | Kind::Pointer) {
        return Err(Msg::NotPointerOrArrayType { ctype: &ct.cname }.to_err());
    }
    if obj.is_instance_of::<PyString>() {
        return Err(Msg::FromBufferUnicode.to_err());
    }
    let exported = Exported::get(obj, require_writable)?;
    let length = if ct.kind == Kind::Array {
        let item_size = ct.item_ref().size_or_err()?;
        match ct.length {
            // cffi's error: no length follows from items of size 0.
            None if item_size == 0 => {
                return Err(Msg::FromBufferZeroSizeItems { ctype: &ct.cname }.to_err())
            }
            None => exported.len() / item_size,
            Some(n) => {
                let need = n * item_size;
                if need > exported.len() {
                    return Err(Msg::BufferTooSmall {
                        len: &exported.len(),
                        ctype: &ct.cname,
                        need: &need,
                    }
                    .to_err());
                }
                n
            }
        }
    } else {
        0
    };
    let ptr = exported.ptr();
    let owner = Owner::Resource(Resources::new(Resource::Buffer(exported.into_inner())));
    CData::with_parts(ctype, ptr, length, owner, Flavor::FromBuffer).create(py)
}

/// The repr of a `from_buffer()` cdata: the source object's type, or RELEASED.
pub fn from_buffer_repr(py: Python<'_>, c: &CData) -> String {
    let ct = c.ct();
    let source = match c.owner() {
        OwnerRef::Resource(r) => r.with(|res| match res {
            Some(Resource::Buffer(view)) if !c.is_released() && !view.obj.is_null() => {
                // SAFETY: the exported buffer holds a reference to its object.
                let obj = unsafe { Bound::from_borrowed_ptr(py, view.obj) };
                obj.get_type()
                    .fully_qualified_name()
                    .ok()
                    .map(|n| n.to_string())
            }
            _ => None,
        }),
        _ => None,
    };
    match (source, ct.kind) {
        (None, _) => format!("<cdata '{}' buffer RELEASED>", ct.cname),
        (Some(src), Kind::Array) => format!(
            "<cdata '{}' buffer len {} from '{src}' object>",
            ct.cname,
            c.array_length()
        ),
        (Some(src), _) => format!("<cdata '{}' buffer from '{src}' object>", ct.cname),
    }
}

/// One side of a `memmove()`: a cdata's address, or a Python buffer.
enum Side {
    Cdata(*mut u8, Option<usize>),
    Buffer(Exported),
}

impl Side {
    fn of(obj: &Bound<'_, PyAny>, writable: bool) -> PyResult<Side> {
        match obj.cast::<CData>() {
            Ok(cd) => {
                let c = cd.get();
                let ct = c.ct();
                if !matches!(ct.kind, Kind::Pointer | Kind::Array) {
                    return Err(Msg::NotPointerOrArrayType { ctype: &ct.cname }.to_err());
                }
                c.check_alive(obj.py())?;
                if c.is_handle() {
                    return Err(Msg::HandleIsNoMemory { what: &"memmove()" }.to_err());
                }
                let known = match ct.kind {
                    Kind::Array => Some(c.data_size()?),
                    _ => c.owned_size(),
                };
                Ok(Side::Cdata(c.address(), known))
            }
            Err(_) => Ok(Side::Buffer(Exported::get(obj, writable)?)),
        }
    }

    fn ptr(&self) -> *mut u8 {
        match self {
            Side::Cdata(p, _) => *p,
            Side::Buffer(b) => b.ptr(),
        }
    }

    /// How many bytes are known to be there.
    fn known_len(&self) -> Option<usize> {
        match self {
            Side::Cdata(_, n) => *n,
            Side::Buffer(b) => Some(b.len()),
        }
    }
}

/// `memmove(dest, src, n)`: copies `n` bytes, the areas may overlap. Either
/// side is a pointer or array cdata or a (for `dest`, writable) Python buffer.
#[pyfunction]
pub fn memmove(dest: &Bound<'_, PyAny>, src: &Bound<'_, PyAny>, n: isize) -> PyResult<()> {
    if n < 0 {
        return Err(Msg::NegativeSize.to_err());
    }
    let n = n as usize;
    let src = Side::of(src, false)?;
    let dest = Side::of(dest, true)?;
    for (side, name) in [(&src, "source"), (&dest, "destination")] {
        if side.known_len().is_some_and(|len| len < n) {
            return Err(Msg::MemmoveTooShort {
                name: &name,
                len: &side.known_len().unwrap_or(0),
                n: &n,
            }
            .to_err());
        }
        if n > 0 && side.ptr().is_null() {
            return Err(Msg::MemmoveNull { name: &name }.to_err());
        }
    }
    if n > 0 {
        // SAFETY: both areas hold at least `n` bytes as far as can be known.
        unsafe { std::ptr::copy(src.ptr(), dest.ptr(), n) };
    }
    Ok(())
}
