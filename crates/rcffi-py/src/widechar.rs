//! Conversions between Python strings and the wide character types
//! (`wchar_t`, `char16_t`, `char32_t`).
//!
//! Python strings may hold lone surrogates and C wide strings may hold any
//! unit value, so nothing here goes through UTF-8: strings are taken as code
//! points and made from code points.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};
use rcffi_core::ctype::{Kind, Prim, PrimClass};

use crate::cdata::CData;
use crate::messages::Msg;
use crate::types::CType;

/// The code points of a Python string, lone surrogates included.
pub fn code_points(s: &Bound<'_, PyString>) -> PyResult<Vec<u32>> {
    // Strings without surrogates (nearly all) are valid UTF-8: no copy through
    // an intermediate bytes object.
    if let Ok(text) = s.to_str() {
        return Ok(text.chars().map(u32::from).collect());
    }
    let encoded = s.call_method1("encode", ("utf-32-le", "surrogatepass"))?;
    let bytes = encoded.cast::<PyBytes>()?.as_bytes();
    Ok(bytes
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes(c.try_into().expect("4 bytes")))
        .collect())
}

/// A string as the code units of a wide character type: 16-bit types get
/// surrogate pairs for code points above U+FFFF, 32-bit types the code points.
pub fn encode_wide(item: &CType, s: &Bound<'_, PyString>) -> PyResult<Vec<u32>> {
    let points = code_points(s)?;
    if item.size() != Some(2) {
        return Ok(points);
    }
    let mut units = Vec::with_capacity(points.len());
    for p in points {
        if p > 0xffff {
            let v = p - 0x10000;
            units.push(0xd800 + (v >> 10));
            units.push(0xdc00 + (v & 0x3ff));
        } else {
            units.push(p);
        }
    }
    Ok(units)
}

/// The value a one-character string gives a wide character of type `ct`.
pub fn wide_char_for(ct: &CType, obj: &Bound<'_, PyAny>) -> PyResult<u32> {
    let what = if let Ok(s) = obj.cast::<PyString>() {
        let points = code_points(s)?;
        match points[..] {
            [code] if ct.prim == Some(Prim::Char16) && code > 0xffff => {
                "larger-than-0xFFFF character".to_string()
            }
            [code] => return Ok(code),
            _ => format!("unicode string of length {}", points.len()),
        }
    } else if let Ok(cd) = obj.cast::<CData>() {
        let c = cd.get();
        let from = c.ctype.get();
        // As cffi: any wide character of the same size (a char32_t for a
        // wchar_t), read as the unsigned code it holds.
        let size = ct.prim.map(Prim::size);
        if from.kind == Kind::Primitive
            && from.prim.map(Prim::class) == Some(PrimClass::WideChar)
            && from.prim.map(Prim::size) == size
        {
            let bytes = c.value();
            return Ok(match size {
                Some(2) => u32::from(u16::from_ne_bytes([bytes[0], bytes[1]])),
                _ => u32::from_ne_bytes(bytes[..4].try_into().expect("4 bytes")),
            });
        }
        format!("cdata '{}'", from.cname)
    } else {
        obj.get_type().name()?.to_string()
    };
    Err(Msg::WideCharInitializer {
        ctype: &ct.cname,
        what: &what,
    }
    .to_err())
}

/// A one-character str from a wide character's code (surrogates included, as
/// Python strings allow them).
pub fn wide_char_to_str(py: Python<'_>, code: u32) -> PyResult<Py<PyAny>> {
    str_from_code_points(py, &[code])
}

/// A str from the code units of a wide string: 16-bit units are UTF-16 (pairs
/// of surrogates join), 32-bit units are code points.
pub fn wide_units_to_str(py: Python<'_>, units: &[u32], unit_size: usize) -> PyResult<Py<PyAny>> {
    if unit_size != 2 {
        return str_from_code_points(py, units);
    }
    let mut points = Vec::with_capacity(units.len());
    let mut i = 0;
    while i < units.len() {
        let u = units[i] & 0xffff;
        let next = units.get(i + 1).map(|n| n & 0xffff);
        match next {
            Some(lo) if (0xd800..0xdc00).contains(&u) && (0xdc00..0xe000).contains(&lo) => {
                points.push(0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00));
                i += 2;
            }
            _ => {
                points.push(u);
                i += 1;
            }
        }
    }
    str_from_code_points(py, &points)
}

/// A str of these code points; a value past U+10FFFF (which a C wide
/// character can hold) has no Python string and is refused.
fn str_from_code_points(py: Python<'_>, points: &[u32]) -> PyResult<Py<PyAny>> {
    if let Some(bad) = points.iter().find(|c| **c > 0x10ffff) {
        return Err(Msg::NotACodePoint { bad: *bad }.to_err());
    }
    // SAFETY: `points` is a valid array of UCS4 code points of that length.
    unsafe {
        Bound::from_owned_ptr_or_err(
            py,
            pyo3::ffi::PyUnicode_FromKindAndData(
                pyo3::ffi::PyUnicode_4BYTE_KIND as std::ffi::c_int,
                points.as_ptr().cast(),
                points.len() as isize,
            ),
        )
    }
    .map(Bound::unbind)
}
