//! The primitive C types: which exist, how big they are on this target, and how
//! their values are represented and converted.

use std::os::raw::{c_int, c_long, c_longlong, c_short};

/// How the value of a primitive type is represented and converted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PrimClass {
    /// A signed integer.
    Signed,
    /// An unsigned integer.
    Unsigned,
    /// `char`: a one-byte string in Python.
    Char,
    /// `_Bool`.
    Bool,
    /// `float` or `double`.
    Float,
    /// `long double`: kept as cdata so that no precision is lost.
    LongDouble,
    /// `wchar_t`, `char16_t`, `char32_t`: a one-character str in Python.
    WideChar,
    /// `float _Complex`, `double _Complex`.
    Complex,
}

macro_rules! primitives {
    ($( $variant:ident => $name:literal, $size:expr, $align:expr, $class:ident; )*) => {
        /// A primitive C type, named as cffi names it.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[allow(missing_docs)]
        pub enum Prim { $( $variant, )* }

        impl Prim {
            /// Every primitive, in declaration order.
            pub const ALL: &'static [Prim] = &[ $( Prim::$variant, )* ];

            /// The C name, as cffi spells it (`unsigned long`, `int32_t`).
            pub fn name(self) -> &'static str {
                match self { $( Prim::$variant => $name, )* }
            }

            /// `sizeof` on the running platform.
            pub const fn size(self) -> usize {
                match self { $( Prim::$variant => $size, )* }
            }

            /// `alignof` on the running platform.
            pub fn align(self) -> usize {
                match self { $( Prim::$variant => $align, )* }
            }

            /// The primitive with this exact cffi name (`"unsigned long"`, `"int32_t"`).
            pub fn from_name(name: &str) -> Option<Prim> {
                match name { $( $name => Some(Prim::$variant), )* _ => None }
            }

            /// How values of this type convert.
            pub const fn class(self) -> PrimClass {
                match self { $( Prim::$variant => PrimClass::$class, )* }
            }
        }
    };
}

use std::mem::{align_of as al, size_of as sz};

use crate::platform::{
    CHAR_IS_SIGNED, LONG_DOUBLE_LAYOUT as LONG_DOUBLE, WCHAR_IS_SIGNED, WCHAR_SIZE as WCHAR,
};

primitives! {
    Char => "char", 1, 1, Char;
    SChar => "signed char", 1, 1, Signed;
    UChar => "unsigned char", 1, 1, Unsigned;
    Short => "short", sz::<c_short>(), al::<c_short>(), Signed;
    UShort => "unsigned short", sz::<c_short>(), al::<c_short>(), Unsigned;
    Int => "int", sz::<c_int>(), al::<c_int>(), Signed;
    UInt => "unsigned int", sz::<c_int>(), al::<c_int>(), Unsigned;
    Long => "long", sz::<c_long>(), al::<c_long>(), Signed;
    ULong => "unsigned long", sz::<c_long>(), al::<c_long>(), Unsigned;
    LongLong => "long long", sz::<c_longlong>(), al::<c_longlong>(), Signed;
    ULongLong => "unsigned long long", sz::<c_longlong>(), al::<c_longlong>(), Unsigned;
    Float => "float", 4, al::<f32>(), Float;
    Double => "double", 8, al::<f64>(), Float;
    LongDouble => "long double", LONG_DOUBLE.0, LONG_DOUBLE.1, LongDouble;
    Bool => "_Bool", 1, 1, Bool;
    WChar => "wchar_t", WCHAR, WCHAR, WideChar;
    Char16 => "char16_t", 2, 2, WideChar;
    Char32 => "char32_t", 4, 4, WideChar;
    Int8 => "int8_t", 1, 1, Signed;
    UInt8 => "uint8_t", 1, 1, Unsigned;
    Int16 => "int16_t", 2, 2, Signed;
    UInt16 => "uint16_t", 2, 2, Unsigned;
    Int32 => "int32_t", 4, 4, Signed;
    UInt32 => "uint32_t", 4, 4, Unsigned;
    Int64 => "int64_t", 8, al::<i64>(), Signed;
    UInt64 => "uint64_t", 8, al::<u64>(), Unsigned;
    IntLeast8 => "int_least8_t", 1, 1, Signed;
    UIntLeast8 => "uint_least8_t", 1, 1, Unsigned;
    IntLeast16 => "int_least16_t", 2, 2, Signed;
    UIntLeast16 => "uint_least16_t", 2, 2, Unsigned;
    IntLeast32 => "int_least32_t", 4, 4, Signed;
    UIntLeast32 => "uint_least32_t", 4, 4, Unsigned;
    IntLeast64 => "int_least64_t", 8, al::<i64>(), Signed;
    UIntLeast64 => "uint_least64_t", 8, al::<u64>(), Unsigned;
    IntFast8 => "int_fast8_t", 1, 1, Signed;
    UIntFast8 => "uint_fast8_t", 1, 1, Unsigned;
    IntFast16 => "int_fast16_t", sz::<isize>(), al::<isize>(), Signed;
    UIntFast16 => "uint_fast16_t", sz::<usize>(), al::<usize>(), Unsigned;
    IntFast32 => "int_fast32_t", sz::<isize>(), al::<isize>(), Signed;
    UIntFast32 => "uint_fast32_t", sz::<usize>(), al::<usize>(), Unsigned;
    IntFast64 => "int_fast64_t", 8, al::<i64>(), Signed;
    UIntFast64 => "uint_fast64_t", 8, al::<u64>(), Unsigned;
    IntPtr => "intptr_t", sz::<isize>(), al::<isize>(), Signed;
    UIntPtr => "uintptr_t", sz::<usize>(), al::<usize>(), Unsigned;
    IntMax => "intmax_t", 8, al::<i64>(), Signed;
    UIntMax => "uintmax_t", 8, al::<u64>(), Unsigned;
    PtrDiff => "ptrdiff_t", sz::<isize>(), al::<isize>(), Signed;
    Size => "size_t", sz::<usize>(), al::<usize>(), Unsigned;
    SSize => "ssize_t", sz::<isize>(), al::<isize>(), Signed;
    FloatComplex => "_cffi_float_complex_t", 8, 4, Complex;
    DoubleComplex => "_cffi_double_complex_t", 16, 8, Complex;
}

impl Prim {
    /// Whether this is an integer type (including `char` and `_Bool`, which C
    /// treats as integers for casts and arithmetic).
    pub fn is_integer(self) -> bool {
        matches!(
            self.class(),
            PrimClass::Signed
                | PrimClass::Unsigned
                | PrimClass::Char
                | PrimClass::Bool
                | PrimClass::WideChar
        )
    }

    /// Whether integers of this type are signed. A `const fn`, so that the
    /// scalar engine's tables (`scalar.rs`) are computed at compile time.
    pub const fn is_signed(self) -> bool {
        match self.class() {
            PrimClass::Char => CHAR_IS_SIGNED,
            PrimClass::WideChar if matches!(self, Prim::WChar) => WCHAR_IS_SIGNED,
            class => matches!(class, PrimClass::Signed),
        }
    }
}
