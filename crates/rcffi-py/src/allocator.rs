//! Allocation: `ffi.new()` and the allocators of `ffi.new_allocator()`.
//!
//! `ffi.new` is a method of the backend FFI calling [`newp`], so the common call
//! `ffi.new("point_t *")` goes from Python straight into Rust: the type string is
//! found by identity in the FFI's `TypeCache` (string literals are the same
//! object every time), and the only allocations are the memory and the cdata.

use std::collections::HashMap;
use std::ffi::c_void;

use pyo3::exceptions::{PyKeyError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};
use rcffi_core::ctype::Kind;

use crate::cdata::{CData, Flavor, Owner};
use crate::cdata_owner::{CFree, FreeFn, Resource, Resources};
use crate::convert;
use crate::decls::Declarations;
use crate::messages::Msg;
use crate::types::{ctype_for, table, CType, FieldInfo};

/// How many type strings the identity cache remembers; more still work, through
/// the by-name map.
const IDENTITY_SLOTS: usize = 64;

#[derive(Default)]
struct CacheInner {
    /// `(string object, ctype)`, searched by object identity.
    by_identity: Vec<(Py<PyString>, Py<CType>)>,
    by_name: HashMap<String, Py<CType>>,
}

/// The type strings an FFI has resolved, as a small mapping: the FFI front end
/// fills it and clears it when declarations change.
///
/// Every use holds the GIL, which is what serialises them: a lock of its own
/// cost ~40 instructions on each `ffi.new` and `ffi.cast` (callgrind). The
/// free-threaded build is not supported by this module's layout (its import
/// enables the GIL again, as PyO3 declares modules by default).
#[pyclass(frozen, module = "rcffi._backend", name = "TypeCache")]
#[derive(Default)]
pub struct TypeCache(GilCell<CacheInner>);

/// State touched only with the GIL held, by code that runs no Python code
/// while it holds the reference (no decref that could free an object, no
/// call out), so that nothing can re-enter it or take the GIL meanwhile.
#[derive(Default)]
struct GilCell<T>(std::cell::UnsafeCell<T>);

// SAFETY: access is serialised by the GIL (`with` takes the token) and never
// re-entered (see the type's doc).
unsafe impl<T: Send> Sync for GilCell<T> {}

impl<T> GilCell<T> {
    /// Runs `f` on the state; `f` must not run Python code nor drop Python
    /// objects (return them, to be dropped after).
    #[inline(always)]
    fn with<R>(&self, _py: Python<'_>, f: impl FnOnce(&mut T) -> R) -> R {
        // SAFETY: the GIL is held (the token) and `f` cannot re-enter.
        f(unsafe { &mut *self.0.get() })
    }
}

impl TypeCache {
    /// The cached type for `key`, by identity first.
    #[inline]
    pub fn lookup(&self, py: Python<'_>, key: &Bound<'_, PyString>) -> Option<Py<CType>> {
        let target = key.as_ptr();
        let known = self.0.with(py, |inner| {
            inner
                .by_identity
                .iter()
                .find(|(k, _)| k.as_ptr() == target)
                .map(|(_, ct)| ct.clone_ref(py))
        });
        if known.is_some() {
            return known;
        }
        // Outside the cell: a failed conversion makes (and drops) an exception.
        let name = key.to_str().ok()?;
        self.0.with(py, |inner| {
            let ct = inner.by_name.get(name)?.clone_ref(py);
            if inner.by_identity.len() < IDENTITY_SLOTS {
                inner
                    .by_identity
                    .push((key.clone().unbind(), ct.clone_ref(py)));
            }
            Some(ct)
        })
    }

    /// Remembers `value` for `key`.
    fn insert(&self, py: Python<'_>, key: &str, value: Py<CType>) {
        let replaced = self
            .0
            .with(py, |inner| inner.by_name.insert(key.to_string(), value));
        drop(replaced);
    }
}

#[pymethods]
impl TypeCache {
    #[new]
    fn py_new() -> Self {
        TypeCache::default()
    }

    fn __getitem__(&self, py: Python<'_>, key: &Bound<'_, PyString>) -> PyResult<Py<CType>> {
        self.lookup(py, key)
            .ok_or_else(|| PyKeyError::new_err(key.clone().unbind()))
    }

    fn __setitem__(&self, py: Python<'_>, key: &str, value: Py<CType>) {
        self.insert(py, key, value);
    }

    fn __len__(&self, py: Python<'_>) -> usize {
        self.0.with(py, |inner| inner.by_name.len())
    }

    fn __contains__(&self, py: Python<'_>, key: &str) -> bool {
        self.0.with(py, |inner| inner.by_name.contains_key(key))
    }

    /// Forgets everything (declarations changed).
    fn clear(&self, py: Python<'_>) {
        let forgotten = self.0.with(py, std::mem::take);
        drop(forgotten);
    }
}

/// The ctype `cdecl` names: a ctype itself, or a type string looked up in
/// `types` (by identity first) and parsed by `decls` when missing.
#[inline]
pub fn resolve(
    py: Python<'_>,
    types: &Py<TypeCache>,
    decls: &Py<Declarations>,
    cdecl: &Bound<'_, PyAny>,
) -> PyResult<Py<CType>> {
    if let Ok(s) = cdecl.cast::<PyString>() {
        if let Some(ct) = types.get().lookup(py, s) {
            return Ok(ct);
        }
        let ct = decls.get().parse_type(py, s.to_str()?)?;
        types.get().insert(py, s.to_str()?, ct.clone_ref(py));
        return Ok(ct);
    }
    if let Ok(ct) = cdecl.cast::<CType>() {
        return Ok(ct.clone().unbind());
    }
    Err(Msg::NotTypeOrString {
        given: &cdecl.get_type().name()?,
    }
    .to_err())
}

/// A C function given as `alloc`: `void *(*)(size_t)`.
type CAlloc = unsafe extern "C" fn(usize) -> *mut c_void;

/// The `alloc` of a custom allocator.
enum AllocFn {
    C(CAlloc),
    Py(Py<PyAny>),
}

impl FreeFn {
    /// Frees `ptr`; a Python `free` gets what the Python `alloc` returned
    /// (`allocated`), as in cffi, or else `ptr` as a `void *` cdata.
    pub fn call(
        &self,
        py: Python<'_>,
        ptr: *mut u8,
        allocated: Option<&Py<PyAny>>,
    ) -> PyResult<()> {
        match self {
            FreeFn::C(f) => {
                unsafe { f(ptr.cast()) };
                Ok(())
            }
            FreeFn::Py(f) => {
                let arg = match allocated {
                    Some(object) => object.clone_ref(py),
                    None => CData::new_pointer(py, void_pointer(py), ptr)?.into_any(),
                };
                f.bind(py).call1((arg,)).map(drop)
            }
        }
    }
}

fn void_pointer(py: Python<'_>) -> Py<CType> {
    let id = {
        let mut t = table();
        let v = t.void();
        t.pointer(v)
    };
    ctype_for(py, id)
}

/// The address of a C function cdata whose type has the given shape, or `None`
/// when `obj` is not a cdata (a Python callable).
fn c_function(
    obj: &Bound<'_, PyAny>,
    role: &str,
    shape_ok: impl Fn(&CType, &CType) -> bool,
) -> PyResult<Option<*mut u8>> {
    let Ok(cd) = obj.cast::<CData>() else {
        if !obj.is_callable() {
            return Err(Msg::AllocatorNotCallable {
                role: &role,
                given: &obj.get_type().name()?,
            }
            .to_err());
        }
        return Ok(None);
    };
    let c = cd.get();
    let ct = c.ct();
    let func = match ct.kind {
        Kind::Function => Some(ct),
        Kind::Pointer if ct.item_ref().kind == Kind::Function => Some(ct.item_ref()),
        _ => None,
    };
    let sig = func.and_then(|f| table().func(f.id).cloned());
    let ok = sig.as_ref().is_some_and(|s| {
        !s.variadic && s.args.len() == 1 && {
            let py = obj.py();
            let arg = ctype_for(py, s.args[0]);
            let result = ctype_for(py, s.result);
            shape_ok(arg.get(), result.get())
        }
    });
    if !ok || c.address().is_null() {
        let expected = if role == "alloc" {
            "'void *(*)(size_t)'"
        } else {
            "'void (*)(void *)'"
        };
        return Err(Msg::WrongAllocatorFunction {
            role: &role,
            ctype: &ct.cname,
            expected: &expected,
        }
        .to_err());
    }
    Ok(Some(c.address()))
}

/// Something that behaves like `ffi.new()` with its own `alloc` and `free`
/// (`ffi.new_allocator()`), or `ffi.new()` itself when both are absent.
#[pyclass(frozen, module = "rcffi._backend", name = "Allocator")]
pub struct Allocator {
    types: Py<TypeCache>,
    /// Resolves type strings missing from `types` (the FFI's declarations).
    decls: Py<Declarations>,
    alloc: Option<AllocFn>,
    free: Option<std::sync::Arc<FreeFn>>,
    clear: bool,
    /// The default allocator without clearing (malloc and free): its memory
    /// is owned as `new`'s is (`owning N bytes`, `__CDataOwn`), as in cffi,
    /// where a custom allocator's is memory with a destructor.
    default_memory: bool,
}

#[pymethods]
impl Allocator {
    #[new]
    #[pyo3(signature = (types, decls, alloc=None, free=None, should_clear_after_alloc=true))]
    pub(crate) fn new(
        types: Py<TypeCache>,
        decls: Py<Declarations>,
        alloc: Option<&Bound<'_, PyAny>>,
        free: Option<&Bound<'_, PyAny>>,
        should_clear_after_alloc: bool,
    ) -> PyResult<Self> {
        let alloc = alloc.filter(|a| !a.is_none());
        let free = free.filter(|f| !f.is_none());
        if alloc.is_none() && free.is_some() {
            return Err(Msg::FreeWithoutAlloc.to_err());
        }
        let alloc = match alloc {
            None => None,
            Some(a) => Some(
                match c_function(a, "alloc", |arg, res| {
                    arg.kind == Kind::Primitive
                        && arg.prim.is_some_and(|p| p.is_integer())
                        && res.kind == Kind::Pointer
                })? {
                    // SAFETY: a C function of type `void *(size_t)` (checked above).
                    Some(addr) => {
                        AllocFn::C(unsafe { std::mem::transmute::<*mut u8, CAlloc>(addr) })
                    }
                    None => AllocFn::Py(a.clone().unbind()),
                },
            ),
        };
        // The default allocator without clearing: malloc's memory as it comes.
        let uncleared_default = alloc.is_none() && !should_clear_after_alloc;
        let alloc = if uncleared_default {
            Some(AllocFn::C(libc::malloc))
        } else {
            alloc
        };
        let free = match free {
            None if uncleared_default => Some(std::sync::Arc::new(FreeFn::C(libc::free))),
            None => None,
            Some(f) => Some(std::sync::Arc::new(
                match c_function(f, "free", |arg, res| {
                    arg.kind == Kind::Pointer && res.kind == Kind::Void
                })? {
                    // SAFETY: a C function of type `void (void *)` (checked above).
                    Some(addr) => FreeFn::C(unsafe { std::mem::transmute::<*mut u8, CFree>(addr) }),
                    None => FreeFn::Py(f.clone().unbind()),
                },
            )),
        };
        Ok(Allocator {
            types,
            decls,
            alloc,
            free,
            clear: should_clear_after_alloc,
            default_memory: uncleared_default,
        })
    }

    /// `allocator(cdecl, init=None)`: new memory for a pointer or array type,
    /// initialized from `init`, owned by the returned cdata.
    #[pyo3(signature = (cdecl, init=None))]
    fn __call__(
        &self,
        py: Python<'_>,
        cdecl: &Bound<'_, PyAny>,
        init: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<CData>> {
        let ctype = resolve(py, &self.types, &self.decls, cdecl)?;
        match &self.alloc {
            None => newp(py, ctype, init),
            Some(alloc) => self.allocate_custom(py, ctype, alloc, init),
        }
    }
}

impl Allocator {
    fn allocate_custom(
        &self,
        py: Python<'_>,
        ctype: Py<CType>,
        alloc: &AllocFn,
        init: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<CData>> {
        let init = init.filter(|i| !i.is_none());
        let (size, length) = size_and_length(py, ctype.get(), init)?;
        let (ptr, keep) = match alloc {
            AllocFn::C(f) => (unsafe { f(size) } as *mut u8, None),
            AllocFn::Py(f) => {
                let got = f.bind(py).call1((size,))?;
                let Ok(cd) = got.cast::<CData>() else {
                    return Err(Msg::AllocReturnedNonCdata {
                        given: &got.get_type().name()?,
                    }
                    .to_err());
                };
                let c = cd.get();
                if !matches!(c.ct().kind, Kind::Pointer | Kind::Array) {
                    return Err(Msg::AllocReturnedNonPointer {
                        ctype: &c.ct().cname,
                    }
                    .to_err());
                }
                (c.address(), Some(got.clone().unbind()))
            }
        };
        if ptr.is_null() {
            return Err(Msg::AllocReturnedNull.to_err());
        }
        if self.clear {
            unsafe { std::ptr::write_bytes(ptr, 0, size) };
        }
        let ct = ctype.get();
        let owns = self.default_memory || (ct.kind == Kind::Pointer && ct.item_ref().is_record());
        let owner = Owner::Resource(Resources::new(Resource::Alloc {
            free: self.free.as_ref().map(|f| match &**f {
                FreeFn::C(c) => FreeFn::C(*c),
                FreeFn::Py(p) => FreeFn::Py(p.clone_ref(py)),
            }),
            ptr,
            keep,
        }));
        let made = if owns {
            CData::owning(ctype.clone_ref(py), ptr, size, length, owner)
        } else {
            CData::with_parts(ctype.clone_ref(py), ptr, length, owner, Flavor::Plain).collected()
        };
        let cd = made.create(py)?;
        if let Some(init) = init {
            unsafe { initialize(py, ct, ptr, size, length, init)? };
        }
        Ok(cd)
    }
}

/// `newp(ctype, init)` with calloc'ed memory: the default allocator.
pub fn newp(
    py: Python<'_>,
    ctype: Py<CType>,
    init: Option<&Bound<'_, PyAny>>,
) -> PyResult<Py<CData>> {
    let init = init.filter(|i| !i.is_none());
    let (size, length) = size_and_length(py, ctype.get(), init)?;
    // The ctype moves into the cdata: `ffi_new.rs` calls this where dropping
    // a `Py` would only queue the decref.
    let cd = CData::new_owned(py, ctype, size, length)?;
    if let Some(init) = init {
        let c = cd.get();
        unsafe { initialize(py, c.ct(), c.address(), size, length, init)? };
    }
    Ok(cd)
}

/// The bytes to allocate for `new(ct, init)` and the array length (0 for
/// pointers). Open arrays take their length from `init`; a struct ending in a
/// flexible array member gets room for the items `init` gives it.
#[inline]
fn size_and_length(
    py: Python<'_>,
    ct: &CType,
    init: Option<&Bound<'_, PyAny>>,
) -> PyResult<(usize, usize)> {
    match ct.kind {
        Kind::Pointer => {
            let item = ct.item_ref();
            let size = item.size().ok_or_else(|| match item.pending_error() {
                Some(why) => PyTypeError::new_err(why),
                None => Msg::CannotInstantiateUnknownSize { ctype: &item.cname }.to_err(),
            })?;
            if let (Some(init), true) = (init, item.is_record()) {
                if let Some(total) = varsize_total(py, item, init)? {
                    return Ok((total, 0));
                }
            }
            Ok((size, 0))
        }
        Kind::Array => {
            let item = ct.item_ref();
            let item_size = item.size_or_err()?;
            let length = match (ct.length, init) {
                (Some(n), _) => n,
                (None, Some(init)) => convert::open_array_length(item, init)?,
                (None, None) => return Err(Msg::OpenArrayLength { given: &"NoneType" }.to_err()),
            };
            let size = length
                .checked_mul(item_size)
                .filter(|s| *s <= isize::MAX as usize)
                .ok_or_else(|| Msg::ArraySizeOverflow.to_err())?;
            Ok((size, length))
        }
        _ => Err(Msg::NotPointerOrArrayType { ctype: &ct.cname }.to_err()),
    }
}

/// For a struct with a flexible array member, the size `init` asks for: the
/// member's offset plus its items (an integer, or a sequence of items). The
/// member may also be that of a struct in the last field, at any depth.
fn varsize_total(
    py: Python<'_>,
    record: &CType,
    init: &Bound<'_, PyAny>,
) -> PyResult<Option<usize>> {
    let Some(rec) = record.record(py) else {
        return Ok(None);
    };
    let tail = match rec.fields.iter().find(|f| f.flexible) {
        Some(flex) => flex,
        None => match rec.fields.last() {
            Some(last) if last.bitsize.is_none() && last.ctype.get().is_record() => last,
            _ => return Ok(None),
        },
    };
    let Some(value) = field_initializer(rec, tail, init)? else {
        return Ok(None);
    };
    let needed = if tail.flexible {
        let item = tail.ctype.get().item_ref();
        convert::open_array_length(item, &value)?.checked_mul(item.size_or_err()?)
    } else {
        match varsize_total(py, tail.ctype.get(), &value)? {
            Some(inner) => Some(inner),
            None => return Ok(None),
        }
    };
    let total = needed
        .and_then(|b| b.checked_add(tail.offset))
        .filter(|s| *s <= isize::MAX as usize)
        .ok_or_else(|| Msg::ArraySizeOverflow.to_err())?;
    Ok(Some(total.max(record.size().unwrap_or(0))))
}

/// The part of a record initializer (dict, list or tuple) that is for `field`.
fn field_initializer<'py>(
    rec: &crate::types::RecordInfo,
    field: &FieldInfo,
    init: &Bound<'py, PyAny>,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    if let Ok(d) = init.cast::<PyDict>() {
        return d.get_item(&field.name);
    }
    let named: Vec<&FieldInfo> = rec.fields.iter().filter(|f| !f.skip_in_init).collect();
    let Some(i) = named.iter().position(|f| std::ptr::eq(*f, field)) else {
        return Ok(None);
    };
    if let Ok(l) = init.cast::<PyList>() {
        return Ok(l.get_item(i).ok());
    }
    if let Ok(t) = init.cast::<PyTuple>() {
        return Ok(t.get_item(i).ok());
    }
    Ok(None)
}

/// Writes `init` into `size` bytes of new memory of type `ct` (a pointer's
/// target or an array).
unsafe fn initialize(
    py: Python<'_>,
    ct: &CType,
    addr: *mut u8,
    size: usize,
    length: usize,
    init: &Bound<'_, PyAny>,
) -> PyResult<()> {
    match ct.kind {
        Kind::Pointer if ct.item_ref().is_record() => {
            convert::write_record(py, ct.item_ref(), addr, init, size)
        }
        Kind::Pointer => convert::write(py, ct.item_ref(), addr, init),
        _ => {
            // `new("T[]", n)`: the integer is the length, the memory stays zero.
            if ct.length.is_none() && is_length(init) {
                return Ok(());
            }
            // Errors name the open array type, as cffi's do; only a cdata
            // initializer is compared with the sized type.
            if ct.length.is_none() && !init.is_instance_of::<CData>() {
                return convert::write_array(py, ct, addr, Some(length), init);
            }
            // Two statements: the table lock must be gone before `ctype_for`.
            let id = table().array(ct.item_ref().id, Some(length));
            let arr = ctype_for(py, id);
            convert::write(py, arr.get(), addr, init)
        }
    }
}

fn is_length(init: &Bound<'_, PyAny>) -> bool {
    !init.is_instance_of::<CData>()
        && !init.is_instance_of::<pyo3::types::PyBytes>()
        && !init.is_instance_of::<PyString>()
        && init.extract::<i128>().is_ok()
}
