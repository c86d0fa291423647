//! API-mode modules as CPython extension modules.
//!
//! The C file of an API-mode module is `codegen`'s (the user's source, the
//! glue and its table) with Python's headers first, as cffi's is, and at the
//! end the blob of the module's declarations (`serial`'s form) and a
//! `PyInit_<name>` that hands both the blob and the table to `rcffi.loader`.
//! One shared library is then the whole module: Python's import system (and
//! build tools such as setuptools' `build_ext`) treat it as any other
//! extension, and no Python file sits beside it.

use crate::codegen::{self, Generated, PRELUDE};
use crate::ctype::{TypeData, TypeId, TypeTable};
use crate::decl::{Declarations, Entity};
use crate::error::Error;

/// The C file of the extension module `module_name` (a dotted name): its
/// declarations `decls`, `blob` (their serialized form, rebuilt at import)
/// and `includes`, the modules whose types it shares (`ffi.include()`),
/// imported by name at import time.
pub fn generate(
    table: &TypeTable,
    decls: &Declarations,
    module_name: &str,
    blob: &[u8],
    includes: &[String],
) -> Result<Generated, Error> {
    if let Some(bad) = includes.iter().find(|n| !is_dotted_name(n)) {
        return Err(Error::Compile(format!(
            "included module name {bad:?} is not a dotted Python name"
        )));
    }
    if !is_dotted_name(module_name) {
        return Err(Error::Compile(format!(
            "module name {module_name:?} is not a dotted Python name"
        )));
    }
    check_records_by_value(table, decls)?;
    let mut g = codegen::generate(table, decls, module_name)?;
    g.prelude = format!("{}{PRELUDE}", include_str!("head.c"));
    g.c_source
        .push_str(&shell(module_name, &g.table_symbol, blob, includes));
    Ok(g)
}

/// Refuses, as cffi does, a function taking or returning by value a struct or
/// union the cdef only names (`struct a;`): no wrapper can spell the call, and
/// the C compiler's message would not say which declaration is wrong.
fn check_records_by_value(table: &TypeTable, decls: &Declarations) -> Result<(), Error> {
    let mut names: Vec<&String> = decls.names.keys().collect();
    names.sort();
    for name in names {
        let Some(Entity::Function { ty, .. }) = decls.names.get(name) else {
            continue;
        };
        let Some(sig) = table.func(*ty) else {
            continue;
        };
        let opaque = |t: TypeId| matches!(table.data(t), TypeData::Record(r) if r.fields.is_none());
        let role = if opaque(sig.result) {
            Some((sig.result, "result type"))
        } else {
            sig.args
                .iter()
                .find(|a| opaque(**a))
                .map(|a| (*a, "argument type"))
        };
        if let Some((t, role)) = role {
            return Err(Error::Type(format!(
                "function {name}: '{}' is used as {role}, but is opaque",
                table.cname(t)
            )));
        }
    }
    Ok(())
}

/// Whether `name` is a dotted name of ASCII identifiers: it is spelled into
/// C identifiers and string literals unescaped.
fn is_dotted_name(name: &str) -> bool {
    name.split('.').all(|part| {
        let mut chars = part.chars();
        chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// The module definition, the blob and `PyInit_<last component>`.
fn shell(module_name: &str, table_symbol: &str, blob: &[u8], includes: &[String]) -> String {
    let mut bytes: String = blob.iter().map(|b| format!("{b},")).collect();
    // Never an empty initializer; not counted in the blob's length.
    bytes.push('0');
    let short_name = module_name.rsplit('.').next().unwrap_or(module_name);
    include_str!("shell.c")
        .replace("@BLOB@", &bytes)
        .replace("@TABLE@", table_symbol)
        .replace("@INCLUDES@", &includes.join(" "))
        .replace("@SHORT_NAME@", short_name)
        .replace("@NAME@", module_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_names_the_last_component_and_the_table() {
        let text = shell(
            "pkg.sub._mod",
            "_rcffi_table_pkg_sub__mod",
            &[1, 2],
            &["a.b".into()],
        );
        assert!(text.contains("PyMODINIT_FUNC PyInit__mod(void)"));
        assert!(text.contains("\"_mod\", NULL, -1"));
        assert!(text.contains("{ 1,2,0 }"));
        assert!(text.contains("\"_rcffi_table_pkg_sub__mod\", \"a.b\""));
    }

    #[test]
    fn names_must_be_dotted_identifiers() {
        assert!(is_dotted_name("pkg._mod2"));
        assert!(!is_dotted_name("pkg..mod"));
        assert!(!is_dotted_name("2mod"));
        assert!(!is_dotted_name("m\"od"));
        assert!(!is_dotted_name(""));
    }
}
