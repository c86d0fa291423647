//! Raw memory managed by hand, and C strings.
//!
//! C APIs want buffers they fill in, structs they point into, strings ending in
//! NUL. [`RawMemory`] is such a block: allocated with a size and an alignment,
//! freed when dropped (or explicitly with [`RawMemory::free`]), and read and
//! written at byte offsets with bounds checks, either as Rust scalars or as typed
//! [`Value`]s of any C type. [`c_string`] and [`string_from_ptr`] convert between
//! Rust strings and NUL-terminated C strings with clear errors.

use std::alloc::{self, Layout};
use std::ffi::{CStr, CString};
use std::os::raw::c_char;
use std::ptr::NonNull;

use crate::error::Error;
use crate::ffi::{Ffi, Type};
use crate::value::{Repr, Value};

/// A block of memory owned by Rust and handed to C by pointer.
///
/// The block is always zero-filled when allocated: reading bytes nobody wrote
/// would otherwise be undefined behaviour in Rust, and C code that expects
/// `calloc`-like memory works unchanged. All accessors check that the whole
/// access lies inside the block and report an [`Error::Memory`] naming the
/// offsets when it does not; unaligned offsets are allowed (accesses are done
/// byte-wise where needed, as for a packed struct).
///
/// ```
/// use rcffi_core::{Ffi, RawMemory, StructBuilder, Type, Value};
///
/// let ffi = Ffi::new();
/// let point = StructBuilder::new("point")
///     .field("x", Type::int())
///     .field("y", Type::double())
///     .build(&ffi)
///     .unwrap();
/// let mut mem = RawMemory::for_type(&ffi, &point).unwrap();
/// mem.write::<i32>(0, 7).unwrap();
/// let y = ffi.offset_of(&point, "y").unwrap();
/// mem.write_value(&ffi, &Type::double(), y, &Value::F64(2.5)).unwrap();
/// assert_eq!(mem.read::<f64>(y).unwrap(), 2.5);
/// assert_eq!(mem.read_value(&ffi, &Type::int(), 0).unwrap(), Value::I32(7));
/// assert!(mem.read::<u64>(12).is_err()); // 12 + 8 > 16
/// ```
pub struct RawMemory {
    ptr: NonNull<u8>,
    size: usize,
    layout: Layout,
}

// The block is owned exclusively, like a Box<[u8]>.
unsafe impl Send for RawMemory {}
unsafe impl Sync for RawMemory {}

mod sealed {
    pub trait Sealed {}
}

/// Rust types that can be read from and written to [`RawMemory`] as plain bits:
/// the fixed-width integers, `f32`, `f64` and raw pointers.
pub trait Scalar: Copy + sealed::Sealed {}

macro_rules! scalars {
    ($($t:ty),*) => {$(
        impl sealed::Sealed for $t {}
        impl Scalar for $t {}
    )*};
}

scalars!(i8, u8, i16, u16, i32, u32, i64, u64, isize, usize, f32, f64);

impl<T> sealed::Sealed for *mut T {}
impl<T> Scalar for *mut T {}
impl<T> sealed::Sealed for *const T {}
impl<T> Scalar for *const T {}

impl RawMemory {
    /// `size` zero-filled bytes aligned to `align` (a power of two).
    pub fn alloc(size: usize, align: usize) -> Result<RawMemory, Error> {
        // A zero-sized block still gets a real, freeable address: C code may
        // compare or store it.
        let layout = Layout::from_size_align(size.max(1), align).map_err(|_| {
            Error::Memory(format!(
                "cannot allocate {size} bytes aligned to {align}: the alignment must be a \
                 power of two and the size must fit in memory"
            ))
        })?;
        // SAFETY: the layout has a non-zero size.
        let ptr = unsafe { alloc::alloc_zeroed(layout) };
        let ptr = NonNull::new(ptr)
            .ok_or_else(|| Error::Memory(format!("out of memory allocating {size} bytes")))?;
        Ok(RawMemory { ptr, size, layout })
    }

    /// Zero-filled memory for one value of `ty` (`sizeof` and `alignof` it): a
    /// struct to pass by pointer, an array buffer (`Type::array(&t, n)`).
    pub fn for_type(ffi: &Ffi, ty: &Type) -> Result<RawMemory, Error> {
        RawMemory::alloc(ffi.size_of(ty)?, ffi.align_of(ty)?)
    }

    /// A copy of `bytes` aligned to `align`: for example a struct returned by
    /// value ([`Value::Bytes`]), to read its fields.
    pub fn from_bytes(bytes: &[u8], align: usize) -> Result<RawMemory, Error> {
        let mut mem = RawMemory::alloc(bytes.len(), align)?;
        mem.write_bytes(0, bytes)?;
        Ok(mem)
    }

    /// The size in bytes.
    pub fn len(&self) -> usize {
        self.size
    }

    /// Whether the block has no bytes.
    pub fn is_empty(&self) -> bool {
        self.size == 0
    }

    /// The address of the first byte, for C to read.
    pub fn as_ptr(&self) -> *const u8 {
        self.ptr.as_ptr()
    }

    /// The address of the first byte, for C to write into.
    pub fn as_mut_ptr(&mut self) -> *mut u8 {
        self.ptr.as_ptr()
    }

    /// The address as a pointer [`Value`], to pass as an argument. C may write
    /// through it, so this takes `&mut self`.
    pub fn to_value(&mut self) -> Value {
        Value::from(self.as_mut_ptr())
    }

    /// The whole block.
    pub fn bytes(&self) -> &[u8] {
        // SAFETY: the block is `size` initialised bytes owned by self.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.size) }
    }

    /// The whole block, mutably.
    pub fn bytes_mut(&mut self) -> &mut [u8] {
        // SAFETY: as in `bytes`, and `&mut self` makes the access exclusive.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.size) }
    }

    /// Sets every byte to zero.
    pub fn zero(&mut self) {
        self.bytes_mut().fill(0);
    }

    /// `len` bytes at `offset`.
    pub fn read_bytes(&self, offset: usize, len: usize) -> Result<&[u8], Error> {
        self.check(offset, len)?;
        Ok(&self.bytes()[offset..offset + len])
    }

    /// Copies `data` to `offset`.
    pub fn write_bytes(&mut self, offset: usize, data: &[u8]) -> Result<(), Error> {
        self.check(offset, data.len())?;
        self.bytes_mut()[offset..offset + data.len()].copy_from_slice(data);
        Ok(())
    }

    /// The scalar at `offset`.
    pub fn read<T: Scalar>(&self, offset: usize) -> Result<T, Error> {
        self.check(offset, std::mem::size_of::<T>())?;
        // SAFETY: in bounds (checked), initialised, and every bit pattern is a
        // valid `Scalar`; read_unaligned allows any offset.
        Ok(unsafe { self.ptr.as_ptr().add(offset).cast::<T>().read_unaligned() })
    }

    /// Stores `value` at `offset`.
    pub fn write<T: Scalar>(&mut self, offset: usize, value: T) -> Result<(), Error> {
        self.check(offset, std::mem::size_of::<T>())?;
        // SAFETY: in bounds (checked); write_unaligned allows any offset.
        unsafe {
            self.ptr
                .as_ptr()
                .add(offset)
                .cast::<T>()
                .write_unaligned(value)
        };
        Ok(())
    }

    /// The value of C type `ty` at `offset` (a struct or array comes back as its
    /// bytes).
    pub fn read_value(&self, ffi: &Ffi, ty: &Type, offset: usize) -> Result<Value, Error> {
        let repr = value_repr(ffi, ty)?;
        Ok(repr.decode(self.read_bytes(offset, repr.size)?))
    }

    /// Stores `value` converted to C type `ty` at `offset`, checking that it fits.
    pub fn write_value(
        &mut self,
        ffi: &Ffi,
        ty: &Type,
        offset: usize,
        value: &Value,
    ) -> Result<(), Error> {
        let repr = value_repr(ffi, ty)?;
        self.check(offset, repr.size)?;
        repr.encode(value, &mut self.bytes_mut()[offset..])
    }

    /// The NUL-terminated string starting at `offset`; the NUL must be inside
    /// the block.
    pub fn read_c_string(&self, offset: usize) -> Result<String, Error> {
        self.check(offset, 0)?;
        let tail = &self.bytes()[offset..];
        let s = CStr::from_bytes_until_nul(tail).map_err(|_| {
            Error::Memory(format!(
                "no NUL terminator between offset {offset} and the end of the \
                 {}-byte block",
                self.size
            ))
        })?;
        utf8(s, &format!("the C string at offset {offset}"))
    }

    /// Stores `s` followed by a NUL at `offset`.
    pub fn write_c_string(&mut self, offset: usize, s: &str) -> Result<(), Error> {
        let c = c_string(s)?;
        self.write_bytes(offset, c.as_bytes_with_nul())
    }

    /// Frees the block now (dropping it does the same).
    pub fn free(self) {}

    fn check(&self, offset: usize, len: usize) -> Result<(), Error> {
        match offset.checked_add(len) {
            Some(end) if end <= self.size => Ok(()),
            _ => Err(Error::Memory(format!(
                "access of {len} bytes at offset {offset} is out of bounds of a \
                 {}-byte block",
                self.size
            ))),
        }
    }
}

impl Drop for RawMemory {
    fn drop(&mut self) {
        // SAFETY: allocated in `alloc` with this layout, freed only here.
        unsafe { alloc::dealloc(self.ptr.as_ptr(), self.layout) };
    }
}

impl std::fmt::Debug for RawMemory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RawMemory({} bytes at {:p})", self.size, self.ptr)
    }
}

fn value_repr(ffi: &Ffi, ty: &Type) -> Result<Repr, Error> {
    let id = ffi.resolve(ty)?;
    Repr::of(&ffi.table(), id, false)
}

/// `s` as a NUL-terminated C string; an error if `s` contains a NUL, since C
/// would see only the part before it.
///
/// ```
/// let s = rcffi_core::c_string("hello").unwrap();
/// assert_eq!(s.as_bytes_with_nul(), b"hello\0");
/// let err = rcffi_core::c_string("a\0b").unwrap_err();
/// assert!(err.to_string().contains("position 1"));
/// ```
pub fn c_string(s: &str) -> Result<CString, Error> {
    CString::new(s).map_err(|e| {
        Error::Memory(format!(
            "string {s:?} contains a NUL byte at position {} and cannot be a C string",
            e.nul_position()
        ))
    })
}

/// The Rust string for the NUL-terminated C string at `ptr`; an error for a
/// NULL pointer or text that is not UTF-8.
///
/// ```
/// let c = rcffi_core::c_string("héllo").unwrap();
/// let back = unsafe { rcffi_core::string_from_ptr(c.as_ptr()) }.unwrap();
/// assert_eq!(back, "héllo");
/// ```
///
/// # Safety
/// `ptr` must be NULL or point to a NUL-terminated string that stays valid and
/// unchanged during the call.
pub unsafe fn string_from_ptr(ptr: *const c_char) -> Result<String, Error> {
    if ptr.is_null() {
        return Err(Error::Memory(
            "got a NULL pointer where a C string was expected".into(),
        ));
    }
    utf8(CStr::from_ptr(ptr), &format!("the C string at {ptr:p}"))
}

/// The text of a C string that `ptr` points to in a [`Value`] (a `char *`
/// result, for example).
///
/// # Safety
/// As for [`string_from_ptr`].
pub unsafe fn string_from_value(value: &Value) -> Result<String, Error> {
    string_from_ptr(value.to_ptr()?.cast::<c_char>() as *const c_char)
}

fn utf8(s: &CStr, what: &str) -> Result<String, Error> {
    s.to_str()
        .map(str::to_string)
        .map_err(|e| Error::Memory(format!("{what} is not valid UTF-8: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accesses_are_bounds_checked() {
        let mut m = RawMemory::alloc(8, 8).unwrap();
        assert!(m.write::<u32>(4, 1).is_ok());
        let e = m.write::<u32>(5, 1).unwrap_err();
        assert_eq!(
            e.to_string(),
            "access of 4 bytes at offset 5 is out of bounds of a 8-byte block"
        );
        assert!(m.read::<u8>(usize::MAX).is_err());
    }

    #[test]
    fn c_strings_must_end_inside_the_block() {
        let mut m = RawMemory::alloc(4, 1).unwrap();
        m.write_bytes(0, b"abcd").unwrap();
        assert!(m.read_c_string(0).unwrap_err().to_string().contains("NUL"));
        m.write_c_string(0, "ab").unwrap();
        assert_eq!(m.read_c_string(0).unwrap(), "ab");
        m.write_bytes(0, b"\xff\0").unwrap();
        let e = m.read_c_string(0).unwrap_err().to_string();
        assert!(e.contains("not valid UTF-8"), "{e}");
    }

    #[test]
    fn bad_alignments_are_refused() {
        assert!(RawMemory::alloc(8, 3).is_err());
    }
}
