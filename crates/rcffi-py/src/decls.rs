//! `Declarations`: one FFI's `cdef()` declarations, for the Python front end.

use std::sync::Mutex;

use pyo3::prelude::*;
use rcffi_core::decl::{CdefOptions, Declarations as CoreDeclarations, Entity};
use rcffi_core::layout::Packing;
use rcffi_core::TypeTable;

use crate::errors::{needs_compiler_err, to_pyerr};
use crate::types::{ctype_for, table, CType};

/// The declarations of one FFI object.
#[pyclass(frozen, module = "rcffi._backend", name = "Declarations")]
pub struct Declarations {
    inner: Mutex<CoreDeclarations>,
}

impl Declarations {
    pub(crate) fn lock(&self) -> std::sync::MutexGuard<'_, CoreDeclarations> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[pymethods]
impl Declarations {
    #[new]
    fn new() -> Self {
        Declarations {
            inner: Mutex::new(CoreDeclarations::new()),
        }
    }

    /// Parses `source` and adds its declarations; returns the warnings to emit.
    #[pyo3(signature = (source, override_=false, packed=false, pack=0))]
    fn cdef(
        &self,
        source: &str,
        override_: bool,
        packed: bool,
        pack: usize,
    ) -> PyResult<Vec<String>> {
        let packing = match (packed, pack) {
            (true, _) => Packing::Packed,
            (false, 0) => Packing::Natural,
            (false, n) => Packing::Pack(n),
        };
        let mut t = table();
        let warnings = self
            .lock()
            .cdef(&mut t, source, CdefOptions { override_, packing })
            .map_err(to_pyerr)?;
        Ok(warnings.into_iter().map(|w| w.message).collect())
    }

    /// The `CType` a type string names; types that only the C compiler can fill
    /// in (API mode) are refused as cffi refuses them.
    fn parse_type(&self, py: Python<'_>, text: &str) -> PyResult<Py<CType>> {
        let id = {
            let mut t = table();
            let id = self.lock().parse_type(&mut t, text).map_err(to_pyerr)?;
            usable_in_abi_mode(&t, id)?;
            id
        };
        Ok(ctype_for(py, id))
    }

    /// The function type a callback is declared with: `"int(int)"` or
    /// `"int(*)(int)"`.
    pub(crate) fn parse_callback_type(&self, py: Python<'_>, text: &str) -> PyResult<Py<CType>> {
        let id = {
            let mut t = table();
            self.lock()
                .parse_callback_type(&mut t, text)
                .map_err(to_pyerr)?
        };
        Ok(ctype_for(py, id))
    }

    /// What `name` is: `("function", ctype)`, `("variable", ctype)`,
    /// `("constant", ctype)` (a `static const` read from the library),
    /// `("int", value)`, `("unknown", None)` (`#define X ...`), or None.
    pub(crate) fn lookup(
        &self,
        py: Python<'_>,
        name: &str,
    ) -> PyResult<Option<(&'static str, Py<PyAny>)>> {
        let entity = self.lock().lookup(name).cloned();
        if let Some(
            Entity::Function { ty, .. }
            | Entity::Global { ty, .. }
            | Entity::IntConstant { ty: Some(ty), .. },
        ) = &entity
        {
            usable_in_abi_mode(&table(), *ty)?;
        }
        Ok(match entity {
            None => None,
            Some(Entity::Function { ty, .. }) => Some(("function", ctype_for(py, ty).into_any())),
            Some(Entity::Global {
                ty,
                constant: false,
            }) => Some(("variable", ctype_for(py, ty).into_any())),
            Some(Entity::Global { ty, constant: true }) => {
                Some(("constant", ctype_for(py, ty).into_any()))
            }
            Some(Entity::IntConstant { value, .. }) => {
                Some(("int", value.into_pyobject(py)?.into_any().unbind()))
            }
            Some(Entity::UnknownConstant) => Some(("unknown", py.None())),
        })
    }

    /// Every declared name (functions, variables, constants), in declaration order.
    pub(crate) fn names(&self) -> Vec<String> {
        self.lock().name_order.clone()
    }

    /// `(typedef names, struct tags, union tags)`, each sorted.
    fn list_types(&self) -> (Vec<String>, Vec<String>, Vec<String>) {
        self.lock().list_types()
    }

    /// The declarations and the types they use, as a compact versioned blob for
    /// out-of-line modules.
    fn serialize<'py>(&self, py: Python<'py>) -> Bound<'py, pyo3::types::PyBytes> {
        let blob = rcffi_core::serial::serialize(&table(), &self.lock());
        pyo3::types::PyBytes::new(py, &blob)
    }

    /// Declarations rebuilt from a blob made by `serialize()`, without parsing.
    #[staticmethod]
    fn deserialize(blob: &[u8]) -> PyResult<Declarations> {
        let decls = rcffi_core::serial::deserialize(&mut table(), blob).map_err(to_pyerr)?;
        Ok(Declarations {
            inner: Mutex::new(decls),
        })
    }

    /// The C glue of an API-mode module (appended to the user's source) and the
    /// symbol of the table it exports.
    fn generate_c(&self, module_name: &str) -> PyResult<(String, String)> {
        let g =
            rcffi_core::codegen::generate(&table(), &self.lock(), module_name).map_err(to_pyerr)?;
        Ok((g.c_source, g.table_symbol))
    }

    /// The C program whose output answers what the compiler fills in these
    /// declarations (see the core's `probe`), after `prelude` (the includes).
    fn probe_source(&self, prelude: &str) -> PyResult<String> {
        rcffi_core::probe::probe_source(&table(), &self.lock(), prelude).map_err(to_pyerr)
    }

    /// Completes the declarations from a probe's output (or a saved answers
    /// file), as API mode completes them from its module's table.
    fn complete_from_answers(&self, text: &str) -> PyResult<()> {
        let mut t = table();
        let mut d = self.lock();
        let entries = rcffi_core::probe::probe_entries(&t, &d);
        let answers = rcffi_core::probe::parse_answers(&t, &entries, text).map_err(to_pyerr)?;
        rcffi_core::probe::complete(&mut t, &mut d, &entries, &answers).map_err(to_pyerr)
    }

    /// Adds every declaration of `other`.
    fn include(&self, other: &Declarations) {
        if std::ptr::eq(self, other) {
            return;
        }
        let theirs = other.lock().clone();
        self.lock().include(&theirs);
    }
}

/// Refuses a type that needs the C compiler (see `TypeTable::needs_compiler`).
fn usable_in_abi_mode(t: &TypeTable, id: rcffi_core::TypeId) -> PyResult<()> {
    match t.needs_compiler(id) {
        Some(what) => Err(needs_compiler_err(&what)),
        None => Ok(()),
    }
}
