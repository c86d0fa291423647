//! The C of the glue's answer entries: what only the compiler knows (a
//! constant's value, a partial record's layout, a numeric type's size and
//! sign, an enum's base type, an array's length), with the checks that come
//! with each answer. API-mode glue and configure probes share it.

use std::fmt::Write;

use crate::cnames::CNames;
use crate::codegen::Entry;
use crate::codegen_checks;
use crate::ctype::{TypeData, UnknownNumeric};
use crate::error::Error;

/// Writes the C for one entry that carries an answer of the compiler (a constant,
/// a record layout, a numeric type's size and sign, an enum's base, an array
/// length) into API-mode glue and returns its table item.
pub(crate) fn emit_answer(
    names: &CNames,
    i: usize,
    e: &Entry,
    w: &mut String,
) -> Result<String, Error> {
    let cname = |ty| names.spell(ty, "").map(|n| n.trim_end().to_string());
    match e {
        Entry::IntConstant { name } | Entry::CheckedIntConstant { name } => {
            answer_values(names, e, w)?;
            // A function, not data: a macro need not be a constant expression
            // to be read by a compiled module.
            writeln!(
                w,
                "static int _rcffi_i{i}(unsigned long long *out) {{ *out = (unsigned long long)({name}); return ({name}) <= 0; }}"
            )
            .ok();
            Ok(format!("(void *)_rcffi_i{i}"))
        }
        Entry::EnumType { ty } => {
            let cname = cname(*ty)?;
            // C++ leaves `(enum e)-1` unspecified: it asks the type itself.
            writeln!(
                w,
                "#ifdef __cplusplus\nstatic const long long _rcffi_e{i}[] = {{ sizeof({cname}), ((__underlying_type({cname}))-1) <= 0 }};\n#else\nstatic const long long _rcffi_e{i}[] = {{ sizeof({cname}), (({cname})-1) <= 0 }};\n#endif"
            )
            .ok();
            Ok(format!("(void *)_rcffi_e{i}"))
        }
        _ => {
            let values = answer_values(names, e, w)?;
            let array = match e {
                Entry::RecordLayout { .. } => 'l',
                Entry::NumericType { .. } => 'n',
                _ => 'a',
            };
            writeln!(
                w,
                "static const long long _rcffi_{array}{i}[] = {{ {} }};",
                values.join(", ")
            )
            .ok();
            Ok(format!("(void *)_rcffi_{array}{i}"))
        }
    }
}

/// The C integer constant expressions answering entry `e` (a constant, a
/// record layout, a numeric type's size and sign, an array length), in the
/// order `probe::answer_len` counts them, after writing the checks that come
/// with them to `w`. API-mode glue and configure probes share it, so both ask
/// the compiler the same questions with the same checks.
pub(crate) fn answer_values(
    names: &CNames,
    e: &Entry,
    w: &mut String,
) -> Result<Vec<String>, Error> {
    let table = names.table;
    match e {
        Entry::IntConstant { name } | Entry::CheckedIntConstant { name } => {
            // A macro over a string or a float is no integer constant: the
            // build fails rather than give a pointer's or a rounded value.
            codegen_checks::check_kind(
                w,
                &format!("__typeof__(+({name}))"),
                true,
                &format!("'{name}'"),
            );
            Ok(vec![format!("({name})")])
        }
        Entry::RecordLayout { ty } => {
            let cname = names.spell(*ty, "")?;
            let cname = cname.trim_end();
            let mut numbers = vec![
                format!("sizeof({cname})"),
                format!("_RCFFI_ALIGNOF({cname})"),
            ];
            let rec = table.record(*ty).expect("record");
            for f in rec.fields.iter().flatten() {
                if f.name.is_empty() {
                    continue;
                }
                if f.bitsize.is_some() {
                    return Err(Error::Type(format!(
                        "'{cname}': bit-field '{}' in a struct declared with '...;' is not supported",
                        f.name
                    )));
                }
                numbers.push(format!("offsetof({cname}, {})", f.name));
                if let Some(integer) = codegen_checks::numeric_kind(table, f.ty) {
                    codegen_checks::check_kind(
                        w,
                        &format!("__typeof__(+(({cname} *)0)->{})", f.name),
                        integer,
                        &format!("field '{}' of '{cname}'", f.name),
                    );
                }
                let fdecl = names.spell(f.ty, "")?;
                // `int a[]` and `int a[...]` (at any depth) have no size to compare.
                if fdecl.contains("[]") {
                    continue;
                }
                writeln!(
                    w,
                    "_RCFFI_STATIC_ASSERT(sizeof((({cname} *)0)->{fname}) == sizeof({fty}), \"rcffi: field '{fname}' of '{cname}' has another type in C than in the cdef\");",
                    fname = f.name,
                    fty = fdecl.trim_end()
                )
                .ok();
            }
            Ok(numbers)
        }
        Entry::NumericType { ty } => {
            let cname = table.cname(*ty);
            let signed = match table.data(*ty) {
                // For `float...`: 1 when the type is an integer type in C,
                // which the loader refuses as cffi does.
                TypeData::Unknown(UnknownNumeric::Float) => format!("((({cname})1) / 2) == 0"),
                // `<= 0`, not `< 0`: the latter warns (-Wtype-limits) for unsigned types.
                _ => {
                    codegen_checks::check_kind(w, cname, true, &format!("'{cname}'"));
                    format!("(({cname})-1) <= 0")
                }
            };
            Ok(vec![format!("sizeof({cname})"), signed])
        }
        Entry::ArrayLength { ty, sized } => {
            // The length alone would hide items of another size (`char a[23]`
            // declared `int a[...]`: 23 ints, four times the array).
            if let TypeData::UnknownLength(item) = table.data(*ty) {
                if let Some(size) = table.size_of(*item) {
                    writeln!(
                        w,
                        "_RCFFI_STATIC_ASSERT(sizeof(({sized})[0]) == {size}, \"rcffi: the items of '{sized}' have another size in C than in the cdef\");"
                    )
                    .ok();
                }
            }
            Ok(vec![format!(
                "(long long)(sizeof({sized}) / sizeof(({sized})[0]))"
            )])
        }
        _ => unreachable!("only answer entries have answer values"),
    }
}
