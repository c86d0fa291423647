//! Embedding libraries: a shared library whose exported C functions are
//! written in Python (cffi's embedding mode).
//!
//! The C file is an API-mode module's (the user's source, then `codegen`'s glue
//! and table) with Python's headers first and, at the end, a small runtime:
//! the first call of any exported function starts Python if the process has
//! none (or attaches to the running interpreter), makes the library's
//! extension module (`PyInit_<name>`, which also serves `import <name>`), runs
//! the init code once, then calls the function `@ffi.def_extern()` attached.
//!
//! Exported functions whose arguments and result are numbers convert them in
//! C and call the Python function with one vectorcall, holding the GIL only
//! around it; the others go through a callback in their `extern "Python"`
//! slot, as API mode does.

use std::fmt::Write;

use crate::cnames::CNames;
use crate::codegen::{self, parameters, Generated, PRELUDE};
use crate::ctype::{TypeData, TypeId, TypeTable};
use crate::decl::Declarations;
use crate::error::Error;
use crate::prim::{Prim, PrimClass};

/// What an embedding library holds besides the declarations' glue.
#[derive(Clone, Debug, Default)]
pub struct Embedding {
    /// The Python code run once, before the first exported call.
    pub init_code: String,
    /// The declarations in `serial`'s form, from which the module's `ffi` is
    /// rebuilt without parsing.
    pub blob: Vec<u8>,
    /// The directory holding the `rcffi` package at build time, added to
    /// `sys.path` when an interpreter started by the library cannot import it.
    pub rcffi_dir: String,
}

/// The C file of the embedding library `module_name`.
pub fn generate(
    table: &TypeTable,
    decls: &Declarations,
    module_name: &str,
    embedding: &Embedding,
) -> Result<Generated, Error> {
    codegen::generate_with(table, decls, module_name, Some(embedding))
}

/// What an embedding library's C file starts with, before the user's source.
pub(crate) fn prelude() -> String {
    format!(
        "{}{PRELUDE}\n{}",
        include_str!("head.c"),
        include_str!("enter.c")
    )
}

impl Embedding {
    /// The runtime appended after the table.
    pub(crate) fn runtime(&self, module_name: &str, table_symbol: &str) -> String {
        let mut blob: String = self.blob.iter().map(|b| format!("{b},")).collect();
        blob.push('0');
        let short_name = module_name.rsplit('.').next().unwrap_or(module_name);
        include_str!("runtime.c")
            .replace("@BLOB@", &blob)
            .replace("@INIT_CODE@", &c_string(&self.init_code))
            .replace("@RCFFI_DIR@", &c_string(&self.rcffi_dir))
            .replace("@TABLE@", table_symbol)
            .replace("@SHORT_NAME@", short_name)
            .replace("@NAME@", module_name)
    }
}

/// A C string literal holding `text` (one piece per line; every byte that is
/// not printable ASCII, and `?` against trigraphs, escaped in octal).
fn c_string(text: &str) -> String {
    if text.is_empty() {
        return "\"\"".to_string();
    }
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        out.push_str("\n    \"");
        for b in line.bytes() {
            match b {
                b'\\' => out.push_str("\\\\"),
                b'"' => out.push_str("\\\""),
                b'?' | 0..=0x1f | 0x7f.. => {
                    write!(out, "\\{b:03o}").ok();
                }
                _ => out.push(b as char),
            }
        }
        out.push('"');
    }
    out
}

/// The primitive `ty` is, when the glue converts it itself (integers other
/// than characters, `_Bool`, `float` and `double`).
fn number(table: &TypeTable, ty: TypeId) -> Option<Prim> {
    match table.data(ty) {
        TypeData::Primitive(p)
            if matches!(
                p.class(),
                PrimClass::Signed | PrimClass::Unsigned | PrimClass::Bool | PrimClass::Float
            ) =>
        {
            Some(*p)
        }
        _ => None,
    }
}

/// Whether the exported function of type `ty` calls its Python function
/// directly: all its arguments are numbers, and its result a number or void.
pub fn converts_directly(table: &TypeTable, ty: TypeId) -> bool {
    let Some(sig) = table.func(ty) else {
        return false;
    };
    !sig.variadic
        && sig.args.iter().all(|a| number(table, *a).is_some())
        && (number(table, sig.result).is_some() || matches!(table.data(sig.result), TypeData::Void))
}

/// The Python object for argument `arg` of primitive type `p`.
fn to_python(p: Prim, arg: &str) -> String {
    match p.class() {
        PrimClass::Unsigned => format!("PyLong_FromUnsignedLongLong((unsigned long long){arg})"),
        PrimClass::Bool => format!("PyBool_FromLong({arg})"),
        PrimClass::Float => format!("PyFloat_FromDouble((double){arg})"),
        _ => format!("PyLong_FromLongLong((long long){arg})"),
    }
}

/// The statement storing the Python result `res` into `r` (of primitive type
/// `p`), leaving an exception set when it does not convert.
fn from_python(p: Prim, ctype: &str) -> String {
    let bits = 8 * p.size() as u32;
    match p.class() {
        PrimClass::Float => "{ double v; if (_rcffi_to_double(res, &v) == 0) r = v; }".into(),
        PrimClass::Unsigned => {
            let hi = if bits == 64 {
                "0xffffffffffffffffULL".to_string()
            } else {
                format!("{}ULL", (1u64 << bits) - 1)
            };
            format!("{{ unsigned long long v; if (_rcffi_to_unsigned(res, {hi}, \"{ctype}\", &v) == 0) r = v; }}")
        }
        _ => {
            let (lo, hi) = if p.class() == PrimClass::Bool {
                ("0LL".to_string(), "1LL".to_string())
            } else if bits == 64 {
                ("LLONG_MIN".to_string(), "LLONG_MAX".to_string())
            } else {
                let hi = (1i64 << (bits - 1)) - 1;
                (format!("({}LL - 1)", -hi), format!("{hi}LL"))
            };
            format!("{{ long long v; if (_rcffi_to_signed(res, {lo}, {hi}, \"{ctype}\", &v) == 0) r = v; }}")
        }
    }
}

/// Writes the exported function `name` (entry `i` of the table is its
/// callback slot, `_rcffi_py_<name>` its direct Python function if any).
pub(crate) fn write_exported(
    names: &CNames,
    w: &mut String,
    i: usize,
    name: &str,
    ty: TypeId,
) -> Result<(), Error> {
    let table = names.table;
    let sig = table.func(ty).expect("function type");
    let (params, call_args) = parameters(names, sig)?;
    writeln!(
        w,
        "static {};",
        names.spell(ty, &format!("_rcffi_slot{i}"))?
    )
    .ok();
    let head = names.spell(sig.result, &format!("{name}({params})"))?;
    let is_void = matches!(table.data(sig.result), TypeData::Void);
    let (fallback, ret) = if is_void {
        ("return;".to_string(), "")
    } else {
        let r = names.spell(sig.result, "r")?;
        (
            format!("{{ {r}; memset(&r, 0, sizeof r); return r; }}"),
            "return ",
        )
    };
    let mut body = format!(
        "    if (_rcffi_embed_enter(\"{name}\") != 0) {fallback}\n    if (_rcffi_slot{i}) {{ {ret}_rcffi_slot{i}({call_args}); {} }}\n",
        if is_void { "return;" } else { "" }
    );
    if converts_directly(table, ty) {
        writeln!(w, "static PyObject *_rcffi_py_{name};").ok();
        body.push_str(&direct_call(names, sig, name, is_void)?);
    } else {
        writeln!(
            w,
            "/* '{name}' has arguments or a result the callback converts. */"
        )
        .ok();
        body.push_str(&format!(
            "    _rcffi_embed_report(\"{name}\", \"no code was attached to it yet with @ffi.def_extern()\");\n    {fallback}\n"
        ));
    }
    writeln!(w, "_RCFFI_EXTERN_C CFFI_DLLEXPORT {head}\n{{\n{body}}}").ok();
    Ok(())
}

/// The body calling `_rcffi_py_<name>` with the GIL held; the caller's
/// `errno` is kept (Python's own system calls change it).
fn direct_call(
    names: &CNames,
    sig: &crate::ctype::FuncSig,
    name: &str,
    is_void: bool,
) -> Result<String, Error> {
    let table = names.table;
    let n = sig.args.len();
    let mut b = String::new();
    let (result_decl, reset) = if is_void {
        (String::new(), "")
    } else {
        (
            format!("{} = 0;\n        ", names.spell(sig.result, "r")?),
            " r = 0;",
        )
    };
    writeln!(
        b,
        "    {{\n        {result_decl}PyObject *argv[{}], *res = NULL, *fn;\n        int saved_errno = errno;\n        PyGILState_STATE gil = PyGILState_Ensure();\n        fn = _rcffi_py_{name};\n        if (fn == NULL) {{\n            PyGILState_Release(gil);\n            errno = saved_errno;\n            _rcffi_embed_report(\"{name}\", \"no code was attached to it yet with @ffi.def_extern()\");\n            return{};\n        }}\n        Py_INCREF(fn);",
        n.max(1),
        if is_void { "" } else { " r" }
    )
    .ok();
    for (k, a) in sig.args.iter().enumerate() {
        let p = number(table, *a).expect("number argument");
        writeln!(b, "        argv[{k}] = {};", to_python(p, &format!("a{k}"))).ok();
    }
    let all: Vec<String> = (0..n).map(|k| format!("argv[{k}]")).collect();
    let ready = if n == 0 {
        "1".to_string()
    } else {
        all.join(" && ")
    };
    writeln!(
        b,
        "        if ({ready}) res = PyObject_Vectorcall(fn, argv, {n}, NULL);"
    )
    .ok();
    for a in &all {
        writeln!(b, "        Py_XDECREF({a});").ok();
    }
    let store = if is_void {
        let cname = table.cname(sig.result);
        format!("_rcffi_to_void(res, \"{cname}\");")
    } else {
        let p = number(table, sig.result).expect("number result");
        from_python(p, table.cname(sig.result))
    };
    writeln!(
        b,
        "        if (res != NULL) {{ {store} Py_DECREF(res); }}\n        if (PyErr_Occurred()) {{ PyErr_WriteUnraisable(fn);{reset} }}\n        Py_DECREF(fn);\n        PyGILState_Release(gil);\n        errno = saved_errno;\n        return{};\n    }}",
        if is_void { "" } else { " r" }
    )
    .ok();
    Ok(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decl::CdefOptions;

    fn embedded(src: &str) -> Generated {
        let mut t = TypeTable::new();
        let mut d = Declarations::new();
        let options = CdefOptions {
            exported: true,
            ..CdefOptions::default()
        };
        d.cdef(&mut t, src, options).unwrap();
        let e = Embedding {
            init_code: "print('hi?')\n".into(),
            ..Embedding::default()
        };
        generate(&t, &d, "pkg._emb", &e).unwrap()
    }

    #[test]
    fn numbers_are_converted_in_c_and_others_use_the_slot() {
        let g = embedded("int add(int, int); char *name(int *); extern int counter;");
        let c = g.module_source("");
        assert!(c.starts_with("/* rcffi embedding library"), "{c}");
        assert!(c.contains("CFFI_DLLEXPORT int add(int a0, int a1)"), "{c}");
        assert!(c.contains("static PyObject *_rcffi_py_add;"));
        assert!(c.contains("PyObject_Vectorcall(fn, argv, 2, NULL)"));
        assert!(c.contains("(-2147483647LL - 1), 2147483647LL, \"int\""));
        assert!(!c.contains("_rcffi_py_name"));
        assert!(c.contains("PyMODINIT_FUNC PyInit__emb(void)"));
        assert!(c.contains("\"print('hi\\077')\\012\""), "{c}");
        let kinds: Vec<bool> = g
            .entries
            .iter()
            .map(|e| matches!(e, codegen::Entry::DirectCallable { .. }))
            .collect();
        assert_eq!(kinds, [false, true, false, false, false, false]);
    }

    #[test]
    fn void_and_unsigned_results_are_checked() {
        let c = embedded("void ping(double); unsigned char small(_Bool);").module_source("");
        assert!(c.contains("_rcffi_to_void(res, \"void\")"), "{c}");
        assert!(c.contains("_rcffi_to_unsigned(res, 255ULL, \"unsigned char\""));
        assert!(c.contains("PyBool_FromLong(a0)"));
    }
}
