//! C source for API-mode modules: the glue appended to the user's source.
//!
//! The glue never includes Python headers, so the built library works with any
//! Python. It exports one table of pointers per module; entry `i` is described by
//! `entries()[i]`, which the loader recomputes from the same declarations:
//! wrapper functions with the cdef's signature (the C compiler converts to the
//! real prototype, and macros work), accessors returning the address of global
//! variables (called at each access, so thread-locals and macros work), functions
//! writing constants, the layouts of partial structs, the values of partial enums
//! and the sizes of `typedef int...` types, and the slots of `extern "Python"`
//! functions, which rcffi fills with callbacks.
//!
//! Declarations the compiler can check are checked at build time with static
//! assertions, so a cdef that disagrees with the headers fails to compile instead
//! of corrupting memory.

use std::fmt::Write;

use crate::cnames::CNames;
pub(crate) use crate::codegen_answers::emit_answer;
use crate::codegen_checks;
use crate::ctype::{Prim, TypeData, TypeId, TypeTable};
use crate::decl::{Declarations, Entity, ExternPython};
use crate::error::Error;

/// What one slot of a module's table holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    /// A function with the cdef's signature (a wrapper, or the function itself
    /// for variadic ones).
    Function {
        /// The C name.
        name: String,
        /// Its function type.
        ty: TypeId,
    },
    /// `void *(void)`: the address of a global variable.
    Variable {
        /// The C name.
        name: String,
        /// The variable's type.
        ty: TypeId,
    },
    /// `void (void *out)`: writes a `static const` value of type `ty`.
    Constant {
        /// The C name.
        name: String,
        /// The constant's type.
        ty: TypeId,
    },
    /// `int (unsigned long long *out)`: writes an integer constant's bits; returns
    /// whether it is negative or zero (so the sign can be recovered).
    IntConstant {
        /// The C name (macro, enumerator or constant).
        name: String,
    },
    /// As `IntConstant`, for a constant the cdef gives a value (`#define X
    /// 42`, `static const int X = 42;`): the loader compares the two, and the
    /// attribute raises cffi's error when they differ.
    CheckedIntConstant {
        /// The C name.
        name: String,
    },
    /// A `long long` pair: size and signedness (1 when signed) of an enum,
    /// whose base type depends on all its enumerators in C, including those
    /// the cdef does not name.
    EnumType {
        /// The enum.
        ty: TypeId,
    },
    /// A `long long` array: size, alignment, then each named field's offset.
    RecordLayout {
        /// The partial struct or union.
        ty: TypeId,
    },
    /// A `long long` pair: size and signedness (1 when signed) of a
    /// `typedef int...` or `typedef float...` type.
    NumericType {
        /// The placeholder type.
        ty: TypeId,
    },
    /// The address of the function-pointer slot behind an `extern "Python"`
    /// function; `lib.name` is the function itself, in the next entry.
    ExternPythonSlot {
        /// The C name of the `extern "Python"` function.
        name: String,
        /// Its function type.
        ty: TypeId,
    },
    /// A `long long`: the length of a `[...]` array type, from `sizeof` of
    /// something declared with it.
    ArrayLength {
        /// The placeholder array type.
        ty: TypeId,
        /// A C expression whose `sizeof` is the whole array.
        sized: String,
    },
    /// The address of the slot holding rcffi's "no Python function attached"
    /// reporter, `void (*)(const char *name)`.
    NotAttachedReporter,
    /// `PyObject **`: where `def_extern` puts the Python function an exported
    /// function of an embedding library calls directly (only for signatures of
    /// numbers, which the glue converts itself; see `embed`).
    DirectCallable {
        /// The C name of the exported function.
        name: String,
    },
}

/// What the C file of a module starts with, before the user's source.
///
/// cffi compiles the user's source after `Python.h` and its own header, so code
/// written for it uses `size_t`, `ssize_t`, `wchar_t`, `va_list`, `errno`,
/// `bool`, `int64_t`, `printf`, `strlen`, ... without including anything. These
/// standard headers give the same names without Python's. In C++ (a `.cpp`
/// source), `_Bool`, which the glue spells for `bool` values, is C++'s `bool`.
/// `_CFFI_` is defined as cffi defines it, for sources that test it.
pub const PRELUDE: &str = "\
/* rcffi: the standard headers sources written for cffi expect */
#ifndef _CFFI_
#  define _CFFI_ 1
#endif
#include <stddef.h>
#include <stdint.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <assert.h>
#include <math.h>
#include <wchar.h>
#include <uchar.h>
#include <time.h>
#include <sys/types.h>
#include <unistd.h>
#ifdef __cplusplus
#  ifndef _Bool
typedef bool _Bool;
#  endif
#  define _RCFFI_EXTERN_C extern \"C\"
#  define _RCFFI_STATIC_ASSERT static_assert
#  define _RCFFI_ALIGNOF(T) alignof(T)
#else
#  include <stdbool.h>
#  define _RCFFI_EXTERN_C
#  define _RCFFI_STATIC_ASSERT _Static_assert
#  define _RCFFI_ALIGNOF(T) offsetof(struct { char c; T t; }, t)
#endif
";

/// The glue for one module.
#[derive(Debug)]
pub struct Generated {
    /// What the C file starts with, before the user's source.
    pub prelude: String,
    /// The C text to append to the user's source.
    pub c_source: String,
    /// What each slot of the exported table holds.
    pub entries: Vec<Entry>,
    /// The exported symbol holding the table.
    pub table_symbol: String,
}

impl Generated {
    /// The whole C file of the module: the prelude, `user_source` unchanged,
    /// then the glue.
    pub fn module_source(&self, user_source: &str) -> String {
        let newline = if user_source.is_empty() || user_source.ends_with('\n') {
            ""
        } else {
            "\n"
        };
        format!("{}\n{user_source}{newline}{}", self.prelude, self.c_source)
    }
}

/// The exported table symbol of `module_name`.
pub fn table_symbol(module_name: &str) -> String {
    let mangled: String = module_name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("_rcffi_table_{mangled}")
}

/// The table entries for `decls`, in a fixed order.
pub fn entries(table: &TypeTable, decls: &Declarations) -> Vec<Entry> {
    let mut out = Vec::new();
    // Array lengths first: layouts and variables built on them need them resolved.
    for name in &decls.name_order {
        if let Entity::Global { ty, .. } = &decls.names[name] {
            push_array_lengths(table, &mut out, *ty, name.clone());
        }
    }
    let mut array_typedefs: Vec<&String> = decls.typedefs.keys().collect();
    array_typedefs.sort();
    for name in array_typedefs {
        let sized = format!("(*({name} *)0)");
        push_array_lengths(table, &mut out, decls.typedefs[name].ty, sized);
    }
    for &id in &decls.record_order {
        if let TypeData::Record(r) = table.data(id) {
            for f in r.fields.iter().flatten() {
                if !f.name.is_empty() {
                    let sized = format!("(({} *)0)->{}", table.cname(id), f.name);
                    push_array_lengths(table, &mut out, f.ty, sized);
                }
            }
        }
    }
    let flattened = flattened_partial_members(table, decls);
    for &id in &decls.record_order {
        match table.data(id) {
            TypeData::Record(r) if r.partial && !flattened.contains(&id) => {
                out.push(Entry::RecordLayout { ty: id })
            }
            // Enumerators take the compiler's values, as in cffi, even in
            // enums the cdef gives in full (`enum e { A };` over `A = -1`).
            TypeData::Enum(e) if !e.values.is_empty() => {
                for (name, _) in &e.values {
                    out.push(Entry::IntConstant { name: name.clone() });
                }
                if !table.cname(id).contains('$') {
                    out.push(Entry::EnumType { ty: id });
                }
            }
            _ => {}
        }
    }
    let mut typedef_names: Vec<&String> = decls.typedefs.keys().collect();
    typedef_names.sort();
    for name in typedef_names {
        let ty = decls.typedefs[name].ty;
        if matches!(table.data(ty), TypeData::Unknown(_))
            && !out.contains(&Entry::NumericType { ty })
        {
            out.push(Entry::NumericType { ty });
        }
    }
    let mut has_extern_python = false;
    for name in &decls.name_order {
        match &decls.names[name] {
            Entity::Function {
                ty,
                extern_python: Some(ExternPython::Exported),
            } => {
                out.push(Entry::ExternPythonSlot {
                    name: name.clone(),
                    ty: *ty,
                });
                if crate::embed::converts_directly(table, *ty) {
                    out.push(Entry::DirectCallable { name: name.clone() });
                }
                out.push(Entry::Function {
                    name: name.clone(),
                    ty: *ty,
                });
            }
            Entity::Function {
                ty,
                extern_python: Some(_),
            } => {
                has_extern_python = true;
                out.push(Entry::ExternPythonSlot {
                    name: name.clone(),
                    ty: *ty,
                });
                out.push(Entry::Function {
                    name: name.clone(),
                    ty: *ty,
                });
            }
            Entity::Function {
                ty,
                extern_python: None,
            } => out.push(Entry::Function {
                name: name.clone(),
                ty: *ty,
            }),
            Entity::Global {
                ty,
                constant: false,
            } => out.push(Entry::Variable {
                name: name.clone(),
                ty: *ty,
            }),
            Entity::Global { ty, constant: true } => {
                if table.data(*ty).is_integer_type() {
                    out.push(Entry::IntConstant { name: name.clone() });
                } else {
                    out.push(Entry::Constant {
                        name: name.clone(),
                        ty: *ty,
                    });
                }
            }
            Entity::UnknownConstant => {
                if !out.contains(&Entry::IntConstant { name: name.clone() }) {
                    out.push(Entry::IntConstant { name: name.clone() });
                }
            }
            Entity::IntConstant { ty: None, .. } if !decls.from_header.contains(name) => {
                out.push(Entry::CheckedIntConstant { name: name.clone() });
            }
            Entity::IntConstant { .. } | Entity::FloatConstant(_) | Entity::StrConstant(_) => {}
        }
    }
    if has_extern_python {
        out.push(Entry::NotAttachedReporter);
    }
    out
}

/// The length entries of the `[...]` arrays in array type `ty`, innermost first
/// (`int a[...][...]` measures `a[0]`, then `a`; `int a[][...]` measures `a[0]`);
/// `sized` is a C expression of that type. A type already measured through
/// another declaration is skipped.
fn push_array_lengths(table: &TypeTable, out: &mut Vec<Entry>, ty: TypeId, sized: String) {
    let item = match table.data(ty) {
        TypeData::UnknownLength(item) => *item,
        TypeData::Array { item, .. } => {
            push_array_lengths(table, out, *item, format!("({sized})[0]"));
            return;
        }
        _ => return,
    };
    push_array_lengths(table, out, item, format!("({sized})[0]"));
    if !out
        .iter()
        .any(|e| matches!(e, Entry::ArrayLength { ty: t, .. } if *t == ty))
    {
        out.push(Entry::ArrayLength { ty, sized });
    }
}

impl TypeData {
    fn is_integer_type(&self) -> bool {
        match self {
            TypeData::Primitive(p) => p.is_integer(),
            TypeData::Enum(_) => true,
            _ => false,
        }
    }
}

/// The anonymous `...;` members of partial records (`struct s { struct {
/// char b; ...; }; ...; }`): C has no name to measure them by, so only their
/// parent's layout is asked for (it leaves them out, as the unnamed members
/// of every partial record).
fn flattened_partial_members(table: &TypeTable, decls: &Declarations) -> Vec<TypeId> {
    let mut out = Vec::new();
    for &id in &decls.record_order {
        let Some(r) = table.record(id).filter(|r| r.partial) else {
            continue;
        };
        for f in r.fields.iter().flatten().filter(|f| f.name.is_empty()) {
            if table.record(f.ty).is_some_and(|m| m.partial) {
                out.push(f.ty);
            }
        }
    }
    out
}

/// The parameter list of a C definition with the signature `sig` (`int a0, char
/// *a1`, or `void`) and the arguments forwarding them (`a0, a1`).
pub(crate) fn parameters(
    names: &CNames,
    sig: &crate::ctype::FuncSig,
) -> Result<(String, String), Error> {
    let params: Vec<String> = sig
        .args
        .iter()
        .enumerate()
        .map(|(k, a)| names.spell(*a, &format!("a{k}")))
        .collect::<Result<_, _>>()?;
    let params = if params.is_empty() {
        "void".to_string()
    } else {
        params.join(", ")
    };
    let args: Vec<String> = (0..sig.args.len()).map(|k| format!("a{k}")).collect();
    Ok((params, args.join(", ")))
}

/// Generates the glue for `decls` as module `module_name`.
pub fn generate(
    table: &TypeTable,
    decls: &Declarations,
    module_name: &str,
) -> Result<Generated, Error> {
    generate_with(table, decls, module_name, None)
}

/// The glue of an API-mode module, or with `embedding` that of an embedding
/// library (its exported functions and Python runtime come from `embed`).
pub(crate) fn generate_with(
    table: &TypeTable,
    decls: &Declarations,
    module_name: &str,
    embedding: Option<&crate::embed::Embedding>,
) -> Result<Generated, Error> {
    codegen_checks::refuse_pending_records(table, decls)?;
    codegen_checks::refuse_opaque_results(table, decls)?;
    let entries = entries(table, decls);
    let names = CNames::new(table, decls);
    let symbol = table_symbol(module_name);
    let mut c = String::new();
    let w = &mut c;
    writeln!(
        w,
        "\n/************************************************************/"
    )
    .ok();
    writeln!(
        w,
        "/* rcffi glue for module '{module_name}': generated, do not edit */"
    )
    .ok();
    write_preamble(w);
    codegen_checks::refuse_duplicate_enumerators(table, decls, w);
    codegen_checks::check_record_members(&names, decls, w)?;
    codegen_checks::write_record_layouts(&names, decls, &symbol, w)?;
    codegen_checks::check_globals(&names, decls, w)?;
    if entries.contains(&Entry::NotAttachedReporter) {
        writeln!(w, "static void (*_rcffi_not_attached)(const char *);").ok();
    }
    let mut table_items = Vec::with_capacity(entries.len());
    for (i, e) in entries.iter().enumerate() {
        match e {
            Entry::Function { name, ty } => {
                let sig = table.func(*ty).expect("function type");
                // cffi's wording of a type the glue cannot name, with its place.
                for a in &sig.args {
                    names
                        .spell(*a, "")
                        .map_err(|e| e.in_place(&format!("argument of {name}")))?;
                }
                names
                    .spell(sig.result, "")
                    .map_err(|e| e.in_place(&format!("result of {name}")))?;
                let is_extern_python = matches!(
                    decls.names.get(name),
                    Some(Entity::Function {
                        extern_python: Some(_),
                        ..
                    })
                );
                // A `[...]` in the signature may have no C spelling before the
                // length is known (`int (*)[][]`); only pointers can hold one, so
                // the function itself has the same calling convention.
                let unknown_length = table.cname(*ty).contains("[...]");
                let from_header = decls.from_header.contains(name) && !is_extern_python;
                if from_header && (sig.variadic || !crate::uniform::needs_wrapper(table, *ty)) {
                    // A header declares functions of libraries the module
                    // may not link (unistd.h's `crypt`): referenced weakly,
                    // a missing one is a null entry the loader reports when
                    // used, and the entry is the function itself (the
                    // wrapper would have its very signature).
                    writeln!(w, "#pragma weak {name}").ok();
                    table_items.push(format!("(void *){name}"));
                    continue;
                }
                if sig.variadic || is_extern_python || unknown_length {
                    // No wrapper can forward `...`; extern "Python" functions are ours.
                    table_items.push(format!("(void *){name}"));
                    continue;
                }
                if crate::uniform::needs_wrapper(table, *ty) {
                    table_items.push(crate::uniform::write_wrapper(&names, w, i, name, sig)?);
                    continue;
                }
                let (params, call_args) = parameters(&names, sig)?;
                let head = match table.data(sig.result) {
                    // A pointer result is returned as the C declaration types
                    // it (`const char *` stays const, so -Werror builds pass);
                    // all pointers are returned alike, so this cannot change
                    // the ABI the cdef type implies.
                    TypeData::Pointer(_) => {
                        let dummies = sig
                            .args
                            .iter()
                            .map(|a| Ok(format!("*({})0", names.spell(*a, "*")?)))
                            .collect::<Result<Vec<_>, Error>>()?;
                        format!(
                            "__typeof__({name}({})) _rcffi_f{i}({params})",
                            dummies.join(", ")
                        )
                    }
                    _ => names.spell(sig.result, &format!("_rcffi_f{i}({params})"))?,
                };
                let is_void = matches!(table.data(sig.result), TypeData::Void);
                let ret = if is_void { "" } else { "return " };
                writeln!(w, "static {head} {{ {ret}{name}({}); }}", call_args).ok();
                table_items.push(format!("(void *)_rcffi_f{i}"));
            }
            Entry::Variable { name, .. } => {
                writeln!(
                    w,
                    "static void *_rcffi_v{i}(void) {{ return (void *)&({name}); }}"
                )
                .ok();
                table_items.push(format!("(void *)_rcffi_v{i}"));
            }
            Entry::Constant { name, ty } => {
                let decl = names.spell(*ty, "*p")?;
                let decl_ty = names.spell(*ty, "")?;
                let decl_ty = decl_ty.trim_end();
                // A cast for pointers, as for function results above.
                let value = if matches!(table.data(*ty), TypeData::Pointer(_)) {
                    format!("({decl_ty})({name})")
                } else {
                    name.clone()
                };
                let ptr_ty = names.spell(*ty, "*")?;
                writeln!(
                    w,
                    "static void _rcffi_c{i}(void *out) {{ {decl} = ({ptr_ty})out; *p = {value}; }}"
                )
                .ok();
                table_items.push(format!("(void *)_rcffi_c{i}"));
            }
            Entry::IntConstant { .. }
            | Entry::CheckedIntConstant { .. }
            | Entry::EnumType { .. }
            | Entry::RecordLayout { .. }
            | Entry::NumericType { .. }
            | Entry::ArrayLength { .. } => table_items.push(emit_answer(&names, i, e, w)?),
            Entry::ExternPythonSlot { name, ty }
                if matches!(
                    decls.names.get(name),
                    Some(Entity::Function {
                        extern_python: Some(ExternPython::Exported),
                        ..
                    })
                ) =>
            {
                crate::embed::write_exported(&names, w, i, name, *ty)?;
                table_items.push(format!("(void *)&_rcffi_slot{i}"));
            }
            Entry::DirectCallable { name } => {
                table_items.push(format!("(void *)&_rcffi_py_{name}"));
            }
            Entry::ExternPythonSlot { name, ty } => {
                let sig = table.func(*ty).expect("function type");
                let (params, call_args) = parameters(&names, sig)?;
                let slot = names.spell(*ty, &format!("_rcffi_slot{i}"))?;
                let storage = match decls.names.get(name) {
                    Some(Entity::Function {
                        extern_python: Some(ExternPython::PlusC),
                        ..
                    }) => "_RCFFI_EXTERN_C ",
                    _ => "static ",
                };
                writeln!(w, "static {slot};").ok();
                let head = names.spell(sig.result, &format!("{name}({params})"))?;
                let is_void = matches!(table.data(sig.result), TypeData::Void);
                let fallback = if is_void {
                    "return;".to_string()
                } else {
                    let r = names.spell(sig.result, "r")?;
                    format!("{{ {r}; memset(&r, 0, sizeof r); return r; }}")
                };
                let ret = if is_void { "" } else { "return " };
                // In an embedding library, the first call of any of them starts Python.
                let enter = if embedding.is_some() {
                    format!("\n    if (_rcffi_embed_enter(\"{name}\") != 0) {fallback}")
                } else {
                    String::new()
                };
                writeln!(
                    w,
                    "{storage}{head} {{{enter}\n    if (_rcffi_slot{i}) {{ {ret}_rcffi_slot{i}({}); {} }}\n    if (_rcffi_not_attached) _rcffi_not_attached(\"{name}\");\n    {fallback}\n}}",
                    call_args,
                    if is_void { "return;" } else { "" },
                )
                .ok();
                table_items.push(format!("(void *)&_rcffi_slot{i}"));
            }
            Entry::NotAttachedReporter => {
                table_items.push("(void *)&_rcffi_not_attached".to_string());
            }
        }
    }
    table_items.push("(void *)0".to_string());
    writeln!(
        w,
        "\n_RCFFI_EXTERN_C __attribute__((visibility(\"default\"))) void *const {symbol}[] = {{\n    {}\n}};",
        table_items.join(",\n    ")
    )
    .ok();
    let prelude = match embedding {
        Some(e) => {
            w.push_str(&e.runtime(module_name, &symbol));
            crate::embed::prelude()
        }
        None => PRELUDE.to_string(),
    };
    Ok(Generated {
        prelude,
        c_source: c,
        entries,
        table_symbol: symbol,
    })
}

/// The diagnostics every piece of glue starts with (after `PRELUDE` and the
/// user's source).
pub(crate) fn write_preamble(w: &mut String) {
    // C++ has neither warning: it refuses both conversions outright.
    w.push_str(concat!(
        "#ifndef __cplusplus\n",
        "#pragma GCC diagnostic ignored \"-Wincompatible-pointer-types\"\n",
        "#pragma GCC diagnostic error \"-Wint-conversion\"\n",
        "#endif\n\n",
    ));
}

/// Static assertions that complete (non-partial) named structs have the size and
/// member offsets the cdef gives them.
pub(crate) fn check_complete_records(
    names: &CNames,
    decls: &Declarations,
    w: &mut String,
) -> Result<(), Error> {
    let table = names.table;
    for &id in &decls.record_order {
        let Some(rec) = table.record(id) else {
            continue;
        };
        let (Some(fields), Some(layout)) = (&rec.fields, rec.layout) else {
            continue;
        };
        if rec.partial || table.cname(id).contains('$') || decls.header_records.contains(&id) {
            continue;
        }
        let cname = table.cname(id);
        writeln!(
            w,
            "_RCFFI_STATIC_ASSERT(sizeof({cname}) == {}, \"rcffi: '{cname}' has another size in C than in the cdef (use '...;' to let the compiler decide)\");",
            layout.size
        )
        .ok();
        for f in fields {
            if f.name.is_empty() || f.bitsize.is_some() {
                continue;
            }
            writeln!(
                w,
                "_RCFFI_STATIC_ASSERT(offsetof({cname}, {fname}) == {off}, \"rcffi: field '{fname}' of '{cname}' is at another offset in C than in the cdef\");",
                fname = f.name,
                off = f.offset
            )
            .ok();
        }
    }
    Ok(())
}

/// The primitive a `typedef int...` type resolves to, from its size and sign.
pub fn resolve_integer(size: usize, signed: bool) -> Option<Prim> {
    Some(match (size, signed) {
        (1, true) => Prim::Int8,
        (1, false) => Prim::UInt8,
        (2, true) => Prim::Int16,
        (2, false) => Prim::UInt16,
        (4, true) => Prim::Int32,
        (4, false) => Prim::UInt32,
        (8, true) => Prim::Int64,
        (8, false) => Prim::UInt64,
        _ => return None,
    })
}

/// The primitive a `typedef float...` type resolves to, from its size.
pub fn resolve_float(size: usize) -> Option<Prim> {
    match size {
        4 => Some(Prim::Float),
        8 => Some(Prim::Double),
        s if s == Prim::LongDouble.size() => Some(Prim::LongDouble),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decl::CdefOptions;

    fn gen(src: &str) -> Generated {
        let mut t = TypeTable::new();
        let mut d = Declarations::new();
        d.cdef(&mut t, src, CdefOptions::default()).unwrap();
        generate(&t, &d, "pkg._mod").unwrap()
    }

    #[test]
    fn functions_get_wrappers_with_the_cdef_signature() {
        let g = gen("int add(int, int); void noop(void); char *name(const char *);");
        assert!(
            g.c_source
                .contains("static int _rcffi_f0(int a0, int a1) { return add(a0, a1); }"),
            "{}",
            g.c_source
        );
        assert!(g
            .c_source
            .contains("static void _rcffi_f1(void) { noop(); }"));
        assert!(g.c_source.contains(
            "static __typeof__(name(*(char * *)0)) _rcffi_f2(char *a0) { return name(a0); }"
        ));
        assert_eq!(g.table_symbol, "_rcffi_table_pkg__mod");
        assert_eq!(g.entries.len(), 3);
    }

    #[test]
    fn partial_records_export_layouts_and_complete_ones_are_checked() {
        let g = gen("struct p { int a; ...; }; struct q { int x; long y; };");
        assert!(g.c_source.contains("offsetof(struct p, a)"));
        assert!(g
            .c_source
            .contains("_rcffi_table_pkg__mod_layout_struct_q[] = { sizeof(struct q), offsetof(struct q, x), sizeof(((struct q *)0)->x), offsetof(struct q, y), sizeof(((struct q *)0)->y) }"));
        assert_eq!(g.entries, vec![Entry::RecordLayout { ty: g_ty(&g) }]);
    }

    fn g_ty(g: &Generated) -> TypeId {
        match &g.entries[0] {
            Entry::RecordLayout { ty } => *ty,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn constants_variables_and_extern_python() {
        let g = gen(
            "#define FOO ...\nstatic const int BAR; static char *const NAME; extern int counter;\nextern \"Python\" int cb(int);",
        );
        let kinds: Vec<&str> = g
            .entries
            .iter()
            .map(|e| match e {
                Entry::IntConstant { .. } => "int",
                Entry::Constant { .. } => "const",
                Entry::Variable { .. } => "var",
                Entry::ExternPythonSlot { .. } => "slot",
                Entry::Function { .. } => "fn",
                Entry::NotAttachedReporter => "reporter",
                _ => "other",
            })
            .collect();
        assert_eq!(
            kinds,
            ["int", "int", "const", "var", "slot", "fn", "reporter"]
        );
        assert!(
            g.c_source.contains("static int cb(int a0)"),
            "{}",
            g.c_source
        );
    }

    #[test]
    fn nested_unknown_lengths_are_measured_innermost_first() {
        let g = gen("extern int g[...][...]; typedef int v_t[][...];");
        let sized: Vec<&str> = g
            .entries
            .iter()
            .filter_map(|e| match e {
                Entry::ArrayLength { sized, .. } => Some(sized.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(sized, ["(g)[0]", "g", "((*(v_t *)0))[0]"]);
        assert!(g
            .c_source
            .contains("(long long)(sizeof((g)[0]) / sizeof(((g)[0])[0]))"));
    }

    #[test]
    fn anonymous_types_cannot_be_spelled() {
        let mut t = TypeTable::new();
        let mut d = Declarations::new();
        d.cdef(
            &mut t,
            "struct { int a; } make(void);",
            CdefOptions::default(),
        )
        .unwrap();
        assert!(generate(&t, &d, "m")
            .unwrap_err()
            .to_string()
            .starts_with("cannot generate 'struct $1' in result of make: unknown type name"));
    }
}
