//! Slices of pointer and array cdata: `p[start:stop]` is an array view of
//! `stop - start` items, and slice assignment writes exactly that many.
//!
//! As in cffi (and unlike Python sequences) both bounds are required, there is
//! no step, and negative bounds are C offsets on pointers and errors on arrays.

use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyInt, PyList, PySlice};
use rcffi_core::ctype::{Kind, PrimClass};

use crate::cdata::{null_error, CData, Owner};
use crate::convert;
use crate::messages::Msg;
use crate::types::CType;

/// The first item's address and the item count that `slice` designates.
fn bounds(slf: &Bound<'_, CData>, slice: &Bound<'_, PySlice>) -> PyResult<(*mut u8, usize)> {
    let this = slf.get();
    let ct = this.ct();
    let py = slf.py();
    // The slice's members, read in place: `getattr` would make and hash each
    // name (~1,500 instructions a slice).
    let fields = slice.as_ptr().cast::<pyo3::ffi::PySliceObject>();
    // SAFETY: `slice` is a live slice object, whose members are never NULL.
    let member = |ptr: *mut pyo3::ffi::PyObject| unsafe { Borrowed::from_ptr(py, ptr) };
    let (start_obj, stop_obj, step_obj) = unsafe {
        (
            member((*fields).start),
            member((*fields).stop),
            member((*fields).step),
        )
    };
    // cffi's order of checks: the bounds, the step, then the type.
    let bound = |name: &str, v: Borrowed<'_, '_, PyAny>| -> PyResult<isize> {
        if v.is_none() {
            return Err(Msg::SliceBoundMissing { name: &name }.to_err());
        }
        // cffi takes ints only here, not any object with `__index__`.
        if !v.is_instance_of::<PyInt>() {
            return Err(Msg::SliceBoundNotInteger {
                name: &name,
                given: &crate::convert_scalar::type_name(&v),
            }
            .to_err());
        }
        v.extract::<isize>()
    };
    let (start, stop) = (bound("start", start_obj)?, bound("stop", stop_obj)?);
    if !step_obj.is_none() {
        return Err(Msg::SliceStep.to_err());
    }
    if start > stop {
        return Err(Msg::SliceStartAfterStop.to_err());
    }
    if !matches!(ct.kind, Kind::Array | Kind::Pointer) {
        return Err(Msg::NotIndexable { ctype: &ct.cname }.to_err());
    }
    this.check_alive(py)?;
    if this.address().is_null() {
        return Err(null_error(ct));
    }
    if ct.kind == Kind::Array {
        let len = this.array_length();
        if start < 0 {
            return Err(Msg::NegativeIndex.to_err());
        }
        if stop as usize > len {
            return Err(Msg::SliceStopTooLarge {
                stop: &stop,
                len: &len,
            }
            .to_err());
        }
    }
    let size = this.item_size()? as isize;
    let addr = this.address().wrapping_offset(start.wrapping_mul(size));
    Ok((addr, (stop - start) as usize))
}

/// `cdata[start:stop]`: a `T[]` array viewing the items, keeping `slf` alive.
pub fn get(slf: &Bound<'_, CData>, slice: &Bound<'_, PySlice>) -> PyResult<Py<PyAny>> {
    let py = slf.py();
    let (addr, n) = bounds(slf, slice)?;
    let this = slf.get();
    let array_type = match this.ct().length {
        None if this.ct().kind == Kind::Array => this.ctype.clone_ref(py),
        _ => this.ct().open_array(py),
    };
    let owner = Owner::Keep(slf.clone().into_any().unbind());
    Ok(CData::new_slice(py, array_type, addr, n, owner)?.into_any())
}

/// `cdata[start:stop] = value`: `value` gives exactly `stop - start` items; byte
/// strings fill `char` slices directly, and an array of that length is copied.
pub fn set(
    slf: &Bound<'_, CData>,
    slice: &Bound<'_, PySlice>,
    value: &Bound<'_, PyAny>,
) -> PyResult<()> {
    let py = slf.py();
    let (addr, n) = bounds(slf, slice)?;
    let item = slf.get().ct().item_ref();
    let item_size = item.size_or_err()?;
    if let Ok(other) = value.cast::<CData>() {
        let o = other.get();
        let oct = o.ct();
        // An array of another length is iterated as any sequence, as in cffi:
        // its first items are stored before the count is refused.
        if oct.kind == Kind::Array && oct.item_ref().id == item.id && o.array_length() == n {
            o.check_alive(py)?;
            if o.address().is_null() {
                return Err(null_error(oct));
            }
            unsafe { std::ptr::copy(o.address(), addr, n * item_size) };
            return Ok(());
        }
    }
    let is_char =
        item.kind == Kind::Primitive && item.prim.map(|p| p.class()) == Some(PrimClass::Char);
    if is_char {
        let bytes: Option<Vec<u8>> = if let Ok(b) = value.cast::<PyBytes>() {
            Some(b.as_bytes().to_vec())
        } else if let Ok(b) = value.cast::<PyByteArray>() {
            Some(b.to_vec())
        } else {
            None
        };
        if let Some(bytes) = bytes {
            if bytes.len() != n {
                return Err(Msg::StringLengthMismatch {
                    n: &n,
                    len: &bytes.len(),
                }
                .to_err());
            }
            unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), addr, n) };
            return Ok(());
        }
    }
    let mut items = value.try_iter()?;
    for i in 0..n {
        let Some(v) = items.next() else {
            return Err(Msg::TooFewValues { n: &n, got: &i }.to_err());
        };
        unsafe { convert::write(py, item, addr.add(i * item_size), &v?)? };
    }
    if items.next().is_some() {
        return Err(Msg::TooManyValues { n: &n }.to_err());
    }
    Ok(())
}

/// `p - q` in items, from the byte distance: a distance that is not a whole
/// number of items (pointers cast from unrelated addresses) is an error rather
/// than silently rounded.
pub fn item_distance(
    py: Python<'_>,
    bytes: isize,
    item_size: isize,
    ct: &crate::types::CType,
) -> PyResult<Py<PyAny>> {
    if bytes % item_size != 0 {
        return Err(Msg::UnevenPointerDistance {
            bytes: &bytes,
            ctype: &ct.item_ref().cname,
            item_size: &item_size,
        }
        .to_err());
    }
    Ok((bytes / item_size).into_pyobject(py)?.into_any().unbind())
}

/// Reads `n` items from `addr` as a list (`unpack`).
pub(crate) fn read_item_list<'py>(
    py: Python<'py>,
    item: &Py<CType>,
    addr: *mut u8,
    n: usize,
    parent: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyList>> {
    let size = item.get().size_or_err()?;
    let list = PyList::empty(py);
    for i in 0..n {
        list.append(unsafe { convert::read(py, item, addr.add(i * size), parent)? })?;
    }
    Ok(list)
}
