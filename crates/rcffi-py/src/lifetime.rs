//! What happens when a cdata's resources are given back: at death, or earlier
//! through `ffi.release()` / the `with` statement. Also `ffi.gc()`, whose whole
//! job is to attach such a resource (a destructor) to a new cdata.

use std::sync::Mutex;

use pyo3::prelude::*;

use crate::cdata::{CData, Flavor, Owner};
use crate::cdata_owner::OwnerRef;
use crate::cdata_owner::{Resource, Resources};
use crate::messages::Msg;

impl Resources {
    pub fn new(r: Resource) -> Box<Resources> {
        Box::new(Resources(Mutex::new(Some(r))))
    }

    fn take(&self) -> Option<Resource> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).take()
    }

    /// Runs `f` on the resource, if it is still held.
    pub fn with<R>(&self, f: impl FnOnce(Option<&Resource>) -> R) -> R {
        let guard = self.0.lock().unwrap_or_else(|p| p.into_inner());
        f(guard.as_ref())
    }

    /// Gives the resource back now; later calls do nothing.
    pub fn release(&self, py: Python<'_>) {
        if let Some(r) = self.take() {
            r.give_back(py);
        }
    }

    /// `release()` of a cdata: as `release`, except that a buffer's source
    /// object stays referenced, as cffi's released buffers may still be read.
    fn release_keeping_source(&self, py: Python<'_>) {
        let mut guard = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let r = match guard.take() {
            Some(Resource::Buffer(view)) if !view.obj.is_null() => {
                // SAFETY: the view holds a reference to its object until released.
                let source = unsafe { Bound::from_borrowed_ptr(py, view.obj) }.unbind();
                *guard = Some(Resource::Unlocked(source));
                Resource::Buffer(view)
            }
            Some(Resource::Gc {
                destructor,
                original,
            }) => {
                *guard = Some(Resource::Kept(original.clone_ref(py)));
                Resource::Gc {
                    destructor,
                    original,
                }
            }
            Some(kept @ Resource::Kept(_)) => {
                *guard = Some(kept);
                return;
            }
            Some(r) => r,
            None => return,
        };
        drop(guard);
        r.give_back(py);
    }

    /// `gc()`'s original, whose memory the cdata holding this views.
    pub fn original(&self, py: Python<'_>) -> Option<Py<PyAny>> {
        self.with(|r| match r {
            Some(Resource::Gc { original, .. } | Resource::Kept(original)) => {
                Some(original.clone_ref(py))
            }
            _ => None,
        })
    }

    /// Whether a released `from_buffer()` cdata of `len` bytes at `ptr` may
    /// still be read: its source still exports exactly that memory.
    pub fn source_still_at(&self, py: Python<'_>, ptr: *mut u8, len: usize) -> bool {
        self.with(|r| match r {
            Some(Resource::Unlocked(source)) => {
                crate::buffer::Exported::get(source.bind(py), false)
                    .is_ok_and(|e| e.ptr() == ptr && e.len() >= len)
            }
            _ => false,
        })
    }
}

impl Resource {
    fn give_back(self, py: Python<'_>) {
        match self {
            Resource::Gc {
                destructor,
                original,
            } => {
                if let Err(e) = destructor.bind(py).call1((original.clone_ref(py),)) {
                    e.write_unraisable(py, Some(original.bind(py)));
                }
            }
            Resource::Buffer(mut view) => unsafe { pyo3::ffi::PyBuffer_Release(&mut *view) },
            Resource::Unlocked(source) | Resource::Kept(source) => drop(source),
            Resource::Alloc { free, ptr, keep } => {
                if let Some(free) = free {
                    if let Err(e) = free.call(py, ptr, keep.as_ref()) {
                        e.write_unraisable(py, keep.as_ref().map(|k| k.bind(py)));
                    }
                }
                drop(keep);
            }
        }
    }
}

/// `release(cdata)`: gives back what a cdata from `new`, `gc`, `from_buffer` or
/// an allocator holds; releasing twice does nothing. As in cffi on CPython,
/// memory from `new` stays until the object dies (views of it may still point
/// there), a `gc` cdata stays usable after its destructor ran (the destructor
/// decides what becomes of the memory), and a `from_buffer` cdata unlocks its
/// source but may be read while the source keeps that memory. Memory from an
/// allocator's `free` is gone: that cdata raises on every later access.
#[pyfunction]
pub fn release(cdata: &Bound<'_, CData>) -> PyResult<()> {
    let this = cdata.get();
    match this.owner() {
        OwnerRef::Resource(r) => {
            let freed = r.with(|res| matches!(res, Some(Resource::Alloc { .. })));
            if freed || this.flavor() == Flavor::FromBuffer {
                this.mark_released();
            }
            r.release_keeping_source(cdata.py());
            Ok(())
        }
        OwnerRef::Malloc => Ok(()),
        _ => Err(Msg::NotReleasable.to_err()),
    }
}

/// `gcp(cdata, destructor, size=0)`: a new cdata for the same data whose death
/// (or release) calls `destructor(cdata)`; with `destructor=None`, removes the
/// destructor of a cdata `gcp` returned and gives `None`. `size` is a hint for
/// garbage collectors that CPython does not need.
#[pyfunction]
#[pyo3(signature = (cdata, destructor, size=0))]
pub fn gcp(
    py: Python<'_>,
    cdata: &Bound<'_, CData>,
    destructor: &Bound<'_, PyAny>,
    size: isize,
) -> PyResult<Option<Py<CData>>> {
    let _ = size;
    let this = cdata.get();
    if destructor.is_none() {
        let removed = match this.owner() {
            OwnerRef::Resource(r) => r.with(|res| matches!(res, Some(Resource::Gc { .. }))),
            _ => false,
        };
        if !removed {
            return Err(Msg::NoDestructorToRemove.to_err());
        }
        if let OwnerRef::Resource(r) = this.owner() {
            // The destructor is forgotten; the original stays, as the memory
            // may be its own.
            let mut slot = r.0.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(Resource::Gc { original, .. }) = slot.take() {
                *slot = Some(Resource::Kept(original));
            }
        }
        return Ok(None);
    }
    let flavor = if this.ct().is_record() {
        Flavor::Ref
    } else {
        Flavor::Plain
    };
    let owner = Owner::Resource(Resources::new(Resource::Gc {
        destructor: destructor.clone().unbind(),
        original: cdata.clone().into_any().unbind(),
    }));
    let mut made = CData::with_parts(
        this.ctype.clone_ref(py),
        this.address(),
        this.array_length(),
        owner,
        flavor,
    );
    if let Some(value) = this.held_value() {
        made = made.with_value(value);
    }
    Ok(Some(made.collected().create(py)?))
}
