//! Slices of pointer and array cdata: `p[start:stop]` is an array view of
//! `stop - start` items, and slice assignment writes exactly that many.
//!
//! As in cffi (and unlike Python sequences) both bounds are required, there is
//! no step, and negative bounds are C offsets on pointers and errors on arrays.

use pyo3::exceptions::{PyIndexError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyList, PySlice};
use rcffi_core::ctype::{Kind, PrimClass};

use crate::cdata::{null_error, CData, Owner};
use crate::convert;
use crate::types::{ctype_for, table, CType};

/// The first item's address and the item count that `slice` designates.
fn bounds(slf: &Bound<'_, CData>, slice: &Bound<'_, PySlice>) -> PyResult<(*mut u8, usize)> {
    let this = slf.get();
    let ct = this.ct();
    if !matches!(ct.kind, Kind::Array | Kind::Pointer) {
        return Err(PyTypeError::new_err(format!(
            "cdata of type '{}' cannot be indexed",
            ct.cname
        )));
    }
    if !slice.getattr("step")?.is_none() {
        return Err(PyIndexError::new_err("slice with step not supported"));
    }
    let bound = |name: &str| -> PyResult<isize> {
        let v = slice.getattr(name)?;
        if v.is_none() {
            return Err(PyIndexError::new_err(format!(
                "slice {name} must be specified"
            )));
        }
        v.extract::<isize>()
    };
    let (start, stop) = (bound("start")?, bound("stop")?);
    if start > stop {
        return Err(PyIndexError::new_err("slice start > stop"));
    }
    this.check_alive(slf.py())?;
    if ct.kind == Kind::Array {
        let len = this.array_length();
        if start < 0 {
            return Err(PyIndexError::new_err("negative index"));
        }
        if stop as usize > len {
            return Err(PyIndexError::new_err(format!(
                "index too large (expected {stop} <= {len})"
            )));
        }
    } else if this.address().is_null() {
        return Err(null_error(ct));
    }
    let size = this.item_size()? as isize;
    let addr = this.address().wrapping_offset(start.wrapping_mul(size));
    Ok((addr, (stop - start) as usize))
}

/// `cdata[start:stop]`: a `T[]` array viewing the items, keeping `slf` alive.
pub fn get(slf: &Bound<'_, CData>, slice: &Bound<'_, PySlice>) -> PyResult<Py<PyAny>> {
    let py = slf.py();
    let (addr, n) = bounds(slf, slice)?;
    let item = slf.get().ct().item_ref();
    // Two statements: the table lock must be gone before `ctype_for`.
    let id = table().array(item.id, None);
    let array_type = ctype_for(py, id);
    let owner = Owner::Keep(slf.clone().into_any().unbind());
    Ok(CData::new_slice(py, array_type, addr, n, owner)?.into_any())
}

/// `cdata[start:stop] = value`: `value` gives exactly `stop - start` items; byte
/// strings fill `char` slices directly.
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
        if oct.kind == Kind::Array && oct.item_ref().id == item.id {
            let m = o.array_length();
            if m != n {
                return Err(PyValueError::new_err(format!(
                    "need {n} values to unpack, got {m}"
                )));
            }
            o.check_alive(py)?;
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
                return Err(PyValueError::new_err(format!(
                    "need a string of length {n}, got {}",
                    bytes.len()
                )));
            }
            unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), addr, n) };
            return Ok(());
        }
    }
    let mut items = value.try_iter()?;
    for i in 0..n {
        let Some(v) = items.next() else {
            return Err(PyValueError::new_err(format!(
                "need {n} values to unpack, got {i}"
            )));
        };
        unsafe { convert::write(py, item, addr.add(i * item_size), &v?)? };
    }
    if items.next().is_some() {
        return Err(PyValueError::new_err(format!(
            "got more than {n} values to unpack"
        )));
    }
    Ok(())
}

/// The `n` items of an array cdata as a list (for iteration).
pub fn read_items<'py>(
    slf: &Bound<'py, CData>,
    addr: *mut u8,
    n: usize,
) -> PyResult<Bound<'py, PyList>> {
    let item = slf.get().ct().item.as_ref().expect("array");
    read_item_list(slf.py(), item, addr, n, Some(slf.as_any()))
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
        return Err(PyValueError::new_err(format!(
            "pointer subtraction: the pointers are {bytes} bytes apart, not a whole number of '{}' items ({item_size} bytes each)",
            ct.item_ref().cname
        )));
    }
    Ok((bytes / item_size).into_pyobject(py)?.into_any().unbind())
}

/// Reads `n` items from `addr` as a list; used by iteration and `unpack`.
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
