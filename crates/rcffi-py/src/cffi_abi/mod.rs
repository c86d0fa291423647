//! Extension modules compiled by cffi (API mode), run on rcffi's backend.
//!
//! Their `PyInit_` function imports `_cffi_backend` and calls
//! `_init_cffi_1_0_external_module(address)` with the address of four words:
//! the module name, the cffi version it was generated for, its own exports
//! array (which the backend fills from [`exports`]) and its type context
//! ([`context`]). The backend returns the module, holding the `ffi` (a backend
//! FFI over the decoded declarations) and the `lib` (the one `Lib` type: the
//! module's Python wrappers as builtins, variables, constants) of the module.
//! It also writes the ctype of each type index back into the module's
//! `_cffi_types` array: the wrappers read them there (`_cffi_type(i)`) to pass
//! to the exports.

mod context;
pub mod exports;
pub mod externpy;
mod longdouble;

use std::os::raw::{c_char, c_void};

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyDict, PyModule, PyString};
use rcffi_core::cffi_format;
use rcffi_core::ctype::TypeId;
use rcffi_core::decl::Declarations as CoreDeclarations;

use crate::cdata::CData;
use crate::decls::Declarations;
use crate::ffiobj::FfiObject;
use crate::libobj::{Unavailable, Variable};
use crate::messages::Msg;
use crate::types::{ctype_for, table, CType};
use context::{split, Global, TypeContext};

/// The cffi versions whose generated modules this backend serves (1.0's
/// format up to the char16_t/char32_t additions of 1.11 and later).
const VERSIONS: std::ops::RangeInclusive<usize> = 0x2601..=0x28ff;

/// The `_C_API` capsule: the exports table under cffi's capsule name.
pub fn c_api_capsule(py: Python<'_>) -> PyResult<Bound<'_, PyCapsule>> {
    let name = c"cffi";
    // SAFETY: the table is static; the name is a static C string.
    unsafe {
        let capsule = ffi::PyCapsule_New(exports::table_address(), name.as_ptr(), None);
        Ok(Bound::from_owned_ptr_or_err(py, capsule)?.cast_into_unchecked())
    }
}

fn import_error(module: &str, why: impl std::fmt::Display) -> PyErr {
    Msg::CompiledModuleImport {
        module: &module,
        why: &why,
    }
    .to_err()
}

/// `_init_cffi_1_0_external_module(address)`: called by the `PyInit_`
/// function of every extension module cffi compiled; returns the module.
///
/// The address comes from the module's C code; like cffi, the backend has no
/// way to check it, so this function is for that code only.
#[pyfunction]
pub fn _init_cffi_1_0_external_module(py: Python<'_>, raw: usize) -> PyResult<Py<PyModule>> {
    if raw == 0 {
        return Err(Msg::ExternalModuleNoAddress.to_err());
    }
    // SAFETY: the four words `_cffi_init` of cffi's header passes.
    let words = unsafe { std::slice::from_raw_parts(raw as *const usize, 4) };
    let name =
        String::from_utf8_lossy(unsafe { context::text(words[0] as *const c_char) }).into_owned();
    let version = words[1];
    if !VERSIONS.contains(&version) {
        return Err(import_error(
            &name,
            format!("it was generated for the unknown cffi ABI version {version:#x}"),
        ));
    }
    // SAFETY: the module's type context, static in its C code.
    let ctx = unsafe { &*(words[3] as *const TypeContext) };
    let slots = if version >= 0x2801 {
        exports::NUM_EXPORTS
    } else if ctx.flags & 1 != 0 {
        26
    } else {
        25
    };
    // SAFETY: the module's `_cffi_exports` array has room for its version's slots.
    unsafe {
        std::ptr::copy_nonoverlapping(
            exports::table_of_exports().0.as_ptr(),
            words[2] as *mut exports::Slot,
            slots,
        );
    }
    build_module(py, &name, ctx)
}

/// The declarations of the included modules, and their libs.
fn includes<'py>(
    py: Python<'py>,
    name: &str,
    ctx: &TypeContext,
) -> PyResult<(CoreDeclarations, Vec<Bound<'py, PyAny>>)> {
    let mut decls = CoreDeclarations::new();
    let mut libs = Vec::new();
    // SAFETY: the context's includes are NULL or a NULL-terminated array.
    for other in unsafe { context::includes(ctx) } {
        let module = py.import(other.as_str())?;
        let ffi = module.getattr("ffi")?;
        let ffi = ffi.cast::<FfiObject>().map_err(|_| {
            import_error(
                name,
                format!("its included module '{other}' has no backend ffi"),
            )
        })?;
        let theirs = ffi.get().declarations_of(py)?;
        cffi_format::include_types(&mut decls, &*theirs.get().lock()?);
        libs.push(module.getattr("lib")?);
    }
    Ok((decls, libs))
}

fn build_module(py: Python<'_>, name: &str, ctx: &TypeContext) -> PyResult<Py<PyModule>> {
    // The decoded types are only in `decls` and `memo` until the module's ffi
    // holds them, and making their ctypes may run Python code.
    let _hold = crate::typegc::hold();
    let (mut decls, included_libs) = includes(py, name, ctx)?;
    // SAFETY: a module's context.
    let tables = unsafe { context::read(ctx) };
    let memo = cffi_format::decode(&mut table(), &mut decls, &tables.module())
        .map_err(|e| import_error(name, format!("its declarations are invalid: {e}")))?;
    let ctype_at = |i: isize| -> Option<Py<CType>> {
        let id = usize::try_from(i)
            .ok()
            .and_then(|i| memo.get(i).copied().flatten())?;
        Some(ctype_for(py, id))
    };
    write_back(py, ctx, &memo);
    let externs = PyDict::new(py);
    let contents = PyDict::new(py);
    // Nothing keeps a variable's memory: extension modules are never unloaded.
    let owner = py.None();
    // SAFETY: the context's array of `num_globals` entries.
    // `tables.globals` holds the same entries, in the same order.
    for (index, g) in unsafe { context::globals(ctx) }.iter().enumerate() {
        let gname = String::from_utf8_lossy(unsafe { context::text(g.name) }).into_owned();
        let (op, arg) = split(g.type_op);
        let ct = ctype_at(arg);
        let value = match (op, ct) {
            (
                context::OP_CPYTHON_BLTN_V
                | context::OP_CPYTHON_BLTN_N
                | context::OP_CPYTHON_BLTN_O,
                Some(ct),
            ) => {
                let direct = if g.size_or_direct_fn.is_null() {
                    None
                } else {
                    let direct =
                        CData::new_pointer(py, ct.clone_ref(py), g.size_or_direct_fn as *mut u8)?;
                    contents.set_item(format!("__address__{gname}"), &direct)?;
                    Some(direct)
                };
                builtin(py, name, &gname, g, op, &ct, direct.as_ref())?
            }
            (context::OP_GLOBAL_VAR_F, Some(ct)) => Py::new(
                py,
                Variable::with_accessor(&gname, ct, g.address as usize, owner.clone_ref(py)),
            )?
            .into_any(),
            (context::OP_GLOBAL_VAR, Some(ct)) => Py::new(
                py,
                Variable::at_address(&gname, ct, g.address as usize, owner.clone_ref(py)),
            )?
            .into_any(),
            (context::OP_CONSTANT, Some(ct)) => unsafe {
                crate::apimodule::constant_value(py, ct, g.address)?
            },
            (context::OP_EXTERN_PYTHON, Some(ct)) => {
                externs.set_item(
                    &gname,
                    Py::new(
                        py,
                        externpy::ExternEntry::new(g.address as usize, ct.clone_ref(py)),
                    )?,
                )?;
                CData::new_pointer(py, ct, g.size_or_direct_fn as *mut u8)?.into_any()
            }
            (context::OP_CONSTANT_INT | context::OP_ENUM, _) => {
                let value = tables.globals.get(index).map_or(0, |(_, v)| *v);
                match tables.mismatched.iter().find(|(n, _)| *n == gname) {
                    Some((_, v)) => {
                        let err = Msg::CompilerDisagrees {
                            name: &gname,
                            value: v,
                            bits: *v as u64,
                        }
                        .to_err();
                        Py::new(py, Unavailable::new(py, &err))?.into_any()
                    }
                    None => value.into_pyobject(py)?.into_any().unbind(),
                }
            }
            _ => {
                let err = import_error(name, format!("'{gname}' has an unsupported kind {op}"));
                Py::new(py, Unavailable::new(py, &err))?.into_any()
            }
        };
        contents.set_item(&gname, value)?;
    }
    for lib in &included_libs {
        for item in lib.dir()? {
            let key = item.cast::<PyString>()?;
            if !contents.contains(key)? {
                let member = lib.get_type().getattr(key).ok().filter(|m| {
                    m.is_instance_of::<Variable>() || m.is_instance_of::<Unavailable>()
                });
                match member {
                    Some(descriptor) => contents.set_item(key, descriptor)?,
                    None => contents.set_item(key, lib.getattr(key)?)?,
                }
                let function = lib
                    .cast::<crate::libobj::Lib>()
                    .ok()
                    .and_then(|l| l.get().address_of(py, key.to_str().ok()?).ok());
                if let Some(function) = function {
                    contents.set_item(format!("__address__{key}"), function)?;
                }
            }
        }
    }
    let decls = Py::new(py, Declarations::from_core(decls))?;
    let ffi = Py::new(
        py,
        FfiObject::for_compiled_module(py, decls, externs.unbind())?,
    )?;
    let lib = crate::libobj::make_lib(
        py,
        format!("<Lib object for '{name}'>"),
        name.to_string(),
        &contents,
        None,
        name,
        Some(ffi.clone_ref(py).into_any()),
        Some(format!("{name}.lib")),
        false,
    )?;
    let module = extension_module(py, name)?;
    module.add("ffi", ffi)?;
    module.add("lib", lib.clone_ref(py))?;
    py.import("sys")?
        .getattr("modules")?
        .set_item(format!("{name}.lib"), lib)?;
    Ok(module.unbind())
}

/// A module object for `name` with a module definition, as the import system
/// requires of what a `PyInit_` function returns.
fn extension_module<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyModule>> {
    let c_name = std::ffi::CString::new(name.replace('\0', "")).expect("NUL removed");
    // Leaked once per module, like the static definition of a C extension.
    let def = Box::leak(Box::new(ffi::PyModuleDef {
        m_base: ffi::PyModuleDef_HEAD_INIT,
        m_name: c_name.into_raw(),
        m_doc: std::ptr::null(),
        m_size: -1,
        m_methods: std::ptr::null_mut(),
        m_slots: std::ptr::null_mut(),
        m_traverse: None,
        m_clear: None,
        m_free: None,
    }));
    // SAFETY: `def` lives forever.
    unsafe {
        let m = ffi::PyModule_Create2(def, ffi::PYTHON_API_VERSION);
        Ok(Bound::from_owned_ptr_or_err(py, m)?.cast_into_unchecked())
    }
}

/// The builtin function of a `_CFFI_OP_CPYTHON_BLTN_*` global: the module's
/// own Python wrapper, with the calling convention the opcode says. Its
/// `__self__` is the C function's cdata (what `ffi.typeof()` answers for it).
fn builtin(
    py: Python<'_>,
    module: &str,
    name: &str,
    g: &Global,
    op: u8,
    ct: &Py<CType>,
    direct: Option<&Py<CData>>,
) -> PyResult<Py<PyAny>> {
    let flags = match op {
        context::OP_CPYTHON_BLTN_N => ffi::METH_NOARGS,
        context::OP_CPYTHON_BLTN_O => ffi::METH_O,
        _ => ffi::METH_VARARGS,
    };
    let decl = table()
        .function_declaration(ct.get().id, name)
        .unwrap_or_default();
    let doc = std::ffi::CString::new(
        format!("{decl};\n\nCFFI C function from {module}.lib").replace('\0', ""),
    )
    .expect("NUL removed");
    // The definition must outlive the function object: leaked, once per
    // function of a loaded module, like the static table of a C extension.
    let def = Box::leak(Box::new(ffi::PyMethodDef {
        ml_name: g.name,
        ml_meth: ffi::PyMethodDefPointer {
            // SAFETY: the module's wrapper of the signature the flags say.
            PyCFunction: unsafe { std::mem::transmute::<*mut c_void, ffi::PyCFunction>(g.address) },
        },
        ml_flags: flags,
        ml_doc: doc.into_raw(),
    }));
    let this = direct.map_or_else(|| py.None(), |d| d.clone_ref(py).into_any());
    let module_name = PyString::new(py, &format!("{module}.lib"));
    // SAFETY: `def` is valid forever; the other arguments are live references.
    unsafe {
        let f = ffi::PyCFunction_NewEx(def, this.as_ptr(), module_name.as_ptr());
        Bound::from_owned_ptr_or_err(py, f).map(Bound::unbind)
    }
}

/// Writes the ctype of each built type index into the module's `_cffi_types`
/// (each keeps a reference: the module lives as long as the process).
fn write_back(py: Python<'_>, ctx: &TypeContext, memo: &[Option<TypeId>]) {
    let n = usize::try_from(ctx.num_types).unwrap_or(0).min(memo.len());
    for (i, id) in memo.iter().take(n).enumerate() {
        if let Some(id) = id {
            let ct = ctype_for(py, *id);
            // SAFETY: index `i` of the module's writable array of `num_types` words.
            unsafe { *ctx.types.add(i) = ct.into_ptr() as usize };
        }
    }
}
