//! `CData`: a C value, or a view of C memory, seen from Python.
//!
//! What a cdata holds depends on its type's kind, as in cffi: a pointer or
//! function cdata holds the pointer value; a struct, union or array cdata holds the
//! address of its data; a primitive cdata (from `cast`) holds the value itself.
//! Only the object `new` returned owns memory; views keep their parent alive.
//!
//! This is the core every other layer builds on: the struct, its constructors
//! and accessors. Its Python protocol is in `cdata_protocol.rs`, attributes in
//! `cdata_attrs.rs`, repr in `cdata_repr.rs`, the object layout in
//! `cdata_layout.rs`.

use std::mem::ManuallyDrop;
use std::ptr;

use pyo3::prelude::*;
use rcffi_core::ctype::{Kind, Prim, PrimClass};

pub(crate) use crate::cdata_layout::NewCData;
use crate::cdata_layout::MAX_ALIGN;
pub use crate::cdata_owner::Owner;
use crate::cdata_owner::OwnerRef;
use crate::messages::Msg;
use crate::types::CType;

/// How the cdata presents itself in `repr`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flavor {
    Plain,
    /// Owns (or co-owns) its data: `<cdata 'int[10]' owning 40 bytes>`. The byte
    /// count is in `length` (an open array's is its item count times the item
    /// size), which keeps the flavor one byte and the object smaller.
    Owning,
    /// A struct reached through a field or an index: `<cdata 'point_t &' 0x...>`.
    Ref,
    /// An array from slicing: `<cdata 'int[]' sliced length 3>`.
    Slice,
    /// `from_buffer()`: `<cdata 'char[]' buffer len 8 from 'bytearray' object>`.
    FromBuffer,
}

/// A C value or a view of C memory. Named as cffi's backend names its class
/// (`<class '_cffi_backend._CDataBase'>`, which callers compare); the backend
/// also exports it as `CData`. This and the weakref list make a bare cdata,
/// 40 bytes; instances of this type itself are function cdata, and the other
/// shapes are subtypes of the same name (`cdata_layout.rs`).
#[pyclass(
    frozen,
    subclass,
    weakref,
    module = "_cffi_backend",
    name = "_CDataBase"
)]
pub struct CData {
    /// Released by `Drop` with a plain decref: the interpreter calls the
    /// deallocator with the GIL but outside PyO3's bookkeeping, where dropping
    /// a `Py` would only queue the decref for later.
    pub ctype: ManuallyDrop<Py<CType>>,
    /// The address, or a primitive's value (`cdata_held.rs` reads it).
    pub(crate) word: *mut u8,
}

// The raw pointers are C addresses, usable from any thread as in C; everything
// else is immutable after creation or behind a lock.
unsafe impl Send for CData {}
unsafe impl Sync for CData {}

impl CData {
    /// A pointer (or function pointer) cdata with value `p`.
    #[inline]
    pub fn new_pointer(py: Python<'_>, ctype: Py<CType>, p: *mut u8) -> PyResult<Py<CData>> {
        CData::with_parts(ctype, p, 0, Owner::None, Flavor::Plain).create(py)
    }

    /// A struct, union or array cdata viewing memory at `addr`.
    pub fn new_view(
        py: Python<'_>,
        ctype: Py<CType>,
        addr: *mut u8,
        owner: Owner,
        is_ref: bool,
    ) -> PyResult<Py<CData>> {
        let flavor = if is_ref { Flavor::Ref } else { Flavor::Plain };
        CData::with_parts(ctype, addr, 0, owner, flavor).create(py)
    }

    /// An array cdata of type `T[]` viewing `length` items at `addr`, shown as a
    /// slice (slicing, flexible array members).
    pub fn new_slice(
        py: Python<'_>,
        ctype: Py<CType>,
        addr: *mut u8,
        length: usize,
        owner: Owner,
    ) -> PyResult<Py<CData>> {
        CData::with_parts(ctype, addr, length, owner, Flavor::Slice).create(py)
    }

    /// A primitive cdata holding `value`.
    pub fn new_value(py: Python<'_>, ctype: Py<CType>, value: [u8; 16]) -> PyResult<Py<CData>> {
        CData::with_parts(ctype, ptr::null_mut(), 0, Owner::None, Flavor::Plain)
            .with_value(value)
            .create(py)
    }

    /// Zeroed memory for `new`: a pointer type gets room for one item, an array
    /// type for `length` items. The memory is in the object's own allocation
    /// unless the type asks for more alignment than allocations have.
    pub fn new_owned(
        py: Python<'_>,
        ctype: Py<CType>,
        size: usize,
        length: usize,
    ) -> PyResult<Py<CData>> {
        // A lone character gets a NUL after it, as in cffi, so that `string()`
        // of `new("char *", b"x")` stops inside the allocation.
        let ct = ctype.get();
        let item = ct.item.as_ref().map(|i| i.get());
        let room = match (ct.kind, item.and_then(|i| i.prim)) {
            (Kind::Pointer, Some(p))
                if matches!(p.class(), PrimClass::Char | PrimClass::WideChar) =>
            {
                size * 2
            }
            _ => size,
        };
        if room >= CALLOC_FROM {
            // SAFETY: calloc gives `room` zeroed bytes or NULL.
            let p = unsafe { libc::calloc(room, 1) } as *mut u8;
            if p.is_null() {
                return Err(Msg::CannotAllocate { size: &size }.to_err());
            }
            return CData::owning(ctype, p, size, length, Owner::Malloc(p)).create(py);
        }
        if item.and_then(CType::align).unwrap_or(1) <= MAX_ALIGN {
            let stored = owned_count(ct, size, length);
            return crate::cdata_layout::new_inline_owned(py, ctype, room, stored);
        }
        // malloc + memset rather than calloc: glibc's calloc skips the per-thread
        // cache that makes small malloc/free pairs cheap.
        let p = unsafe { libc::malloc(room.max(1)) } as *mut u8;
        if p.is_null() {
            return Err(Msg::CannotAllocate { size: &size }.to_err());
        }
        unsafe { ptr::write_bytes(p, 0, room) };
        CData::owning(ctype, p, size, length, Owner::Malloc(p)).create(py)
    }

    /// Number of items of an array cdata.
    pub fn array_length(&self) -> usize {
        self.ctype.get().length.unwrap_or(self.length())
    }

    pub(crate) fn ct(&self) -> &CType {
        self.ctype.get()
    }

    /// Fails when this cdata, or the cdata whose memory it views, was released:
    /// the memory may be gone.
    #[inline]
    pub(crate) fn check_alive(&self, py: Python<'_>) -> PyResult<()> {
        if self.alive_on_its_own() {
            return Ok(());
        }
        self.check_alive_chain(py)
    }

    #[cold]
    fn check_alive_chain(&self, py: Python<'_>) -> PyResult<()> {
        let dead = |c: &CData| c.is_released() && !c.released_source_readable(py);
        let refused = || {
            Msg::Released {
                ctype: &self.ct().cname,
            }
            .to_err()
        };
        if dead(self) {
            return Err(refused());
        }
        let mut next = self.parent(py);
        while let Some(parent) = next {
            if dead(parent.get()) {
                return Err(refused());
            }
            next = parent.get().parent(py);
        }
        Ok(())
    }

    /// The cdata whose memory this one views and keeps alive: the object of
    /// an item, field or slice, or `gc()`'s original.
    fn parent<'py>(&self, py: Python<'py>) -> Option<Bound<'py, CData>> {
        let parent = match self.owner() {
            OwnerRef::Keep(parent) => parent.clone_ref(py),
            OwnerRef::Resource(r) => r.original(py)?,
            _ => return None,
        };
        parent.into_bound(py).cast_into::<CData>().ok()
    }

    /// Whether a released `from_buffer()` cdata still reads its source's memory.
    fn released_source_readable(&self, py: Python<'_>) -> bool {
        match (self.owner(), self.data_size()) {
            (OwnerRef::Resource(r), Ok(len)) => r.source_still_at(py, self.address(), len),
            _ => false,
        }
    }

    /// The size of the data: the whole array, or what a variable-size struct got.
    pub fn data_size(&self) -> PyResult<usize> {
        let ct = self.ct();
        match ct.kind {
            Kind::Array => Ok(self.array_length() * ct.item_ref().size_or_err()?),
            Kind::Struct | Kind::Union => match self.flavor() {
                Flavor::Owning => Ok(self.length()),
                _ => ct.size_or_err(),
            },
            _ => ct.size_or_err(),
        }
    }

    /// The integer value of a primitive cdata, or the address of a pointer.
    pub fn as_integer(&self) -> PyResult<i128> {
        let ct = self.ct();
        match (ct.kind, ct.prim.map(Prim::class)) {
            (Kind::Pointer | Kind::Function, _) => Ok(self.address() as usize as i128),
            (Kind::Primitive | Kind::Enum, Some(PrimClass::Float | PrimClass::LongDouble)) => {
                float_to_int(self.as_float()?)
            }
            (Kind::Primitive | Kind::Enum, Some(PrimClass::Complex)) => {
                Err(Msg::NoInt { ctype: &ct.cname }.to_err())
            }
            (Kind::Primitive | Kind::Enum, Some(_)) => {
                let p = ct.prim.expect("primitive");
                // A `char` is a byte to cffi: int() of b"\xff" is 255, signed or not.
                let signed = p.is_signed() && p != Prim::Char;
                Ok(
                    unsafe {
                        rcffi_core::scalar::load_int(self.value().as_ptr(), p.size(), signed)
                    },
                )
            }
            _ => Err(Msg::NoInt { ctype: &ct.cname }.to_err()),
        }
    }

    /// The floating value of a primitive cdata.
    pub fn as_float(&self) -> PyResult<f64> {
        let ct = self.ct();
        match ct.prim {
            // SAFETY: a primitive's value holds its bytes.
            Some(Prim::Float | Prim::Double | Prim::LongDouble) if ct.kind == Kind::Primitive => {
                let m = ct.machine.expect("a primitive");
                Ok(unsafe { rcffi_core::scalar::load_float(self.value().as_ptr(), m) })
            }
            Some(p) if p.class() != PrimClass::Complex => Ok(self.as_integer()? as f64),
            _ => Err(Msg::NoFloat { ctype: &ct.cname }.to_err()),
        }
    }

    /// The size of the items of a pointer or array (`void *` counts bytes).
    #[inline]
    pub(crate) fn item_size(&self) -> PyResult<usize> {
        let ct = self.ct();
        let item = ct.item_ref();
        if item.kind == Kind::Void {
            return Ok(1);
        }
        item.size()
            .ok_or_else(|| Msg::ItemsOfUnknownSize { ctype: &ct.cname }.to_err())
    }
}

/// Memory a cdata owns from `new` or an allocator, and its byte count.
impl CData {
    /// A cdata owning (or co-owning) the `size` bytes at `ptr`; `length` is the
    /// item count of an open array (ignored for other types).
    pub(crate) fn owning(
        ctype: Py<CType>,
        ptr: *mut u8,
        size: usize,
        length: usize,
        owner: Owner,
    ) -> NewCData {
        let stored = owned_count(ctype.get(), size, length);
        CData::with_parts(ctype, ptr, stored, owner, Flavor::Owning)
    }

    /// Whether this is a `new_handle()` pointer, whose address is rcffi's own
    /// record of the object: nothing may read or write memory through it.
    pub(crate) fn is_handle(&self) -> bool {
        matches!(self.owner(), OwnerRef::Handle(_))
    }

    /// How many items are known to be there: an array's length, or the items
    /// behind a pointer `new()` made; None for any other pointer.
    pub(crate) fn known_length(&self) -> Option<usize> {
        let ct = self.ct();
        match ct.kind {
            Kind::Array => Some(self.array_length()),
            _ => self
                .owned_size()
                .map(|bytes| bytes / ct.item_ref().size().unwrap_or(1).max(1)),
        }
    }

    /// The bytes this cdata owns when it came from `new` (or co-owns them).
    pub(crate) fn owned_size(&self) -> Option<usize> {
        match self.flavor() {
            Flavor::Owning if is_open_array(self.ct()) => {
                Some(self.length() * self.ct().item_ref().size().unwrap_or(0))
            }
            Flavor::Owning => Some(self.length()),
            _ => None,
        }
    }
}

/// From this size `new` takes calloc's memory: glibc maps such blocks fresh
/// from the kernel, already zero, so that `new("char[]", 1 << 31)` costs the
/// pages it touches, not a pass writing 2 GiB of zeros.
const CALLOC_FROM: usize = 1 << 18;

/// What an owning cdata keeps as its length: an open array's item count, or
/// else the bytes it owns.
fn owned_count(ct: &CType, size: usize, length: usize) -> usize {
    if is_open_array(ct) {
        length
    } else {
        size
    }
}

fn is_open_array(ct: &CType) -> bool {
    ct.kind == Kind::Array && ct.length.is_none()
}

/// The error for dereferencing a NULL pointer.
pub(crate) fn null_error(ct: &CType) -> PyErr {
    Msg::NullDereference { ctype: &ct.cname }.to_err()
}

/// C's truncation of a floating value to an integer (the low 128 bits of the
/// exact one, beyond); NaN and infinities refused as Python refuses them.
fn float_to_int(v: f64) -> PyResult<i128> {
    if v.is_nan() {
        return Err(Msg::NanToInt.to_err());
    }
    if v.is_infinite() {
        return Err(Msg::InfinityToInt.to_err());
    }
    Ok(rcffi_core::scalar::truncated_low_bits(v))
}
