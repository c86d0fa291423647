//! The shapes of a cdata object, and how one is made.
//!
//! Most cdata (casts, pointers, call results, plain views) are bare: the
//! object header, the ctype, one word and the weakref list, 40 bytes as in
//! cffi. What only some cdata need (an owner, a length, a flavor, the release
//! mark) is a [`Tail`] right after those 40 bytes, so that the common cdata do
//! not pay for it. The types, all named as cffi names them:
//! - `CData` itself (`_CDataBase`): function cdata, with the tail and then the
//!   vectorcall entry (CPython finds it at a fixed offset of the type);
//! - a `_CDataBase` subtype for bare cdata;
//! - one with a tail, for views that keep a parent alive, slices and
//!   primitives too large for the word;
//! - `__CDataOwn`, cffi's name for what `new` returns (and for `p[0]` of an
//!   owning struct pointer), whose memory from `new` follows the tail in the
//!   same allocation: one allocation per `new`, as in cffi;
//! - `__CDataGCP`, cffi's name for cdata whose death runs a destructor (`gc`,
//!   a custom allocator's memory), and `__CDataFromBuf` for `from_buffer`:
//!   tailed cdata as the others, whose names only tell what they are;
//! - handles and callbacks, PyO3 subclasses whose first field is
//!   their tail (named `__CDataOwnGC`, as cffi names both).
//!
//! Whether a cdata has a tail is told by its type: only the bare type has none.

use std::mem::ManuallyDrop;
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering};
use std::sync::OnceLock;

use pyo3::ffi;
use pyo3::prelude::*;
use rcffi_core::ctype::Kind;

use crate::cdata::{CData, Flavor, Owner};
use crate::cdata_owner::{OwnerSlot, OwnerTag};
use crate::messages::Msg;
use crate::pylayout;
use crate::types::CType;

/// The rare parts of a cdata, right after the bare object. Plain data: the
/// owner is given back by `CData`'s `Drop`, which finds the tail through the
/// type.
#[repr(C)]
pub(crate) struct Tail {
    /// What keeps the memory alive; `owner_tag` says which field is in use.
    pub(crate) owner_slot: OwnerSlot,
    /// Item count of an array whose type has no length (`int[]`); for any other
    /// owning cdata, the bytes it owns.
    pub(crate) length: usize,
    pub(crate) flavor: Flavor,
    pub(crate) owner_tag: OwnerTag,
    /// Set by `ffi.release()` where the memory may be gone: accesses check it.
    pub(crate) released: AtomicBool,
}

// The slot holds C addresses and owned Rust boxes, as `CData` does.
unsafe impl Send for Tail {}
unsafe impl Sync for Tail {}

impl Tail {
    fn new(owner: Owner, length: usize, flavor: Flavor) -> Tail {
        let (owner_tag, owner_slot) = OwnerSlot::pack(owner);
        Tail {
            owner_slot,
            length,
            flavor,
            owner_tag,
            released: AtomicBool::new(false),
        }
    }
}

/// A function cdata's tail: CPython finds the entry point at a fixed offset of
/// the type (`tp_vectorcall_offset`), after the common tail.
#[repr(C)]
struct FunctionTail {
    tail: Tail,
    vectorcall: ffi::vectorcallfunc,
}

/// Bytes of a bare cdata: header, `CData` and the weakref list.
pub(crate) const BASE_SIZE: usize =
    std::mem::size_of::<ffi::PyObject>() + std::mem::size_of::<CData>() + PTR;
/// Bytes of a cdata with a tail.
const TAIL_SIZE: usize = BASE_SIZE + std::mem::size_of::<Tail>();
/// Where the memory of `new` starts in a `__CDataOwn`: after the tail, aligned
/// as malloc aligns (objects are allocated 16-aligned).
const INLINE_OFFSET: usize = (TAIL_SIZE + MAX_ALIGN - 1) & !(MAX_ALIGN - 1);
/// The alignment every object allocation has (pymalloc's and malloc's).
pub(crate) const MAX_ALIGN: usize = 16;
const PTR: usize = std::mem::size_of::<usize>();

/// Bytes of a function cdata.
const FUNCTION_SIZE: usize = BASE_SIZE + std::mem::size_of::<FunctionTail>();

/// The cdata types, filled once at module creation. Function cdata are of
/// `CData`'s own type (`type(lib.f) is ffi.CData`, which cffi's tests check),
/// the only one with a vectorcall entry; the others are subtypes.
struct Types {
    bare: AtomicPtr<ffi::PyTypeObject>,
    tailed: AtomicPtr<ffi::PyTypeObject>,
    function: AtomicPtr<ffi::PyTypeObject>,
    owning: AtomicPtr<ffi::PyTypeObject>,
    collected: AtomicPtr<ffi::PyTypeObject>,
    from_buffer: AtomicPtr<ffi::PyTypeObject>,
}

static TYPES: Types = Types {
    bare: AtomicPtr::new(ptr::null_mut()),
    tailed: AtomicPtr::new(ptr::null_mut()),
    function: AtomicPtr::new(ptr::null_mut()),
    owning: AtomicPtr::new(ptr::null_mut()),
    collected: AtomicPtr::new(ptr::null_mut()),
    from_buffer: AtomicPtr::new(ptr::null_mut()),
};

/// The entry point written into every function cdata, given by module creation
/// (it is `call_entry::vectorcall`): the calls are built on cdata, so the
/// layout takes their entry as a value rather than naming that module.
static FUNCTION_ENTRY: OnceLock<ffi::vectorcallfunc> = OnceLock::new();

/// Makes the subtypes of `CData` and turns `CData` itself into the type of
/// function cdata, whose calls enter at `entry`. Called once, at module
/// creation, while `CData` is still open to subclassing and has no instances.
pub(crate) fn make_types(py: Python<'_>, entry: ffi::vectorcallfunc) -> PyResult<()> {
    let base = py.get_type::<CData>().as_type_ptr();
    // SAFETY: our own type object, fully created.
    let (basicsize, weaklist) = unsafe { pylayout::instance_layout(base) };
    if basicsize as usize != BASE_SIZE || weaklist as usize != BASE_SIZE - PTR {
        return Err(Msg::UnexpectedCdataLayout {
            basicsize: &basicsize,
            weaklist: &weaklist,
        }
        .to_err());
    }
    // SAFETY: our type, with no instances yet; `dealloc` frees what `create`
    // allocates, and the objects PyO3 would make the same way.
    unsafe { pylayout::set_dealloc(base, dealloc) };
    let subtype = |name: &'static std::ffi::CStr, size: usize| {
        // SAFETY: deriving from our open type, with the same deallocator; the
        // result is a new reference kept for the life of the process.
        unsafe { pylayout::new_subtype(py, base, name, size, dealloc) }
    };
    // Made before `CData` has a vectorcall entry, so none of them inherits it.
    let bare = subtype(c"_cffi_backend._CDataBase", BASE_SIZE)?;
    let tailed = subtype(c"_cffi_backend._CDataBase", TAIL_SIZE)?;
    let owning = subtype(c"_cffi_backend.__CDataOwn", TAIL_SIZE)?;
    let collected = subtype(c"_cffi_backend.__CDataGCP", TAIL_SIZE)?;
    let from_buffer = subtype(c"_cffi_backend.__CDataFromBuf", TAIL_SIZE)?;
    let offset = BASE_SIZE + std::mem::offset_of!(FunctionTail, vectorcall);
    // SAFETY: the type has no instances yet; every one `create` makes is a
    // function cdata of `FUNCTION_SIZE` bytes, with the entry at `offset`.
    unsafe { pylayout::enable_vectorcall(base, FUNCTION_SIZE, offset) };
    TYPES.bare.store(bare, Ordering::Release);
    TYPES.tailed.store(tailed, Ordering::Release);
    TYPES.function.store(base, Ordering::Release);
    TYPES.owning.store(owning, Ordering::Release);
    TYPES.collected.store(collected, Ordering::Release);
    TYPES.from_buffer.store(from_buffer, Ordering::Release);
    let _ = FUNCTION_ENTRY.set(entry);
    Ok(())
}

impl CData {
    /// A cdata of any kind with all its parts given, to be made with
    /// `NewCData::create`; owner, length and flavor other than none, 0 and
    /// plain give it a tail.
    pub(crate) fn with_parts(
        ctype: Py<CType>,
        ptr: *mut u8,
        length: usize,
        owner: Owner,
        flavor: Flavor,
    ) -> NewCData {
        let bare = matches!(owner, Owner::None) && length == 0 && flavor == Flavor::Plain;
        NewCData {
            ctype,
            word: ptr,
            tail: (!bare).then(|| Tail::new(owner, length, flavor)),
            large_value: None,
            collected: false,
        }
    }

    /// The tail, unless this is a bare cdata.
    #[inline]
    pub(crate) fn tail(&self) -> Option<&Tail> {
        let me = self as *const CData as *const u8;
        // SAFETY: `self` lives inside a cdata object; only the bare type has no
        // tail, and every other has one right after the bare object.
        unsafe {
            if pylayout::type_of_contents(me) == TYPES.bare.load(Ordering::Relaxed) {
                None
            } else {
                Some(&*(pylayout::after_contents(me, BASE_SIZE) as *const Tail))
            }
        }
    }

    /// The tail for `Drop`, which gives back the owner.
    pub(crate) fn tail_mut(&mut self) -> Option<&mut Tail> {
        let me = self as *mut CData as *mut u8;
        // SAFETY: as in `tail`; `&mut self` is the only reference.
        unsafe {
            if pylayout::type_of_contents(me) == TYPES.bare.load(Ordering::Relaxed) {
                None
            } else {
                Some(&mut *(pylayout::after_contents(me, BASE_SIZE) as *mut Tail))
            }
        }
    }
}

impl Drop for CData {
    fn drop(&mut self) {
        if let Some(tail) = self.tail_mut() {
            // SAFETY: the tag is the one `pack` gave, and the cdata is going
            // away; a cdata is only dropped with the GIL held.
            if matches!(tail.owner_tag, OwnerTag::Resource | OwnerTag::GcResource) {
                // Resources hold Python objects and may run Python code.
                let mut release = |py: Python<'_>| {
                    if let Some(r) = tail.resources() {
                        r.release(py);
                    }
                    unsafe { tail.owner_slot.drop_as(tail.owner_tag) }
                };
                // SAFETY: plain query of the runtime's state.
                if unsafe { ffi::Py_IsInitialized() } != 0 {
                    // Attached in PyO3's count, so the references dropped
                    // here are given back now, not queued.
                    Python::attach(release);
                } else {
                    // The interpreter finalizing its modules: `attach` would
                    // abort (it checks initialization first), and the GIL is
                    // held; what it would queue, the exit frees.
                    release(unsafe { Python::assume_attached() });
                }
            } else {
                unsafe { tail.owner_slot.drop_as(tail.owner_tag) }
            }
        }
        // SAFETY: the reference this cdata holds, given back once.
        unsafe { ffi::Py_DECREF(self.ctype.as_ptr()) }
    }
}

/// The deallocator of the cdata types `create` makes instances of (not of the
/// PyO3 subclasses, whose own deallocator drops the `CData` the same way).
/// Written out rather than PyO3's, whose guards cost more than the rest of a
/// `new` cdata's life: `CData`'s `Drop` cannot fail (a destructor's error is
/// reported as unraisable), and the interpreter calls this with the GIL.
unsafe extern "C" fn dealloc(obj: *mut ffi::PyObject) {
    let base = obj as *mut u8;
    if !(*(base.add(BASE_SIZE - PTR) as *mut *mut ffi::PyObject)).is_null() {
        ffi::PyObject_ClearWeakRefs(obj);
    }
    ptr::drop_in_place(base.add(std::mem::size_of::<ffi::PyObject>()) as *mut CData);
    let tp = ffi::Py_TYPE(obj);
    ffi::PyObject_Free(obj.cast());
    // The reference `PyObject_Init` (or PyO3's allocation) took for the instance.
    ffi::Py_DECREF(tp.cast());
}

/// A cdata about to be made: its parts, from which `create` picks the shape.
pub(crate) struct NewCData {
    ctype: Py<CType>,
    word: *mut u8,
    tail: Option<Tail>,
    /// A primitive's value too large for the word, kept after the tail; the
    /// word points to it.
    large_value: Option<[u8; 16]>,
    /// Its death runs a destructor: of cffi's type for those, `__CDataGCP`.
    collected: bool,
}

impl NewCData {
    /// Makes the cdata hold a primitive's `value` instead of an address.
    pub(crate) fn with_value(mut self, value: [u8; 16]) -> NewCData {
        let large = self.ctype.get().prim.is_some_and(|p| p.size() > PTR);
        if !large {
            let low = u64::from_le_bytes(value[..8].try_into().expect("8 bytes"));
            self.word = low as usize as *mut u8;
        } else {
            self.large_value = Some(value);
            self.tail
                .get_or_insert_with(|| Tail::new(Owner::None, 0, Flavor::Plain));
        }
        self
    }

    /// Makes the cdata one whose owner runs a destructor at its death
    /// (`ffi.gc()`, a custom allocator's `free`), as its type then tells;
    /// the owner given to [`CData::with_parts`] is what runs it.
    pub(crate) fn collected(mut self) -> NewCData {
        self.collected = true;
        self
    }

    /// The cdata and its tail, for the PyO3 subclasses (handles, callbacks)
    /// whose first field is the tail.
    pub(crate) fn into_subclass_parts(self) -> (CData, Tail) {
        debug_assert!(self.large_value.is_none());
        let tail = self
            .tail
            .unwrap_or_else(|| Tail::new(Owner::None, 0, Flavor::Plain));
        (
            CData {
                ctype: ManuallyDrop::new(self.ctype),
                word: self.word,
            },
            tail,
        )
    }

    /// Allocates and fills the object: one allocation, whatever the shape.
    #[inline]
    pub(crate) fn create(self, py: Python<'_>) -> PyResult<Py<CData>> {
        let function = self.ctype.get().kind == Kind::Function;
        let large = self.large_value.is_some();
        let (tp, size) = match &self.tail {
            _ if function => (&TYPES.function, FUNCTION_SIZE),
            None => (&TYPES.bare, BASE_SIZE),
            Some(t) => {
                let tp = match t.flavor {
                    _ if self.collected => &TYPES.collected,
                    Flavor::FromBuffer => &TYPES.from_buffer,
                    Flavor::Owning if !large => &TYPES.owning,
                    _ => &TYPES.tailed,
                };
                (tp, if large { INLINE_OFFSET + 16 } else { TAIL_SIZE })
            }
        };
        // SAFETY: the type's instances are `size` bytes or fewer (the types
        // were made for these shapes), and `fill` writes the rest.
        unsafe {
            let obj = pylayout::new_object(tp.load(Ordering::Acquire), size)
                .ok_or_else(|| Msg::CannotAllocateCdata.to_err())?;
            let base = obj as *mut u8;
            let mut word = self.word;
            if let Some(v) = self.large_value {
                word = base.add(INLINE_OFFSET);
                ptr::write(word as *mut [u8; 16], v);
            }
            let tail = self
                .tail
                .or_else(|| function.then(|| Tail::new(Owner::None, 0, Flavor::Plain)));
            fill(base, self.ctype, word, tail);
            if function {
                let at = base.add(BASE_SIZE + std::mem::offset_of!(FunctionTail, vectorcall));
                let entry = *FUNCTION_ENTRY.get().expect("set by make_types");
                ptr::write(at as *mut ffi::vectorcallfunc, entry);
            }
            Ok(Py::from_owned_ptr(py, obj))
        }
    }
}

/// Whether a PyO3 subclass put its tail where `CData::tail` looks for it.
pub(crate) fn tail_is_first_field(cdata: &CData, tail: &Tail) -> bool {
    cdata.tail().is_some_and(|t| ptr::eq(t, tail))
}

/// Writes the parts of a new cdata object after its header.
///
/// # Safety
/// `base` is a new object of a cdata type, large enough for a tail if given.
#[inline(always)]
unsafe fn fill(base: *mut u8, ctype: Py<CType>, word: *mut u8, tail: Option<Tail>) {
    let contents = base.add(std::mem::size_of::<ffi::PyObject>());
    ptr::write(
        contents as *mut CData,
        CData {
            ctype: ManuallyDrop::new(ctype),
            word,
        },
    );
    ptr::write(
        base.add(BASE_SIZE - PTR) as *mut *mut ffi::PyObject,
        ptr::null_mut(),
    );
    if let Some(tail) = tail {
        ptr::write(base.add(BASE_SIZE) as *mut Tail, tail);
    }
}

/// A `__CDataOwn` whose `size` bytes of zeroed memory follow its tail in the
/// same allocation; `length` as `Tail::length` says. The path of `new`.
pub(crate) fn new_inline_owned(
    py: Python<'_>,
    ctype: Py<CType>,
    size: usize,
    length: usize,
) -> PyResult<Py<CData>> {
    let refused = || Msg::CannotAllocate { size: &size }.to_err();
    let total = INLINE_OFFSET
        .checked_add(size)
        .filter(|s| *s <= isize::MAX as usize)
        .ok_or_else(refused)?;
    // SAFETY: `__CDataOwn` instances are `TAIL_SIZE` bytes; the memory after
    // them is this one's, zeroed here.
    unsafe {
        let obj = pylayout::new_object(TYPES.owning.load(Ordering::Acquire), total)
            .ok_or_else(refused)?;
        let base = obj as *mut u8;
        let data = base.add(INLINE_OFFSET);
        ptr::write_bytes(data, 0, size);
        let tail = Tail {
            owner_slot: OwnerSlot::inline(),
            length,
            flavor: Flavor::Owning,
            owner_tag: OwnerTag::Inline,
            released: AtomicBool::new(false),
        };
        fill(base, ctype, data, Some(tail));
        Ok(Py::from_owned_ptr(py, obj))
    }
}
