//! `Lib`: the one type of lib objects — libraries from `dlopen()` (ABI mode,
//! in-line or out-of-line) and the `lib` of API-mode modules.
//!
//! Attribute reads must stay on the interpreter's generic path, the only one
//! CPython specialises (~1 ns against ~20 ns through any `__getattr__` or own
//! `tp_getattro`). So each lib is the one instance of its own subclass of `Lib`,
//! which has no instance dict: constants, and the builtins of API-mode libs,
//! are `__slots__` of the subclass (read by `LOAD_ATTR_SLOT`, as fast as a
//! module attribute); the functions of ABI-mode libs are method descriptors of
//! the subclass (`libfunc.rs`: `lib.f(...)` then takes `LOAD_METHOD_NO_DICT`);
//! global variables are data descriptors of the subclass reading and writing
//! the C variable at each access. The two kinds of functions differ because
//! CPython 3.11 compiles `lib.f(...)` two ways (benches/README.md): API-mode
//! code imports its lib (`from _mod import lib`, hence `LOAD_ATTR`), ABI-mode
//! code assigns it (`lib = ffi.dlopen(...)`, hence `LOAD_METHOD`). Names a
//! later `cdef()` adds to an ABI-mode lib have no slot: they are plain
//! attributes of the subclass. Names declared but unusable (a symbol missing from
//! the library, a `#define X ...` outside API mode, every name once the library
//! is closed) are descriptors raising a clear error. `Lib` itself only refuses
//! writes to anything but a global variable.

use std::ptr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use pyo3::ffi;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple, PyType};
use rcffi_core::fasthash::FastSet;

use crate::cdata::CData;
use crate::convert;
use crate::decls::Declarations;
use crate::libfunc::LibFunction;
use crate::library::CLibrary;
use crate::messages::Msg;
use crate::types::{ctype_for, table, CType};

/// Where a global variable lives.
enum Place {
    /// A fixed address (ABI mode: the symbol's address).
    Address(usize),
    /// A `void *(void)` function returning the address (API-mode glue).
    Accessor(usize),
}

/// A global variable of a lib: a data descriptor of the lib's type.
#[pyclass(frozen, module = "rcffi._backend", name = "_Variable")]
pub struct Variable {
    name: String,
    ctype: Py<CType>,
    place: Place,
    /// What keeps the memory mapped (the library).
    _keep: Py<PyAny>,
}

impl Variable {
    /// The variable at `address`.
    pub fn at_address(name: &str, ctype: Py<CType>, address: usize, keep: Py<PyAny>) -> Self {
        Variable {
            name: name.to_string(),
            ctype,
            place: Place::Address(address),
            _keep: keep,
        }
    }

    /// The variable at the address `accessor()` returns (API-mode glue).
    pub fn with_accessor(name: &str, ctype: Py<CType>, accessor: usize, keep: Py<PyAny>) -> Self {
        Variable {
            name: name.to_string(),
            ctype,
            place: Place::Accessor(accessor),
            _keep: keep,
        }
    }

    fn store(&self, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let t = self.ctype.get();
        if t.is_record() && t.size().is_none() {
            // Only its address can be had (as in cffi).
            return Err(Msg::OpaqueType { ctype: &t.cname }.to_err());
        }
        unsafe { convert::write(value.py(), self.ctype.get(), self.address()?, value) }
    }

    /// The variable's address now. A "variable" that is a macro over a call
    /// (`#define v (*get_v())`) can give NULL: an error, never a dereference.
    fn address(&self) -> PyResult<*mut u8> {
        let address = match self.place {
            Place::Address(a) => a as *mut u8,
            Place::Accessor(f) => {
                // SAFETY: the accessor is a `void *(void)` function the glue generated.
                let f: extern "C" fn() -> *mut std::ffi::c_void = unsafe { std::mem::transmute(f) };
                f() as *mut u8
            }
        };
        if address.is_null() {
            return Err(Msg::GlobalAtNull { name: &self.name }.to_err());
        }
        Ok(address)
    }
}

/// The value of a global variable at `addr`: arrays and structs as cdata into
/// it, except that `extern T a[];` (length unknown) is a `T *`, as in cffi.
///
/// # Safety
/// `addr` must be the address of a live object of type `ctype`.
pub(crate) unsafe fn read_global(
    py: Python<'_>,
    ctype: &Py<CType>,
    addr: *mut u8,
    owner: &Bound<'_, PyAny>,
) -> PyResult<Py<PyAny>> {
    let t = ctype.get();
    if t.is_record() && t.size().is_none() {
        return Err(Msg::OpaqueCdata { ctype: &t.cname }.to_err());
    }
    if let (rcffi_core::ctype::Kind::Array, None) = (t.kind, t.length) {
        return Ok(CData::new_pointer(py, t.decayed(py), addr)?.into_any());
    }
    convert::read(py, ctype, addr, Some(owner))
}

#[pymethods]
impl Variable {
    fn __get__(
        slf: &Bound<'_, Self>,
        obj: Option<&Bound<'_, PyAny>>,
        _owner: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        if obj.is_none() {
            return Ok(slf.clone().into_any().unbind());
        }
        let this = slf.get();
        unsafe { read_global(slf.py(), &this.ctype, this.address()?, slf.as_any()) }
    }

    fn __set__(&self, obj: &Bound<'_, PyAny>, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let _ = obj;
        self.store(value)
    }

    fn __delete__(&self, _obj: &Bound<'_, PyAny>) -> PyResult<()> {
        Err(Msg::DeleteLibGlobal.to_err())
    }

    /// A pointer to the variable (for `ffi.addressof(lib, name)`).
    fn address_of(&self, py: Python<'_>) -> PyResult<Py<CData>> {
        let ptr = table().pointer(self.ctype.get().id);
        CData::new_pointer(py, ctype_for(py, ptr), self.address()?)
    }
}

/// A declared name that cannot be used: reading or writing it raises the
/// error found when the lib was made (or when the library was closed).
#[pyclass(frozen, module = "rcffi._backend", name = "_Unavailable")]
pub struct Unavailable {
    error_type: Py<PyType>,
    message: String,
}

impl Unavailable {
    pub fn new(py: Python<'_>, error: &PyErr) -> Self {
        Unavailable {
            error_type: error.get_type(py).unbind(),
            message: error.value(py).to_string(),
        }
    }

    fn error(&self) -> PyErr {
        Python::attach(|py| {
            PyErr::from_type(self.error_type.bind(py).clone(), self.message.clone())
        })
    }
}

#[pymethods]
impl Unavailable {
    fn __get__(
        slf: &Bound<'_, Self>,
        obj: Option<&Bound<'_, PyAny>>,
        _owner: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        match obj {
            None => Ok(slf.clone().into_any().unbind()),
            Some(_) => Err(slf.get().error()),
        }
    }

    fn __set__(&self, _obj: &Bound<'_, PyAny>, _value: &Bound<'_, PyAny>) -> PyResult<()> {
        Err(self.error())
    }
}

/// The base type of every lib object.
#[pyclass(frozen, subclass, weakref, module = "rcffi._backend", name = "Lib")]
pub struct Lib {
    repr: String,
    /// The library name errors and the closed state speak of.
    name: String,
    /// What `ffi.addressof(lib, name)` answers: function cdata and variables.
    addresses: Py<PyDict>,
    library: Option<Py<CLibrary>>,
    /// The ffi the lib was made from, kept alive by it (as in cffi).
    _ffi: Option<Py<PyAny>>,
    closed: AtomicBool,
    /// Whether the lib is one of in-line ABI mode (`FFI().dlopen()` after
    /// `cdef()`): cffi words its closed error "has already been closed" there
    /// and "has been closed" for the libs of modules (API and out-of-line).
    inline_abi: bool,
    /// The names of the values: constants and API-mode builtins, in the
    /// instance's slots or (added by a later `cdef()`) on its type.
    values: Mutex<Vec<Py<PyString>>>,
}

impl Lib {
    fn check_open(&self) -> PyResult<()> {
        if self.closed.load(Ordering::Acquire) {
            return Err(closed_error(&self.name, self.inline_abi));
        }
        Ok(())
    }
}

/// cffi's wording; the name used is in the traceback's source line.
fn closed_error(library: &str, inline_abi: bool) -> PyErr {
    let already = if inline_abi { "already " } else { "" };
    Msg::LibraryClosed {
        library: &library,
        already: &already,
    }
    .to_err()
}

fn is_descriptor(value: &Bound<'_, PyAny>) -> bool {
    value.is_instance_of::<Variable>() || value.is_instance_of::<Unavailable>()
}

/// The names of the lib's values and of the members of its type for which
/// `keep` holds, sorted.
fn names_where(
    slf: &Bound<'_, Lib>,
    keep: impl Fn(&Bound<'_, PyAny>) -> bool,
) -> PyResult<Vec<String>> {
    let mut names: Vec<String> = Vec::new();
    for k in slf
        .get()
        .values
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .iter()
    {
        names.push(k.bind(slf.py()).to_str()?.to_string());
    }
    let type_dict = slf.get_type().getattr("__dict__")?;
    for item in type_dict.call_method0("items")?.try_iter()? {
        let (k, v): (String, Bound<'_, PyAny>) = item?.extract()?;
        if keep(&v) {
            names.push(k);
        }
    }
    names.sort();
    names.dedup();
    Ok(names)
}

/// Whether a member of a lib's type is one of the lib's names.
fn is_member(value: &Bound<'_, PyAny>) -> bool {
    is_descriptor(value) || value.is_instance_of::<LibFunction>()
}

#[pymethods]
impl Lib {
    #[new]
    #[pyo3(signature = (repr, name, addresses, library, ffi=None, inline_abi=false))]
    fn py_new(
        repr: String,
        name: String,
        addresses: Py<PyDict>,
        library: Option<Py<CLibrary>>,
        ffi: Option<Py<PyAny>>,
        inline_abi: bool,
    ) -> Self {
        Lib {
            repr,
            name,
            addresses,
            library,
            _ffi: ffi,
            closed: AtomicBool::new(false),
            inline_abi,
            values: Mutex::default(),
        }
    }

    /// Only global variables can be assigned (through their descriptor).
    fn __setattr__(
        slf: &Bound<'_, Self>,
        name: &Bound<'_, PyString>,
        value: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let found = slf.get_type().getattr(name).ok();
        if let Some(var) = found.as_ref().and_then(|d| d.cast::<Variable>().ok()) {
            return var.get().store(value);
        }
        match found.as_ref().and_then(|d| d.cast::<Unavailable>().ok()) {
            Some(refused) => Err(refused.get().error()),
            None => {
                slf.get().check_open()?;
                Err(Msg::SetLibNonGlobal { name: &name }.to_err())
            }
        }
    }

    fn __delattr__(&self, name: &str) -> PyResult<()> {
        Err(Msg::DeleteFromLib { name: &name }.to_err())
    }

    /// The declared names: functions, constants and global variables.
    fn __dir__(slf: &Bound<'_, Self>) -> PyResult<Vec<String>> {
        names_where(slf, is_member)
    }

    fn __repr__(&self) -> String {
        self.repr.clone()
    }

    /// What `from ... lib import *` takes: the functions and constants (global
    /// variables are left out, as in cffi: a copy of one would not follow it).
    #[getter(__all__)]
    fn all_names(slf: &Bound<'_, Self>) -> PyResult<Vec<String>> {
        names_where(slf, |member| member.is_instance_of::<LibFunction>())
    }

    /// A new dict of the lib's names, as cffi gives: functions and constants
    /// by value, global variables by their descriptor. Built on each request
    /// (the lib has no dict of its own: its values are slots), so changing it
    /// changes nothing.
    #[getter(__dict__)]
    fn dict<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyDict>> {
        let py = slf.py();
        let dict = PyDict::new(py);
        let members = slf.get_type().getattr(pyo3::intern!(py, "__dict__"))?;
        for name in names_where(slf, is_member)? {
            let member = members.get_item(&name).ok();
            match member {
                Some(m) if is_descriptor(&m) => dict.set_item(&name, m)?,
                _ => dict.set_item(&name, slf.getattr(name.as_str())?)?,
            }
        }
        Ok(dict)
    }

    /// The lib's name where its module gave none (in-line `dlopen()`): the
    /// library's.
    #[getter(__name__)]
    fn lib_name(&self) -> String {
        self.name.clone()
    }

    /// The module type, as cffi's lib claims to be, so that `help(lib)` and
    /// tools that look for modules list the lib's names.
    #[getter(__class__)]
    fn module_class<'py>(slf: &Bound<'py, Self>) -> Bound<'py, PyAny> {
        // SAFETY: a static type object of the interpreter.
        unsafe { Bound::from_borrowed_ptr(slf.py(), ptr::addr_of_mut!(ffi::PyModule_Type).cast()) }
    }

    /// A lib is not imported from a file: no loader and no spec, as in cffi.
    #[getter(__loader__)]
    fn loader(&self) -> Option<Py<PyAny>> {
        None
    }

    #[getter(__spec__)]
    fn spec(&self) -> Option<Py<PyAny>> {
        None
    }

    /// The lib and its ffi refer to each other; the collector frees the pair
    /// through the ffi's own clearing.
    fn __traverse__(&self, visit: pyo3::PyVisit<'_>) -> Result<(), pyo3::PyTraverseError> {
        if let Some(ffi) = &self._ffi {
            visit.call(ffi)?;
        }
        visit.call(&self.addresses)
    }

    /// `ffi.addressof(lib, name)`: a function's cdata, or a pointer to a global.
    #[pyo3(name = "_address_of")]
    pub(crate) fn address_of(&self, py: Python<'_>, name: &str) -> PyResult<Py<PyAny>> {
        self.check_open()?;
        match self.addresses.bind(py).get_item(name)? {
            Some(v) => match v.cast::<Variable>() {
                Ok(var) => Ok(var.get().address_of(py)?.into_any()),
                Err(_) => Ok(v.unbind()),
            },
            None => Err(Msg::LibNoSuchName { name: &name }.to_err()),
        }
    }

    /// Closes the library (`ffi.dlclose()`): every name raises from now on.
    /// Closing twice does nothing.
    pub(crate) fn _close(slf: &Bound<'_, Self>) -> PyResult<()> {
        let this = slf.get();
        if this.closed.swap(true, Ordering::AcqRel) {
            return Ok(());
        }
        let names = Lib::__dir__(slf)?;
        if let Some(library) = &this.library {
            library.get().close_lib();
        }
        let values = std::mem::take(&mut *this.values.lock().unwrap_or_else(|p| p.into_inner()));
        let ty = slf.get_type();
        for name in values {
            if in_slot(&ty, name.bind(slf.py())) {
                // SAFETY: live objects; a NULL value empties the slot.
                let status = unsafe {
                    ffi::PyObject_GenericSetAttr(slf.as_ptr(), name.as_ptr(), ptr::null_mut())
                };
                if status < 0 {
                    return Err(PyErr::fetch(slf.py()));
                }
            }
        }
        this.addresses.bind(slf.py()).clear();
        for name in names {
            let marker = Unavailable::new(slf.py(), &closed_error(&this.name, this.inline_abi));
            ty.setattr(name.as_str(), Py::new(slf.py(), marker)?)?;
        }
        Ok(())
    }
}

/// Whether the type's own member `name` is one of its slots.
fn in_slot(ty: &Bound<'_, PyType>, name: &Bound<'_, PyString>) -> bool {
    // SAFETY: a heap type has its `tp_dict`; the member is borrowed only for
    // the type check.
    unsafe {
        let member = ffi::PyDict_GetItemWithError((*ty.as_type_ptr()).tp_dict, name.as_ptr());
        if member.is_null() {
            ffi::PyErr_Clear();
            return false;
        }
        ffi::Py_IS_TYPE(member, ptr::addr_of_mut!(ffi::PyMemberDescr_Type)) != 0
    }
}

/// `make_lib(repr, name, contents, library=None, module="rcffi")`: a new lib
/// object. `contents` maps names to values: `_Variable`s and `_Unavailable`s
/// become descriptors of the lib's type, ABI-mode function cdata its method
/// descriptors, anything else (constants, API-mode builtins) one of its slots;
/// `__cdata__<name>` entries (the function cdata behind an API-mode builtin)
/// make `lib.name(...)` call that cdata directly, `__address__<name>` entries
/// (the C function behind a cffi-compiled module's builtin) only serve
/// `ffi.addressof()`, and other `__` names are skipped.
/// `qualified_name` is the lib's `__name__` (`pkg._mod.lib` for a module's);
/// `inline_abi` says the lib is `FFI.dlopen()`'s after `cdef()` (the wording
/// of its closed error).
#[pyfunction]
#[pyo3(signature = (repr, name, contents, library=None, module="rcffi", ffi=None, qualified_name=None, inline_abi=false))]
#[allow(clippy::too_many_arguments)]
pub fn make_lib(
    py: Python<'_>,
    repr: String,
    name: String,
    contents: &Bound<'_, PyDict>,
    library: Option<Py<CLibrary>>,
    module: &str,
    ffi: Option<Py<PyAny>>,
    qualified_name: Option<String>,
    inline_abi: bool,
) -> PyResult<Py<PyAny>> {
    let namespace = PyDict::new(py);
    namespace.set_item("__module__", module)?;
    if let Some(qualified) = qualified_name {
        namespace.set_item("__name__", qualified)?;
    }
    namespace.set_item("__qualname__", "Lib")?;
    let plain = PyList::empty(py);
    let addresses = PyDict::new(py);
    sort_contents(contents, &namespace, &plain, &addresses)?;
    let slots = plain
        .iter()
        .map(|pair| pair.get_item(0))
        .collect::<PyResult<Vec<_>>>()?;
    namespace.set_item("__slots__", PyTuple::new(py, slots)?)?;
    let base = py.get_type::<Lib>();
    let bases = PyTuple::new(py, [base])?;
    let cls = py.get_type::<PyType>().call1(("Lib", bases, namespace))?;
    let lib = cls.call1((repr, name, addresses, library, ffi, inline_abi))?;
    fill_slots(&lib, &plain)?;
    Ok(lib.unbind())
}

/// Splits `contents` into members of the lib's type (descriptors and ABI-mode
/// functions, into `namespace`), `(name, value)` pairs for its slots
/// (constants and API-mode builtins, into `plain`) and `addressof()` answers.
fn sort_contents(
    contents: &Bound<'_, PyDict>,
    namespace: &Bound<'_, PyDict>,
    plain: &Bound<'_, PyList>,
    addresses: &Bound<'_, PyDict>,
) -> PyResult<()> {
    let py = contents.py();
    for (key, value) in contents.iter() {
        if let Some(function) = key.extract::<String>()?.strip_prefix("__cdata__") {
            addresses.set_item(function, value)?;
        }
    }
    for (key, value) in contents.iter() {
        let key: String = key.extract()?;
        if key.starts_with("__") {
            continue;
        }
        if is_descriptor(&value) {
            if value.is_instance_of::<Variable>() {
                addresses.set_item(&key, &value)?;
            }
            namespace.set_item(&key, value)?;
        } else if let Some(cdata) = function_cdata(&value, addresses.get_item(&key)?)? {
            addresses.set_item(&key, cdata.clone_ref(py))?;
            if value.is_instance_of::<CData>() {
                namespace.set_item(&key, Py::new(py, LibFunction::new(cdata))?)?;
            } else {
                plain.append((PyString::intern(py, &key), value))?;
            }
        } else {
            // Interned, as the names in code are: the interpreter's cached
            // lookup compares keys by identity.
            plain.append((PyString::intern(py, &key), value))?;
        }
    }
    for (key, value) in contents.iter() {
        if let Some(function) = key.extract::<String>()?.strip_prefix("__address__") {
            // Only for `ffi.addressof()`: the function stays the builtin.
            addresses.set_item(function, value)?;
        }
    }
    Ok(())
}

/// The function cdata a lib entry calls: the entry itself (ABI mode), or the
/// cdata behind an API-mode builtin (its `__cdata__` entry); None for values.
fn function_cdata(
    value: &Bound<'_, PyAny>,
    behind: Option<Bound<'_, PyAny>>,
) -> PyResult<Option<Py<CData>>> {
    let is_function = |v: &Bound<'_, PyAny>| {
        v.cast::<CData>()
            .ok()
            .filter(|c| c.get().ctype.get().kind == rcffi_core::ctype::Kind::Function)
            .map(|c| c.clone().unbind())
    };
    if let Some(cdata) = is_function(value) {
        return Ok(Some(cdata));
    }
    if value.is_instance_of::<pyo3::types::PyCFunction>() {
        return Ok(behind.as_ref().and_then(is_function));
    }
    Ok(None)
}

/// Stores the `(name, value)` pairs in the lib's slots, through the slots'
/// descriptors (bypassing `Lib.__setattr__`), or, for names without a slot
/// (a later `cdef()`), on its type.
fn fill_slots(lib: &Bound<'_, PyAny>, plain: &Bound<'_, PyList>) -> PyResult<()> {
    let this = lib.cast::<Lib>()?.get();
    let ty = lib.get_type();
    let mut values = this.values.lock().unwrap_or_else(|p| p.into_inner());
    for pair in plain.iter() {
        let (k, v): (Bound<'_, PyString>, Bound<'_, PyAny>) = pair.extract()?;
        if in_slot(&ty, &k) {
            // SAFETY: live objects; the name is a str.
            if unsafe { ffi::PyObject_GenericSetAttr(lib.as_ptr(), k.as_ptr(), v.as_ptr()) } < 0 {
                return Err(PyErr::fetch(lib.py()));
            }
        } else {
            ty.setattr(&k, v)?;
        }
        values.push(k.unbind());
    }
    Ok(())
}

/// `extend_abi_lib(lib, decls)`: adds to a library from `dlopen()` what later
/// `cdef()` calls declared.
#[pyfunction]
pub fn extend_abi_lib(lib: &Bound<'_, Lib>, decls: &Declarations) -> PyResult<()> {
    let py = lib.py();
    let this = lib.get();
    let Some(library) = this
        .library
        .as_ref()
        .filter(|_| !this.closed.load(Ordering::Acquire))
    else {
        return Ok(());
    };
    let contents = abi_contents(py, decls, library.bind(py))?;
    let contents = contents.bind(py);
    let known: Vec<String> = Lib::__dir__(lib)?;
    let fresh = PyDict::new(py);
    for (k, v) in contents.iter() {
        let name: String = k.extract()?;
        if !known.contains(&name) {
            fresh.set_item(k, v)?;
        }
    }
    let namespace = PyDict::new(py);
    let plain = PyList::empty(py);
    sort_contents(&fresh, &namespace, &plain, lib.get().addresses.bind(py))?;
    let ty = lib.get_type();
    for (k, v) in namespace.iter() {
        if k.extract::<String>()?.starts_with("__") {
            continue;
        }
        ty.setattr(k.cast::<PyString>()?, v)?;
    }
    fill_slots(lib.as_any(), &plain)
}

/// `abi_contents(decls, library)`: what a library opened by `dlopen()` holds,
/// for `make_lib`: every declared function, global and constant looked up now.
#[pyfunction]
pub fn abi_contents(
    py: Python<'_>,
    decls: &Declarations,
    library: &Bound<'_, CLibrary>,
) -> PyResult<Py<PyDict>> {
    let out = PyDict::new(py);
    let mut usable = FastSet::default();
    for name in decls.names()? {
        let entry = match abi_entry(py, decls, library, &name, &mut usable) {
            Ok(Some(entry)) => entry,
            Ok(None) => continue,
            Err(e) => Py::new(py, Unavailable::new(py, &e))?.into_any(),
        };
        out.set_item(&name, entry)?;
    }
    Ok(out.unbind())
}

/// What `name` is in a library from `dlopen()`: a function cdata, a variable
/// descriptor, a constant's value, or the error using it would raise.
fn abi_entry(
    py: Python<'_>,
    decls: &Declarations,
    library: &Bound<'_, CLibrary>,
    name: &str,
    usable: &mut FastSet<rcffi_core::TypeId>,
) -> PyResult<Option<Py<PyAny>>> {
    let Some((kind, value)) = decls.lookup_given(py, name, usable)? else {
        return Ok(None);
    };
    let symbol = |e: PyErr| missing(py, e);
    let linked = decls.symbol_of(name)?;
    Ok(Some(match kind {
        "function" => CLibrary::load_function(library, value.extract(py)?, &linked)
            .map_err(symbol)?
            .into_any(),
        "variable" => {
            let addr = library.get().symbol_address_raw(&linked).map_err(symbol)?;
            let var = Variable {
                name: name.to_string(),
                ctype: value.extract(py)?,
                place: Place::Address(addr as usize),
                _keep: library.clone().into_any().unbind(),
            };
            Py::new(py, var)?.into_any()
        }
        "constant" => {
            // A `static const` of a non-integer type has no symbol unless the
            // library happens to export one: only API mode can read it.
            let addr = library
                .get()
                .symbol_address_raw(&linked)
                .map_err(|_| Msg::NonIntegerConstantInAbi { name: &name }.to_err())?;
            let ctype: Py<CType> = value.extract(py)?;
            unsafe { read_global(py, &ctype, addr, library.as_any())? }
        }
        "int" | "float" | "bytes" => value,
        _ => return Err(Msg::ConstantValueUnknown { name: &name }.to_err()),
    }))
}

/// The error for a declared name missing from its library: the lookup's own
/// message names the symbol, the library and the system's reason.
fn missing(py: Python<'_>, error: PyErr) -> PyErr {
    crate::errors::SymbolNotFoundError::new_err(error.value(py).to_string())
}
