//! C scalars, decided once per type: how each primitive is held in memory (its
//! [`Machine`] representation), typed loads and stores at an address, the range
//! of every integer type, and the rules by which the ways of giving C a value
//! (assignment, cast, argument, ctypes, the Rust API) convert an integer.
//!
//! The differences between those ways are data ([`Rules`]), not separate code
//! paths: the Rust API (`value.rs`) and the extension's one Python front end
//! (`rcffi-py/src/convert_scalar.rs`) read the same flags, so a range check or a
//! wrap is written once. Failures are data too ([`ScalarError`]: the C type, what
//! was given, the value), worded here and turned into exceptions by the caller.

use std::fmt;
use std::ptr;

use crate::ctype::{Prim, PrimClass, TypeData, TypeId, TypeTable};
use crate::longdouble;

/// How a C scalar is held in memory. A dataless one-byte enum (integers are
/// one variant per size and signedness), so that a match on it is a single
/// jump and a table indexed by it a single load: the field and item slots,
/// ctypes' reads and writes and the call plans dispatch on it on every access.
/// The integers come first, so that [`Machine::is_integer`] is one comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Machine {
    /// `int8_t`, `signed char` (and enums of that base).
    I8,
    /// `uint8_t`, `unsigned char`.
    U8,
    /// `int16_t`, `short`.
    I16,
    /// `uint16_t`, `unsigned short`.
    U16,
    /// `int32_t`, `int`.
    I32,
    /// `uint32_t`, `unsigned int`.
    U32,
    /// `int64_t`, `long long` (and `long` on LP64).
    I64,
    /// `uint64_t`, `unsigned long long`, `size_t`.
    U64,
    /// `_Bool`: one byte holding 0 or 1.
    Bool,
    /// Plain `char`: one byte, whose signedness is the platform's.
    Char,
    /// `wchar_t`: one code unit, of the platform's size and signedness (a
    /// signed 32-bit one on x86 Unix).
    WChar,
    /// `char16_t`: one unsigned 16-bit code unit.
    Char16,
    /// `char32_t`: one unsigned 32-bit code unit.
    Char32,
    /// `float`.
    F32,
    /// `double`.
    F64,
    /// `long double`: x87's 80-bit format in 16 bytes on x86-64, a plain
    /// double where it has 8.
    LongDouble,
    /// `float _Complex`: two floats.
    FloatComplex,
    /// `double _Complex`: two doubles.
    DoubleComplex,
    /// Any data or function pointer.
    Pointer,
}

impl Machine {
    /// Every representation, each at the index of its discriminant (checked
    /// when the tables indexed by it are built).
    pub const ALL: [Machine; 19] = [
        Machine::I8,
        Machine::U8,
        Machine::I16,
        Machine::U16,
        Machine::I32,
        Machine::U32,
        Machine::I64,
        Machine::U64,
        Machine::Bool,
        Machine::Char,
        Machine::WChar,
        Machine::Char16,
        Machine::Char32,
        Machine::F32,
        Machine::F64,
        Machine::LongDouble,
        Machine::FloatComplex,
        Machine::DoubleComplex,
        Machine::Pointer,
    ];

    /// The integer of `size` bytes (1, 2, 4 or 8).
    #[inline(always)]
    pub const fn int(size: usize, signed: bool) -> Machine {
        match (size, signed) {
            (1, true) => Machine::I8,
            (1, false) => Machine::U8,
            (2, true) => Machine::I16,
            (2, false) => Machine::U16,
            (4, true) => Machine::I32,
            (4, false) => Machine::U32,
            (_, true) => Machine::I64,
            (_, false) => Machine::U64,
        }
    }

    /// Whether it is a plain integer (what enums are too), not `_Bool`, a
    /// character or any other scalar C treats as an integer.
    #[inline(always)]
    pub const fn is_integer(self) -> bool {
        matches!(
            self,
            Machine::I8
                | Machine::U8
                | Machine::I16
                | Machine::U16
                | Machine::I32
                | Machine::U32
                | Machine::I64
                | Machine::U64
        )
    }

    /// The representation of a primitive type.
    pub fn of_prim(p: Prim) -> Machine {
        match p.class() {
            PrimClass::Signed | PrimClass::Unsigned => Machine::int(p.size(), p.is_signed()),
            PrimClass::Bool => Machine::Bool,
            PrimClass::Char => Machine::Char,
            PrimClass::WideChar => match p {
                Prim::Char16 => Machine::Char16,
                Prim::Char32 => Machine::Char32,
                _ => Machine::WChar,
            },
            PrimClass::Float if p == Prim::Float => Machine::F32,
            PrimClass::Float => Machine::F64,
            PrimClass::LongDouble => Machine::LongDouble,
            PrimClass::Complex if p == Prim::FloatComplex => Machine::FloatComplex,
            PrimClass::Complex => Machine::DoubleComplex,
        }
    }

    /// The representation of `id`, or `None` for what is not a scalar (`void`,
    /// records, arrays, types only the compiler knows). With `decay`, arrays
    /// stand for pointers to their first item, as in C function parameters.
    pub fn of(table: &TypeTable, id: TypeId, decay: bool) -> Option<Machine> {
        Some(match table.data(id) {
            TypeData::Primitive(p) => Machine::of_prim(*p),
            TypeData::Enum(e) => Machine::int(e.base.size(), e.base.is_signed()),
            TypeData::Pointer(_) | TypeData::Function(_) => Machine::Pointer,
            TypeData::Array { .. } if decay => Machine::Pointer,
            _ => return None,
        })
    }

    /// `sizeof` the scalar.
    #[inline(always)]
    pub const fn size(self) -> usize {
        match self {
            Machine::I8 | Machine::U8 | Machine::Bool | Machine::Char => 1,
            Machine::I16 | Machine::U16 | Machine::Char16 => 2,
            Machine::I32 | Machine::U32 | Machine::F32 | Machine::Char32 => 4,
            Machine::I64 | Machine::U64 | Machine::F64 | Machine::FloatComplex => 8,
            Machine::DoubleComplex => 16,
            Machine::WChar => Prim::WChar.size(),
            Machine::LongDouble => Prim::LongDouble.size(),
            Machine::Pointer => std::mem::size_of::<*const u8>(),
        }
    }

    /// The size and signedness of a scalar C treats as an integer (`_Bool`,
    /// characters and wide characters included).
    pub const fn int_layout(self) -> Option<(usize, bool)> {
        match self {
            Machine::I8 | Machine::I16 | Machine::I32 | Machine::I64 => Some((self.size(), true)),
            Machine::U8 | Machine::U16 | Machine::U32 | Machine::U64 => Some((self.size(), false)),
            Machine::WChar => Some((Prim::WChar.size(), Prim::WChar.is_signed())),
            Machine::Char16 => Some((2, false)),
            Machine::Char32 => Some((4, false)),
            Machine::Bool => Some((1, false)),
            Machine::Char => Some((1, Prim::Char.is_signed())),
            _ => None,
        }
    }

    /// Whether a scalar C treats as an integer is signed.
    pub const fn is_signed(self) -> bool {
        matches!(self.int_layout(), Some((_, true)))
    }

    /// The representation of each part of a complex number.
    pub fn complex_part(self) -> Option<Machine> {
        match self {
            Machine::FloatComplex => Some(Machine::F32),
            Machine::DoubleComplex => Some(Machine::F64),
            _ => None,
        }
    }

    /// The values an integer scalar holds: `_Bool` only 0 and 1.
    pub const fn int_range(self) -> Option<(i128, i128)> {
        match (self, self.int_layout()) {
            (Machine::Bool, _) => Some((0, 1)),
            (_, Some((size, signed))) => Some(int_range(size, signed)),
            (_, None) => None,
        }
    }

    /// The integer at `addr`, sign- or zero-extended as its type is: integers,
    /// `_Bool` and characters their value, a pointer its address, and a
    /// floating scalar what C's conversion to an integer gives (truncated
    /// toward zero; a complex number's real part). One match on the machine,
    /// so that after inlining an integer read is a jump and a load.
    ///
    /// # Safety
    /// `addr` must be readable for the scalar's size.
    #[inline(always)]
    pub unsafe fn load_int(self, addr: *const u8) -> i128 {
        match self {
            Machine::I8 => i128::from(ptr::read_unaligned(addr as *const i8)),
            Machine::U8 | Machine::Bool => i128::from(ptr::read_unaligned(addr)),
            Machine::I16 => i128::from(ptr::read_unaligned(addr as *const i16)),
            Machine::U16 | Machine::Char16 => i128::from(ptr::read_unaligned(addr as *const u16)),
            Machine::I32 => i128::from(ptr::read_unaligned(addr as *const i32)),
            Machine::U32 | Machine::Char32 => i128::from(ptr::read_unaligned(addr as *const u32)),
            Machine::I64 => i128::from(ptr::read_unaligned(addr as *const i64)),
            Machine::U64 => i128::from(ptr::read_unaligned(addr as *const u64)),
            Machine::Pointer => ptr::read_unaligned(addr as *const usize) as i128,
            Machine::Char if Prim::Char.is_signed() => {
                i128::from(ptr::read_unaligned(addr as *const i8))
            }
            Machine::Char => i128::from(ptr::read_unaligned(addr)),
            // 16 bits (Windows) unsigned, 32 bits with the platform's signedness.
            Machine::WChar if Prim::WChar.size() == 2 => {
                i128::from(ptr::read_unaligned(addr as *const u16))
            }
            Machine::WChar if Prim::WChar.is_signed() => {
                i128::from(ptr::read_unaligned(addr as *const i32))
            }
            Machine::WChar => i128::from(ptr::read_unaligned(addr as *const u32)),
            Machine::F32 | Machine::F64 | Machine::LongDouble => load_float(addr, self) as i128,
            Machine::FloatComplex => load_float(addr, Machine::F32) as i128,
            Machine::DoubleComplex => load_float(addr, Machine::F64) as i128,
        }
    }
}

/// The range of a C integer of `size` bytes.
pub const fn int_range(size: usize, signed: bool) -> (i128, i128) {
    let bits = size as u32 * 8;
    if signed {
        (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
    } else {
        (0, (1i128 << bits) - 1)
    }
}

/// Each machine's range clamped to an `i64` (all of an `i64` for what is no
/// integer), indexed by the machine: [`Rules::word_bounds`] is then one load
/// on the per-access paths, not a computation on 128-bit integers.
const WORD_RANGES: [(i64, i64); Machine::ALL.len()] = {
    let mut table = [(i64::MIN, i64::MAX); Machine::ALL.len()];
    let mut i = 0;
    while i < table.len() {
        let m = Machine::ALL[i];
        assert!(m as usize == i, "Machine::ALL follows the discriminants");
        if let Some((lo, hi)) = m.int_range() {
            let lo = if lo < i64::MIN as i128 {
                i64::MIN
            } else {
                lo as i64
            };
            let hi = if hi > i64::MAX as i128 {
                i64::MAX
            } else {
                hi as i64
            };
            table[i] = (lo, hi);
        }
        i += 1;
    }
    table
};

/// Reads the integer of `size` bytes at `addr`, sign- or zero-extended.
///
/// # Safety
/// `addr` must be readable for `size` bytes.
#[inline(always)]
pub unsafe fn load_int(addr: *const u8, size: usize, signed: bool) -> i128 {
    Machine::int(size, signed).load_int(addr)
}

/// Stores the low `size` bytes of `v` at `addr` (what a C cast keeps).
///
/// # Safety
/// `addr` must be writable for `size` bytes.
#[inline(always)]
pub unsafe fn store_int(addr: *mut u8, size: usize, v: i128) {
    match size {
        1 => ptr::write_unaligned(addr, v as u8),
        2 => ptr::write_unaligned(addr as *mut u16, v as u16),
        4 => ptr::write_unaligned(addr as *mut u32, v as u32),
        _ => ptr::write_unaligned(addr as *mut u64, v as u64),
    }
}

/// Reads a floating scalar (`F32`, `F64` or `LongDouble`) at `addr` as a double.
///
/// # Safety
/// `addr` must be readable for the scalar's size.
#[inline]
pub unsafe fn load_float(addr: *const u8, m: Machine) -> f64 {
    match m {
        Machine::F32 => f64::from(ptr::read_unaligned(addr as *const f32)),
        Machine::LongDouble if Prim::LongDouble.size() == 16 => {
            longdouble::to_f64(std::slice::from_raw_parts(addr, 16))
        }
        _ => ptr::read_unaligned(addr as *const f64),
    }
}

/// Stores `v` as the floating scalar `m` at `addr`.
///
/// # Safety
/// `addr` must be writable for the scalar's size.
#[inline]
pub unsafe fn store_float(addr: *mut u8, m: Machine, v: f64) {
    match m {
        Machine::F32 => ptr::write_unaligned(addr as *mut f32, v as f32),
        Machine::LongDouble if Prim::LongDouble.size() == 16 => {
            ptr::copy_nonoverlapping(longdouble::from_f64(v).as_ptr(), addr, 16)
        }
        _ => ptr::write_unaligned(addr as *mut f64, v),
    }
}

/// The low 128 bits (two's complement) of the integer `v` truncates to: the
/// value itself below 2^127 in magnitude, and beyond what a cast to any C
/// integer keeps of the exact value (the low bits of `int(1e300)` are zeros),
/// where Rust's `as` would saturate. `v` must be finite.
pub fn truncated_low_bits(v: f64) -> i128 {
    const TWO_POW_127: f64 = 1.7014118346046923e38;
    let t = v.trunc();
    if t.abs() < TWO_POW_127 {
        return t as i128;
    }
    // |t| = mantissa * 2^shift, with shift >= 75 at this size.
    let bits = t.to_bits();
    let shift = ((bits >> 52) & 0x7ff) as u32 - 1075;
    let mantissa = u128::from((bits & ((1u64 << 52) - 1)) | (1u64 << 52));
    let low = if shift >= 128 { 0 } else { mantissa << shift } as i128;
    if t < 0.0 {
        low.wrapping_neg()
    } else {
        low
    }
}

/// An integer result register of `size` bytes as C defines it (only the low
/// `size` bytes are), or `None` for an unsigned 64-bit one, which may not fit
/// an `i64`: the caller takes the register itself then.
#[inline(always)]
pub fn register_int(raw: u64, size: u8, signed: bool) -> Option<i64> {
    Some(match (size, signed) {
        (1, true) => i64::from(raw as i8),
        (1, false) => i64::from(raw as u8),
        (2, true) => i64::from(raw as i16),
        (2, false) => i64::from(raw as u16),
        (4, true) => i64::from(raw as i32),
        (4, false) => i64::from(raw as u32),
        (_, true) => raw as i64,
        (_, false) => return None,
    })
}

/// How one way of giving C a value converts integers: the flags LuaJIT's
/// engine passes around, for cffi's assignment, cast and argument passing,
/// ctypes' fields and arguments, and the Rust API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rules {
    /// An integer outside the type's range is an error; without, it keeps its
    /// low bits, as a C cast does.
    pub range_checked: bool,
    /// A float given for an integer is truncated toward zero (a cast); without,
    /// it is refused.
    pub truncates_floats: bool,
    /// Pointers, arrays and functions given for an integer stand for their
    /// address, and a `char` for its unsigned code (a cast).
    pub takes_addresses: bool,
    /// A one-character string stands for its code (a cast).
    pub takes_chars: bool,
    /// A value this engine does not convert is declined, left to the caller's
    /// own code (ctypes' Python code, which words its errors itself), instead
    /// of refused.
    pub declines_others: bool,
    /// The `_Bool` overflow message says which values fit (the Rust API).
    pub names_bool_values: bool,
}

impl Rules {
    /// Assignment (`p.x = v`, `ffi.new` initializers): cffi's range checks.
    pub const ASSIGN: Rules = Rules {
        range_checked: true,
        truncates_floats: false,
        takes_addresses: false,
        takes_chars: false,
        declines_others: false,
        names_bool_values: false,
    };
    /// A call's argument: assignment's rules (the caller names the argument).
    pub const ARGUMENT: Rules = Rules::ASSIGN;
    /// `ffi.cast`: C's cast, which wraps, truncates floats and takes addresses.
    pub const CAST: Rules = Rules {
        range_checked: false,
        truncates_floats: true,
        takes_addresses: true,
        takes_chars: true,
        declines_others: false,
        names_bool_values: false,
    };
    /// ctypes: Python ints wrap silently; anything else is ctypes' own code's.
    pub const CTYPES: Rules = Rules {
        range_checked: false,
        truncates_floats: false,
        takes_addresses: false,
        takes_chars: false,
        declines_others: true,
        names_bool_values: false,
    };
    /// The Rust API's [`Value`](crate::Value): range-checked, saying why.
    pub const RUST: Rules = Rules {
        names_bool_values: true,
        ..Rules::ASSIGN
    };

    /// `v` for the integer scalar `m` named `cname`: checked against its range,
    /// or left for the store to keep its low bits.
    #[inline(always)]
    pub fn fit(self, v: i128, m: Machine, cname: &str) -> Result<i128, ScalarError> {
        if !self.range_checked {
            return Ok(v);
        }
        let (lo, hi) = m.int_range().unwrap_or((i128::MIN, i128::MAX));
        if v < lo || v > hi {
            return Err(ScalarError::Overflow {
                cname: cname.to_string(),
                value: v.to_string(),
                only_bool_values: self.names_bool_values && m == Machine::Bool,
            });
        }
        Ok(v)
    }

    /// The machine-word values the integer scalar `m` takes as they are: the
    /// bounds of the one integer fast path (a Python int or an `i64` within
    /// them needs no other check). A table read, so that the per-access
    /// paths, which know `m` only at run time, pay one load for it.
    #[inline(always)]
    pub fn word_bounds(self, m: Machine) -> (i64, i64) {
        if self.range_checked {
            WORD_RANGES[m as usize]
        } else {
            (i64::MIN, i64::MAX)
        }
    }
}

/// A value a scalar conversion refused, with the facts its message needs:
/// the C type's name and what was given (`float`, `cdata 'int *'`, a Python
/// type's name, an integer's digits).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScalarError {
    /// An integer outside the type's range (an `OverflowError`).
    Overflow {
        /// The C type.
        cname: String,
        /// The integer's digits.
        value: String,
        /// The message says that only 0 and 1 fit (a `_Bool` in the Rust API).
        only_bool_values: bool,
    },
    /// Not an integer, for an integer type.
    NotInteger {
        /// The C type.
        cname: String,
        /// What was given.
        given: String,
    },
    /// Not a real number, for a floating type.
    NotReal {
        /// The C type.
        cname: String,
        /// What was given.
        given: String,
    },
    /// Not a one-byte string, for `char`.
    NotChar {
        /// The C type.
        cname: String,
        /// What was given.
        given: String,
    },
    /// A cast from something that has no C value.
    CannotCast {
        /// The C type.
        cname: String,
        /// What was given.
        given: String,
    },
    /// A cast from a string of another length than one.
    CastLength {
        /// The C type.
        cname: String,
        /// `bytes` or `str`.
        what: &'static str,
        /// The string's length.
        len: usize,
    },
}

impl ScalarError {
    /// Whether the value was of the right kind but out of range (Python's
    /// `OverflowError`); every other refusal is a type error.
    pub fn is_overflow(&self) -> bool {
        matches!(self, ScalarError::Overflow { .. })
    }
}

impl fmt::Display for ScalarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScalarError::Overflow {
                cname,
                value,
                only_bool_values,
            } => {
                write!(f, "integer {value} does not fit '{cname}'")?;
                if *only_bool_values {
                    f.write_str(" (only 0 and 1 do)")?;
                }
                Ok(())
            }
            ScalarError::NotInteger { cname, given } => {
                write!(f, "an integer is required for '{cname}', not {given}")
            }
            ScalarError::NotReal { cname, given } => {
                write!(f, "must be real number for '{cname}', not {given}")
            }
            ScalarError::NotChar { cname, given } => write!(
                f,
                "initializer for ctype '{cname}' must be a bytes of length 1, not {given}"
            ),
            ScalarError::CannotCast { cname, given } => {
                write!(f, "cannot cast {given} to ctype '{cname}'")
            }
            ScalarError::CastLength { cname, what, len } => {
                write!(f, "cannot cast a {what} of length {len} to '{cname}'")
            }
        }
    }
}

impl std::error::Error for ScalarError {}

impl From<ScalarError> for crate::error::Error {
    fn from(e: ScalarError) -> Self {
        if e.is_overflow() {
            crate::error::Error::Overflow(e.to_string())
        } else {
            crate::error::Error::Type(e.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INT: Machine = Machine::I32;

    #[test]
    fn large_floats_truncate_to_their_exact_low_bits() {
        assert_eq!(truncated_low_bits(-2.9), -2);
        assert_eq!(truncated_low_bits(2f64.powi(100)), 1i128 << 100);
        assert_eq!(truncated_low_bits(-(2f64.powi(127))), i128::MIN);
        assert_eq!(truncated_low_bits(2f64.powi(127)), i128::MIN);
        assert_eq!(
            truncated_low_bits(3.0 * 2f64.powi(126)),
            i128::MIN | (1i128 << 126)
        );
        assert_eq!(truncated_low_bits(2f64.powi(128)), 0);
        assert_eq!(truncated_low_bits(-1e300), 0);
        assert_eq!(truncated_low_bits(f64::MAX), 0);
    }

    #[test]
    fn primitives_get_their_machine_representation() {
        assert_eq!(Machine::of_prim(Prim::Int), INT);
        assert_eq!(Machine::of_prim(Prim::UInt16), Machine::U16);
        assert_eq!(Machine::of_prim(Prim::Float), Machine::F32);
        assert_eq!(Machine::of_prim(Prim::Double), Machine::F64);
        assert_eq!(Machine::of_prim(Prim::DoubleComplex).size(), 16);
        assert_eq!(Machine::of_prim(Prim::Bool).int_range(), Some((0, 1)));
        assert_eq!(Machine::of_prim(Prim::Double).int_range(), None);
    }

    #[test]
    fn machines_are_one_byte_and_integers_are_named_by_size_and_sign() {
        assert_eq!(std::mem::size_of::<Machine>(), 1);
        assert_eq!(std::mem::size_of::<Option<Machine>>(), 1);
        for (i, m) in Machine::ALL.into_iter().enumerate() {
            assert_eq!(m as usize, i);
            if m.is_integer() {
                let (size, signed) = m.int_layout().unwrap();
                assert_eq!(Machine::int(size, signed), m);
                assert_eq!(m.size(), size);
            }
        }
        assert!(!Machine::Bool.is_integer() && !Machine::Char.is_integer());
        assert_eq!(Machine::int(8, false), Machine::U64);
    }

    #[test]
    fn integer_loads_extend_by_the_machines_sign() {
        let bytes = [0xffu8; 16];
        let at = bytes.as_ptr();
        unsafe {
            assert_eq!(Machine::I8.load_int(at), -1);
            assert_eq!(Machine::U16.load_int(at), 0xffff);
            assert_eq!(Machine::I32.load_int(at), -1);
            assert_eq!(Machine::U64.load_int(at), i128::from(u64::MAX));
            assert_eq!(Machine::Char16.load_int(at), 0xffff);
            assert_eq!(Machine::Pointer.load_int(at), usize::MAX as i128);
            let signed_char = if Prim::Char.is_signed() { -1 } else { 0xff };
            assert_eq!(Machine::Char.load_int(at), signed_char);
            let (size, signed) = Machine::WChar.int_layout().unwrap();
            assert_eq!(Machine::WChar.load_int(at), load_int(at, size, signed));
        }
        let mut float = [0u8; 16];
        unsafe {
            store_float(float.as_mut_ptr(), Machine::F64, -2.75);
            assert_eq!(Machine::F64.load_int(float.as_ptr()), -2);
            assert_eq!(Machine::DoubleComplex.load_int(float.as_ptr()), -2);
        }
    }

    #[test]
    fn types_of_the_table_decay_arrays_only_when_asked() {
        let mut t = TypeTable::new();
        let int = t.primitive(Prim::Int);
        let arr = t.array(int, Some(3));
        let ptr = t.pointer(int);
        assert_eq!(Machine::of(&t, ptr, false), Some(Machine::Pointer));
        assert_eq!(Machine::of(&t, arr, true), Some(Machine::Pointer));
        assert_eq!(Machine::of(&t, arr, false), None);
        let void = t.void();
        assert_eq!(Machine::of(&t, void, true), None);
    }

    #[test]
    fn ranges_cover_every_width() {
        assert_eq!(int_range(1, true), (-128, 127));
        assert_eq!(int_range(1, false), (0, 255));
        assert_eq!(int_range(8, false), (0, u64::MAX as i128));
        assert_eq!(int_range(8, true), (i64::MIN as i128, i64::MAX as i128));
    }

    #[test]
    fn loads_extend_and_stores_keep_the_low_bytes() {
        let mut buf = [0u8; 8];
        unsafe {
            store_int(buf.as_mut_ptr(), 2, -2);
            assert_eq!(load_int(buf.as_ptr(), 2, true), -2);
            assert_eq!(load_int(buf.as_ptr(), 2, false), 0xfffe);
            store_int(buf.as_mut_ptr(), 1, 0x1ff);
            assert_eq!(load_int(buf.as_ptr(), 1, false), 0xff);
            store_float(buf.as_mut_ptr(), Machine::F32, 1.5);
            assert_eq!(load_float(buf.as_ptr(), Machine::F32), 1.5);
        }
    }

    #[test]
    fn assignment_checks_the_range_and_a_cast_wraps() {
        let e = Rules::ASSIGN.fit(1 << 31, INT, "int").unwrap_err();
        assert!(e.is_overflow());
        assert_eq!(e.to_string(), "integer 2147483648 does not fit 'int'");
        assert_eq!(Rules::CAST.fit(1 << 31, INT, "int"), Ok(1 << 31));
        assert_eq!(Rules::CTYPES.fit(-1, Machine::Bool, "_Bool"), Ok(-1));
        let e = Rules::RUST.fit(2, Machine::Bool, "_Bool").unwrap_err();
        assert_eq!(
            e.to_string(),
            "integer 2 does not fit '_Bool' (only 0 and 1 do)"
        );
    }

    #[test]
    fn word_bounds_are_the_range_within_an_i64() {
        assert_eq!(Rules::ASSIGN.word_bounds(Machine::U64), (0, i64::MAX));
        assert_eq!(
            Rules::ASSIGN.word_bounds(Machine::I64),
            (i64::MIN, i64::MAX)
        );
        assert_eq!(Rules::ASSIGN.word_bounds(INT), (-(1 << 31), (1 << 31) - 1));
        assert_eq!(Rules::ASSIGN.word_bounds(Machine::U8), (0, 255));
        assert_eq!(Rules::ASSIGN.word_bounds(Machine::Bool), (0, 1));
        assert_eq!(
            Rules::ASSIGN.word_bounds(Machine::F64),
            (i64::MIN, i64::MAX)
        );
        assert_eq!(Rules::CAST.word_bounds(INT), (i64::MIN, i64::MAX));
        for m in Machine::ALL {
            let table = Rules::ASSIGN.word_bounds(m);
            let computed = m.int_range().map_or((i64::MIN, i64::MAX), |(lo, hi)| {
                (
                    lo.max(i64::MIN.into()) as i64,
                    hi.min(i64::MAX.into()) as i64,
                )
            });
            assert_eq!(table, computed, "{m:?}");
        }
    }

    #[test]
    fn registers_narrower_than_a_word_keep_their_low_bytes() {
        assert_eq!(register_int(0x1ff, 1, true), Some(-1));
        assert_eq!(register_int(u64::MAX, 4, false), Some(0xffff_ffff));
        assert_eq!(register_int(u64::MAX, 8, false), None);
    }

    #[test]
    fn refusals_name_the_type_and_what_was_given() {
        let e = ScalarError::NotInteger {
            cname: "int".into(),
            given: "float".into(),
        };
        assert!(!e.is_overflow());
        assert_eq!(e.to_string(), "an integer is required for 'int', not float");
        let e = ScalarError::CastLength {
            cname: "int".into(),
            what: "bytes",
            len: 2,
        };
        assert_eq!(e.to_string(), "cannot cast a bytes of length 2 to 'int'");
    }
}
