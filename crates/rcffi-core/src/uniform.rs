//! Uniform wrappers: calling, from a compiled module, functions whose records
//! passed by value are declared with `...;`.
//!
//! How C passes such a record (in which registers, or in memory) may depend on
//! the members the cdef leaves out, so libffi cannot be given a faithful
//! description of the call and ABI mode refuses it. In an API-mode module the
//! C compiler knows the real type: the glue wraps each such function in
//! `void w(void *result, void **args)`, taking every argument through a
//! pointer and writing the result through one, and rcffi calls the wrapper
//! with the argument buffers its libffi path fills anyway.

use std::fmt::Write;

use crate::cnames::CNames;
use crate::ctype::{FuncSig, Prim, TypeData, TypeId, TypeTable};
use crate::error::Error;

/// Whether the record `id`, or a record it holds by value, was declared with
/// `...;` (before the compiler completed it, or after).
fn has_hidden_members(table: &TypeTable, id: TypeId) -> bool {
    let mut pending = vec![id];
    let mut seen = Vec::new();
    while let Some(ty) = pending.pop() {
        if seen.contains(&ty) {
            continue;
        }
        seen.push(ty);
        match table.data(ty) {
            TypeData::Record(r) => {
                if r.partial || r.inexact {
                    return true;
                }
                pending.extend(r.fields.iter().flatten().map(|f| f.ty));
            }
            TypeData::Array { item, .. } => pending.push(*item),
            _ => {}
        }
    }
    false
}

/// Whether calls of the (non-variadic) function type `func` go through a
/// uniform wrapper: one of its arguments or its result is a record by value
/// with members the cdef does not declare, or with an array of no or zero
/// length (which libffi cannot size). The glue and the loader both ask,
/// so both agree on which table entries are wrappers.
pub fn needs_wrapper(table: &TypeTable, func: TypeId) -> bool {
    let Some(sig) = table.func(func) else {
        return false;
    };
    !sig.variadic
        && std::iter::once(sig.result)
            .chain(sig.args.iter().copied())
            .any(|t| {
                matches!(table.data(t), TypeData::Record(_))
                    && (has_hidden_members(table, t)
                        || crate::call::has_zero_length_array(table, t))
            })
}

/// How the wrapper stores an integer result narrower than a register: widened
/// as libffi widens it (`ffi_sarg`/`ffi_arg`), which the result conversion reads.
fn widened(table: &TypeTable, ty: TypeId) -> Option<&'static str> {
    let prim = match table.data(ty) {
        TypeData::Primitive(p) => *p,
        TypeData::Enum(e) => e.base,
        _ => return None,
    };
    if matches!(prim, Prim::Float | Prim::Double | Prim::LongDouble) || prim.size() >= 8 {
        return None;
    }
    if matches!(prim, Prim::FloatComplex | Prim::DoubleComplex) {
        return None;
    }
    Some(if prim.is_signed() {
        "long long"
    } else {
        "unsigned long long"
    })
}

/// Writes the uniform wrapper `_rcffi_u<i>` of function `name` (of signature
/// `sig`) and returns its table item.
pub(crate) fn write_wrapper(
    names: &CNames,
    w: &mut String,
    i: usize,
    name: &str,
    sig: &FuncSig,
) -> Result<String, Error> {
    let table = names.table;
    let args = sig
        .args
        .iter()
        .enumerate()
        .map(|(k, a)| Ok(format!("*({})a[{k}]", names.spell(*a, "*")?)))
        .collect::<Result<Vec<_>, Error>>()?;
    let call = format!("{name}({})", args.join(", "));
    let body = if matches!(table.data(sig.result), TypeData::Void) {
        format!("{call};")
    } else if let Some(wide) = widened(table, sig.result) {
        format!("*({wide} *)r = ({wide})({call});")
    } else {
        // As the C declaration types it (a `const` pointer stays one).
        format!("__typeof__({call}) x = {call}; memcpy(r, &x, sizeof x);")
    };
    let unused = if sig.args.is_empty() { " (void)a;" } else { "" };
    let unused_r = if matches!(table.data(sig.result), TypeData::Void) {
        " (void)r;"
    } else {
        ""
    };
    writeln!(
        w,
        "static void _rcffi_u{i}(void *r, void **a) {{{unused}{unused_r} {body} }}"
    )
    .ok();
    Ok(format!("(void *)_rcffi_u{i}"))
}
