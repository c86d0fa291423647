//! Conversions between Python objects and C values in memory, following cffi's
//! conversion table: each read or write dispatches once on the type's kind.
//! Scalars are `convert_scalar.rs`'s; this module owns pointers, records and
//! arrays.

use std::ptr;

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyInt, PyList, PyString, PyTuple};
use rcffi_core::ctype::{Kind, Prim, PrimClass};
use rcffi_core::scalar::store_int;

use crate::cdata::{CData, Owner};
use crate::convert_scalar::{int_object, read_scalar, type_name, write_scalar};
use crate::messages::Msg;
use crate::types::{CType, FieldInfo};

/// Reads the C value of type `ct` at `addr` as a Python object.
///
/// Structs, unions and arrays come back as cdata viewing the memory, keeping
/// `parent` (the object that owns or views that memory) alive.
///
/// # Safety
/// `addr` must be readable for the type's size.
#[inline]
pub unsafe fn read(
    py: Python<'_>,
    ctp: &Py<CType>,
    addr: *const u8,
    parent: Option<&Bound<'_, PyAny>>,
) -> PyResult<Py<PyAny>> {
    let ct = ctp.get();
    match ct.kind {
        Kind::Primitive | Kind::Enum => read_scalar(py, ctp, addr),
        Kind::Pointer | Kind::Function => {
            let p = ptr::read_unaligned(addr as *const *mut u8);
            Ok(CData::new_pointer(py, ctp.clone_ref(py), p)?.into_any())
        }
        Kind::Array | Kind::Struct | Kind::Union => {
            let owner = parent.map_or(Owner::None, |p| Owner::Keep(p.clone().unbind()));
            Ok(CData::new_view(
                py,
                ctp.clone_ref(py),
                addr as *mut u8,
                owner,
                ct.kind != Kind::Array,
            )?
            .into_any())
        }
        Kind::Void => Err(Msg::ReadVoid.to_err()),
    }
}

/// Writes `obj` as a C value of type `ct` at `addr`.
///
/// # Safety
/// `addr` must be writable for the type's size.
pub unsafe fn write(
    py: Python<'_>,
    ct: &CType,
    addr: *mut u8,
    obj: &Bound<'_, PyAny>,
) -> PyResult<()> {
    match ct.kind {
        Kind::Primitive | Kind::Enum => write_scalar(ct, addr, obj),
        Kind::Pointer | Kind::Function => {
            let p = pointer_for(py, ct, obj)?;
            ptr::write_unaligned(addr as *mut *mut u8, p);
            Ok(())
        }
        Kind::Struct | Kind::Union => write_record(py, ct, addr, obj, ct.size().unwrap_or(0)),
        Kind::Array => write_array(py, ct, addr, ct.length, obj),
        Kind::Void => Err(Msg::WriteVoid.to_err()),
    }
}

/// The address a pointer of type `ct` gets from `obj`: a cdata of a compatible
/// pointer type (same target, `void *` on either side, `char`-like targets for
/// each other), or an array of the pointed-to type.
pub fn pointer_for(py: Python<'_>, ct: &CType, obj: &Bound<'_, PyAny>) -> PyResult<*mut u8> {
    // Cdata first: the other accepted objects are looked for only when it fails.
    let behind = if obj.is_instance_of::<CData>() {
        None
    } else {
        function_behind(obj)
    };
    let obj = behind.as_ref().map_or(obj, |f| f.as_any());
    let Ok(cd) = obj.cast::<CData>() else {
        if let Some(stream) = crate::files::file_of_if_expected(py, ct, obj)? {
            return Ok(stream);
        }
        return Err(Msg::PointerInitializer {
            ctype: &ct.cname,
            given: &type_name(obj),
        }
        .to_err());
    };
    let cd = cd.get();
    let other = cd.ctype.get();
    if !matches!(other.kind, Kind::Pointer | Kind::Array | Kind::Function) {
        return Err(Msg::PointerOrArrayInitializer {
            ctype: &ct.cname,
            given: &other.cname,
        }
        .to_err());
    }
    let compatible = other.id == ct.id
        || match (ct.kind, other.kind) {
            (Kind::Pointer, Kind::Pointer | Kind::Array) => {
                is_void_ptr(ct)
                    || (other.kind == Kind::Pointer && is_void_ptr(other))
                    || ct.item_ref().id == other.item_ref().id
                    || chars_match(ct.item_ref(), other.item_ref())
            }
            (Kind::Pointer, Kind::Function) => is_void_ptr(ct),
            (Kind::Function, Kind::Pointer) => is_void_ptr(other),
            _ => false,
        };
    if !compatible {
        // Function types have no item: only pointers and arrays can be `char *`.
        let points_to_char =
            |t: &CType| matches!(t.kind, Kind::Pointer | Kind::Array) && is_char(t.item_ref());
        let (mine, theirs) = (points_to_char(ct), points_to_char(other));
        let msg = if theirs && !mine && other.kind != Kind::Function {
            Msg::ImplicitCastFromChar {
                given: &other.cname,
            }
        } else if mine && !theirs {
            Msg::ImplicitCastToChar { ctype: &ct.cname }
        } else if ct.cname == other.cname {
            Msg::SameNameOtherType {
                ctype: &ct.cname,
                given: &other.cname,
            }
        } else {
            Msg::NotSamePointerType {
                ctype: &ct.cname,
                given: &other.cname,
            }
        };
        return Err(msg.to_err());
    }
    cd.check_alive(py)?;
    Ok(cd.address())
}

/// The C function behind a builtin function of an API-mode lib (its
/// `__self__`), which stands for a function pointer wherever C takes one, as in
/// cffi.
pub fn function_behind<'py>(obj: &Bound<'py, PyAny>) -> Option<Bound<'py, CData>> {
    if !obj.is_instance_of::<pyo3::types::PyCFunction>() {
        return None;
    }
    let this = obj.getattr(pyo3::intern!(obj.py(), "__self__")).ok()?;
    let cd = this.cast_into::<CData>().ok()?;
    (cd.get().ctype.get().kind == Kind::Function).then_some(cd)
}

/// Plain `char`, the type C strings are made of.
fn is_char(ct: &CType) -> bool {
    ct.kind == Kind::Primitive && ct.prim == Some(Prim::Char)
}

/// `char *` and pointers to other byte-sized integers convert into each other.
fn chars_match(a: &CType, b: &CType) -> bool {
    let byte_int = |t: &CType| {
        t.kind == Kind::Primitive
            && matches!(
                t.prim,
                Some(
                    Prim::Char | Prim::SChar | Prim::UChar | Prim::Int8 | Prim::UInt8 | Prim::Bool
                )
            )
    };
    (is_char(a) && byte_int(b)) || (is_char(b) && byte_int(a))
}

fn is_void_ptr(ct: &CType) -> bool {
    ct.kind == Kind::Pointer && ct.item_ref().kind == Kind::Void
}

/// Writes a struct or union into `room` bytes at `addr`: its size, or more when
/// it is the start of an allocation that also holds the items of a flexible
/// array member (its own, or one of a struct in its last field). Items of such
/// a member are written only as far as `room` goes.
///
/// # Safety
/// `addr` must be writable for `room` bytes, and `room` at least the size.
pub unsafe fn write_record(
    py: Python<'_>,
    ct: &CType,
    addr: *mut u8,
    obj: &Bound<'_, PyAny>,
    room: usize,
) -> PyResult<()> {
    if let Ok(cd) = obj.cast::<CData>() {
        let c = cd.get();
        if c.ctype.get().id == ct.id && c.ctype.get().kind == ct.kind {
            ptr::copy(c.address(), addr, ct.size_or_err()?);
            return Ok(());
        }
    }
    let Some(rec) = ct.record(py) else {
        return Err(Msg::OpaqueRecordInitializer { ctype: &ct.cname }.to_err());
    };
    if let Ok(list) = obj.cast::<PyList>() {
        return write_fields_seq(py, ct, rec, addr, list.iter(), room);
    }
    if let Ok(tuple) = obj.cast::<PyTuple>() {
        return write_fields_seq(py, ct, rec, addr, tuple.iter(), room);
    }
    if let Ok(dict) = obj.cast::<PyDict>() {
        // A snapshot of the items: converting a value runs Python code
        // (`__index__`, `__float__`) that may change the dict.
        for (k, v) in dict
            .items()
            .iter()
            .map(|kv| kv.extract::<(Bound<'_, PyAny>, Bound<'_, PyAny>)>())
            .collect::<PyResult<Vec<_>>>()?
        {
            let name: String = k.extract()?;
            let f = rec.field(&name).ok_or_else(|| {
                Msg::InitializerNoSuchField {
                    ctype: &ct.cname,
                    name: &name,
                }
                .to_err()
            })?;
            write_member(py, f, addr, &v, room)?;
        }
        return Ok(());
    }
    Err(Msg::RecordInitializer {
        ctype: &ct.cname,
        given: &type_name(obj),
    }
    .to_err())
}

unsafe fn write_fields_seq<'py>(
    py: Python<'py>,
    ct: &CType,
    rec: &crate::types::RecordInfo,
    addr: *mut u8,
    items: impl ExactSizeIterator<Item = Bound<'py, PyAny>>,
    room: usize,
) -> PyResult<()> {
    let named: Vec<&FieldInfo> = rec.fields.iter().filter(|f| !f.skip_in_init).collect();
    let n = items.len();
    // cffi's order: the members in turn (the first bad value wins), then the count.
    for (f, v) in named.iter().zip(items) {
        write_member(py, f, addr, &v, room)?;
    }
    if n > named.len() {
        return Err(Msg::TooManyRecordInitializers {
            ctype: &ct.cname,
            n: &n,
        }
        .to_err());
    }
    Ok(())
}

/// Writes one member of a record that has `room` bytes at `base`: a flexible
/// array member gets the items that fit, a nested record the room after its
/// offset (its own flexible member may extend into it).
unsafe fn write_member(
    py: Python<'_>,
    f: &FieldInfo,
    base: *mut u8,
    v: &Bound<'_, PyAny>,
    room: usize,
) -> PyResult<()> {
    let ct = f.ctype.get();
    let after = room.saturating_sub(f.offset);
    if f.flexible && (v.is_instance_of::<CData>() || v.extract::<i128>().is_err()) {
        let items = after / ct.item_ref().size_or_err()?.max(1);
        return write_flexible(py, f, base, v, items);
    }
    if f.bitsize.is_none() && ct.is_record() && ct.size().is_some_and(|s| s <= after) {
        return write_record(py, ct, base.add(f.offset), v, after);
    }
    write_field(py, f, base, v)
}

/// Whether a bit field of `prim` holds negative values. Not a `_Bool`, and not
/// a plain `char`: cffi treats its bits as a byte's, unsigned (`char b:8`
/// takes 128 and reads it back), as it does `int()` of a `char`.
fn signed_bitfield(prim: Prim) -> bool {
    prim.is_signed() && prim != Prim::Bool && prim != Prim::Char
}

/// Writes one member of the record at `base`.
///
/// # Safety
/// `base` must point to a writable record containing `f`.
pub unsafe fn write_field(
    py: Python<'_>,
    f: &FieldInfo,
    base: *mut u8,
    v: &Bound<'_, PyAny>,
) -> PyResult<()> {
    let ct = f.ctype.get();
    let addr = base.add(f.offset);
    match (f.bitshift, f.bitsize) {
        (Some(shift), Some(width)) => {
            let prim = ct.prim.expect("integer bitfield");
            let value = bitfield_value(v)?;
            let (lo, hi) = if signed_bitfield(prim) {
                // As in cffi, "int x:1" also takes 1 (read back as -1), for flags.
                (-(1i128 << (width - 1)), ((1i128 << (width - 1)) - 1).max(1))
            } else {
                (0, (1i128 << width) - 1)
            };
            if value < lo || value > hi {
                return Err(Msg::BitfieldOverflow {
                    value: &value,
                    lo: &lo,
                    hi: &hi,
                }
                .to_err());
            }
            let n = bitfield_bytes(shift, width);
            let mask: u128 = ((1u128 << width) - 1) << shift;
            let unit = load_bytes(addr, n);
            store_bytes(
                addr,
                n,
                (unit & !mask) | (((value as u128) << shift) & mask),
            );
            Ok(())
        }
        // A flexible array member given as a number: only the length, which
        // the allocation used; the items stay zero.
        _ if f.flexible && !v.is_instance_of::<CData>() && v.extract::<i128>().is_ok() => Ok(()),
        _ => write(py, ct, addr, v),
    }
}

/// Writes a flexible array member that has room for `room` items.
///
/// # Safety
/// `base` must point to a writable record with that much room after it.
pub unsafe fn write_flexible(
    py: Python<'_>,
    f: &FieldInfo,
    base: *mut u8,
    v: &Bound<'_, PyAny>,
    room: usize,
) -> PyResult<()> {
    write_array(py, f.ctype.get(), base.add(f.offset), Some(room), v)
}

/// The value given to a bitfield: an int, or an object with `__index__`. cffi
/// converts bitfield values as Python converts an index, so `__int__` alone and
/// integer cdata are refused there, with Python's own message.
fn bitfield_value(v: &Bound<'_, PyAny>) -> PyResult<i128> {
    if let Some(x) = crate::pylayout::exact_int(v) {
        return Ok(i128::from(x));
    }
    // SAFETY: `v` is live; the result is a new reference, or NULL with an error set.
    let index = unsafe { Bound::from_owned_ptr_or_err(v.py(), ffi::PyNumber_Index(v.as_ptr()))? };
    index.extract::<i128>()
}

/// How many bytes from its unit's start a bitfield touches. Packed layouts can
/// put a bitfield across the end of its type's unit, so this, not the type's
/// size, bounds every bitfield access.
fn bitfield_bytes(shift: u32, width: u32) -> usize {
    (shift + width).div_ceil(8) as usize
}

unsafe fn load_bytes(addr: *const u8, n: usize) -> u128 {
    let mut buf = [0u8; 16];
    ptr::copy_nonoverlapping(addr, buf.as_mut_ptr(), n);
    u128::from_le_bytes(buf)
}

unsafe fn store_bytes(addr: *mut u8, n: usize, v: u128) {
    ptr::copy_nonoverlapping(v.to_le_bytes().as_ptr(), addr, n);
}

/// Reads one member of the record at `base`.
///
/// # Safety
/// `base` must point to a readable record containing `f`.
pub unsafe fn read_field(
    py: Python<'_>,
    f: &FieldInfo,
    base: *mut u8,
    parent: &Bound<'_, PyAny>,
) -> PyResult<Py<PyAny>> {
    let addr = base.add(f.offset);
    match (f.bitshift, f.bitsize) {
        (Some(shift), Some(width)) => {
            let ct = f.ctype.get();
            let prim = ct.prim.expect("integer bitfield");
            let unit = load_bytes(addr, bitfield_bytes(shift, width));
            let mut v = ((unit >> shift) & ((1u128 << width) - 1)) as i128;
            if signed_bitfield(prim) && (v >> (width - 1)) & 1 == 1 {
                v -= 1i128 << width;
            }
            if prim == Prim::Bool {
                return Ok((v != 0).into_pyobject(py)?.to_owned().into_any().unbind());
            }
            int_object(py, v)
        }
        // A `T x[0]` field (the pre-C99 variable-size idiom) reads as `T *`:
        // an array of no items would be useless.
        _ if f.ctype.get().kind == Kind::Array && f.ctype.get().length == Some(0) => {
            Ok(CData::new_pointer(py, f.ctype.get().decayed(py), addr)?.into_any())
        }
        _ => read(py, &f.ctype, addr, Some(parent)),
    }
}

/// Writes an array of `length` items (or as many as given when unknown).
///
/// # Safety
/// `addr` must be writable for `length` items.
pub(crate) unsafe fn write_array(
    py: Python<'_>,
    ct: &CType,
    addr: *mut u8,
    length: Option<usize>,
    obj: &Bound<'_, PyAny>,
) -> PyResult<()> {
    let item = ct.item_ref();
    let item_size = item.size_or_err()?;
    if let Ok(cd) = obj.cast::<CData>() {
        let c = cd.get();
        let oc = c.ctype.get();
        // Only an array of this very type copies (as cffi): another length
        // would silently truncate or leave items unset.
        if oc.id == ct.id {
            let n = c.array_length();
            if length.is_some_and(|len| n > len) {
                return Err(Msg::TooManyArrayInitializers {
                    ctype: &ct.cname,
                    given: &n,
                    len: &length.unwrap_or(0),
                }
                .to_err());
            }
            c.check_alive(obj.py())?;
            if c.address().is_null() {
                return Err(crate::cdata::null_error(oc));
            }
            ptr::copy(c.address(), addr, n * item_size);
            return Ok(());
        }
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        if item.kind == Kind::Primitive
            && item_size == 1
            && matches!(
                item.prim,
                Some(
                    Prim::Char | Prim::SChar | Prim::UChar | Prim::Bool | Prim::Int8 | Prim::UInt8
                )
            )
        {
            let bytes = b.as_bytes();
            check_bool_bytes(item, bytes)?;
            if let Some(len) = length {
                if bytes.len() > len {
                    return Err(Msg::BytesTooLong {
                        ctype: &ct.cname,
                        len: &bytes.len(),
                    }
                    .to_err());
                }
            }
            ptr::copy_nonoverlapping(bytes.as_ptr(), addr, bytes.len());
            // As cffi: a shorter string is terminated (wide strings are not).
            if length.is_some_and(|len| bytes.len() < len) {
                *addr.add(bytes.len()) = 0;
            }
            return Ok(());
        }
    }
    if let Ok(s) = obj.cast::<PyString>() {
        if item.kind == Kind::Primitive
            && item.prim.is_some_and(|p| p.class() == PrimClass::WideChar)
        {
            let units = crate::widechar::encode_wide(item, s)?;
            if let Some(len) = length {
                if units.len() > len {
                    return Err(Msg::StringTooLong {
                        ctype: &ct.cname,
                        len: &units.len(),
                    }
                    .to_err());
                }
            }
            for (i, u) in units.iter().enumerate() {
                store_int(addr.add(i * item_size), item_size, i128::from(*u));
            }
            return Ok(());
        }
    }
    let items: Vec<Bound<'_, PyAny>> = if let Ok(l) = obj.cast::<PyList>() {
        l.iter().collect()
    } else if let Ok(t) = obj.cast::<PyTuple>() {
        t.iter().collect()
    } else {
        // As cffi: the text names the string kind the items also accept.
        let also = match item.prim.map(|p| p.class()) {
            Some(PrimClass::WideChar) => "a unicode or ",
            _ if item_size == 1 && item.prim.is_some_and(|p| p.is_integer()) => "a bytes or ",
            _ => "a ",
        };
        return Err(Msg::ArrayInitializer {
            ctype: &ct.cname,
            also: &also,
            given: &type_name(obj),
        }
        .to_err());
    };
    if let Some(len) = length {
        if items.len() > len {
            return Err(Msg::TooManyArrayInitializers {
                ctype: &ct.cname,
                given: &items.len(),
                len: &len,
            }
            .to_err());
        }
    }
    for (i, v) in items.iter().enumerate() {
        write(py, item, addr.add(i * item_size), v)?;
    }
    Ok(())
}

/// Bytes standing for an array of `_Bool` must be 0 or 1 each, as a `_Bool`
/// holding anything else is undefined in C.
pub fn check_bool_bytes(item: &CType, bytes: &[u8]) -> PyResult<()> {
    if item.prim == Some(Prim::Bool) && bytes.iter().any(|c| *c > 1) {
        return Err(Msg::BoolArrayBytes.to_err());
    }
    Ok(())
}

/// How many items an initializer gives an open array `T[]`: an integer is the
/// length itself; a sequence its length; bytes for char arrays one more for the
/// terminating NUL.
pub fn open_array_length(item: &CType, init: &Bound<'_, PyAny>) -> PyResult<usize> {
    if let Ok(b) = init.cast::<PyBytes>() {
        return Ok(b.as_bytes().len() + 1);
    }
    if let Ok(s) = init.cast::<PyString>() {
        return Ok(crate::widechar::encode_wide(item, s)?.len() + 1);
    }
    if init.is_instance_of::<PyList>() || init.is_instance_of::<PyTuple>() {
        return init.len();
    }
    let n: i128 = init.extract().map_err(|_| {
        if init.is_instance_of::<PyInt>() {
            // An int too large for any length is an overflow, as in cffi.
            Msg::ArraySizeOverflow.to_err()
        } else {
            Msg::OpenArrayLength {
                given: &type_name(init),
            }
            .to_err()
        }
    })?;
    if n < 0 {
        return Err(Msg::NegativeArrayLength.to_err());
    }
    usize::try_from(n).map_err(|_| Msg::ArraySizeOverflow.to_err())
}
