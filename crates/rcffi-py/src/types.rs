//! `CType`: the Python face of a type in the process-wide interned type table.
//!
//! Every `CType` object stands for one [`TypeId`]; the objects are cached, so a
//! type has at most one `CType` at a time and identity compares work. A `CType`
//! copies what the hot paths need (kind, primitive, item type, length) so that
//! reading or writing memory never has to lock the table; facts that can change
//! later (a struct completed by a later `cdef()`) are fetched once they are known.
//!
//! The cache does not keep its objects alive: a `CType` nothing refers to dies
//! (as in cffi), and with it the last claim on its type, which
//! `crate::typegc` may then free from the table.

use std::collections::HashMap;
use std::ptr;
use std::sync::atomic::{AtomicPtr, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock, TryLockError};

use crate::messages::{Aside, Msg};
use pyo3::prelude::*;
use pyo3::types::{PyList, PyString, PyTuple};
use pyo3::{PyTraverseError, PyVisit};
use rcffi_core::ctype::{Kind, Prim, TypeData, TypeId, TypeTable};
use rcffi_core::scalar::Machine;

/// The one type table of the process. All FFI instances share it, which makes
/// `ffi.include()` free and keeps `CType` identity global, as in cffi's backend.
static TABLE: OnceLock<Mutex<TypeTable>> = OnceLock::new();

/// One entry of the `CType` cache, by type index.
#[derive(Clone, Copy)]
enum Slot {
    Empty,
    /// The type's live `CType`, borrowed (its `Drop` empties the slot), and the
    /// serial of that object, so a dying one never empties its successor's slot.
    Object {
        ptr: usize,
        serial: u64,
    },
    /// A type merged into another (a resolved `[...]` array): its `CType` is
    /// the other's.
    Redirect(TypeId),
}

/// The `CType` cache and, per type, how many `CType` objects stand for it.
struct Cache {
    slots: Vec<Slot>,
    live: Vec<u32>,
}

static CTYPES: Mutex<Cache> = Mutex::new(Cache {
    slots: Vec::new(),
    live: Vec::new(),
});

/// Serials of `CType` objects.
static SERIAL: AtomicU64 = AtomicU64::new(0);

fn cache() -> MutexGuard<'static, Cache> {
    CTYPES.lock().unwrap_or_else(|p| p.into_inner())
}

fn table_mutex() -> &'static Mutex<TypeTable> {
    TABLE.get_or_init(|| Mutex::new(TypeTable::new()))
}

/// Locks the type table.
pub fn table() -> MutexGuard<'static, TypeTable> {
    table_mutex()
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The type table if no one holds it (this thread included), for work that
/// can wait for another time (collecting unused types).
pub(crate) fn try_table() -> Option<MutexGuard<'static, TypeTable>> {
    match table_mutex().try_lock() {
        Ok(t) => Some(t),
        Err(TryLockError::Poisoned(p)) => Some(p.into_inner()),
        Err(TryLockError::WouldBlock) => None,
    }
}

/// The types some `CType` object stands for (roots of a collection).
pub(crate) fn types_with_ctypes() -> Vec<TypeId> {
    let c = cache();
    c.live
        .iter()
        .enumerate()
        .filter(|(_, n)| **n > 0)
        .map(|(i, _)| TypeId(i as u32))
        .collect()
}

/// Forgets the cache entries of freed types (redirects of merged types).
pub(crate) fn forget_types(freed: &[TypeId]) {
    let mut c = cache();
    for id in freed {
        if let Some(slot) = c.slots.get_mut(id.index()) {
            *slot = Slot::Empty;
        }
    }
}

/// A member of a struct or union, ready for field access.
pub struct FieldInfo {
    pub name: String,
    pub ctype: Py<CType>,
    /// Offset from the start of the outermost record.
    pub offset: usize,
    pub bitshift: Option<u32>,
    pub bitsize: Option<u32>,
    /// Set on union members after the first: a list initializer skips them.
    pub skip_in_init: bool,
    /// A flexible array member: `T data[];` last, or anywhere in a record
    /// given explicit offsets (where the items may overlay later members).
    pub flexible: bool,
    /// How `cdata_slots` reads and writes the field directly: its type's
    /// machine, copied here so that `p.x` reads one byte beside the offset;
    /// `None` for a bit field or a field of no scalar type.
    pub(crate) machine: Option<Machine>,
}

/// The members of a completed struct or union as cffi lists them: members of
/// anonymous structs and unions inline, unnamed bitfields left out.
pub struct RecordInfo {
    pub fields: Vec<FieldInfo>,
    pub by_name: HashMap<String, usize>,
    /// The field names as interned Python strings, parallel to `fields`.
    interned: Vec<Py<PyString>>,
}

impl RecordInfo {
    /// The member called `name`.
    pub fn field(&self, name: &str) -> Option<&FieldInfo> {
        self.by_name.get(name).map(|&i| &self.fields[i])
    }

    /// The member called `name`, found without hashing when `name` is the interned
    /// string Python uses for attribute names in source code (`p.x`).
    pub fn field_by_pystr(&self, name: &Bound<'_, PyString>) -> Option<&FieldInfo> {
        if let Some(f) = self.field_by_identity(name.as_ptr()) {
            return Some(f);
        }
        self.field(name.to_str().ok()?)
    }

    /// The member whose interned name is the object `name` itself: a pointer
    /// comparison per field, no hashing and no string read.
    #[inline]
    pub(crate) fn field_by_identity(&self, name: *mut pyo3::ffi::PyObject) -> Option<&FieldInfo> {
        let i = self.interned.iter().position(|n| n.as_ptr() == name)?;
        self.fields.get(i)
    }
}

/// A C type.
#[pyclass(frozen, weakref, module = "rcffi._backend", name = "CType")]
pub struct CType {
    pub id: TypeId,
    pub kind: Kind,
    pub cname: String,
    /// For primitives, the primitive; for enums, their integer type.
    pub prim: Option<Prim>,
    /// How a value of the type is held, for scalars (primitives, enums,
    /// pointers and functions): decided here once, read by every conversion.
    pub machine: Option<Machine>,
    /// Pointer target or array item.
    pub item: Option<Py<CType>>,
    /// Array length (`None` for `T[]`).
    pub length: Option<usize>,
    size: OnceLock<usize>,
    align: OnceLock<usize>,
    record: RecordCell,
    /// A call plan for function types, prepared on the first call.
    pub(crate) call_plan: OnceLock<crate::call_plan::FunctionPlan>,
    /// Tells this object from a later `CType` of the same type in the cache.
    serial: u64,
    /// For arrays, the pointer type they decay to (`arr + n`, a `T x[]`
    /// member); for arrays of a length and pointers, the open array `T[]`
    /// their slices have. A type nothing refers to dies, so without these
    /// each `arr + n` or `p[a:b]` would make and drop a `CType` (~2,000 and
    /// ~4,500 instructions, 10x cffi's slice, which keeps them as we do now).
    decayed: Derived,
    open_array: Derived,
}

/// A type made from another on first use and kept with it (a strong
/// reference). A pointer and its open array refer to each other, so the
/// collector can clear the pair. Read without a lock, as `RecordCell`: every
/// access holds the GIL, which orders a read before a clearing.
#[derive(Default)]
struct Derived(AtomicPtr<Py<CType>>);

impl Derived {
    fn held(&self) -> Option<&Py<CType>> {
        let p = self.0.load(Ordering::Acquire);
        // SAFETY: a pointer from `Box::into_raw`, freed only by `take` and
        // `drop`, which no reader overlaps (the GIL).
        (!p.is_null()).then(|| unsafe { &*p })
    }

    fn get_or_make(&self, py: Python<'_>, make: impl FnOnce() -> Py<CType>) -> Py<CType> {
        if let Some(ct) = self.held() {
            return ct.clone_ref(py);
        }
        // Making a type may run Python code, and so may another thread.
        let made = make();
        let new = Box::into_raw(Box::new(made.clone_ref(py)));
        match self
            .0
            .compare_exchange(ptr::null_mut(), new, Ordering::AcqRel, Ordering::Acquire)
        {
            Ok(_) => made,
            Err(first) => {
                // SAFETY: `new` was not stored; `first` is the one that was.
                unsafe {
                    drop(Box::from_raw(new));
                    (*first).clone_ref(py)
                }
            }
        }
    }

    fn visit(&self, visit: &PyVisit<'_>) -> Result<(), PyTraverseError> {
        match self.held() {
            Some(ct) => visit.call(ct),
            None => Ok(()),
        }
    }

    fn take(&self) -> Option<Box<Py<CType>>> {
        let p = self.0.swap(ptr::null_mut(), Ordering::AcqRel);
        // SAFETY: from `Box::into_raw`, and no longer in the cell.
        (!p.is_null()).then(|| unsafe { Box::from_raw(p) })
    }
}

impl Drop for Derived {
    fn drop(&mut self) {
        drop(self.take());
    }
}

/// The type whose `CType` stands for `id`: itself, or the type it was merged into.
fn redirected(id: TypeId) -> TypeId {
    let c = cache();
    let mut id = id;
    while let Some(Slot::Redirect(to)) = c.slots.get(id.index()) {
        id = *to;
    }
    id
}

/// The cached `CType` for `id`, if one is alive.
fn cached_ctype(py: Python<'_>, id: TypeId) -> Option<Py<CType>> {
    let c = cache();
    let mut id = id;
    loop {
        match c.slots.get(id.index()).copied()? {
            Slot::Empty => return None,
            Slot::Redirect(to) => id = to,
            Slot::Object { ptr, .. } => {
                let ptr = ptr as *mut pyo3::ffi::PyObject;
                // SAFETY: the object's `Drop` empties the slot (under this lock)
                // before its memory goes, so it is still allocated; a count of 0
                // means it is being destroyed (a weakref callback running) and
                // must not be revived.
                if unsafe { pyo3::ffi::Py_REFCNT(ptr) } <= 0 {
                    return None;
                }
                // SAFETY: a live `CType` object (see above).
                return Some(
                    unsafe { Bound::from_borrowed_ptr(py, ptr).cast_into_unchecked() }.unbind(),
                );
            }
        }
    }
}

/// The pointer target or array item of `id`, if any.
fn item_of(id: TypeId) -> Option<TypeId> {
    match table().data(id) {
        TypeData::Pointer(target) => Some(*target),
        TypeData::Array { item, .. } => Some(*item),
        _ => None,
    }
}

/// The `CType` for `id`, creating and caching it on first use.
///
/// A `CType` holds its item's, so the missing ones of a pointer or array chain
/// are made innermost first: each then finds its item (and the parts of its C
/// name) ready, and a deep chain costs a loop, not a recursion per level that
/// a small thread stack could not hold.
pub fn ctype_for(py: Python<'_>, id: TypeId) -> Py<CType> {
    if let Some(ct) = cached_ctype(py, id) {
        return ct;
    }
    let mut missing = vec![redirected(id)];
    while let Some(item) = missing
        .last()
        .and_then(|&last| item_of(last).map(redirected))
    {
        if cached_ctype(py, item).is_some() {
            break;
        }
        missing.push(item);
    }
    let mut made = None;
    for id in missing.into_iter().rev() {
        made = Some(make_ctype(py, id));
    }
    made.expect("at least `id` itself")
}

/// Makes the `CType` of each type the table merged into an equal one (a
/// resolved `[...]` array) the `CType` of that one, so both are one object.
/// Called after every completion from the compiler's answers.
pub fn follow_merged_types() {
    let merged = table().take_new_aliases();
    for (from, to) in merged {
        let mut c = cache();
        if c.slots.len() <= from.index() {
            c.slots.resize(from.index() + 1, Slot::Empty);
        }
        c.slots[from.index()] = Slot::Redirect(to);
    }
}

/// Warns, as cffi does, that an enum only declared (`enum foo;`) is taken
/// to be of its guessed base type. Making a type cannot fail, so a filter
/// turning the warning into an error only drops it.
fn guess_opaque_enum(py: Python<'_>, cname: &str, base: rcffi_core::ctype::Prim) {
    let message = format!(
        "'{cname}' has no values explicitly defined; guessing that it is equivalent to '{}'",
        base.name()
    );
    if let Ok(message) = std::ffi::CString::new(message) {
        let category = py.get_type::<pyo3::exceptions::PyUserWarning>();
        let _ = PyErr::warn(py, &category, &message, 1);
    }
}

/// Makes and caches the `CType` for `id`, whose item's `CType` exists.
///
/// The type counts as having a `CType` from the start, before anything that
/// allocates (and so may run Python code, a collection included) can run.
fn make_ctype(py: Python<'_>, id: TypeId) -> Py<CType> {
    {
        let mut c = cache();
        if c.live.len() <= id.index() {
            c.live.resize(id.index() + 1, 0);
        }
        c.live[id.index()] += 1;
    }
    let (kind, cname, prim, machine, item_id, length, opaque_enum) = {
        let t = table();
        let (prim, item, length) = match t.data(id) {
            TypeData::Primitive(p) => (Some(*p), None, None),
            TypeData::Enum(e) => (Some(e.base), None, None),
            TypeData::Pointer(target) => (None, Some(*target), None),
            TypeData::Array { item, length } => (None, Some(*item), *length),
            _ => (None, None, None),
        };
        let opaque_enum = matches!(t.data(id), TypeData::Enum(e) if e.values.is_empty());
        (
            t.kind(id),
            t.cname(id).to_string(),
            prim,
            Machine::of(&t, id, false),
            item,
            length,
            opaque_enum,
        )
    };
    // After the table's lock is released: a warning may run Python code.
    if let (true, Some(base)) = (opaque_enum, prim) {
        guess_opaque_enum(py, &cname, base);
    }
    let item = item_id.map(|i| {
        let i = redirected(i);
        cached_ctype(py, i).unwrap_or_else(|| make_ctype(py, i))
    });
    let serial = SERIAL.fetch_add(1, Ordering::Relaxed);
    let ct = Py::new(
        py,
        CType {
            id,
            kind,
            cname,
            prim,
            machine,
            item,
            length,
            size: OnceLock::new(),
            align: OnceLock::new(),
            record: RecordCell::default(),
            call_plan: OnceLock::new(),
            serial,
            decayed: Derived::default(),
            open_array: Derived::default(),
        },
    )
    .expect("allocating a CType");
    // Another `CType` for `id` may have been made while this one was
    // allocated (by Python code the allocation ran): the first one stays.
    if let Some(existing) = cached_ctype(py, id) {
        return existing;
    }
    let mut c = cache();
    if c.slots.len() <= id.index() {
        c.slots.resize(id.index() + 1, Slot::Empty);
    }
    c.slots[id.index()] = Slot::Object {
        ptr: ct.as_ptr() as usize,
        serial,
    };
    drop(c);
    ct
}

impl Drop for CType {
    fn drop(&mut self) {
        let mut c = cache();
        if let Some(n) = c.live.get_mut(self.id.index()) {
            *n = n.saturating_sub(1);
        }
        if let Some(slot) = c.slots.get_mut(self.id.index()) {
            if matches!(*slot, Slot::Object { serial, .. } if serial == self.serial) {
                *slot = Slot::Empty;
            }
        }
    }
}

/// The value in `cell`, or else what `ask` (out of line: it locks the type
/// table) answers, kept in `cell` once known.
#[inline(always)]
fn known_or_asked(cell: &OnceLock<usize>, ask: impl FnOnce() -> Option<usize>) -> Option<usize> {
    match cell.get() {
        Some(v) => Some(*v),
        None => ask_once(cell, ask),
    }
}

#[cold]
#[inline(never)]
fn ask_once(cell: &OnceLock<usize>, ask: impl FnOnce() -> Option<usize>) -> Option<usize> {
    let v = ask()?;
    Some(*cell.get_or_init(|| v))
}

impl CType {
    /// The pointer type an array (`T[N]` or `T[]`) decays to: `T *`.
    pub fn decayed(&self, py: Python<'_>) -> Py<CType> {
        self.decayed.get_or_make(py, || {
            // Two statements: the table's lock is gone before `ctype_for`.
            let id = table().pointer(self.item_ref().id);
            ctype_for(py, id)
        })
    }

    /// `T[]`, the type of a slice of a `T[N]` or a `T *`.
    pub fn open_array(&self, py: Python<'_>) -> Py<CType> {
        self.open_array.get_or_make(py, || {
            let id = table().array(self.item_ref().id, None);
            ctype_for(py, id)
        })
    }

    /// `sizeof`, once known. The known case is inlined: `ffi.new` and every
    /// item access ask for it.
    #[inline(always)]
    pub fn size(&self) -> Option<usize> {
        known_or_asked(&self.size, || table().size_of(self.id))
    }

    /// `alignof`, once known (the known case inlined, as for `size`).
    #[inline(always)]
    pub fn align(&self) -> Option<usize> {
        known_or_asked(&self.align, || table().align_of(self.id))
    }

    /// The size, or a `ValueError` naming the type when unknown (with the
    /// reason when its declared body has a member of an opaque type).
    #[inline]
    pub fn size_or_err(&self) -> PyResult<usize> {
        self.size().ok_or_else(
            #[cold]
            || {
                Msg::UnknownSize {
                    ctype: &self.cname,
                    why: &Aside(self.pending_error()),
                }
                .to_err()
            },
        )
    }

    /// Why this record (or array of records) cannot be laid out, if its body
    /// has a member of an opaque type.
    pub fn pending_error(&self) -> Option<String> {
        table().pending_error(self.id).map(str::to_string)
    }

    /// The pointer target or array item.
    pub fn item_ref(&self) -> &CType {
        self.item.as_ref().expect("pointer or array type").get()
    }

    /// Whether this is a struct or union.
    pub fn is_record(&self) -> bool {
        matches!(self.kind, Kind::Struct | Kind::Union)
    }

    /// Whether this is a pointer or a function (pointer) type.
    pub fn is_pointer_like(&self) -> bool {
        matches!(self.kind, Kind::Pointer | Kind::Function)
    }

    /// Whether values of this type are pointers to `char`-like data (`char *`).
    pub fn is_char_pointer(&self) -> bool {
        self.kind == Kind::Pointer
            && self.item_ref().kind == Kind::Primitive
            && matches!(
                self.item_ref().prim,
                Some(Prim::Char | Prim::SChar | Prim::UChar)
            )
    }

    /// The fields of a completed struct or union, or `None` while it is opaque.
    #[inline]
    pub fn record(&self, py: Python<'_>) -> Option<&RecordInfo> {
        if let Some(r) = self.record.get() {
            return Some(r);
        }
        self.first_record(py)
    }

    /// [`CType::record`] the first time: out of line, so that the reads that
    /// find the members built stay small.
    #[cold]
    fn first_record(&self, py: Python<'_>) -> Option<&RecordInfo> {
        if !self.is_record() {
            return None;
        }
        let info = build_record(py, self.id)?;
        Some(self.record.get_or_init(info))
    }
}

/// A record `CType`'s members, built on first use: set at most once, read
/// without a lock, and emptied only by the cycle collector (`__clear__`), when
/// nothing can read them any more. A struct that points to itself makes a
/// cycle of `CType`s through its members, which only that collector can free.
#[derive(Default)]
struct RecordCell(AtomicPtr<RecordInfo>);

impl RecordCell {
    #[inline]
    fn get(&self) -> Option<&RecordInfo> {
        let p = self.0.load(Ordering::Acquire);
        // SAFETY: a pointer from `Box::into_raw`, freed only by `clear` (see
        // the type's documentation for why no reader is left then).
        (!p.is_null()).then(|| unsafe { &*p })
    }

    fn get_or_init(&self, info: RecordInfo) -> &RecordInfo {
        let new = Box::into_raw(Box::new(info));
        match self
            .0
            .compare_exchange(ptr::null_mut(), new, Ordering::AcqRel, Ordering::Acquire)
        {
            // SAFETY: just stored, freed only by `clear`.
            Ok(_) => unsafe { &*new },
            Err(first) => {
                // SAFETY: `new` was not stored; `first` is the one that was.
                unsafe {
                    drop(Box::from_raw(new));
                    &*first
                }
            }
        }
    }

    fn clear(&self) {
        let p = self.0.swap(ptr::null_mut(), Ordering::AcqRel);
        if !p.is_null() {
            // SAFETY: taken out of the cell, so freed once.
            drop(unsafe { Box::from_raw(p) });
        }
    }
}

impl Drop for RecordCell {
    fn drop(&mut self) {
        self.clear();
    }
}

fn build_record(py: Python<'_>, id: TypeId) -> Option<RecordInfo> {
    let flat = {
        let t = table();
        let r = t.record(id)?;
        let mut flat = Vec::new();
        flatten(&t, r.fields.as_ref()?, r.is_union, 0, false, &mut flat);
        flat
    };
    let fields: Vec<FieldInfo> = flat
        .into_iter()
        .map(|(f, skip_in_init, flexible)| {
            let ctype = ctype_for(py, f.ty);
            let machine = match f.bitshift {
                None => ctype.get().machine,
                Some(_) => None,
            };
            FieldInfo {
                name: f.name,
                ctype,
                offset: f.offset,
                bitshift: f.bitshift,
                bitsize: f.bitsize,
                skip_in_init,
                flexible,
                machine,
            }
        })
        .collect();
    let by_name = fields
        .iter()
        .enumerate()
        .map(|(i, f)| (f.name.clone(), i))
        .collect();
    let interned = fields
        .iter()
        .map(|f| PyString::intern(py, &f.name).unbind())
        .collect();
    Some(RecordInfo {
        fields,
        by_name,
        interned,
    })
}

/// Lists the members of a record with absolute offsets, looking into anonymous
/// members; each comes with "skipped by list initializers" and "flexible array".
fn flatten(
    t: &TypeTable,
    fields: &[rcffi_core::ctype::Field],
    is_union: bool,
    base: usize,
    skip: bool,
    out: &mut Vec<(rcffi_core::ctype::Field, bool, bool)>,
) {
    for (i, f) in fields.iter().enumerate() {
        let skip_this = skip || (is_union && i > 0);
        if f.name.is_empty() {
            if f.bitsize.is_none() {
                if let Some(inner) = t.record(f.ty) {
                    if let Some(inner_fields) = &inner.fields {
                        flatten(
                            t,
                            inner_fields,
                            inner.is_union,
                            base + f.offset,
                            skip_this,
                            out,
                        );
                    }
                }
            }
            continue;
        }
        // Only explicit offsets put an array of no length before another member.
        let flexible = matches!(t.data(f.ty), TypeData::Array { length: None, .. });
        let mut g = f.clone();
        g.offset += base;
        out.push((g, skip_this, flexible));
    }
}

/// An array type of length 0 (`T x[0]`).
fn is_empty_array(t: &CType) -> bool {
    t.kind == Kind::Array && t.length == Some(0)
}

/// A member as `CType.fields` reports it.
#[pyclass(frozen, module = "rcffi._backend", name = "CField")]
pub struct CField {
    #[pyo3(get, name = "type")]
    ty: Py<CType>,
    #[pyo3(get)]
    offset: usize,
    #[pyo3(get)]
    bitshift: i64,
    #[pyo3(get)]
    bitsize: i64,
    #[pyo3(get)]
    flags: i64,
}

#[pymethods]
impl CType {
    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        if let Some(item) = &self.item {
            visit.call(item)?;
        }
        if let Some(r) = self.record.get() {
            for f in &r.fields {
                visit.call(&f.ctype)?;
            }
        }
        if let Some(plan) = self.call_plan.get() {
            for ct in plan.ctypes() {
                visit.call(ct)?;
            }
        }
        self.decayed.visit(&visit)?;
        self.open_array.visit(&visit)
    }

    /// Breaks a cycle through a struct's members or between a pointer and its
    /// open array; every cycle of `CType`s passes through one of them
    /// (pointers, arrays and functions are otherwise built on types made
    /// before them).
    fn __clear__(&self) {
        self.record.clear();
        let derived = (self.decayed.take(), self.open_array.take());
        drop(derived);
    }

    #[getter]
    fn kind(&self) -> &'static str {
        self.kind.name()
    }

    #[getter]
    fn cname(&self) -> &str {
        &self.cname
    }

    #[getter]
    fn item(&self, py: Python<'_>) -> PyResult<Py<CType>> {
        match (&self.item, self.kind) {
            (Some(i), Kind::Pointer | Kind::Array) => Ok(i.clone_ref(py)),
            _ => Err(Msg::NoCTypeAttribute { name: &"item" }.to_err()),
        }
    }

    #[getter]
    fn length(&self) -> PyResult<Option<usize>> {
        if self.kind == Kind::Array {
            Ok(self.length)
        } else {
            Err(Msg::NoCTypeAttribute { name: &"length" }.to_err())
        }
    }

    #[getter]
    fn fields(&self, py: Python<'_>) -> PyResult<Option<Py<PyList>>> {
        if !self.is_record() {
            return Err(Msg::NoCTypeAttribute { name: &"fields" }.to_err());
        }
        let Some(r) = self.record(py) else {
            return Ok(None);
        };
        let list = PyList::empty(py);
        for f in &r.fields {
            let field = CField {
                ty: f.ctype.clone_ref(py),
                offset: f.offset,
                // -2 marks an array member of no items (`T x[]` or `T x[0]`), as
                // cffi reports it.
                bitshift: match (f.bitshift, f.flexible) {
                    (Some(b), _) => i64::from(b),
                    (None, true) => -2,
                    (None, false) if is_empty_array(f.ctype.get()) => -2,
                    (None, false) => -1,
                },
                bitsize: f.bitsize.map_or(-1, i64::from),
                flags: i64::from(f.skip_in_init),
            };
            list.append((f.name.as_str(), Py::new(py, field)?))?;
        }
        Ok(Some(list.unbind()))
    }

    #[getter]
    fn args(&self, py: Python<'_>) -> PyResult<Py<PyTuple>> {
        let sig = table()
            .func(self.id)
            .cloned()
            .ok_or_else(|| Msg::NoCTypeAttribute { name: &"args" }.to_err())?;
        let items: Vec<Py<CType>> = sig.args.iter().map(|a| ctype_for(py, *a)).collect();
        Ok(PyTuple::new(py, items)?.unbind())
    }

    #[getter]
    fn result(&self, py: Python<'_>) -> PyResult<Py<CType>> {
        let r = table()
            .func(self.id)
            .map(|s| s.result)
            .ok_or_else(|| Msg::NoCTypeAttribute { name: &"result" }.to_err())?;
        Ok(ctype_for(py, r))
    }

    #[getter]
    fn ellipsis(&self) -> PyResult<bool> {
        table()
            .func(self.id)
            .map(|s| s.variadic)
            .ok_or_else(|| Msg::NoCTypeAttribute { name: &"ellipsis" }.to_err())
    }

    #[getter]
    fn abi(&self) -> PyResult<i32> {
        table()
            .func(self.id)
            .map(|_| crate::FFI_DEFAULT_ABI)
            .ok_or_else(|| Msg::NoCTypeAttribute { name: &"abi" }.to_err())
    }

    #[getter]
    fn elements(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let values = enum_values(self.id)
            .ok_or_else(|| Msg::NoCTypeAttribute { name: &"elements" }.to_err())?;
        let d = pyo3::types::PyDict::new(py);
        // A value given to several enumerators names the first, as cffi does.
        for (name, v) in values.into_iter().rev() {
            d.set_item(v, name)?;
        }
        Ok(d.into_any().unbind())
    }

    #[getter]
    fn relements(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let values = enum_values(self.id)
            .ok_or_else(|| Msg::NoCTypeAttribute { name: &"relements" }.to_err())?;
        let d = pyo3::types::PyDict::new(py);
        for (name, v) in values {
            d.set_item(name, v)?;
        }
        Ok(d.into_any().unbind())
    }

    fn __repr__(&self) -> String {
        format!("<ctype '{}'>", self.cname)
    }

    fn __dir__(&self) -> Vec<&'static str> {
        let mut names = vec!["kind", "cname"];
        match self.kind {
            Kind::Pointer => names.push("item"),
            Kind::Array => names.extend(["item", "length"]),
            Kind::Struct | Kind::Union => names.push("fields"),
            Kind::Enum => names.extend(["elements", "relements"]),
            Kind::Function => names.extend(["args", "result", "ellipsis", "abi"]),
            _ => {}
        }
        names
    }
}

/// The enumerators of an enum type.
pub fn enum_values(id: TypeId) -> Option<Vec<(String, i128)>> {
    match table().data(id) {
        TypeData::Enum(e) => Some(e.values.clone()),
        _ => None,
    }
}
