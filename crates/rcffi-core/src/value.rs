//! Typed values crossing the C boundary in the Rust API.
//!
//! A [`Value`] is what a Rust program passes to a C function, gets back from one,
//! receives in a callback, or reads from and writes to raw memory. Its variant says
//! which Rust type carries it; the C type it is converted to comes from the
//! declaration, and the conversion checks that it fits (an `I32(300)` passed as an
//! `unsigned char` is an [`Error::Overflow`], a `F64` passed as a pointer an
//! [`Error::Type`]), so a mistake is reported instead of silently truncated.

use std::fmt;
use std::os::raw::c_void;

use crate::ctype::{Prim, PrimClass, TypeData, TypeId, TypeTable};
use crate::error::Error;
use crate::longdouble;

/// A C value carried by a Rust type.
///
/// Integers keep their width and signedness so that results read back exactly as
/// C produced them; any integer variant converts to any C integer type it fits.
/// Structs and unions travel by value as their raw bytes ([`Value::Bytes`]), laid
/// out as the C compiler lays them out (see [`RawMemory`](crate::memory::RawMemory)
/// to build or take them apart).
///
/// ```
/// use rcffi_core::Value;
///
/// let v = Value::from(42i32);
/// assert_eq!(v.to_i64().unwrap(), 42);
/// assert_eq!(u8::try_from(&v).unwrap(), 42);
/// assert!(u8::try_from(&Value::from(300i32)).is_err());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// No value: the result of a `void` function.
    Void,
    /// A C `_Bool`.
    Bool(bool),
    /// An 8-bit signed integer (`int8_t`, `signed char`, `char` on x86).
    I8(i8),
    /// An 8-bit unsigned integer (`uint8_t`, `unsigned char`).
    U8(u8),
    /// A 16-bit signed integer (`short`).
    I16(i16),
    /// A 16-bit unsigned integer (`unsigned short`).
    U16(u16),
    /// A 32-bit signed integer (`int`).
    I32(i32),
    /// A 32-bit unsigned integer (`unsigned int`).
    U32(u32),
    /// A 64-bit signed integer (`long` on LP64, `long long`, `ssize_t`).
    I64(i64),
    /// A 64-bit unsigned integer (`unsigned long`, `size_t`).
    U64(u64),
    /// A C `float`.
    F32(f32),
    /// A C `double` (and `long double`, rounded to the nearest `double`).
    F64(f64),
    /// Any data or function pointer.
    Pointer(*mut c_void),
    /// A struct, union or array by value: its bytes in C layout.
    Bytes(Vec<u8>),
}

impl Value {
    /// The NULL pointer.
    pub fn null() -> Value {
        Value::Pointer(std::ptr::null_mut())
    }

    /// The integer this value holds (`Bool` counts as 0 or 1), if it is one.
    fn integer(&self) -> Option<i128> {
        Some(match *self {
            Value::Bool(b) => i128::from(b),
            Value::I8(x) => x.into(),
            Value::U8(x) => x.into(),
            Value::I16(x) => x.into(),
            Value::U16(x) => x.into(),
            Value::I32(x) => x.into(),
            Value::U32(x) => x.into(),
            Value::I64(x) => x.into(),
            Value::U64(x) => x.into(),
            _ => return None,
        })
    }

    /// The value as an `i64`: any integer variant that fits.
    pub fn to_i64(&self) -> Result<i64, Error> {
        i64::try_from(self)
    }

    /// The value as a `u64`: any non-negative integer variant.
    pub fn to_u64(&self) -> Result<u64, Error> {
        u64::try_from(self)
    }

    /// The value as an `f64`: a `F32` or `F64` (integers are refused, as a hint
    /// that the declaration and the expectation disagree).
    pub fn to_f64(&self) -> Result<f64, Error> {
        match *self {
            Value::F32(x) => Ok(x.into()),
            Value::F64(x) => Ok(x),
            _ => Err(Error::Type(format!(
                "expected a floating-point value, got {self}"
            ))),
        }
    }

    /// The pointer this value holds.
    pub fn to_ptr(&self) -> Result<*mut c_void, Error> {
        match *self {
            Value::Pointer(p) => Ok(p),
            _ => Err(Error::Type(format!("expected a pointer, got {self}"))),
        }
    }

    /// The bytes of a struct, union or array value.
    pub fn as_bytes(&self) -> Result<&[u8], Error> {
        match self {
            Value::Bytes(b) => Ok(b),
            _ => Err(Error::Type(format!(
                "expected the bytes of a struct, union or array, got {self}"
            ))),
        }
    }
}

/// Describes the value for error messages: `i32 5`, `pointer 0x7f..`, `8 bytes`.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Void => f.write_str("void"),
            Value::Bool(b) => write!(f, "bool {b}"),
            Value::I8(x) => write!(f, "i8 {x}"),
            Value::U8(x) => write!(f, "u8 {x}"),
            Value::I16(x) => write!(f, "i16 {x}"),
            Value::U16(x) => write!(f, "u16 {x}"),
            Value::I32(x) => write!(f, "i32 {x}"),
            Value::U32(x) => write!(f, "u32 {x}"),
            Value::I64(x) => write!(f, "i64 {x}"),
            Value::U64(x) => write!(f, "u64 {x}"),
            Value::F32(x) => write!(f, "f32 {x}"),
            Value::F64(x) => write!(f, "f64 {x}"),
            Value::Pointer(p) => write!(f, "pointer {p:p}"),
            Value::Bytes(b) => write!(f, "{} bytes", b.len()),
        }
    }
}

macro_rules! value_from {
    ($($t:ty => $variant:ident),* $(,)?) => {$(
        impl From<$t> for Value {
            fn from(x: $t) -> Value {
                Value::$variant(x)
            }
        }
    )*};
}

value_from! {
    bool => Bool, i8 => I8, u8 => U8, i16 => I16, u16 => U16, i32 => I32, u32 => U32,
    i64 => I64, u64 => U64, f32 => F32, f64 => F64, Vec<u8> => Bytes,
}

impl From<isize> for Value {
    fn from(x: isize) -> Value {
        Value::I64(x as i64)
    }
}

impl From<usize> for Value {
    fn from(x: usize) -> Value {
        Value::U64(x as u64)
    }
}

impl<T> From<*mut T> for Value {
    fn from(p: *mut T) -> Value {
        Value::Pointer(p.cast())
    }
}

impl<T> From<*const T> for Value {
    fn from(p: *const T) -> Value {
        Value::Pointer(p as *mut c_void)
    }
}

macro_rules! integer_try_from {
    ($($t:ty),*) => {$(
        /// Any integer variant whose value fits; anything else is an error.
        impl TryFrom<&Value> for $t {
            type Error = Error;
            fn try_from(v: &Value) -> Result<$t, Error> {
                let n = v.integer().ok_or_else(|| {
                    Error::Type(format!("expected an integer, got {v}"))
                })?;
                <$t>::try_from(n).map_err(|_| {
                    Error::Overflow(format!("integer {n} does not fit {}", stringify!($t)))
                })
            }
        }

        /// Any integer variant whose value fits; anything else is an error.
        impl TryFrom<Value> for $t {
            type Error = Error;
            fn try_from(v: Value) -> Result<$t, Error> {
                <$t>::try_from(&v)
            }
        }
    )*};
}

integer_try_from!(i8, u8, i16, u16, i32, u32, i64, u64, isize, usize);

/// How a value of one C type is stored, decided once per type (per argument of a
/// declared function, per callback parameter) so that converting a value needs no
/// type-table lookup.
#[derive(Clone, Debug)]
pub(crate) struct Repr {
    pub(crate) kind: ReprKind,
    /// `sizeof` the C type (0 for `void`).
    pub(crate) size: usize,
    /// The C name, for error messages.
    pub(crate) cname: String,
}

/// The families of C types that convert alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ReprKind {
    Void,
    Int { signed: bool },
    Bool,
    Float,
    Double,
    LongDouble,
    Pointer,
    Bytes,
}

impl Repr {
    /// The representation of `id`. With `decay`, arrays stand for pointers to their
    /// first item, as they do in C function parameters.
    pub(crate) fn of(table: &TypeTable, id: TypeId, decay: bool) -> Result<Repr, Error> {
        let cname = table.cname(id).to_string();
        let unknown_size = || {
            Error::Type(format!(
                "'{cname}' has no known size (it is incomplete or an open array)"
            ))
        };
        let (kind, size) = match table.data(id) {
            TypeData::Void => (ReprKind::Void, 0),
            TypeData::Unknown(_) | TypeData::UnknownLength(_) => {
                return Err(Error::Type(format!(
                    "'{cname}' is declared with '...' ('typedef int...', 'float...' or '[...]'): \
                     only the C compiler knows its size (compile the declarations with set_source)"
                )))
            }
            // The bit conversions of `longdouble` are for the x87 format.
            TypeData::Primitive(Prim::LongDouble)
                if Prim::LongDouble.size() > 8 && !cfg!(target_arch = "x86_64") =>
            {
                return Err(Error::Type(format!(
                    "'{cname}' values cannot be converted on this platform (only x86-64's \
                     80-bit format is supported)"
                )))
            }
            TypeData::Primitive(p) => (prim_kind(*p), p.size()),
            TypeData::Enum(e) => (
                ReprKind::Int {
                    signed: e.base.is_signed(),
                },
                e.base.size(),
            ),
            TypeData::Pointer(_) | TypeData::Function(_) => {
                (ReprKind::Pointer, std::mem::size_of::<*mut c_void>())
            }
            TypeData::Array { .. } if decay => {
                (ReprKind::Pointer, std::mem::size_of::<*mut c_void>())
            }
            TypeData::Array { .. } | TypeData::Record(_) => {
                (ReprKind::Bytes, table.size_of(id).ok_or_else(unknown_size)?)
            }
        };
        Ok(Repr { kind, size, cname })
    }

    /// Writes `v` converted to this type into `out[..self.size]`.
    pub(crate) fn encode(&self, v: &Value, out: &mut [u8]) -> Result<(), Error> {
        let out = &mut out[..self.size];
        match self.kind {
            ReprKind::Void => match v {
                Value::Void => Ok(()),
                _ => Err(self.mismatch("Value::Void", v)),
            },
            ReprKind::Int { signed } => {
                let n = v.integer().ok_or_else(|| self.mismatch("an integer", v))?;
                let bits = self.size as u32 * 8;
                let (lo, hi) = if signed {
                    (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
                } else {
                    (0, (1i128 << bits) - 1)
                };
                if n < lo || n > hi {
                    return Err(Error::Overflow(format!(
                        "integer {n} does not fit '{}'",
                        self.cname
                    )));
                }
                write_int(out, n);
                Ok(())
            }
            ReprKind::Bool => match v.integer() {
                Some(n @ 0..=1) => {
                    out[0] = n as u8;
                    Ok(())
                }
                Some(n) => Err(Error::Overflow(format!(
                    "integer {n} does not fit '{}' (only 0 and 1 do)",
                    self.cname
                ))),
                None => Err(self.mismatch("a bool or an integer", v)),
            },
            ReprKind::Float => {
                let x = self.float(v)? as f32;
                out.copy_from_slice(&x.to_ne_bytes());
                Ok(())
            }
            ReprKind::Double => {
                out.copy_from_slice(&self.float(v)?.to_ne_bytes());
                Ok(())
            }
            ReprKind::LongDouble => {
                let x = self.float(v)?;
                if self.size == 8 {
                    out.copy_from_slice(&x.to_ne_bytes());
                } else {
                    out.copy_from_slice(&longdouble::from_f64(x)[..self.size]);
                }
                Ok(())
            }
            ReprKind::Pointer => match v {
                Value::Pointer(p) => {
                    out.copy_from_slice(&(*p as usize).to_ne_bytes());
                    Ok(())
                }
                _ => Err(self.mismatch("a pointer", v)),
            },
            ReprKind::Bytes => match v {
                Value::Bytes(b) if b.len() == self.size => {
                    out.copy_from_slice(b);
                    Ok(())
                }
                Value::Bytes(b) => Err(Error::Type(format!(
                    "expected the {} bytes of '{}', got {} bytes",
                    self.size,
                    self.cname,
                    b.len()
                ))),
                _ => Err(self.mismatch(&format!("the {} bytes (Value::Bytes)", self.size), v)),
            },
        }
    }

    /// Reads a value of this type from `bytes[..self.size]`.
    pub(crate) fn decode(&self, bytes: &[u8]) -> Value {
        let b = &bytes[..self.size];
        match self.kind {
            ReprKind::Void => Value::Void,
            ReprKind::Int { signed } => read_int(b, signed),
            ReprKind::Bool => Value::Bool(b[0] != 0),
            ReprKind::Float => Value::F32(f32::from_ne_bytes(b.try_into().expect("4 bytes"))),
            ReprKind::Double => Value::F64(f64::from_ne_bytes(b.try_into().expect("8 bytes"))),
            ReprKind::LongDouble if self.size == 8 => {
                Value::F64(f64::from_ne_bytes(b.try_into().expect("8 bytes")))
            }
            ReprKind::LongDouble => Value::F64(longdouble::to_f64(b)),
            ReprKind::Pointer => {
                Value::Pointer(usize::from_ne_bytes(b.try_into().expect("word")) as *mut c_void)
            }
            ReprKind::Bytes => Value::Bytes(b.to_vec()),
        }
    }

    /// Reads a function result: libffi returns integers narrower than a register
    /// widened to a full 64-bit word, so they are taken from that word.
    pub(crate) fn decode_result(&self, bytes: &[u8]) -> Value {
        match self.kind {
            ReprKind::Int { .. } | ReprKind::Bool if self.size < 8 => {
                let word = u64::from_ne_bytes(bytes[..8].try_into().expect("8 bytes"));
                self.decode(&truncate(word, self.size))
            }
            _ => self.decode(bytes),
        }
    }

    /// Writes a callback's result the way libffi expects it: integers narrower
    /// than a register widened to a full 64-bit word.
    pub(crate) fn encode_result(&self, v: &Value, out: &mut [u8]) -> Result<(), Error> {
        match self.kind {
            ReprKind::Int { signed } if self.size < 8 => {
                self.encode(v, out)?;
                let word = match read_int(&out[..self.size], signed) {
                    Value::I8(x) => x as i64 as u64,
                    Value::I16(x) => x as i64 as u64,
                    Value::I32(x) => x as i64 as u64,
                    other => other.to_u64()?,
                };
                out[..8].copy_from_slice(&word.to_ne_bytes());
                Ok(())
            }
            ReprKind::Bool => {
                self.encode(v, out)?;
                let word = u64::from(out[0]);
                out[..8].copy_from_slice(&word.to_ne_bytes());
                Ok(())
            }
            _ => self.encode(v, out),
        }
    }

    fn float(&self, v: &Value) -> Result<f64, Error> {
        match *v {
            Value::F32(x) => Ok(x.into()),
            Value::F64(x) => Ok(x),
            _ => match v.integer() {
                Some(n) => Ok(n as f64),
                None => Err(self.mismatch("a number", v)),
            },
        }
    }

    fn mismatch(&self, expected: &str, got: &Value) -> Error {
        Error::Type(format!(
            "expected {expected} for '{}', got {got}",
            self.cname
        ))
    }
}

fn prim_kind(p: Prim) -> ReprKind {
    match p.class() {
        PrimClass::Signed | PrimClass::Unsigned | PrimClass::Char | PrimClass::WideChar => {
            ReprKind::Int {
                signed: p.is_signed(),
            }
        }
        PrimClass::Bool => ReprKind::Bool,
        PrimClass::Float if p == Prim::Float => ReprKind::Float,
        PrimClass::Float => ReprKind::Double,
        PrimClass::LongDouble => ReprKind::LongDouble,
        PrimClass::Complex => ReprKind::Bytes,
    }
}

/// Writes the low `out.len()` bytes of `n` in native order.
fn write_int(out: &mut [u8], n: i128) {
    match out.len() {
        1 => out.copy_from_slice(&(n as u8).to_ne_bytes()),
        2 => out.copy_from_slice(&(n as u16).to_ne_bytes()),
        4 => out.copy_from_slice(&(n as u32).to_ne_bytes()),
        _ => out.copy_from_slice(&(n as u64).to_ne_bytes()),
    }
}

/// The native-order bytes of the low `size` bytes of `word`.
fn truncate(word: u64, size: usize) -> Vec<u8> {
    match size {
        1 => (word as u8).to_ne_bytes().to_vec(),
        2 => (word as u16).to_ne_bytes().to_vec(),
        _ => (word as u32).to_ne_bytes().to_vec(),
    }
}

fn read_int(b: &[u8], signed: bool) -> Value {
    match (b.len(), signed) {
        (1, true) => Value::I8(i8::from_ne_bytes([b[0]])),
        (1, false) => Value::U8(b[0]),
        (2, true) => Value::I16(i16::from_ne_bytes(b.try_into().expect("2 bytes"))),
        (2, false) => Value::U16(u16::from_ne_bytes(b.try_into().expect("2 bytes"))),
        (4, true) => Value::I32(i32::from_ne_bytes(b.try_into().expect("4 bytes"))),
        (4, false) => Value::U32(u32::from_ne_bytes(b.try_into().expect("4 bytes"))),
        (_, true) => Value::I64(i64::from_ne_bytes(b.try_into().expect("8 bytes"))),
        (_, false) => Value::U64(u64::from_ne_bytes(b.try_into().expect("8 bytes"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repr(p: Prim) -> Repr {
        let mut t = TypeTable::new();
        let id = t.primitive(p);
        Repr::of(&t, id, true).unwrap()
    }

    #[test]
    fn integers_round_trip_with_their_width() {
        let r = repr(Prim::Short);
        let mut buf = [0u8; 16];
        r.encode(&Value::I64(-7), &mut buf).unwrap();
        assert_eq!(r.decode(&buf), Value::I16(-7));
    }

    #[test]
    fn out_of_range_integers_are_overflow_errors() {
        let r = repr(Prim::UChar);
        let mut buf = [0u8; 16];
        let e = r.encode(&Value::I32(300), &mut buf).unwrap_err();
        assert_eq!(e.to_string(), "integer 300 does not fit 'unsigned char'");
        assert!(matches!(e, Error::Overflow(_)));
        let e = r.encode(&Value::I32(-1), &mut buf).unwrap_err();
        assert!(matches!(e, Error::Overflow(_)));
    }

    #[test]
    fn wrong_kinds_are_type_errors() {
        let r = repr(Prim::Int);
        let e = r.encode(&Value::F64(1.5), &mut [0u8; 8]).unwrap_err();
        assert_eq!(e.to_string(), "expected an integer for 'int', got f64 1.5");
    }

    #[test]
    fn narrow_results_are_read_from_the_widened_word() {
        let r = repr(Prim::Char);
        let mut buf = [0u8; 16];
        r.encode_result(&Value::I8(-2), &mut buf).unwrap();
        assert_eq!(
            u64::from_ne_bytes(buf[..8].try_into().unwrap()),
            u64::MAX - 1
        );
        assert_eq!(r.decode_result(&buf), Value::I8(-2));
    }
}
