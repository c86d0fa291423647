//! What the C compiler fills in a cdef, as numbers: the questions and the one
//! place their answers complete the declarations.
//!
//! API mode reads the answers from the table of its compiled module; ABI mode's
//! `configure()` reads them from the object file of a probe built from the
//! same entries with the same C and checks (`codegen_answers`). Both
//! then call [`complete`], so a layout, numeric type, array length or constant
//! comes out the same whichever way the compiler was asked.
//!
//! The probe is compiled, never linked or run, so a cross compiler answers for
//! its target: each entry's answer is an initialised array `_rcffi_p<i>` of
//! `unsigned long long` pairs, the bits of a value and whether it is `<= 0`
//! (so a negative value is told from a large unsigned one), which the Python
//! side reads out of the object file. Their text form, one line of integers
//! per entry, is what the cache keeps and `configure(answers=...)` loads.

use std::fmt::Write;

use crate::cnames::CNames;
use crate::codegen::{self, Entry};
use crate::codegen_answers;
use crate::codegen_checks;
use crate::ctype::{Field, TypeData, TypeId, TypeTable, UnknownNumeric};
use crate::decl::{Declarations, Entity};
use crate::error::Error;
use crate::layout::Layout;

/// The entries of `decls` whose answers only the compiler has, in table order:
/// array lengths, partial record layouts, `typedef int...` types, and the values
/// of `#define X ...` and of partial enums' enumerators.
pub fn probe_entries(table: &TypeTable, decls: &Declarations) -> Vec<Entry> {
    codegen::entries(table, decls)
        .into_iter()
        .filter(|e| match e {
            Entry::ArrayLength { .. } | Entry::RecordLayout { .. } | Entry::NumericType { .. } => {
                true
            }
            // `static const int X;` is read from the library in ABI mode: the
            // header need not define it; nor need it define the enums the
            // cdef gives in full.
            Entry::IntConstant { name } => match decls.names.get(name) {
                Some(Entity::Global { .. }) => false,
                Some(Entity::IntConstant { ty: Some(e), .. }) => {
                    matches!(table.data(*e), TypeData::Enum(d) if d.partial)
                }
                _ => true,
            },
            _ => false,
        })
        .collect()
}

/// How many integers the answer of `entry` holds.
pub fn answer_len(table: &TypeTable, entry: &Entry) -> usize {
    match entry {
        Entry::RecordLayout { ty } => {
            2 + table
                .record(*ty)
                .and_then(|r| r.fields.as_ref())
                .map_or(0, |f| f.iter().filter(|f| !f.name.is_empty()).count())
        }
        Entry::NumericType { .. } | Entry::EnumType { .. } => 2,
        Entry::ArrayLength { .. }
        | Entry::IntConstant { .. }
        | Entry::CheckedIntConstant { .. } => 1,
        _ => 0,
    }
}

/// The C file whose object answers `probe_entries(table, decls)`: `prelude`
/// (the `#include` lines), the glue's checks, and one initialised array
/// `_rcffi_p<i>` per entry holding its answer values as (bits, `<= 0`) pairs.
/// It has no `main`: it is compiled to an object file and read, never run.
pub fn probe_source(
    table: &TypeTable,
    decls: &Declarations,
    prelude: &str,
) -> Result<String, Error> {
    let entries = probe_entries(table, decls);
    // The standard headers first, as API mode has them, but for <math.h>:
    // it declares no type a cdef can name, no constant an integer answer can
    // be, and costs a third of the probe's compile time (glibc).
    let standard = codegen::PRELUDE.replacen("#include <math.h>\n", "", 1);
    let mut c = format!("{standard}\n{prelude}");
    if !c.ends_with('\n') {
        c.push('\n');
    }
    c.push_str("/* rcffi configure probe: generated, do not edit */\n");
    codegen::write_preamble(&mut c);
    c.push_str("#define _RCFFI_P(x) (unsigned long long)(x), ((x) <= 0)\n");
    let names = CNames::new(table, decls);
    codegen::check_complete_records(&names, decls, &mut c)?;
    for (i, e) in entries.iter().enumerate() {
        let values = codegen_answers::answer_values(&names, e, &mut c)?;
        let pairs: Vec<String> = values.iter().map(|v| format!("_RCFFI_P({v})")).collect();
        writeln!(
            c,
            "const unsigned long long _rcffi_p{i}[] = {{ {} }};",
            pairs.join(", ")
        )
        .ok();
    }
    Ok(c)
}

/// Reads a probe's output: one line of integers per entry of `entries`.
pub fn parse_answers(
    table: &TypeTable,
    entries: &[Entry],
    text: &str,
) -> Result<Vec<Vec<i128>>, Error> {
    let mismatch = |why: String| {
        Error::Compile(format!(
            "configure answers do not match the declarations: {why}"
        ))
    };
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    if lines.len() != entries.len() {
        return Err(mismatch(format!(
            "{} lines for {} questions",
            lines.len(),
            entries.len()
        )));
    }
    let mut out = Vec::with_capacity(entries.len());
    for (k, (line, e)) in lines.iter().zip(entries).enumerate() {
        let numbers: Vec<i128> = line
            .split_whitespace()
            .map(|n| n.parse::<i128>())
            .collect::<Result<_, _>>()
            .map_err(|_| mismatch(format!("line {} is not integers: {line:?}", k + 1)))?;
        if numbers.len() != answer_len(table, e) {
            return Err(mismatch(format!(
                "line {} has {} numbers, not {}",
                k + 1,
                numbers.len(),
                answer_len(table, e)
            )));
        }
        out.push(numbers);
    }
    Ok(out)
}

/// A size, offset or length answer as a `usize`.
fn count(n: i128, what: &str) -> Result<usize, Error> {
    usize::try_from(n)
        .map_err(|_| Error::Type(format!("the compiler gave {what} the impossible value {n}")))
}

/// Completes `decls` with the compiler's `answers` to `entries` (one list of
/// integers per entry, `answer_len` long): resolves array lengths, lays out
/// partial records, resolves numeric types, records constants and gives
/// enums their values. A type that cannot be used is an error.
pub fn complete(
    table: &mut TypeTable,
    decls: &mut Declarations,
    entries: &[Entry],
    answers: &[Vec<i128>],
) -> Result<(), Error> {
    match complete_leaving_unusable(table, decls, entries, answers)?.first() {
        Some((_, why)) => Err(Error::Type(why.clone())),
        None => Ok(()),
    }
}

/// As [`complete`], but a `typedef double...` type that C makes something
/// else is left unresolved and returned with cffi's reason, so that only the
/// declarations using it fail (when used), as in cffi.
pub fn complete_leaving_unusable(
    table: &mut TypeTable,
    decls: &mut Declarations,
    entries: &[Entry],
    answers: &[Vec<i128>],
) -> Result<Vec<(TypeId, String)>, Error> {
    let mut unusable = Vec::new();
    let mut enum_bases = Vec::new();
    for (e, a) in entries.iter().zip(answers) {
        if a.len() != answer_len(table, e) {
            return Err(Error::Type(format!("malformed compiler answer for {e:?}")));
        }
        match e {
            Entry::ArrayLength { ty, sized } => {
                table
                    .resolve_unknown_length(*ty, count(a[0], &format!("the length of '{sized}'"))?);
            }
            Entry::RecordLayout { ty } => {
                let cname = table.cname(*ty).to_string();
                let size = count(a[0], &format!("the size of '{cname}'"))?;
                let align = count(a[1], &format!("the alignment of '{cname}'"))?;
                let declared = table
                    .record(*ty)
                    .and_then(|r| r.fields.clone())
                    .unwrap_or_default();
                let mut fields = Vec::with_capacity(declared.len());
                for (f, offset) in declared
                    .into_iter()
                    .filter(|f| !f.name.is_empty())
                    .zip(&a[2..])
                {
                    let offset =
                        count(*offset, &format!("the offset of '{}' in '{cname}'", f.name))?;
                    fields.push(Field { offset, ..f });
                }
                table.complete_record_with(*ty, fields, Layout { size, align });
            }
            Entry::NumericType { ty } => {
                let size = count(a[0], &format!("the size of '{}'", table.cname(*ty)))?;
                let prim = match table.data(*ty) {
                    TypeData::Unknown(UnknownNumeric::Float) => {
                        if let Some(why) = codegen_checks::float_refusal(size, a[1] != 0) {
                            unusable.push((*ty, why.to_string()));
                            continue;
                        }
                        codegen::resolve_float(size)
                    }
                    _ => codegen::resolve_integer(size, a[1] != 0),
                };
                let prim = prim.ok_or_else(|| {
                    Error::Type(format!(
                        "'{}' has a size ({size}) no C type of its kind has",
                        table.cname(*ty)
                    ))
                })?;
                table.resolve_unknown(*ty, prim);
            }
            Entry::EnumType { ty } => {
                let size = count(a[0], &format!("the size of '{}'", table.cname(*ty)))?;
                let base = codegen_checks::enum_base(size, a[1] != 0).ok_or_else(|| {
                    Error::Type(format!(
                        "'{}' has a size ({size}) no integer type has",
                        table.cname(*ty)
                    ))
                })?;
                enum_bases.push((*ty, base));
            }
            Entry::IntConstant { name } => {
                let ty = match decls.names.get(name) {
                    Some(Entity::IntConstant { ty, .. }) => *ty,
                    _ => None,
                };
                decls
                    .names
                    .insert(name.clone(), Entity::IntConstant { value: a[0], ty });
            }
            _ => {}
        }
    }
    // Enums take the values the compiler found for their enumerators (those
    // it was not asked about keep theirs), then the base type it gave them.
    for &id in &decls.record_order {
        if let TypeData::Enum(e) = table.data(id) {
            if !e.values.is_empty() {
                let values = e
                    .values
                    .iter()
                    .map(|(n, v)| match decls.names.get(n) {
                        Some(Entity::IntConstant { value, .. }) => (n.clone(), *value),
                        _ => (n.clone(), *v),
                    })
                    .collect();
                table.set_enum_values(id, values);
            }
        }
    }
    for (id, base) in enum_bases {
        table.set_enum_base(id, base);
    }
    Ok(unusable)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decl::CdefOptions;

    fn declared(src: &str) -> (TypeTable, Declarations) {
        let mut t = TypeTable::new();
        let mut d = Declarations::new();
        d.cdef(&mut t, src, CdefOptions::default()).unwrap();
        (t, d)
    }

    #[test]
    fn the_probe_holds_one_array_per_question_and_skips_library_constants() {
        let (t, d) = declared(
            "typedef int... t; struct s { t a; ...; };\n#define X ...\nstatic const int K; int f(void);",
        );
        let entries = probe_entries(&t, &d);
        assert_eq!(entries.len(), 3, "{entries:?}");
        let src = probe_source(&t, &d, "#include <x.h>").unwrap();
        assert!(src.contains("#include <stddef.h>\n") && src.contains("\n#include <x.h>\n"));
        assert!(!src.contains("<math.h>"));
        assert_eq!(src.matches("const unsigned long long _rcffi_p").count(), 3);
        assert!(!src.contains("main") && !src.contains("printf("), "{src}");
        assert!(!src.contains("_rcffi_f") && !src.contains("K"), "{src}");
    }

    #[test]
    fn answers_complete_the_declarations_and_bad_ones_are_refused() {
        let (mut t, mut d) =
            declared("typedef int... t; struct s { t a; char b; ...; };\n#define X ...");
        let entries = probe_entries(&t, &d);
        assert!(parse_answers(&t, &entries, "1 2\n").is_err());
        assert!(parse_answers(&t, &entries, "16 4 0 8\n-3\n2 0\n").is_err());
        let answers = parse_answers(&t, &entries, "16 4 0 8\n2 0\n-3\n").unwrap();
        complete(&mut t, &mut d, &entries, &answers).unwrap();
        let s = d.parse_type(&mut t, "struct s").unwrap();
        assert_eq!(t.size_of(s), Some(16));
        assert_eq!(t.record(s).unwrap().fields.as_ref().unwrap()[1].offset, 8);
        assert!(matches!(
            d.names["X"],
            Entity::IntConstant { value: -3, .. }
        ));
        let ty = d.parse_type(&mut t, "t").unwrap();
        assert_eq!(t.size_of(ty), Some(2));
    }
}
