//! What keeps a cdata's memory alive, stored in one pointer-sized slot of the
//! cdata's tail whose kind is a one-byte tag beside the tail's other small
//! fields: an enum would take 16 bytes for its discriminant and payload.

use std::mem::ManuallyDrop;
use std::os::raw::c_void;
use std::sync::Mutex;

use pyo3::prelude::*;

/// A resource held by a cdata until death or `release()`.
pub enum Resource {
    /// `ffi.gc(original, destructor)`: `destructor(original)` runs once.
    Gc {
        destructor: Py<PyAny>,
        original: Py<PyAny>,
    },
    /// `ffi.from_buffer()`: the exported buffer, which keeps the source object
    /// alive and locked (a `bytearray` cannot be resized under us).
    Buffer(Box<pyo3::ffi::Py_buffer>),
    /// A `gc()` cdata whose destructor ran (`release()`) or was removed
    /// (`gc(p, None)`): the original, which may own the memory this cdata
    /// points to, stays alive as long as it does.
    Kept(Py<PyAny>),
    /// A released `from_buffer()`: the source object, kept alive but no longer
    /// locked (it may be resized, so each access checks the memory is still
    /// where it was).
    Unlocked(Py<PyAny>),
    /// Memory from a custom allocator: `free(ptr)` runs once, if there is a
    /// `free`; `keep` is what `alloc` returned, when that is a Python object.
    Alloc {
        free: Option<FreeFn>,
        ptr: *mut u8,
        keep: Option<Py<PyAny>>,
    },
}

// The raw pointers are C addresses (and a Py_buffer only ever used with the
// GIL held); nothing here is tied to a thread.
unsafe impl Send for Resource {}

/// The resource slot of a cdata: emptied by the first release.
pub struct Resources(pub(crate) Mutex<Option<Resource>>);

/// What a handle's pointer points to. The object is a borrowed pointer: the
/// reference that keeps it alive is the handle cdata's own (`HandleCData`), the
/// one the garbage collector is told about.
#[repr(C)]
pub struct HandleBox {
    pub(crate) magic: u64,
    pub(crate) object: *mut pyo3::ffi::PyObject,
}

/// A C function given as `free`: `void (*)(void *)`.
pub(crate) type CFree = unsafe extern "C" fn(*mut c_void);

/// The `free` of a custom allocator.
pub enum FreeFn {
    C(CFree),
    Py(Py<PyAny>),
}

/// What keeps a cdata's memory alive, as the makers of cdata give it.
pub enum Owner {
    /// Nothing: the memory belongs to C (pointers, casts).
    None,
    /// Memory from `malloc`, freed when this cdata dies.
    Malloc(*mut u8),
    /// Another object that owns or views the memory.
    Keep(Py<PyAny>),
    /// Something given back at death or by `ffi.release()`: a `gc` destructor,
    /// a locked Python buffer, an allocator's memory. Boxed: it is rare.
    Resource(Box<Resources>),
    /// `new_handle()`: the box holding the object; its address is the pointer.
    Handle(Box<HandleBox>),
}

/// A cdata's owner as its readers see it.
pub(crate) enum OwnerRef<'a> {
    None,
    /// Memory from `new` (malloc'ed or inline): the cdata's own address.
    Malloc,
    Keep(&'a Py<PyAny>),
    Resource(&'a Resources),
    Handle(&'a HandleBox),
}

/// Which field of `OwnerSlot` is in use.
#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum OwnerTag {
    None,
    Malloc,
    /// Memory in the cdata's own allocation, after its tail: what `new` makes
    /// (`cdata_layout::new_inline_owned`, which sets the tag itself).
    Inline,
    Keep,
    Resource,
    /// A `Resource` holding `gc()`'s original (`Resource::Gc`, then `Kept`):
    /// the cdata views the original's memory, so its aliveness is the
    /// original's too (`CData::check_alive` follows it).
    GcResource,
    Handle,
}

/// The payload of an `Owner`; its `OwnerTag` is kept by the cdata.
pub(crate) union OwnerSlot {
    malloc: *mut u8,
    keep: ManuallyDrop<Py<PyAny>>,
    resource: ManuallyDrop<Box<Resources>>,
    handle: ManuallyDrop<Box<HandleBox>>,
}

impl OwnerSlot {
    /// The slot of memory inside the cdata: nothing to hold.
    #[inline]
    pub(crate) fn inline() -> OwnerSlot {
        OwnerSlot {
            malloc: std::ptr::null_mut(),
        }
    }

    pub(crate) fn pack(owner: Owner) -> (OwnerTag, OwnerSlot) {
        match owner {
            Owner::None => (
                OwnerTag::None,
                OwnerSlot {
                    malloc: std::ptr::null_mut(),
                },
            ),
            Owner::Malloc(p) => (OwnerTag::Malloc, OwnerSlot { malloc: p }),
            Owner::Keep(k) => (
                OwnerTag::Keep,
                OwnerSlot {
                    keep: ManuallyDrop::new(k),
                },
            ),
            Owner::Resource(r) => (
                if r.with(|res| matches!(res, Some(Resource::Gc { .. }))) {
                    OwnerTag::GcResource
                } else {
                    OwnerTag::Resource
                },
                OwnerSlot {
                    resource: ManuallyDrop::new(r),
                },
            ),
            Owner::Handle(h) => (
                OwnerTag::Handle,
                OwnerSlot {
                    handle: ManuallyDrop::new(h),
                },
            ),
        }
    }

    /// # Safety
    /// `tag` is the one `pack` returned with this slot.
    #[inline]
    pub(crate) unsafe fn get(&self, tag: OwnerTag) -> OwnerRef<'_> {
        match tag {
            OwnerTag::None => OwnerRef::None,
            OwnerTag::Malloc | OwnerTag::Inline => OwnerRef::Malloc,
            OwnerTag::Keep => OwnerRef::Keep(&self.keep),
            OwnerTag::Resource | OwnerTag::GcResource => OwnerRef::Resource(&self.resource),
            OwnerTag::Handle => OwnerRef::Handle(&self.handle),
        }
    }

    /// Frees what the slot holds: the memory, the reference or the box.
    ///
    /// # Safety
    /// `tag` is the one `pack` returned with this slot, the slot is not used
    /// again, and the GIL is held.
    pub(crate) unsafe fn drop_as(&mut self, tag: OwnerTag) {
        match tag {
            OwnerTag::None | OwnerTag::Inline => {}
            OwnerTag::Malloc => libc::free(self.malloc.cast()),
            // A plain decref: `Drop` of a `Py` outside PyO3's bookkeeping (the
            // interpreter's deallocator call) would only queue it.
            OwnerTag::Keep => pyo3::ffi::Py_DECREF(self.keep.as_ptr()),
            OwnerTag::Resource | OwnerTag::GcResource => ManuallyDrop::drop(&mut self.resource),
            OwnerTag::Handle => ManuallyDrop::drop(&mut self.handle),
        }
    }
}
