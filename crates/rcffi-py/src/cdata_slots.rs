//! The interpreter's slots for the commonest cdata accesses: reading and
//! writing a scalar field (`p.x`, `p.x = 5`) and a scalar item (`a[5]`,
//! `a[5] = 7`), where a scalar is an integer (an enum's too), a `float` or a
//! `double`.
//!
//! No type is classified here: a field or an item is known by the scalar
//! engine's `Machine` (`rcffi_core::scalar`), which its `CType` (and each
//! field, beside its offset) carries; the loads and stores are the engine's,
//! and what a store takes without the general conversion is what the engine's
//! front end (`convert_scalar.rs`) takes on its fast paths under
//! `Rules::ASSIGN`, so the two cannot disagree.
//!
//! PyO3's slot wrappers are general: a trampoline with a panic guard and a
//! thread-local GIL count, a checked cast of `self`, results moved through
//! `PyResult`. Measured with callgrind (`benches/callgrind.py "arr[5]"`), they
//! were about 100 of the 346 instructions of an item read. So at module
//! creation the `CData` type's four slots are replaced by the functions here.
//! Each takes the common case with plain reads of the object and of C memory,
//! and hands anything else (a name or an index it does not find at once, a
//! value it would not store exactly as the general conversion does, every
//! error) to the slot PyO3 made, which redoes the access with all its checks
//! and messages. Nothing here can fail or panic before that hand-over, so no
//! behaviour is decided in this module.

use std::os::raw::c_int;
use std::sync::{Once, OnceLock};

use pyo3::ffi;
use pyo3::prelude::*;
use rcffi_core::ctype::Kind;
use rcffi_core::scalar::{load_float, store_float, store_int, Machine, Rules};

use crate::cdata::CData;
use crate::convert_scalar::{exact_float, word_within};
use crate::pylayout::{exact_int_ptr, int_object, swap_access_slots, AccessSlots};

/// The value at `addr` as a new reference (NULL with the error set if the
/// object could not be made), for the scalars read here: the integers (plain
/// and enums) and `float` and `double`; `None` for every other machine
/// (`_Bool`, characters, `long double`, complex numbers, pointers), whose
/// Python values are more than a number. One match on the machine, the
/// engine's typed loads inlined into it.
///
/// # Safety
/// `addr` must be readable for the machine's size; the GIL is held.
#[inline(always)]
unsafe fn load(m: Machine, addr: *const u8) -> Option<*mut ffi::PyObject> {
    Some(match m {
        Machine::U64 => ffi::PyLong_FromUnsignedLongLong(m.load_int(addr) as u64),
        // Every other integer fits an i64.
        _ if m.is_integer() => int_object(m.load_int(addr) as i64),
        Machine::F32 | Machine::F64 => ffi::PyFloat_FromDouble(load_float(addr, m)),
        _ => return None,
    })
}

/// Stores `value` at `addr` if the front end's fast paths take it under
/// assignment's rules (an exact int within the machine's range, an exact
/// float for a floating machine), so that it is stored exactly as the general
/// conversion would; `false` (nothing written, no error set) for anything
/// else.
///
/// # Safety
/// `addr` must be writable for the machine's size, `value` a live object;
/// the GIL is held.
#[inline(always)]
unsafe fn store(m: Machine, addr: *mut u8, value: *mut ffi::PyObject) -> bool {
    match m {
        _ if m.is_integer() => word_within(value, Rules::ASSIGN.word_bounds(m))
            .map(|v| store_int(addr, m.size(), i128::from(v)))
            .is_some(),
        Machine::F32 | Machine::F64 => exact_float(value)
            .map(|v| store_float(addr, m, v))
            .is_some(),
        _ => false,
    }
}

/// The slots PyO3 made for `CData`, which the ones here fall back to.
struct Originals {
    getattro: ffi::getattrofunc,
    setattro: ffi::setattrofunc,
    subscript: ffi::binaryfunc,
    ass_subscript: ffi::objobjargproc,
}

static ORIGINALS: OnceLock<Originals> = OnceLock::new();
static INSTALL: Once = Once::new();

/// The slots PyO3 made. Ours are only installed after these are recorded,
/// so they are always there when one of ours runs.
#[inline(always)]
fn originals() -> &'static Originals {
    match ORIGINALS.get() {
        Some(o) => o,
        None => std::process::abort(),
    }
}

/// Replaces the attribute and item slots of `CData` by the ones here, once per
/// process (the type object is shared by every initialisation of the module),
/// before any subclass copies them. A slot PyO3 did not make leaves the type
/// as it is.
pub(crate) fn install(py: Python<'_>) {
    let tp = py.get_type::<CData>().as_type_ptr();
    INSTALL.call_once(|| {
        // SAFETY: our own type object, fully created; the slots are swapped
        // before any instance exists, and the originals stay callable.
        let new: AccessSlots = (get_attr, set_attr, get_item, set_item);
        if let Some((getattro, setattro, subscript, ass_subscript)) =
            unsafe { swap_access_slots(tp, new) }
        {
            let _ = ORIGINALS.set(Originals {
                getattro,
                setattro,
                subscript,
                ass_subscript,
            });
        }
    });
}

/// The `CData` behind a slot's `self`.
///
/// # Safety
/// `obj` is an instance of `CData` (or of a subclass) that outlives the use.
#[inline(always)]
unsafe fn cdata<'a>(obj: *mut ffi::PyObject) -> &'a CData {
    let py = Python::assume_attached();
    let bound = Borrowed::from_ptr(py, obj).cast_unchecked::<CData>();
    &*(bound.get() as *const CData)
}

/// Where the scalar field `name` of the struct or union `obj` is or points to
/// lives, and its machine: `None` for anything but a live cdata of a
/// completed record (through a non-NULL pointer) with a scalar field (no bit
/// field) of exactly that interned name.
///
/// # Safety
/// As [`cdata`]; the GIL is held.
#[inline(always)]
unsafe fn scalar_field(
    obj: *mut ffi::PyObject,
    name: *mut ffi::PyObject,
) -> Option<(*mut u8, Machine)> {
    let this = cdata(obj);
    if !this.alive_on_its_own() {
        return None;
    }
    let ct = this.ct();
    let record = match ct.kind {
        Kind::Struct | Kind::Union => ct,
        Kind::Pointer => {
            let target = ct.item.as_ref()?.get();
            if !target.is_record() || this.address().is_null() {
                return None;
            }
            target
        }
        _ => return None,
    };
    let field = record
        .record(Python::assume_attached())?
        .field_by_identity(name)?;
    let m = field.machine?;
    Some((this.address().wrapping_add(field.offset), m))
}

/// Where item `key` of the array or pointer `obj` is, and its machine: `None`
/// for anything but an exact int index in bounds of a live array, or any
/// index of a non-NULL pointer (only 0 of one `new` made), to a scalar item.
///
/// # Safety
/// As [`cdata`]; `key` is a live object and the GIL is held.
#[inline(always)]
unsafe fn scalar_item(
    obj: *mut ffi::PyObject,
    key: *mut ffi::PyObject,
) -> Option<(*mut u8, Machine)> {
    let i = exact_int_ptr(key)?;
    let this = cdata(obj);
    if !this.alive_on_its_own() {
        return None;
    }
    let ct = this.ct();
    match ct.kind {
        Kind::Array if (i as u64) < this.array_length() as u64 && !this.address().is_null() => {}
        Kind::Pointer if !this.address().is_null() && (i == 0 || this.owned_size().is_none()) => {}
        _ => return None,
    }
    let m = ct.item.as_ref()?.get().machine?;
    let addr = this
        .address()
        .wrapping_offset((i as isize).wrapping_mul(m.size() as isize));
    Some((addr, m))
}

/// The value at `place`, as a new reference; `None` to hand over.
///
/// # Safety
/// `place` comes from [`scalar_field`] or [`scalar_item`]; the GIL is held.
#[inline(always)]
unsafe fn loaded(place: Option<(*mut u8, Machine)>) -> Option<*mut ffi::PyObject> {
    let (addr, m) = place?;
    load(m, addr)
}

/// Whether `value` was stored at the place `find` gives; `false` to hand
/// over, without looking for a place when `value` is NULL (a deletion).
///
/// # Safety
/// As [`loaded`]; `value` is NULL or a live object.
#[inline(always)]
unsafe fn stored(
    find: impl FnOnce() -> Option<(*mut u8, Machine)>,
    value: *mut ffi::PyObject,
) -> bool {
    !value.is_null() && find().is_some_and(|(addr, m)| store(m, addr, value))
}

/// `tp_getattro`.
///
/// # Safety
/// Called by CPython with the GIL held and live arguments.
unsafe extern "C" fn get_attr(
    obj: *mut ffi::PyObject,
    name: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    match loaded(scalar_field(obj, name)) {
        Some(value) => value,
        None => (originals().getattro)(obj, name),
    }
}

/// `tp_setattro`.
///
/// # Safety
/// Called by CPython with the GIL held and live arguments (`value` NULL for
/// a deletion).
unsafe extern "C" fn set_attr(
    obj: *mut ffi::PyObject,
    name: *mut ffi::PyObject,
    value: *mut ffi::PyObject,
) -> c_int {
    if stored(|| scalar_field(obj, name), value) {
        return 0;
    }
    (originals().setattro)(obj, name, value)
}

/// `mp_subscript`.
///
/// # Safety
/// Called by CPython with the GIL held and live arguments.
unsafe extern "C" fn get_item(
    obj: *mut ffi::PyObject,
    key: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    match loaded(scalar_item(obj, key)) {
        Some(value) => value,
        None => (originals().subscript)(obj, key),
    }
}

/// `mp_ass_subscript`.
///
/// # Safety
/// Called by CPython with the GIL held and live arguments (`value` NULL for
/// a deletion).
unsafe extern "C" fn set_item(
    obj: *mut ffi::PyObject,
    key: *mut ffi::PyObject,
    value: *mut ffi::PyObject,
) -> c_int {
    if stored(|| scalar_item(obj, key), value) {
        return 0;
    }
    (originals().ass_subscript)(obj, key, value)
}
