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
use crate::ctype::{Field, Prim, TypeData, TypeId, TypeTable};
use crate::decl::{Declarations, Entity};
use crate::error::Error;

/// cffi's refusal, before anything is compiled, of a function whose result
/// is a struct the cdef leaves opaque (`struct a f(void);`, `typedef ...
/// t; t f(void);`): rcffi could neither lay out nor convert the value.
pub(crate) fn refuse_opaque_results(table: &TypeTable, decls: &Declarations) -> Result<(), Error> {
    for name in &decls.name_order {
        let Some(Entity::Function { ty, .. }) = decls.names.get(name) else {
            continue;
        };
        let Some(sig) = table.func(*ty) else {
            continue;
        };
        if table.record(sig.result).is_some_and(|r| r.fields.is_none()) {
            return Err(Error::Type(format!(
                "function {name}: '{}' is used as result type, but is opaque",
                table.cname(sig.result)
            )));
        }
    }
    Ok(())
}

/// cffi's refusal, before anything is compiled, of a record with a member of
/// an opaque type (the reason kept by `TypeTable::complete_record`).
pub(crate) fn refuse_pending_records(table: &TypeTable, decls: &Declarations) -> Result<(), Error> {
    match decls
        .record_order
        .iter()
        .find_map(|&id| table.record(id).and_then(|r| r.pending.clone()))
    {
        Some(why) => Err(Error::Type(why)),
        None => Ok(()),
    }
}

/// An `#error` for each enumerator the cdef puts in two enums (cffi accepts
/// the same name with the same value again): C has one scope for
/// enumerators, so no C source can match that cdef, and the build fails as
/// cffi's does, with a message saying why.
pub(crate) fn refuse_duplicate_enumerators(
    table: &TypeTable,
    decls: &Declarations,
    w: &mut String,
) {
    let mut first: crate::fasthash::FastMap<&str, TypeId> = Default::default();
    for &id in &decls.record_order {
        let TypeData::Enum(e) = table.data(id) else {
            continue;
        };
        for (name, _) in &e.values {
            match first.get(name.as_str()) {
                Some(&other) if other != id => {
                    writeln!(
                        w,
                        "#error \"rcffi: enumerator '{name}' is declared in '{}' and in '{}' by the cdef, but C allows it in one enum only\"",
                        table.cname(other),
                        table.cname(id)
                    )
                    .ok();
                }
                Some(_) => {}
                None => {
                    first.insert(name, id);
                }
            }
        }
    }
}

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

/// Whether API mode compares the layout of record `id` with the compiler's:
/// a complete one (a `...;` one takes the compiler's) that C can spell.
pub fn is_checked_record(table: &TypeTable, id: TypeId) -> bool {
    table.record(id).is_some_and(|r| {
        r.fields.is_some() && r.layout.is_some() && !r.partial && !table.cname(id).contains('$')
    })
}

/// The members of a checked record whose offsets are compared at load time:
/// the named ones that are not bit-fields, in order.
pub fn checked_fields(table: &TypeTable, id: TypeId) -> Vec<Field> {
    table
        .record(id)
        .and_then(|r| r.fields.as_ref())
        .map_or_else(Vec::new, |fields| {
            fields
                .iter()
                .filter(|f| !f.name.is_empty() && f.bitsize.is_none())
                .cloned()
                .collect()
        })
}

/// The exported symbol holding the compiler's layout of checked record
/// `cname` in the module whose table is `table_symbol`. Found by name, not
/// by a table index: the loader's declarations may hold records (copies from
/// an included ffi) that the builder's did not, and a missing one is simply
/// not checked.
pub fn record_layout_symbol(table_symbol: &str, cname: &str) -> String {
    let mangled: String = cname
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("{table_symbol}_layout_{mangled}")
}

/// For each checked record, a `long long` array: its size, then the offset
/// and size of each of `checked_fields` (see [`record_mismatch`]; 0 for the
/// size of a flexible array, which has none).
pub(crate) fn write_record_layouts(
    names: &CNames,
    decls: &Declarations,
    table_symbol: &str,
    w: &mut String,
) -> Result<(), Error> {
    for &id in &decls.record_order {
        if !is_checked_record(names.table, id) || decls.header_records.contains(&id) {
            continue;
        }
        let cname = names.spell(id, "")?;
        let cname = cname.trim_end();
        let mut numbers = vec![format!("sizeof({cname})")];
        for f in checked_fields(names.table, id) {
            numbers.push(format!("offsetof({cname}, {})", f.name));
            numbers.push(match names.table.size_of(f.ty) {
                Some(_) => format!("sizeof((({cname} *)0)->{})", f.name),
                None => "0".to_string(),
            });
        }
        writeln!(
            w,
            "_RCFFI_EXTERN_C __attribute__((visibility(\"default\"))) const long long {}[] = {{ {} }};",
            record_layout_symbol(table_symbol, names.table.cname(id)),
            numbers.join(", ")
        )
        .ok();
    }
    Ok(())
}

/// cffi's error when the compiler's `answer` (size, then offsets) for record
/// `id` is not the layout the cdef gives it, with the way out.
pub fn record_mismatch(table: &TypeTable, id: TypeId, answer: &[i128]) -> Option<String> {
    let cname = table.cname(id);
    layout_mismatch(table, id, answer).map(|why| {
        format!(
            "{why}. fix it or use \"...;\" as the last field of {cname} in the cdef: it then takes the compiler's layout"
        )
    })
}

/// The first way the compiler's `answer` for record `id` contradicts the cdef's
/// layout, as cffi words it.
pub fn layout_mismatch(table: &TypeTable, id: TypeId, answer: &[i128]) -> Option<String> {
    let cname = table.cname(id);
    for (f, c) in checked_fields(table, id).iter().zip(answer[1..].chunks(2)) {
        if f.offset as i128 != c[0] {
            return Some(format!(
                "{cname}: wrong offset for field '{}' (cdef says {}, but C compiler says {})",
                f.name, f.offset, c[0]
            ));
        }
        match table.size_of(f.ty) {
            Some(size) if size as i128 != c[1] => {
                return Some(format!(
                    "{cname}: wrong size for field '{}' (cdef says {size}, but C compiler says {})",
                    f.name, c[1]
                ))
            }
            _ => {}
        }
    }
    let size = table.size_of(id)?;
    (size as i128 != answer[0]).then(|| {
        format!(
            "{cname}: wrong total size (cdef says {size}, but C compiler says {})",
            answer[0]
        )
    })
}

/// Static assertions on the members of the checked records that the loader
/// does not compare: numeric members are of the cdef's kind, pointers to
/// numbers point to numbers of the cdef's size (`int *` over `long *`), and
/// the members of anonymous nested structs and unions are where the cdef puts
/// them (cffi fails the build for those).
pub(crate) fn check_record_members(
    names: &CNames,
    decls: &Declarations,
    w: &mut String,
) -> Result<(), Error> {
    let table = names.table;
    for &id in &decls.record_order {
        if !is_checked_record(table, id) || decls.header_records.contains(&id) {
            continue;
        }
        let cname = table.cname(id);
        for f in table
            .record(id)
            .and_then(|r| r.fields.as_ref())
            .into_iter()
            .flatten()
        {
            if f.name.is_empty() {
                check_nested(table, w, cname, f, 0);
                continue;
            }
            if f.bitsize.is_some() {
                continue;
            }
            // An array of another length fails the build, as in cffi.
            let is_array = matches!(table.data(f.ty), TypeData::Array { .. });
            check_member(table, w, cname, f, is_array);
        }
    }
    Ok(())
}

/// The kind of numeric member `f` of `cname`, the size of the number it
/// points to for a pointer to one, and with `sized` its own size.
fn check_member(table: &TypeTable, w: &mut String, cname: &str, f: &Field, sized: bool) {
    let member = format!("(({cname} *)0)->{}", f.name);
    let what = format!("field '{}' of '{cname}'", f.name);
    if let Some(integer) = numeric_kind(table, f.ty) {
        check_kind(w, &format!("__typeof__(+{member})"), integer, &what);
    }
    if let (true, Some(size)) = (sized, table.size_of(f.ty)) {
        writeln!(
            w,
            "_RCFFI_STATIC_ASSERT(sizeof({member}) == {size}, \"rcffi: {what} has another size in C than in the cdef\");"
        )
        .ok();
    }
    if let TypeData::Pointer(target) = table.data(f.ty) {
        if let (Some(_), Some(size)) = (numeric_kind(table, *target), table.size_of(*target)) {
            writeln!(
                w,
                "_RCFFI_STATIC_ASSERT(sizeof(*{member}) == {size}, \"rcffi: {what} points to another type in C than in the cdef\");"
            )
            .ok();
        }
    }
}

/// Offsets of the members of anonymous member `f` (at `base` in `outer`).
fn check_nested(table: &TypeTable, w: &mut String, outer: &str, f: &Field, base: usize) {
    let Some(fields) = table.record(f.ty).and_then(|r| r.fields.as_ref()) else {
        return;
    };
    for inner in fields {
        if inner.name.is_empty() {
            check_nested(table, w, outer, inner, base + f.offset);
        } else if inner.bitsize.is_none() {
            check_member(table, w, outer, inner, true);
            writeln!(
                w,
                "_RCFFI_STATIC_ASSERT(offsetof({outer}, {n}) == {off}, \"rcffi: field '{n}' of '{outer}' is at another offset in C than in the cdef\");",
                n = inner.name,
                off = base + f.offset + inner.offset
            )
            .ok();
        }
    }
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
