//! Loading an API-mode module: reading the table its glue exports (see the core's
//! `codegen`), completing what the compiler filled in (partial struct layouts,
//! partial enum values, `typedef int...` types, `#define X ...` constants) with the
//! core's `probe::complete`, which ABI mode's `configure()` shares, and returning
//! the objects of its `lib`.

use std::os::raw::{c_int, c_void};

use pyo3::prelude::*;
use pyo3::types::PyDict;
use rcffi_core::codegen::{self, Entry};
use rcffi_core::codegen_checks;
use rcffi_core::decl::Entity;
use rcffi_core::probe;

use crate::cdata::{CData, Owner};
use crate::convert;
use crate::decls::Declarations;
use crate::errors::to_pyerr;
use crate::errors::FFIError;
use crate::libobj::{Unavailable, Variable};
use crate::library::{CLibrary, FunctionOrigin};
use crate::messages::Msg;
use crate::types::{ctype_for, table, CType};

/// The slot behind an `extern "Python"` function, which `def_extern` fills.
#[pyclass(frozen, module = "rcffi._backend", name = "_ExternSlot")]
pub struct ExternSlot {
    #[pyo3(get)]
    ctype: Py<CType>,
    slot: usize,
    keep: std::sync::Mutex<Option<Py<CData>>>,
}

#[pymethods]
impl ExternSlot {
    /// Makes the C function call `callback` (a callback cdata of the slot's type),
    /// replacing any earlier one.
    fn attach(&self, callback: Py<CData>) -> PyResult<()> {
        let cb = callback.get();
        if cb.ctype.get().id != self.ctype.get().id {
            return Err(Msg::ExternPythonMismatch {
                callback: &cb.ctype.get().cname,
                function: &self.ctype.get().cname,
            }
            .to_err());
        }
        // SAFETY: the slot is a function-pointer variable of this type in the glue.
        unsafe { std::ptr::write_volatile(self.slot as *mut *mut u8, cb.address()) };
        *self.keep.lock().unwrap_or_else(|p| p.into_inner()) = Some(callback);
        Ok(())
    }

    /// Makes the C function stop calling the callback. The callback stays
    /// alive until the next `attach`: a thread may still be running it.
    fn detach(&self) {
        // SAFETY: as in `attach`.
        unsafe { std::ptr::write_volatile(self.slot as *mut *mut u8, std::ptr::null_mut()) };
    }
}

/// Where an exported function of an embedding library finds the Python
/// function it calls itself (its arguments and result are numbers the glue
/// converts), which `def_extern` fills.
#[pyclass(frozen, module = "rcffi._backend", name = "_DirectCallable")]
pub struct DirectCallable {
    slot: usize,
}

#[pymethods]
impl DirectCallable {
    /// Makes the C function call `function` (None: none), releasing any
    /// earlier one. The C function reads the slot with the GIL held, and takes
    /// its own reference before calling, so replacing it here is safe.
    fn attach(&self, function: Option<Py<PyAny>>) {
        let new = function.map_or(std::ptr::null_mut(), Py::into_ptr);
        // SAFETY: the slot is a `PyObject *` variable of the glue, only
        // touched with the GIL held, which this method holds.
        unsafe {
            let slot = self.slot as *mut *mut pyo3::ffi::PyObject;
            let old = std::ptr::replace(slot, new);
            pyo3::ffi::Py_XDECREF(old);
        }
    }
}

/// Reads one `long long` of a table entry.
unsafe fn number(entry: *mut c_void, i: usize) -> i64 {
    *(entry as *const i64).add(i)
}

/// The value of an integer-constant entry.
unsafe fn int_constant(entry: *mut c_void) -> i128 {
    let f: extern "C" fn(*mut u64) -> c_int = std::mem::transmute(entry);
    let mut bits: u64 = 0;
    let non_positive = f(&mut bits) != 0;
    if non_positive && bits != 0 {
        i128::from(bits as i64)
    } else {
        i128::from(bits)
    }
}

/// The value of a constant the glue's `void getter(char *out)` writes: structs
/// and arrays as cdata owning a copy, other types as their Python value.
///
/// # Safety
/// `getter` is such a function for a value of type `ct`.
pub(crate) unsafe fn constant_value(
    py: Python<'_>,
    ct: Py<CType>,
    getter: *mut c_void,
) -> PyResult<Py<PyAny>> {
    let size = ct.get().size_or_err()?;
    let mut buf = vec![0u8; size.max(16)];
    let f: extern "C" fn(*mut c_void) = std::mem::transmute(getter);
    f(buf.as_mut_ptr() as *mut c_void);
    let c = ct.get();
    if c.is_record() || c.kind == rcffi_core::ctype::Kind::Array {
        let owned = CData::new_owned(py, ct.clone_ref(py), size, c.length.unwrap_or(0))?;
        std::ptr::copy_nonoverlapping(buf.as_ptr(), owned.get().address(), size);
        return Ok(owned.into_any());
    }
    convert::read(py, &ct, buf.as_ptr(), None)
}

/// What [`check_record_layouts`] finds: the records the compiler contradicts
/// with cffi's message for using them, and by C name without the way out.
type RecordCheck = (
    Vec<(rcffi_core::ctype::TypeId, String)>,
    Vec<(String, String)>,
);

/// Marks the records the cdef gives in full that have another size or
/// member offsets in C (the glue exports the compiler's layout of each one
/// under a name of its own) as contradicted, with cffi's message: what uses
/// them fails when used, as in cffi. Returns them, and each contradiction
/// without the way out, by record, for `ffi.verify()`, which refuses the module.
fn check_record_layouts(
    decls: &Declarations,
    lib: &Bound<'_, CLibrary>,
    table_symbol: &str,
) -> PyResult<RecordCheck> {
    let mut d = decls.lock()?;
    let t = table();
    let (mut found, mut short) = (Vec::new(), Vec::new());
    for &id in &d.record_order {
        if !codegen_checks::is_checked_record(&t, id) {
            continue;
        }
        let symbol = codegen_checks::record_layout_symbol(table_symbol, t.cname(id));
        let Ok(address) = lib.get().symbol_address_raw(&symbol) else {
            continue;
        };
        let n = 1 + 2 * codegen_checks::checked_fields(&t, id).len();
        // SAFETY: the glue's array of `n` `long long` for this record.
        let answer: Vec<i128> = (0..n)
            .map(|k| i128::from(unsafe { number(address as *mut c_void, k) }))
            .collect();
        if let Some(why) = codegen_checks::record_mismatch(&t, id, &answer) {
            found.push((id, why));
        }
        if let Some(why) = codegen_checks::layout_mismatch(&t, id, &answer) {
            short.push((t.cname(id).to_string(), why));
        }
    }
    d.contradicted.extend(found.iter().cloned());
    Ok((found, short))
}

/// A lib attribute whose declaration the C compiler contradicted: using it
/// raises `ffi.error` with `why`, as in cffi, while the rest of the lib works.
fn contradicted(py: Python<'_>, why: &str) -> PyResult<Py<Unavailable>> {
    Py::new(
        py,
        Unavailable::new(py, &FFIError::new_err(why.to_string())),
    )
}

/// `load_api_module(decls, lib, table_symbol, reporter, module_name)`: completes
/// `decls` from the module's table and returns `{name: object}` for its `lib`
/// (functions as builtins, with their cdata under `__cdata__<name>`).
#[pyfunction]
pub fn load_api_module(
    py: Python<'_>,
    decls: &Declarations,
    lib: &Bound<'_, CLibrary>,
    table_symbol: &str,
    reporter: Option<Py<CData>>,
    module_name: &str,
) -> PyResult<Py<PyDict>> {
    let base = lib.get().symbol_address_raw(table_symbol)? as *const *mut c_void;
    let entries = {
        let d = decls.lock()?;
        codegen::entries(&table(), &d)
    };
    let entry = |i: usize| unsafe { *base.add(i) };
    let mut unusable: Vec<(rcffi_core::ctype::TypeId, String)>;
    let constants: Vec<Vec<i128>>;
    // First complete the types: every later object must see their final form.
    {
        let mut d = decls.lock()?;
        let mut t = table();
        let answers: Vec<Vec<i128>> = entries
            .iter()
            .enumerate()
            .map(|(i, e)| match e {
                Entry::IntConstant { .. } | Entry::CheckedIntConstant { .. } => {
                    vec![unsafe { int_constant(entry(i)) }]
                }
                _ => (0..probe::answer_len(&t, e))
                    .map(|k| i128::from(unsafe { number(entry(i), k) }))
                    .collect(),
            })
            .collect();
        unusable = probe::complete_leaving_unusable(&mut t, &mut d, &entries, &answers)
            .map_err(to_pyerr)?;
        constants = answers;
        drop(t);
        crate::types::follow_merged_types();
    }
    let (contradicted_records, layout_mismatches) = check_record_layouts(decls, lib, table_symbol)?;
    unusable.extend(contradicted_records);
    let out = PyDict::new(py);
    for (cname, why) in layout_mismatches {
        out.set_item(format!("__layout_mismatch__{cname}"), why)?;
    }
    for (i, e) in entries.iter().enumerate() {
        let p = entry(i);
        // What uses a type the compiler contradicted fails when used, with
        // cffi's reason, as in cffi (the rest of the lib works).
        if let Entry::Function { name, ty }
        | Entry::Variable { name, ty }
        | Entry::Constant { name, ty } = e
        {
            let t = table();
            if let Some((_, why)) = unusable
                .iter()
                .find(|(bad, _)| codegen_checks::mentions(&t, *ty, &[*bad]))
            {
                out.set_item(name, contradicted(py, why)?)?;
                continue;
            }
        }
        match e {
            Entry::Function { name, .. } if p.is_null() => {
                let err = Msg::UnlinkedHeaderFunction {
                    name,
                    module: &module_name,
                }
                .to_err();
                out.set_item(name, Py::new(py, Unavailable::new(py, &err))?)?;
            }
            Entry::Function { name, ty } => {
                let origin = Py::new(py, FunctionOrigin::new(name.clone(), lib.clone().unbind()))?;
                let f = CData::new_view(
                    py,
                    ctype_for(py, *ty),
                    p as *mut u8,
                    Owner::Keep(origin.into_any()),
                    false,
                )?;
                let extern_python = matches!(
                    decls.lock()?.names.get(name),
                    Some(Entity::Function {
                        extern_python: Some(_),
                        ..
                    })
                );
                if extern_python {
                    // What C calls: given to C code as a function pointer.
                    out.set_item(name, f)?;
                    continue;
                }
                if rcffi_core::uniform::needs_wrapper(&table(), *ty) {
                    crate::uniform_wrappers::add(p as usize);
                }
                let decl = table().function_declaration(*ty, name).unwrap_or_default();
                let doc = format!("{decl};\n\nCFFI C function from {module_name}.lib");
                let builtin = crate::call_entry::builtin_function(
                    py,
                    f.clone_ref(py),
                    name,
                    &doc,
                    module_name,
                )?;
                out.set_item(name, builtin)?;
                out.set_item(format!("__cdata__{name}"), f)?;
            }
            Entry::Variable { name, ty } => {
                let v = Variable::with_accessor(
                    name,
                    ctype_for(py, *ty),
                    p as usize,
                    lib.clone().into_any().unbind(),
                );
                out.set_item(name, Py::new(py, v)?)?;
            }
            Entry::Constant { name, ty } => {
                let ct = ctype_for(py, *ty);
                if ct.get().size().is_none() {
                    let why = format!(
                        "constant '{name}' is of type '{}', whose size is not known",
                        ct.get().cname
                    );
                    out.set_item(name, contradicted(py, &why)?)?;
                    continue;
                }
                let value = unsafe { constant_value(py, ct, p)? };
                out.set_item(name, value)?;
            }
            Entry::IntConstant { name } => {
                if let Some(Entity::IntConstant { value, .. }) = decls.lock()?.names.get(name) {
                    out.set_item(name, *value)?;
                }
            }
            Entry::ExternPythonSlot { name, ty } => {
                let slot = ExternSlot {
                    ctype: ctype_for(py, *ty),
                    slot: p as usize,
                    keep: std::sync::Mutex::new(None),
                };
                out.set_item(format!("__extern_slot__{name}"), Py::new(py, slot)?)?;
            }
            Entry::DirectCallable { name } => {
                let direct = DirectCallable { slot: p as usize };
                out.set_item(format!("__direct_callable__{name}"), Py::new(py, direct)?)?;
            }
            Entry::NotAttachedReporter => {
                if let Some(r) = &reporter {
                    unsafe { std::ptr::write_volatile(p as *mut *mut u8, r.get().address()) };
                    out.set_item("__not_attached_reporter__", r.clone_ref(py))?;
                }
            }
            Entry::CheckedIntConstant { name } => {
                let c_value = constants[i][0];
                let declared = codegen_checks::declared_value(&*decls.lock()?, name);
                match declared.and_then(|v| codegen_checks::constant_mismatch(name, v, c_value)) {
                    Some(why) => {
                        out.set_item(name, contradicted(py, &why)?)?;
                        // What `ffi.verify()`, which refuses the module, reports.
                        out.set_item(format!("__c_value__{name}"), c_value)?;
                    }
                    None => out.set_item(name, c_value)?,
                }
            }
            Entry::RecordLayout { .. }
            | Entry::NumericType { .. }
            | Entry::EnumType { .. }
            | Entry::ArrayLength { .. } => {}
        }
    }
    Ok(out.unbind())
}
