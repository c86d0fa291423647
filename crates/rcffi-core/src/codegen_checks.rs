//! API mode's checks of the cdef against the C declarations, as cffi makes them.
//!
//! Two kinds: what the compiler can refuse by itself is a static assertion in
//! the glue (a global of another size, an integer field or `typedef int...`
//! type that is a floating type in C, or the other way round), so the build
//! fails; what cffi reports at run time is an answer in the table that the
//! loader compares with the cdef (a constant with another value, a
//! `typedef double...` type that is no `double`), so only the attributes that
//! use it fail, with cffi's message.

use std::fmt::Write;

use crate::cnames::CNames;
use crate::ctype::{Prim, TypeData, TypeId, TypeTable};
use crate::decl::{Declarations, Entity};
use crate::error::Error;

/// Static assertions that each global variable of known size has that size in C.
pub(crate) fn check_globals(
    names: &CNames,
    decls: &Declarations,
    w: &mut String,
) -> Result<(), Error> {
    for name in &decls.name_order {
        let Some(Entity::Global {
            ty,
            constant: false,
        }) = decls.names.get(name)
        else {
            continue;
        };
        let Some(size) = names.table.size_of(*ty) else {
            continue;
        };
        writeln!(
            w,
            "_RCFFI_STATIC_ASSERT(sizeof({name}) == {size}, \"rcffi: global '{name}' has another size in C than in the cdef\");"
        )
        .ok();
    }
    Ok(())
}

/// A static assertion that the C type `expr_type` (a type name, or
/// `__typeof__(+(...))`: the `+` drops qualifiers, which C++ warns about in
/// a cast, and refuses pointers) is an integer type when `integer`, a
/// floating type otherwise: `(T)1 / 2` is 0 only for integers. Sizes alone
/// cannot tell `int` from `float`.
pub(crate) fn check_kind(w: &mut String, expr_type: &str, integer: bool, what: &str) {
    let (op, kind) = if integer {
        ("==", "an integer type")
    } else {
        ("!=", "a floating-point type")
    };
    writeln!(
        w,
        "_RCFFI_STATIC_ASSERT(((({expr_type})1) / 2) {op} 0, \"rcffi: {what} is not {kind} in C, as the cdef says\");"
    )
    .ok();
}

/// Whether primitive `ty` is an integer (`Some(true)`) or floating
/// (`Some(false)`) type; None for everything else (whose kind is not checked).
pub(crate) fn numeric_kind(table: &TypeTable, ty: TypeId) -> Option<bool> {
    match table.data(ty) {
        TypeData::Primitive(p) if p.is_integer() && *p != Prim::Bool => Some(true),
        TypeData::Primitive(Prim::Float | Prim::Double) => Some(false),
        _ => None,
    }
}

/// cffi's message when the compiler's value `c_value` of constant `name` is
/// not the cdef's `cdef_value`; None when they agree.
pub fn constant_mismatch(name: &str, cdef_value: i128, c_value: i128) -> Option<String> {
    if cdef_value == c_value {
        return None;
    }
    let shown = if c_value > 0 {
        format!("{c_value} (0x{c_value:x})")
    } else {
        c_value.to_string()
    };
    Some(format!(
        "the C compiler says '{name}' is equal to {shown}, but the cdef disagrees"
    ))
}

/// The value a `#define X 42` or `static const int X = 42;` of the cdef
/// gives `name`, for [`constant_mismatch`].
pub fn declared_value(decls: &Declarations, name: &str) -> Option<i128> {
    match decls.names.get(name) {
        Some(Entity::IntConstant { value, ty: None }) => Some(*value),
        _ => None,
    }
}

/// Whether `ty` is, or is built from (through pointers, arrays and function
/// signatures), one of the types in `bad`.
pub fn mentions(table: &TypeTable, ty: TypeId, bad: &[TypeId]) -> bool {
    let mut stack = vec![ty];
    let mut seen = Vec::new();
    while let Some(t) = stack.pop() {
        if bad.contains(&t) {
            return true;
        }
        if seen.contains(&t) {
            continue;
        }
        seen.push(t);
        match table.data(t) {
            TypeData::Pointer(inner) | TypeData::UnknownLength(inner) => stack.push(*inner),
            TypeData::Array { item, .. } => stack.push(*item),
            TypeData::Function(sig) => {
                stack.push(sig.result);
                stack.extend(sig.args.iter().copied());
            }
            _ => {}
        }
    }
    false
}

/// The size and sign the compiler gives an enum as its base integer type.
pub fn enum_base(size: usize, signed: bool) -> Option<Prim> {
    Some(match (size, signed) {
        (4, true) => Prim::Int,
        (4, false) => Prim::UInt,
        (8, true) => Prim::Long,
        (8, false) => Prim::ULong,
        _ => return crate::codegen::resolve_integer(size, signed),
    })
}

/// Why a `typedef float...` / `typedef double...` type of `size` bytes
/// cannot be used (cffi's words), given whether C says it is an integer.
pub fn float_refusal(size: usize, integer_in_c: bool) -> Option<&'static str> {
    if integer_in_c || !matches!(size, 4 | 8) && size != Prim::LongDouble.size() {
        Some("primitive floating-point type with an unexpected size (or not a float type at all)")
    } else if size != 4 && size != 8 {
        Some("primitive floating-point type is 'long double', not supported for now with the syntax 'typedef double... xxx;'")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mismatches_are_worded_as_cffi_words_them() {
        assert_eq!(constant_mismatch("A", 3, 3), None);
        assert_eq!(
            constant_mismatch("FOO", 123, 124).unwrap(),
            "the C compiler says 'FOO' is equal to 124 (0x7c), but the cdef disagrees"
        );
        assert!(constant_mismatch("B", 1, -6912)
            .unwrap()
            .contains("equal to -6912, but"));
    }

    #[test]
    fn float_typedefs_of_other_kinds_are_refused() {
        assert_eq!(float_refusal(8, false), None);
        assert!(float_refusal(8, true).unwrap().contains("not a float type"));
        assert!(float_refusal(Prim::LongDouble.size(), false)
            .unwrap()
            .contains("'long double'"));
    }
}
