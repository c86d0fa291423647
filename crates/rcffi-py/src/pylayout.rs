//! Reads of CPython's object layout, kept in one place: each is version-gated
//! and saves a call into the interpreter on a hot path.

use std::ptr;
use std::sync::atomic::{AtomicPtr, Ordering};

use pyo3::ffi;
use pyo3::prelude::*;

/// The value of an exact Python int that fits a machine word; `None` for
/// anything else (which then takes the general conversion, with its checks and
/// messages).
#[inline]
pub(crate) fn exact_int(obj: &Bound<'_, PyAny>) -> Option<i64> {
    // SAFETY: `obj` is a live object.
    unsafe { exact_int_ptr(obj.as_ptr()) }
}

/// [`exact_int`] of a raw object pointer, for the call path that has only those.
///
/// # Safety
/// `obj` must be a live object and the GIL held; the error indicator is left
/// alone.
#[inline]
pub(crate) unsafe fn exact_int_ptr(obj: *mut ffi::PyObject) -> Option<i64> {
    if ffi::PyLong_CheckExact(obj) == 0 {
        return None;
    }
    if let Some(v) = compact_int(obj) {
        return Some(v);
    }
    // Wider ints: the conversion that reports an overflow without raising.
    let mut overflow = 0;
    let v = ffi::PyLong_AsLongLongAndOverflow(obj, &mut overflow);
    (overflow == 0).then_some(v)
}

/// The value of an exact int of at most one internal digit (|v| < 2**30), read
/// from CPython's object layout: most integers passed to C are small, and this
/// skips a call into the interpreter per argument. Larger ints return `None`.
///
/// # Safety
/// `obj` must be an exact `int`.
#[cfg(not(Py_3_12))]
#[inline]
unsafe fn compact_int(obj: *mut ffi::PyObject) -> Option<i64> {
    // Up to 3.11: the sign of `ob_size` is the sign, its magnitude the digit count.
    let size = (*(obj as *mut ffi::PyVarObject)).ob_size;
    let digit = || {
        i64::from(*((obj as *const u8).add(std::mem::size_of::<ffi::PyVarObject>()) as *const u32))
    };
    match size {
        0 => Some(0),
        1 => Some(digit()),
        -1 => Some(-digit()),
        _ => None,
    }
}

/// As above, for CPython 3.12+, whose ints keep the sign and digit count in a tag
/// (its low two bits: 0 positive, 1 zero, 2 negative; a single-digit int's tag is
/// below 16).
///
/// # Safety
/// `obj` must be an exact `int`.
#[cfg(Py_3_12)]
#[inline]
unsafe fn compact_int(obj: *mut ffi::PyObject) -> Option<i64> {
    let base = (obj as *const u8).add(std::mem::size_of::<ffi::PyObject>());
    let tag = *(base as *const usize);
    if tag >= 16 {
        return None;
    }
    if tag & 3 == 1 {
        return Some(0);
    }
    let digit = i64::from(*(base.add(std::mem::size_of::<usize>()) as *const u32));
    Some((1 - (tag & 3) as i64) * digit)
}

/// The contents of an exact `bytes` object (without its terminating NUL),
/// read from its layout; `None` for anything else.
#[inline]
pub(crate) fn exact_bytes<'a>(obj: &'a Bound<'_, PyAny>) -> Option<&'a [u8]> {
    let p = obj.as_ptr();
    // SAFETY: `obj` is live; an exact bytes object holds `ob_size` bytes at
    // `ob_sval`, immutable while `obj` is borrowed.
    unsafe {
        if ffi::PyBytes_CheckExact(p) == 0 {
            return None;
        }
        let len = (*(p as *mut ffi::PyVarObject)).ob_size as usize;
        let data = ptr::addr_of!((*(p as *mut ffi::PyBytesObject)).ob_sval) as *const u8;
        Some(std::slice::from_raw_parts(data, len))
    }
}

/// Whether `name` is in the class's own `__dict__` with a value other than
/// None, read from the type object's dict without making a mapping proxy.
pub(crate) fn own_attribute_set(
    cls: &Bound<'_, pyo3::types::PyType>,
    name: &Bound<'_, pyo3::types::PyString>,
) -> bool {
    // SAFETY: a heap type (every class rcffi.ctypes makes) has its `tp_dict`;
    // the item is borrowed only for the comparison.
    unsafe {
        let dict = (*cls.as_type_ptr()).tp_dict;
        if dict.is_null() {
            return false;
        }
        let item = ffi::PyDict_GetItemWithError(dict, name.as_ptr());
        if item.is_null() {
            ffi::PyErr_Clear();
            return false;
        }
        item != ffi::Py_None()
    }
}

/// The type of the object whose PyO3 contents start at `contents` (PyO3 puts
/// a pyclass's value right after the object header).
///
/// # Safety
/// `contents` must be the value of a live pyclass object.
#[inline]
pub(crate) unsafe fn type_of_contents(contents: *const u8) -> *mut ffi::PyTypeObject {
    let obj = contents.sub(std::mem::size_of::<ffi::PyObject>()) as *const ffi::PyObject;
    (*obj).ob_type
}

/// The address `offset` bytes into the object whose contents are at `contents`.
///
/// # Safety
/// As [`type_of_contents`], and the object must be at least `offset` bytes.
#[inline]
pub(crate) unsafe fn after_contents(contents: *const u8, offset: usize) -> *mut u8 {
    contents
        .sub(std::mem::size_of::<ffi::PyObject>())
        .add(offset) as *mut u8
}

/// A new object of type `tp`, `size` bytes from the object allocator, with its
/// header set and the rest uninitialised: one allocation for an object and the
/// data it carries, as the interpreter's own variable-size objects do. `None`
/// when memory is short.
///
/// # Safety
/// `tp` must be a non-GC type without items whose `tp_free` is
/// `PyObject_Free`, and the caller must write every field before the object
/// is used.
pub(crate) unsafe fn new_object(
    tp: *mut ffi::PyTypeObject,
    size: usize,
) -> Option<*mut ffi::PyObject> {
    let obj = ffi::PyObject_Malloc(size) as *mut ffi::PyObject;
    if obj.is_null() {
        return None;
    }
    // Sets the type (a new reference for heap types) and the reference count.
    ffi::PyObject_Init(obj, tp);
    Some(obj)
}

/// A subtype of `base` named `name` whose instances are `size` bytes, with
/// nothing of its own but that size and `dealloc`: it inherits every other slot.
///
/// # Safety
/// `base` must be a type open to subclassing whose instances are `size` bytes
/// or fewer; the new type is never freed.
pub(crate) unsafe fn new_subtype(
    py: Python<'_>,
    base: *mut ffi::PyTypeObject,
    name: &'static std::ffi::CStr,
    size: usize,
    dealloc: ffi::destructor,
) -> PyResult<*mut ffi::PyTypeObject> {
    // The spec is read during the call only. Without a deallocator of its own
    // the type would get the interpreter's generic one for Python classes.
    let mut slots = [
        ffi::PyType_Slot {
            slot: ffi::Py_tp_dealloc,
            pfunc: dealloc as *mut std::ffi::c_void,
        },
        ffi::PyType_Slot {
            slot: 0,
            pfunc: std::ptr::null_mut(),
        },
    ];
    let mut spec = ffi::PyType_Spec {
        name: name.as_ptr(),
        basicsize: size as std::os::raw::c_int,
        itemsize: 0,
        flags: ffi::Py_TPFLAGS_DEFAULT as std::os::raw::c_uint,
        slots: slots.as_mut_ptr(),
    };
    let tp = ffi::PyType_FromSpecWithBases(&mut spec, base as *mut ffi::PyObject);
    if tp.is_null() {
        return Err(PyErr::fetch(py));
    }
    Ok(tp as *mut ffi::PyTypeObject)
}

/// Makes instances of `tp` vectorcall objects of `size` bytes whose entry
/// point is `offset` bytes in. PyO3 has no switch for this, so the type is
/// adjusted after its creation.
///
/// # Safety
/// `tp` must have no instances yet, and every instance made later must be
/// `size` bytes with the entry at `offset`.
pub(crate) unsafe fn enable_vectorcall(tp: *mut ffi::PyTypeObject, size: usize, offset: usize) {
    debug_assert!(offset < size);
    (*tp).tp_basicsize = size as isize;
    (*tp).tp_vectorcall_offset = offset as isize;
    (*tp).tp_flags |= ffi::Py_TPFLAGS_HAVE_VECTORCALL;
    ffi::PyType_Modified(tp);
}

/// Makes instances of `tp` vectorcall objects whose entry point is `offset`
/// bytes in, and the type an immutable method descriptor whose `__get__` is
/// `get`: the interpreter then calls `obj.f(...)` on its instances without a
/// bound-method object (it only trusts descriptors of immutable types), and
/// reads `obj.f` through `get` straight from its attribute lookup, without
/// the argument parsing of a Python-level `__get__`. PyO3 has no switch for
/// these.
///
/// # Safety
/// `tp` must have no instance called yet, and the entry be at `offset` in
/// every instance.
pub(crate) unsafe fn make_vectorcall_method_descriptor(
    tp: *mut ffi::PyTypeObject,
    offset: usize,
    get: ffi::descrgetfunc,
) {
    debug_assert!((offset as isize) < (*tp).tp_basicsize);
    (*tp).tp_vectorcall_offset = offset as isize;
    (*tp).tp_descr_get = Some(get);
    (*tp).tp_flags |= ffi::Py_TPFLAGS_HAVE_VECTORCALL
        | ffi::Py_TPFLAGS_METHOD_DESCRIPTOR
        | ffi::Py_TPFLAGS_IMMUTABLETYPE;
    ffi::PyType_Modified(tp);
}

/// The attribute and item slots of a type, as `swap_access_slots` trades them.
pub(crate) type AccessSlots = (
    ffi::getattrofunc,
    ffi::setattrofunc,
    ffi::binaryfunc,
    ffi::objobjargproc,
);

/// Puts `new` in the type's `tp_getattro`, `tp_setattro`, `mp_subscript` and
/// `mp_ass_subscript` and returns the slots it had; `None` (nothing changed)
/// when the type lacks one of them.
///
/// # Safety
/// `tp` must be a fully created type with no instance yet and no subclass
/// (subclasses copied the old slots).
pub(crate) unsafe fn swap_access_slots(
    tp: *mut ffi::PyTypeObject,
    new: AccessSlots,
) -> Option<AccessSlots> {
    let mapping = (*tp).tp_as_mapping;
    if mapping.is_null() {
        return None;
    }
    let old = (
        (*tp).tp_getattro?,
        (*tp).tp_setattro?,
        (*mapping).mp_subscript?,
        (*mapping).mp_ass_subscript?,
    );
    (*tp).tp_getattro = Some(new.0);
    (*tp).tp_setattro = Some(new.1);
    (*mapping).mp_subscript = Some(new.2);
    (*mapping).mp_ass_subscript = Some(new.3);
    Some(old)
}

/// Puts `subscript` and `ass_subscript` in the type's mapping slots.
///
/// # Safety
/// `tp` must be a fully created heap type with a mapping protocol and no
/// subclass yet.
pub(crate) unsafe fn set_item_slots(
    tp: *mut ffi::PyTypeObject,
    subscript: ffi::binaryfunc,
    ass_subscript: ffi::objobjargproc,
) {
    let mapping = (*tp).tp_as_mapping;
    (*mapping).mp_subscript = Some(subscript);
    (*mapping).mp_ass_subscript = Some(ass_subscript);
    ffi::PyType_Modified(tp);
}

/// `(tp_basicsize, tp_weaklistoffset)` of a type.
///
/// # Safety
/// `tp` must be a live type object.
pub(crate) unsafe fn instance_layout(tp: *mut ffi::PyTypeObject) -> (isize, isize) {
    ((*tp).tp_basicsize, (*tp).tp_weaklistoffset)
}

/// Refuses later subclasses of `tp`.
///
/// # Safety
/// `tp` must be a live, fully created type object.
pub(crate) unsafe fn close_to_subclassing(tp: *mut ffi::PyTypeObject) {
    (*tp).tp_flags &= !ffi::Py_TPFLAGS_BASETYPE;
    ffi::PyType_Modified(tp);
}

/// Replaces the deallocator of `tp`.
///
/// # Safety
/// `tp` must have no instances yet, and `dealloc` free them as they are made.
pub(crate) unsafe fn set_dealloc(tp: *mut ffi::PyTypeObject, dealloc: ffi::destructor) {
    (*tp).tp_dealloc = Some(dealloc);
    ffi::PyType_Modified(tp);
}

/// The smallest int CPython keeps one shared object for.
const SMALL_INT_MIN: i64 = -5;
/// How many there are (-5 to 256).
const SMALL_INT_COUNT: usize = 262;

/// CPython's shared objects for the ints -5 to 256, one reference each kept
/// for the life of the process; NULL until [`cache_small_ints`] ran.
static SMALL_INTS: [AtomicPtr<ffi::PyObject>; SMALL_INT_COUNT] =
    [const { AtomicPtr::new(ptr::null_mut()) }; SMALL_INT_COUNT];

/// Fills [`SMALL_INTS`], at module creation. Asking the interpreter gives its
/// own shared objects, so [`int_object`] returns exactly what it would.
pub(crate) fn cache_small_ints(_py: Python<'_>) {
    for (slot, v) in SMALL_INTS.iter().zip(SMALL_INT_MIN..) {
        // SAFETY: the GIL is held (`_py`); the reference is kept forever.
        let obj = unsafe { ffi::PyLong_FromLongLong(v) };
        if obj.is_null() {
            // SAFETY: as above; the slot stays NULL and is asked for again.
            unsafe { ffi::PyErr_Clear() };
            continue;
        }
        slot.store(obj, Ordering::Relaxed);
    }
}

/// `PyLong_FromLongLong(v)`, with the ints most C functions and fields hold
/// (small counts, flags, 0 and -1 results) taken from the cache without a
/// call: ~5 instructions instead of ~21 (callgrind).
///
/// # Safety
/// The GIL is held. The result is a new reference, or NULL with an error set.
#[inline(always)]
pub(crate) unsafe fn int_object(v: i64) -> *mut ffi::PyObject {
    let slot = v.wrapping_sub(SMALL_INT_MIN) as u64;
    if slot < SMALL_INT_COUNT as u64 {
        let obj = SMALL_INTS[slot as usize].load(Ordering::Relaxed);
        if !obj.is_null() {
            ffi::Py_INCREF(obj);
            return obj;
        }
    }
    ffi::PyLong_FromLongLong(v)
}
