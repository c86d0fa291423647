//! The module-level primitives of `rcffi._backend`, named and shaped as in cffi's
//! `_cffi_backend`: type constructors, `newp`, `cast`, `sizeof`, `string`, ...

use pyo3::exceptions::{PyKeyError, PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};
use rcffi_core::ctype::{Kind, Prim, PrimClass};
use rcffi_core::longdouble;

use crate::cdata::CData;
use crate::convert;
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
    length: Option<usize>,
) -> PyResult<Py<CType>> {
    if ptr_ctype.kind != Kind::Pointer {
        return Err(PyTypeError::new_err("first arg must be a pointer ctype"));
    }
    let item = ptr_ctype.item_ref();
    if item.size().is_none() {
        return Err(PyValueError::new_err(format!(
            "array item of unknown size: '{}'",
            item.cname
        )));
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
    let ct = ctype.get();
    let init = init.filter(|i| !i.is_none());
    match ct.kind {
        Kind::Pointer => {
            let item = ct.item_ref();
            let size = item.size().ok_or_else(|| {
                PyTypeError::new_err(format!(
                    "cannot instantiate ctype '{}' of unknown size",
                    item.cname
                ))
            })?;
            let cd = CData::new_owned(py, ctype.clone_ref(py), size, 0)?;
            if let Some(init) = init {
                unsafe { convert::write(py, item, cd.get().address(), init)? };
            }
            Ok(cd)
        }
        Kind::Array => {
            let item = ct.item_ref();
            let item_size = item.size_or_err()?;
            let length = match (ct.length, init) {
                (Some(n), _) => n,
                (None, Some(init)) => convert::open_array_length(item, init)?,
                (None, None) => {
                    return Err(PyTypeError::new_err(format!(
                        "ctype '{}' needs a length or an initializer",
                        ct.cname
                    )))
                }
            };
            let size = length
                .checked_mul(item_size)
                .filter(|s| *s <= isize::MAX as usize)
                .ok_or_else(|| {
                    pyo3::exceptions::PyOverflowError::new_err(
                        "array size would overflow a ssize_t",
                    )
                })?;
            let cd = CData::new_owned(py, ctype.clone_ref(py), size, length)?;
            if let Some(init) = init {
                let is_count = ct.length.is_none() && init.extract::<usize>().is_ok();
                if !is_count {
                    unsafe { fill_array(py, item, cd.get().address(), length, init)? };
                }
            }
            Ok(cd)
        }
        _ => Err(PyTypeError::new_err(format!(
            "expected a pointer or array ctype, got '{}'",
            ct.cname
        ))),
    }
}

/// Writes an array initializer into `length` items at `addr`.
unsafe fn fill_array(
    py: Python<'_>,
    item: &CType,
    addr: *mut u8,
    length: usize,
    init: &Bound<'_, PyAny>,
) -> PyResult<()> {
    let arr = table().array(item.id, Some(length));
    let arr_ct = ctype_for(py, arr);
    convert::write(py, arr_ct.get(), addr, init)
}

/// `cast(ctype, value)`: C cast semantics (truncating integers, no range checks).
#[pyfunction]
pub fn cast(py: Python<'_>, ctype: Py<CType>, value: &Bound<'_, PyAny>) -> PyResult<Py<CData>> {
    let ct = ctype.get();
    match ct.kind {
        Kind::Pointer | Kind::Function => {
            let addr = if let Ok(cd) = value.cast::<CData>() {
                let c = cd.get();
                match c.ctype.get().kind {
                    Kind::Pointer | Kind::Function | Kind::Array => c.address(),
                    _ => c.as_integer()? as usize as *mut u8,
                }
            } else {
                integer_of(value, &ct.cname)? as usize as *mut u8
            };
            CData::new_pointer(py, ctype.clone_ref(py), addr)
        }
        Kind::Primitive | Kind::Enum => {
            let prim = ct.prim.expect("primitive");
            let mut bytes = [0u8; 16];
            match prim.class() {
                PrimClass::Float | PrimClass::LongDouble => {
                    let v = float_of(value, &ct.cname)?;
                    match prim {
                        Prim::Float => bytes[..4].copy_from_slice(&(v as f32).to_le_bytes()),
                        Prim::Double => bytes[..8].copy_from_slice(&v.to_le_bytes()),
                        _ => {
                            bytes = match value.cast::<CData>() {
                                Ok(cd) if cd.get().ctype.get().prim == Some(Prim::LongDouble) => {
                                    cd.get().value
                                }
                                _ => longdouble::from_f64(v),
                            }
                        }
                    }
                }
                PrimClass::Complex => unsafe { convert::write(py, ct, bytes.as_mut_ptr(), value)? },
                _ => {
                    let v = if let Ok(s) = value.cast::<PyString>() {
                        let s = s.to_cow()?;
                        let mut it = s.chars();
                        match (it.next(), it.next()) {
                            (Some(c), None) => c as i128,
                            _ => {
                                return Err(PyTypeError::new_err(format!(
                                    "cannot cast a str of length {} to '{}'",
                                    s.chars().count(),
                                    ct.cname
                                )))
                            }
                        }
                    } else if let Ok(b) = value.cast::<PyBytes>() {
                        match b.as_bytes() {
                            [c] => i128::from(*c),
                            _ => {
                                return Err(PyTypeError::new_err(format!(
                                    "cannot cast a bytes of length {} to '{}'",
                                    b.as_bytes().len(),
                                    ct.cname
                                )))
                            }
                        }
                    } else if value.is_instance_of::<pyo3::types::PyFloat>() {
                        float_of(value, &ct.cname)? as i128
                    } else {
                        integer_of(value, &ct.cname)?
                    };
                    let v = if prim == Prim::Bool {
                        i128::from(v != 0)
                    } else {
                        v
                    };
                    unsafe { convert::store_int(bytes.as_mut_ptr(), prim.size(), v) };
                }
            }
            CData::new_value(py, ctype.clone_ref(py), bytes)
        }
        _ => Err(PyTypeError::new_err(format!(
            "cannot cast to ctype '{}'",
            ct.cname
        ))),
    }
}

fn integer_of(value: &Bound<'_, PyAny>, target: &str) -> PyResult<i128> {
    if let Ok(cd) = value.cast::<CData>() {
        let c = cd.get();
        if c.ctype.get().kind == Kind::Array {
            return Ok(c.address() as usize as i128);
        }
        return c.as_integer();
    }
    if let Ok(v) = value.extract::<i128>() {
        return Ok(v);
    }
    // Python ints wider than 128 bits: keep the low bits, as a C cast would.
    if value.is_instance_of::<pyo3::types::PyInt>() {
        let masked = value.call_method1("__and__", (u128::MAX,))?;
        return Ok(masked.extract::<u128>()? as i128);
    }
    Err(PyTypeError::new_err(format!(
        "cannot cast {} to ctype '{target}'",
        value.get_type().name()?
    )))
}

fn float_of(value: &Bound<'_, PyAny>, target: &str) -> PyResult<f64> {
    if let Ok(cd) = value.cast::<CData>() {
        return cd.get().as_float();
    }
    value.extract::<f64>().map_err(|_| {
        PyTypeError::new_err(format!(
            "cannot cast {} to ctype '{target}'",
            value
                .get_type()
                .name()
                .map(|n| n.to_string())
                .unwrap_or_default()
        ))
    })
}

/// `sizeof(ctype_or_cdata)`.
#[pyfunction]
pub fn sizeof(obj: &Bound<'_, PyAny>) -> PyResult<usize> {
    if let Ok(ct) = obj.cast::<CType>() {
        return ct.get().size_or_err();
    }
    if let Ok(cd) = obj.cast::<CData>() {
        let c = cd.get();
        let ct = c.ctype.get();
        if ct.kind == Kind::Array {
            return Ok(c.array_length() * ct.item_ref().size_or_err()?);
        }
        return ct.size_or_err();
    }
    Err(PyTypeError::new_err("expected a 'cdata' or 'ctype' object"))
}

/// `alignof(ctype)`.
#[pyfunction]
pub fn alignof(ctype: &CType) -> PyResult<usize> {
    ctype.align().ok_or_else(|| {
        PyValueError::new_err(format!("ctype '{}' is of unknown alignment", ctype.cname))
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
/// array item) and its offset.
#[pyfunction]
#[pyo3(signature = (ctype, field_or_index, following=0))]
pub fn typeoffsetof(
    py: Python<'_>,
    ctype: Py<CType>,
    field_or_index: &Bound<'_, PyAny>,
    following: i32,
) -> PyResult<(Py<CType>, isize)> {
    let mut ct = ctype.get();
    if ct.kind == Kind::Pointer && following > 0 {
        ct = ct.item_ref();
    }
    if let Ok(name) = field_or_index.extract::<String>() {
        if !ct.is_record() {
            return Err(PyTypeError::new_err(format!(
                "with a field name argument, expected a struct or union ctype, not '{}'",
                ct.cname
            )));
        }
        let rec = ct.record(py).ok_or_else(|| {
            PyTypeError::new_err(format!("struct or union '{}' is opaque", ct.cname))
        })?;
        let f = rec
            .field(&name)
            .ok_or_else(|| PyKeyError::new_err(name.clone()))?;
        if f.bitsize.is_some() {
            return Err(PyTypeError::new_err(format!(
                "field '{name}' is a bitfield: it has no offset"
            )));
        }
        return Ok((f.ctype.clone_ref(py), f.offset as isize));
    }
    let index: isize = field_or_index.extract()?;
    if !matches!(ct.kind, Kind::Array | Kind::Pointer) {
        return Err(PyTypeError::new_err(format!(
            "with an integer argument, expected an array or pointer ctype, not '{}'",
            ct.cname
        )));
    }
    let item = ct.item.as_ref().expect("array or pointer");
    Ok((
        item.clone_ref(py),
        index * item.get().size_or_err()? as isize,
    ))
}

/// `string(cdata, maxlen=-1)`: the bytes (or str) of a `char` (or wide char) array
/// or pointer up to the first NUL; the name of an enum value.
#[pyfunction]
#[pyo3(signature = (cdata, maxlen=-1))]
pub fn string(py: Python<'_>, cdata: &CData, maxlen: isize) -> PyResult<Py<PyAny>> {
    let ct = cdata.ctype.get();
    match ct.kind {
        Kind::Enum => {
            let v = cdata.as_integer()?;
            let name = enum_values(ct.id)
                .and_then(|vals| vals.into_iter().find(|(_, x)| *x == v).map(|(n, _)| n))
                .unwrap_or_else(|| v.to_string());
            Ok(PyString::new(py, &name).into_any().unbind())
        }
        Kind::Primitive => match ct.prim.map(Prim::class) {
            Some(PrimClass::Char) => Ok(PyBytes::new(py, &cdata.value[..1]).into_any().unbind()),
            Some(PrimClass::WideChar) => {
                let code = u32::from_le_bytes(cdata.value[..4].try_into().expect("4 bytes"));
                Ok(
                    PyString::new(py, &char::from_u32(code).unwrap_or('\u{fffd}').to_string())
                        .into_any()
                        .unbind(),
                )
            }
            _ => Ok(PyString::new(py, &cdata.as_integer()?.to_string())
                .into_any()
                .unbind()),
        },
        Kind::Pointer | Kind::Array => {
            let item = ct.item_ref();
            let limit = if ct.kind == Kind::Array {
                Some(cdata.array_length())
            } else {
                None
            };
            let limit = match (limit, maxlen) {
                (Some(l), m) if m >= 0 => Some(l.min(m as usize)),
                (l, m) if m >= 0 => l.or(Some(m as usize)),
                (l, _) => l,
            };
            let base = cdata.address();
            if base.is_null() {
                return Err(PyRuntimeError::new_err(format!(
                    "cannot use string() on NULL cdata '{}'",
                    ct.cname
                )));
            }
            match (item.kind, item.prim.map(Prim::class), item.size()) {
                (
                    Kind::Primitive,
                    Some(
                        PrimClass::Char | PrimClass::Signed | PrimClass::Unsigned | PrimClass::Bool,
                    ),
                    Some(1),
                ) => {
                    let mut n = 0usize;
                    while limit.is_none_or(|l| n < l) && unsafe { *base.add(n) } != 0 {
                        n += 1;
                    }
                    let bytes = unsafe { std::slice::from_raw_parts(base, n) };
                    Ok(PyBytes::new(py, bytes).into_any().unbind())
                }
                (Kind::Primitive, Some(PrimClass::WideChar), Some(size)) => {
                    let mut units = Vec::new();
                    loop {
                        if limit.is_some_and(|l| units.len() >= l) {
                            break;
                        }
                        let u =
                            unsafe { convert::load_int(base.add(units.len() * size), size, false) }
                                as u32;
                        if u == 0 {
                            break;
                        }
                        units.push(u);
                    }
                    let s: String = if size == 2 {
                        let u16s: Vec<u16> = units.iter().map(|u| *u as u16).collect();
                        String::from_utf16_lossy(&u16s)
                    } else {
                        units
                            .iter()
                            .map(|u| char::from_u32(*u).unwrap_or('\u{fffd}'))
                            .collect()
                    };
                    Ok(PyString::new(py, &s).into_any().unbind())
                }
                _ => Err(PyTypeError::new_err(format!(
                    "string(): unexpected cdata '{}' argument",
                    ct.cname
                ))),
            }
        }
        _ => Err(PyTypeError::new_err(format!(
            "string(): unexpected cdata '{}' argument",
            ct.cname
        ))),
    }
}
