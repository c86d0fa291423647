//! `Scalar`: the integer and floating primitives that the cdata slots
//! (`cdata_slots.rs`) read and write without the general conversion.
//!
//! Every `CType` records its scalar when it is made, so this sits below
//! `types` and names nothing of cdata.

use std::ptr;

use pyo3::ffi;
use rcffi_core::ctype::{Kind, Prim, PrimClass};

use crate::pylayout::{exact_int_ptr, int_object};

/// How a C value is read and written without the general conversion: the
/// integer and floating primitives. Characters, `_Bool`, enums, `long double`
/// and complex numbers, whose Python values are more than a number, are
/// `Other`, as is everything that is not a primitive.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Scalar {
    Other,
    Int { size: u8, signed: bool },
    F32,
    F64,
}

impl Scalar {
    /// The scalar of a type of kind `kind` and primitive `prim`.
    pub(crate) fn of(kind: Kind, prim: Option<Prim>) -> Scalar {
        let Some(p) = prim.filter(|_| kind == Kind::Primitive) else {
            return Scalar::Other;
        };
        match (p.class(), p.size()) {
            (PrimClass::Signed, size @ (1 | 2 | 4 | 8)) => Scalar::Int {
                size: size as u8,
                signed: true,
            },
            (PrimClass::Unsigned, size @ (1 | 2 | 4 | 8)) => Scalar::Int {
                size: size as u8,
                signed: false,
            },
            (PrimClass::Float, 4) => Scalar::F32,
            (PrimClass::Float, 8) => Scalar::F64,
            _ => Scalar::Other,
        }
    }

    /// The size of a value; `None` for `Other`.
    #[inline(always)]
    pub(crate) fn size(self) -> Option<usize> {
        match self {
            Scalar::Int { size, .. } => Some(usize::from(size)),
            Scalar::F32 => Some(4),
            Scalar::F64 => Some(8),
            Scalar::Other => None,
        }
    }

    /// The value at `addr` as a new reference (NULL with the error set if the
    /// object could not be made); `None` for `Other`.
    ///
    /// # Safety
    /// `addr` must be readable for the scalar's size; the GIL is held.
    #[inline(always)]
    pub(crate) unsafe fn load(self, addr: *const u8) -> Option<*mut ffi::PyObject> {
        Some(match self {
            Scalar::Int {
                size: 1,
                signed: true,
            } => int_object(i64::from(ptr::read_unaligned(addr as *const i8))),
            Scalar::Int { size: 1, .. } => int_object(i64::from(ptr::read_unaligned(addr))),
            Scalar::Int {
                size: 2,
                signed: true,
            } => int_object(i64::from(ptr::read_unaligned(addr as *const i16))),
            Scalar::Int { size: 2, .. } => {
                int_object(i64::from(ptr::read_unaligned(addr as *const u16)))
            }
            Scalar::Int {
                size: 4,
                signed: true,
            } => int_object(i64::from(ptr::read_unaligned(addr as *const i32))),
            Scalar::Int { size: 4, .. } => {
                int_object(i64::from(ptr::read_unaligned(addr as *const u32)))
            }
            Scalar::Int { signed: true, .. } => int_object(ptr::read_unaligned(addr as *const i64)),
            Scalar::Int { .. } => {
                ffi::PyLong_FromUnsignedLongLong(ptr::read_unaligned(addr as *const u64))
            }
            Scalar::F32 => {
                ffi::PyFloat_FromDouble(f64::from(ptr::read_unaligned(addr as *const f32)))
            }
            Scalar::F64 => ffi::PyFloat_FromDouble(ptr::read_unaligned(addr as *const f64)),
            Scalar::Other => return None,
        })
    }

    /// Stores `value` at `addr` if it is an exact int in range of an integer
    /// scalar, or an exact float for a floating one; `false` (nothing written,
    /// no error set) for anything else.
    ///
    /// # Safety
    /// `addr` must be writable for the scalar's size, `value` a live object;
    /// the GIL is held.
    #[inline(always)]
    pub(crate) unsafe fn store(self, addr: *mut u8, value: *mut ffi::PyObject) -> bool {
        match self {
            Scalar::Int { size, signed } => {
                let Some(v) = exact_int_ptr(value) else {
                    return false;
                };
                let bits = u32::from(size) * 8;
                let fits = match (signed, bits) {
                    (true, 64) => true,
                    (true, _) => (-(1i64 << (bits - 1))..1i64 << (bits - 1)).contains(&v),
                    (false, 64) => v >= 0,
                    (false, _) => (0..1i64 << bits).contains(&v),
                };
                if !fits {
                    return false;
                }
                match size {
                    1 => ptr::write_unaligned(addr, v as u8),
                    2 => ptr::write_unaligned(addr as *mut u16, v as u16),
                    4 => ptr::write_unaligned(addr as *mut u32, v as u32),
                    _ => ptr::write_unaligned(addr as *mut u64, v as u64),
                }
                true
            }
            Scalar::F32 | Scalar::F64 if ffi::PyFloat_CheckExact(value) != 0 => {
                let v = ffi::PyFloat_AS_DOUBLE(value);
                if self == Scalar::F32 {
                    ptr::write_unaligned(addr as *mut f32, v as f32);
                } else {
                    ptr::write_unaligned(addr as *mut f64, v);
                }
                true
            }
            _ => false,
        }
    }
}
