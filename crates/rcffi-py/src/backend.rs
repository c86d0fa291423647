//! The module-level primitives of `rcffi._backend`, named and shaped as in cffi's
//! `_cffi_backend`: type constructors, `newp`, `cast`, `sizeof`, `string`, ...

use pyo3::exceptions::{PyKeyError, PyTypeError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};
use rcffi_core::ctype::{Kind, Prim, PrimClass};
use rcffi_core::longdouble;
use rcffi_core::scalar::{store_float, store_int, Machine, Rules};

use crate::cdata::{CData, Owner};
use crate::convert;
use crate::convert_scalar::{cast_truth, char_code, float, integer};
use crate::messages::Msg;
use crate::types::{ctype_for, enum_values, table, CType};

/// `new_void_type()`.
#[pyfunction]
pub fn new_void_type(py: Python<'_>) -> Py<CType> {
    let id = table().void();
    ctype_for(py, id)
}

/// `new_primitive_type(name)`: `"int"`, `"unsigned long"`, `"int32_t"`, ...
#[pyfunction]
pub fn new_primitive_type(py: Python<'_>, name: &str) -> PyResult<Py<CType>> {
    let prim = Prim::from_name(name)
        .or_else(|| (name == "float _Complex").then_some(Prim::FloatComplex))
        .or_else(|| (name == "double _Complex").then_some(Prim::DoubleComplex))
        .ok_or_else(|| PyKeyError::new_err(name.to_string()))?;
    let id = table().primitive(prim);
    Ok(ctype_for(py, id))
}

/// `new_pointer_type(ctype)`.
#[pyfunction]
pub fn new_pointer_type(py: Python<'_>, ctype: &CType) -> Py<CType> {
    let id = table().pointer(ctype.id);
    ctype_for(py, id)
}

/// `new_array_type(ptr_ctype, length)`: an array of the pointer's item type.
#[pyfunction]
pub fn new_array_type(
    py: Python<'_>,
    ptr_ctype: &CType,
    length: Option<i128>,
) -> PyResult<Py<CType>> {
    let length = match length {
        None => None,
        Some(n) => Some(usize::try_from(n).map_err(|_| {
            if n < 0 {
                Msg::NegativeArrayLength.to_err()
            } else {
                Msg::ArrayLengthTooLarge.to_err()
            }
        })?),
    };
    if ptr_ctype.kind != Kind::Pointer {
        return Err(Msg::NewArrayNotPointer.to_err());
    }
    let item = ptr_ctype.item_ref();
    if item.size().is_none() {
        return Err(Msg::ArrayItemUnknownSize { ctype: &item.cname }.to_err());
    }
    // Sizes are isize in C and Python: a larger array could not be addressed.
    if let Some(n) = length {
        let bytes = item.size().and_then(|s| s.checked_mul(n));
        if bytes.is_none_or(|b| b > isize::MAX as usize) {
            return Err(Msg::ArrayBeyondAddressSpace {
                n: &n,
                ctype: &item.cname,
            }
            .to_err());
        }
    }
    let id = table().array(item.id, length);
    Ok(ctype_for(py, id))
}

/// `newp(ctype, init=None)`: new zeroed memory for a pointer or array type,
/// owned by the returned cdata.
#[pyfunction]
#[pyo3(signature = (ctype, init=None))]
pub fn newp(
    py: Python<'_>,
    ctype: Py<CType>,
    init: Option<&Bound<'_, PyAny>>,
) -> PyResult<Py<CData>> {
    crate::allocator::newp(py, ctype, init)
}

/// `cast(ctype, value)`: C cast semantics (truncating integers, no range checks),
/// the scalar engine's cast rules.
#[pyfunction]
pub fn cast(py: Python<'_>, ctype: Py<CType>, value: &Bound<'_, PyAny>) -> PyResult<Py<CData>> {
    let ct = ctype.get();
    match ct.kind {
        // An array type of known length: cffi's extension giving a non-owning
        // array view of any address (C itself cannot cast to arrays).
        Kind::Pointer | Kind::Function | Kind::Array
            if ct.length.is_some() || ct.kind != Kind::Array =>
        {
            let function = crate::convert::function_behind(value);
            let value = function.as_ref().map_or(value, |f| f.as_any());
            let addr = if let Ok(cd) = value.cast::<CData>() {
                let c = cd.get();
                match c.ctype.get().kind {
                    Kind::Pointer | Kind::Function | Kind::Array => c.address(),
                    _ => c.as_integer()? as usize as *mut u8,
                }
            } else if let Some(stream) = crate::files::file_of_if_expected(py, ct, value)? {
                stream
            } else {
                // Strings are no addresses: only numbers (floats truncated).
                let rules = Rules {
                    takes_chars: false,
                    ..Rules::CAST
                };
                let v = integer(value, &ct.cname, Machine::Pointer, rules)?;
                v.unwrap_or_default() as usize as *mut u8
            };
            if ct.kind == Kind::Array {
                return CData::new_view(py, ctype.clone_ref(py), addr, Owner::None, false);
            }
            CData::new_pointer(py, ctype.clone_ref(py), addr)
        }
        Kind::Primitive | Kind::Enum => {
            let m = ct.machine.expect("a primitive");
            let mut bytes = [0u8; 16];
            let at = bytes.as_mut_ptr();
            match m {
                Machine::LongDouble => {
                    bytes = match value.cast::<CData>() {
                        Ok(cd) if cd.get().ctype.get().machine == Some(m) => cd.get().value(),
                        _ => longdouble::from_f64(
                            float(value, &ct.cname, Rules::CAST)?.unwrap_or_default(),
                        ),
                    }
                }
                // SAFETY (all three): `bytes` holds any scalar.
                Machine::F32 | Machine::F64 => unsafe {
                    store_float(
                        at,
                        m,
                        float(value, &ct.cname, Rules::CAST)?.unwrap_or_default(),
                    )
                },
                Machine::FloatComplex | Machine::DoubleComplex => {
                    // A character casts as its code, as to the integer types.
                    let value = match char_code(value, &ct.cname)? {
                        Some(code) => code.into_pyobject(py)?.into_any(),
                        None => value.clone(),
                    };
                    unsafe { convert::write(py, ct, at, &value)? }
                }
                Machine::Bool => bytes[0] = u8::from(cast_truth(value, &ct.cname)?),
                _ => {
                    let (size, _) = m.int_layout().expect("an integer");
                    let v = integer(value, &ct.cname, m, Rules::CAST)?.unwrap_or_default();
                    unsafe { store_int(at, size, v) };
                }
            }
            CData::new_value(py, ctype.clone_ref(py), bytes)
        }
        _ => Err(Msg::CannotCast { ctype: &ct.cname }.to_err()),
    }
}

/// The bytes of `cast(ct, value)` when the answer needs no conversion that
/// could fail or call back into Python: an exact int cast to an integer type
/// (its low bits, as the general cast keeps), an exact float to `float` or
/// `double`. `None` for every other pair, which the general cast takes.
#[inline(always)]
pub(crate) fn cast_exact_number(ct: &CType, value: &Bound<'_, PyAny>) -> Option<[u8; 16]> {
    if !matches!(ct.kind, Kind::Primitive | Kind::Enum) {
        return None;
    }
    let m = ct.machine?;
    let mut bytes = [0u8; 16];
    let at = bytes.as_mut_ptr();
    match m {
        Machine::F32 | Machine::F64 => {
            // SAFETY: `value` is live; `bytes` holds any scalar.
            unsafe {
                if ffi::PyFloat_CheckExact(value.as_ptr()) == 0 {
                    return None;
                }
                store_float(at, m, ffi::PyFloat_AS_DOUBLE(value.as_ptr()));
            }
        }
        Machine::Bool | Machine::LongDouble | Machine::FloatComplex | Machine::DoubleComplex => {
            return None
        }
        _ => {
            let (size, _) = m.int_layout()?;
            let v = crate::pylayout::exact_int(value)?;
            // SAFETY: `bytes` holds any integer scalar.
            unsafe { store_int(at, size, i128::from(v)) };
        }
    }
    Some(bytes)
}

/// `sizeof(ctype_or_cdata)`.
#[pyfunction]
pub fn sizeof(obj: &Bound<'_, PyAny>) -> PyResult<usize> {
    if let Ok(ct) = obj.cast::<CType>() {
        return ct.get().size_or_err();
    }
    if let Ok(cd) = obj.cast::<CData>() {
        return cd.get().data_size();
    }
    Err(Msg::NotCdataOrCType.to_err())
}

/// `alignof(ctype)`.
#[pyfunction]
pub fn alignof(ctype: &CType) -> PyResult<usize> {
    ctype.align().ok_or_else(|| {
        Msg::UnknownAlignment {
            ctype: &ctype.cname,
        }
        .to_err()
    })
}

/// `typeof(cdata)`.
#[pyfunction(name = "typeof")]
pub fn type_of(py: Python<'_>, cdata: &CData) -> Py<CType> {
    cdata.ctype.clone_ref(py)
}

/// `getcname(ctype, replace_with)`: the C name with `replace_with` where a
/// declarator goes.
#[pyfunction]
pub fn getcname(ctype: &CType, replace_with: &str) -> String {
    table().cname_with(ctype.id, replace_with)
}

/// `typeoffsetof(ctype, field_or_index, following=0)`: the type of a field (or
/// array item) and its offset. `following` counts the steps already taken: only
/// the first may look through a pointer, since later ones would need memory.
#[pyfunction]
#[pyo3(signature = (ctype, field_or_index, following=0))]
pub fn typeoffsetof(
    py: Python<'_>,
    ctype: Py<CType>,
    field_or_index: &Bound<'_, PyAny>,
    following: i32,
) -> PyResult<(Py<CType>, isize)> {
    let ct = ctype.get();
    if let Ok(name) = field_or_index.cast::<PyString>() {
        let name = name.to_str()?;
        let rct = if ct.kind == Kind::Pointer && following == 0 {
            ct.item_ref()
        } else {
            ct
        };
        if !rct.is_record() {
            return Err(Msg::OffsetofFieldOfNonRecord { ctype: &ct.cname }.to_err());
        }
        let rec = rct.record(py).ok_or_else(|| match rct.pending_error() {
            Some(why) => PyTypeError::new_err(why),
            None => Msg::OpaqueRecord { ctype: &rct.cname }.to_err(),
        })?;
        let f = rec
            .field(name)
            .ok_or_else(|| PyKeyError::new_err(name.to_string()))?;
        if f.bitsize.is_some() {
            return Err(Msg::OffsetofBitfield { name: &name }.to_err());
        }
        return Ok((f.ctype.clone_ref(py), f.offset as isize));
    }
    let index: isize = field_or_index.extract()?;
    let indexable = ct.kind == Kind::Array
        || (ct.kind == Kind::Pointer && following == 0 && ct.item_ref().size().is_some());
    if !indexable {
        return Err(Msg::OffsetofIndexOfNonArray { ctype: &ct.cname }.to_err());
    }
    let item = ct.item.as_ref().expect("array or pointer");
    let offset = isize::try_from(item.get().size_or_err()?)
        .ok()
        .and_then(|size| index.checked_mul(size))
        .ok_or_else(|| {
            Msg::OffsetOverflow {
                index: &index,
                ctype: &ct.cname,
            }
            .to_err()
        })?;
    Ok((item.clone_ref(py), offset))
}

/// `rawaddressof(ctype, cdata, offset)`: a pointer of type `ctype` to `offset`
/// bytes into the struct, union or array `cdata` (or past a pointer's value).
#[pyfunction]
pub fn rawaddressof(
    py: Python<'_>,
    ctype: Py<CType>,
    cdata: &Bound<'_, PyAny>,
    offset: isize,
) -> PyResult<Py<CData>> {
    let Ok(cd) = cdata.cast::<CData>() else {
        return Err(Msg::NotCdata.to_err());
    };
    let c = cd.get();
    if !matches!(
        c.ct().kind,
        Kind::Struct | Kind::Union | Kind::Array | Kind::Pointer
    ) {
        return Err(Msg::NotAddressable.to_err());
    }
    if ctype.get().kind != Kind::Pointer {
        return Err(Msg::NotPointerCType.to_err());
    }
    c.check_alive(py)?;
    CData::new_pointer(py, ctype, c.address().wrapping_offset(offset))
}

/// `unpack(cdata, length)`: `length` items from a pointer or array: bytes for
/// `char`, str for wide characters, else a list. Unlike `string()`, NULs do not
/// stop it.
#[pyfunction]
pub fn unpack(py: Python<'_>, cdata: &Bound<'_, CData>, length: isize) -> PyResult<Py<PyAny>> {
    let c = cdata.get();
    let ct = c.ct();
    if !matches!(ct.kind, Kind::Pointer | Kind::Array) {
        return Err(Msg::NotPointerOrArray { ctype: &ct.cname }.to_err());
    }
    if length < 0 {
        return Err(Msg::NegativeArrayLength.to_err());
    }
    let n = length as usize;
    if let Some(len) = c.known_length().filter(|len| n > *len) {
        return Err(Msg::UnpackTooMany {
            n: &n,
            ctype: &ct.cname,
            array_length: &len,
        }
        .to_err());
    }
    c.check_alive(py)?;
    let base = c.address();
    if base.is_null() {
        return Err(Msg::UnpackNull { ctype: &ct.cname }.to_err());
    }
    let item = ct.item.as_ref().expect("pointer or array");
    let it = item.get();
    if it.kind == Kind::Void {
        return Err(Msg::UnpackUnreadable { ctype: &ct.cname }.to_err());
    }
    if it.size().is_none() {
        return Err(Msg::PointsToUnknownSize { ctype: &ct.cname }.to_err());
    }
    match (it.kind, it.prim.map(Prim::class)) {
        (Kind::Primitive, Some(PrimClass::Char)) => {
            let bytes = unsafe { std::slice::from_raw_parts(base, n) };
            Ok(PyBytes::new(py, bytes).into_any().unbind())
        }
        (Kind::Primitive, Some(PrimClass::WideChar)) => {
            let size = it.size_or_err()?;
            let units: Vec<u32> = (0..n)
                .map(
                    |i| unsafe { rcffi_core::scalar::load_int(base.add(i * size), size, false) }
                        as u32,
                )
                .collect();
            crate::widechar::wide_units_to_str(py, &units, size)
        }
        _ => Ok(
            crate::slicing::read_item_list(py, item, base, n, Some(cdata.as_any()))?
                .into_any()
                .unbind(),
        ),
    }
}

/// `string(cdata, maxlen=-1)`: the bytes (or str) of a `char` (or wide char) array
/// or pointer up to the first NUL; the name of an enum value.
#[pyfunction]
#[pyo3(signature = (cdata, maxlen=-1))]
pub fn string(py: Python<'_>, cdata: &CData, maxlen: isize) -> PyResult<Py<PyAny>> {
    let ct = cdata.ctype.get();
    cdata.check_alive(py)?;
    match ct.kind {
        Kind::Enum => {
            let v = cdata.as_integer()?;
            let name = enum_values(ct.id)
                .and_then(|vals| vals.into_iter().find(|(_, x)| *x == v).map(|(n, _)| n))
                .unwrap_or_else(|| v.to_string());
            Ok(PyString::new(py, &name).into_any().unbind())
        }
        Kind::Primitive => match ct.prim.map(Prim::class) {
            // `signed char` and `unsigned char` are bytes too, as for arrays of them.
            Some(PrimClass::Char | PrimClass::Signed | PrimClass::Unsigned)
                if ct.size() == Some(1) =>
            {
                Ok(PyBytes::new(py, &cdata.value()[..1]).into_any().unbind())
            }
            Some(PrimClass::WideChar) => {
                let code = u32::from_le_bytes(cdata.value()[..4].try_into().expect("4 bytes"));
                crate::widechar::wide_char_to_str(py, code)
            }
            _ => Err(Msg::StringBadCdata { ctype: &ct.cname }.to_err()),
        },
        Kind::Pointer | Kind::Array => {
            let item = ct.item_ref();
            // A string that fills what is known to be there ends there, NUL or not.
            let limit = match (cdata.known_length(), maxlen) {
                (Some(l), m) if m >= 0 => Some(l.min(m as usize)),
                (l, m) if m >= 0 => l.or(Some(m as usize)),
                (l, _) => l,
            };
            let base = cdata.address();
            if base.is_null() {
                return Err(Msg::StringNull { ctype: &ct.cname }.to_err());
            }
            match (item.kind, item.prim.map(Prim::class), item.size()) {
                (
                    Kind::Primitive,
                    Some(PrimClass::Char | PrimClass::Signed | PrimClass::Unsigned),
                    Some(1),
                ) => {
                    // SAFETY: an array is `limit` bytes long; a pointer's string
                    // ends at its NUL (C's contract for `char *`).
                    let n = match limit {
                        Some(l) => {
                            let nul = unsafe { libc::memchr(base.cast(), 0, l) } as *const u8;
                            if nul.is_null() {
                                l
                            } else {
                                nul as usize - base as usize
                            }
                        }
                        None => unsafe { libc::strlen(base.cast()) },
                    };
                    let bytes = unsafe { std::slice::from_raw_parts(base, n) };
                    Ok(PyBytes::new(py, bytes).into_any().unbind())
                }
                (Kind::Primitive, Some(PrimClass::WideChar), Some(size)) => {
                    let mut units = Vec::new();
                    loop {
                        if limit.is_some_and(|l| units.len() >= l) {
                            break;
                        }
                        let u = unsafe {
                            rcffi_core::scalar::load_int(base.add(units.len() * size), size, false)
                        } as u32;
                        if u == 0 {
                            break;
                        }
                        units.push(u);
                    }
                    crate::widechar::wide_units_to_str(py, &units, size)
                }
                _ => Err(Msg::StringBadCdata { ctype: &ct.cname }.to_err()),
            }
        }
        _ => Err(Msg::StringBadCdata { ctype: &ct.cname }.to_err()),
    }
}

/// `object_at(address)`: the Python object whose `PyObject *` is `address`, as
/// ctypes' `py_object` reads one back from C memory. Like any forged address, a
/// value that is not a live object's address crashes the interpreter.
#[pyfunction]
pub fn object_at(py: Python<'_>, address: usize) -> PyResult<Py<PyAny>> {
    if address == 0 {
        return Err(Msg::NullPyObject.to_err());
    }
    // SAFETY: the caller vouches that `address` is a live object; the new
    // reference is ours.
    Ok(unsafe { Py::from_borrowed_ptr(py, address as *mut pyo3::ffi::PyObject) })
}
