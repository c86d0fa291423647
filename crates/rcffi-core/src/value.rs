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
use crate::scalar::{load_float, load_int, register_int, store_float, store_int, Machine, Rules};

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

/// The families of C types that convert alike: nothing, a scalar (with its
/// machine representation from [`scalar`](crate::scalar)), or raw bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ReprKind {
    Void,
    Scalar(Machine),
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
            // Complex numbers travel as their bytes in the Rust API.
            TypeData::Primitive(p) if p.class() == PrimClass::Complex => {
                (ReprKind::Bytes, p.size())
            }
            _ => match Machine::of(table, id, decay) {
                Some(m) => (ReprKind::Scalar(m), m.size()),
                None => (ReprKind::Bytes, table.size_of(id).ok_or_else(unknown_size)?),
            },
        };
        Ok(Repr { kind, size, cname })
    }

    /// Whether libffi hands this type over widened to a full register: integers
    /// (characters and `_Bool` included) narrower than 64 bits.
    pub(crate) fn widened(&self) -> bool {
        matches!(self.kind, ReprKind::Scalar(m) if m.int_layout().is_some()) && self.size < 8
    }

    /// Writes `v` converted to this type into `out[..self.size]`.
    pub(crate) fn encode(&self, v: &Value, out: &mut [u8]) -> Result<(), Error> {
        let out = &mut out[..self.size];
        let m = match self.kind {
            ReprKind::Void => {
                return match v {
                    Value::Void => Ok(()),
                    _ => Err(self.mismatch("Value::Void", v)),
                }
            }
            ReprKind::Bytes => return self.encode_bytes(v, out),
            ReprKind::Scalar(m) => m,
        };
        let at = out.as_mut_ptr();
        match m {
            Machine::Pointer => match v {
                // SAFETY: `out` holds the pointer's size.
                Value::Pointer(p) => unsafe { store_int(at, self.size, *p as usize as i128) },
                _ => return Err(self.mismatch("a pointer", v)),
            },
            Machine::F32 | Machine::F64 | Machine::LongDouble => {
                // SAFETY: `out` holds the scalar's size.
                unsafe { store_float(at, m, self.float(v)?) }
            }
            _ => {
                let expected = if m == Machine::Bool {
                    "a bool or an integer"
                } else {
                    "an integer"
                };
                let n = v.integer().ok_or_else(|| self.mismatch(expected, v))?;
                let n = Rules::RUST.fit(n, m, &self.cname)?;
                // SAFETY: `out` holds the integer's size.
                unsafe { store_int(at, self.size, n) }
            }
        }
        Ok(())
    }

    fn encode_bytes(&self, v: &Value, out: &mut [u8]) -> Result<(), Error> {
        match v {
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
        }
    }

    /// Reads a value of this type from `bytes[..self.size]`.
    pub(crate) fn decode(&self, bytes: &[u8]) -> Value {
        let b = &bytes[..self.size];
        let at = b.as_ptr();
        match self.kind {
            ReprKind::Void => Value::Void,
            ReprKind::Bytes => Value::Bytes(b.to_vec()),
            // SAFETY (all three): `b` holds the scalar's size.
            ReprKind::Scalar(Machine::Bool) => Value::Bool(b[0] != 0),
            ReprKind::Scalar(Machine::Pointer) => {
                Value::Pointer(unsafe { load_int(at, self.size, false) } as usize as *mut c_void)
            }
            ReprKind::Scalar(m @ Machine::F32) => Value::F32(unsafe { load_float(at, m) } as f32),
            ReprKind::Scalar(m @ (Machine::F64 | Machine::LongDouble)) => {
                Value::F64(unsafe { load_float(at, m) })
            }
            ReprKind::Scalar(m) => {
                let (size, signed) = m.int_layout().expect("an integer scalar");
                int_value(unsafe { load_int(at, size, signed) }, size, signed)
            }
        }
    }

    /// Reads a function result: libffi returns integers narrower than a register
    /// widened to a full 64-bit word, so they are taken from that word.
    pub(crate) fn decode_result(&self, bytes: &[u8]) -> Value {
        match self.kind {
            ReprKind::Scalar(m) if self.widened() => {
                let word = u64::from_ne_bytes(bytes[..8].try_into().expect("8 bytes"));
                let (size, signed) = m.int_layout().expect("an integer scalar");
                let n = register_int(word, size as u8, signed).expect("narrower than a word");
                match m {
                    Machine::Bool => Value::Bool(n != 0),
                    _ => int_value(i128::from(n), size, signed),
                }
            }
            _ => self.decode(bytes),
        }
    }

    /// Writes a callback's result the way libffi expects it: integers narrower
    /// than a register widened to a full 64-bit word.
    pub(crate) fn encode_result(&self, v: &Value, out: &mut [u8]) -> Result<(), Error> {
        self.encode(v, out)?;
        if let ReprKind::Scalar(m) = self.kind {
            if self.widened() {
                let (size, signed) = m.int_layout().expect("an integer scalar");
                // SAFETY: `out` holds a full word (a result buffer).
                unsafe {
                    let n = load_int(out.as_ptr(), size, signed);
                    store_int(out[..8].as_mut_ptr(), 8, n);
                }
            }
        }
        Ok(())
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

/// The variant that carries an integer of `size` bytes read from C.
fn int_value(n: i128, size: usize, signed: bool) -> Value {
    match (size, signed) {
        (1, true) => Value::I8(n as i8),
        (1, false) => Value::U8(n as u8),
        (2, true) => Value::I16(n as i16),
        (2, false) => Value::U16(n as u16),
        (4, true) => Value::I32(n as i32),
        (4, false) => Value::U32(n as u32),
        (_, true) => Value::I64(n as i64),
        (_, false) => Value::U64(n as u64),
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
