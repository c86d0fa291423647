//! The one Python-object front end of the core's scalar engine
//! (`rcffi_core::scalar`): Python objects to C integers, floats, characters and
//! back, under the [`Rules`] of the caller (cffi's assignment, cast and argument
//! passing, ctypes). Every integer conversion starts with the same fast path
//! (an exact int that fits a machine word, read from the object's layout); the
//! slow paths differ only by the rules' flags. Refusals come back from the core
//! as [`ScalarError`] data and become exceptions in one place, [`raise`].

use std::ptr;

use pyo3::exceptions::{PyOverflowError, PyTypeError};
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyComplex, PyFloat, PyInt, PyString};
use rcffi_core::ctype::{Kind, Prim, PrimClass};
use rcffi_core::longdouble;
use rcffi_core::scalar::{
    load_float, load_int, store_float, store_int, Machine, Rules, ScalarError,
};

use crate::cdata::CData;
use crate::messages::Msg;
use crate::pylayout::exact_int_ptr;
use crate::types::CType;

/// The exception of a refused scalar conversion: the one place its kind is
/// decided.
pub(crate) fn raise(e: ScalarError) -> PyErr {
    if e.is_overflow() {
        PyOverflowError::new_err(e.to_string())
    } else {
        PyTypeError::new_err(e.to_string())
    }
}

/// How an object is named in messages: `cdata 'int *'`, or its Python type.
pub(crate) fn type_name(obj: &Bound<'_, PyAny>) -> String {
    if let Ok(cd) = obj.cast::<CData>() {
        return format!("cdata '{}'", cd.get().ctype.get().cname);
    }
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".into())
}

/// The one integer fast path: the value of an exact int within `bounds` (the
/// machine-word values a type takes as they are, [`Rules::word_bounds`]).
///
/// # Safety
/// `obj` must be a live object and the GIL held.
#[inline(always)]
pub(crate) unsafe fn word_within(obj: *mut ffi::PyObject, (lo, hi): (i64, i64)) -> Option<i64> {
    match exact_int_ptr(obj) {
        Some(v) if lo <= v && v <= hi => Some(v),
        _ => None,
    }
}

/// `obj` as the integer scalar `m` (named `cname`) under `rules`; `None` when
/// the rules decline it (ctypes: not an int). Inlined, so that the caller's
/// constant rules fold the fast path to a load and a range check (or none).
#[inline(always)]
pub(crate) fn integer(
    obj: &Bound<'_, PyAny>,
    cname: &str,
    m: Machine,
    rules: Rules,
) -> PyResult<Option<i128>> {
    // SAFETY: `obj` is live and the GIL held.
    if let Some(v) = unsafe { exact_int_ptr(obj.as_ptr()) } {
        return rules.fit(i128::from(v), m, cname).map(Some).map_err(raise);
    }
    integer_slow(obj, cname, m, rules)
}

/// [`integer`] for a value assigned to the integer type `ct` (cffi's rules).
#[inline]
pub(crate) fn assign_int(ct: &CType, obj: &Bound<'_, PyAny>) -> PyResult<i128> {
    let m = ct.machine.expect("an integer type");
    integer(obj, &ct.cname, m, Rules::ASSIGN).map(|v| v.unwrap_or_default())
}

/// The low 64 bits of a Python int, what ctypes keeps of it; `None` for
/// anything else (ctypes' own code converts or refuses it).
#[inline(always)]
pub(crate) fn ctypes_int_bits(obj: &Bound<'_, PyAny>) -> Option<u64> {
    integer(obj, "", Machine::U64, Rules::CTYPES)
        .ok()
        .flatten()
        .map(|v| v as u64)
}

#[inline(never)]
fn integer_slow(
    obj: &Bound<'_, PyAny>,
    cname: &str,
    m: Machine,
    rules: Rules,
) -> PyResult<Option<i128>> {
    let py = obj.py();
    let fit = |v: i128| rules.fit(v, m, cname).map(Some).map_err(raise);
    if rules.declines_others {
        if !obj.is_instance_of::<PyInt>() {
            return Ok(None);
        }
        // SAFETY: an int never fails the masked conversion.
        return Ok(Some(i128::from(unsafe {
            ffi::PyLong_AsUnsignedLongLongMask(obj.as_ptr())
        })));
    }
    if rules.takes_addresses {
        // A builtin of an API-mode lib stands for its function's address.
        if let Some(function) = crate::convert::function_behind(obj) {
            return Ok(Some(function.get().address() as usize as i128));
        }
    }
    if rules.takes_chars {
        if let Some(code) = char_code(obj, cname)? {
            return Ok(Some(code));
        }
    }
    if let Ok(cd) = obj.cast::<CData>() {
        return cdata_integer(cd.get(), cname, m, rules).map(Some);
    }
    if obj.is_instance_of::<PyFloat>() {
        if rules.truncates_floats {
            // As int(value), then truncated like any integer.
            let int = obj.call_method0(pyo3::intern!(py, "__int__"))?;
            return integer(&int, cname, m, rules);
        }
        return Err(raise(ScalarError::NotInteger {
            cname: cname.to_string(),
            given: "float".to_string(),
        }));
    }
    if obj.is_instance_of::<PyInt>() {
        if let Ok(small) = obj.extract::<i64>() {
            return fit(i128::from(small));
        }
        match obj.extract::<i128>() {
            Ok(v) => return fit(v),
            Err(_) if !rules.range_checked => {
                // Wider than 128 bits: keep the low bits, as a C cast would.
                let masked = obj.call_method1(pyo3::intern!(py, "__and__"), (u128::MAX,))?;
                return Ok(Some(masked.extract::<u128>()? as i128));
            }
            Err(_) => {
                return Err(raise(ScalarError::Overflow {
                    cname: cname.to_string(),
                    value: obj.str()?.to_string(),
                    only_bool_values: false,
                }))
            }
        }
    }
    // Any other object converts as the int its type's `__int__` gives, as in
    // cffi; `__index__` alone does not make a C integer value (it is what
    // indexes and lengths take), nor does an `__int__` set on the instance.
    if let Ok(to_int) = obj.get_type().getattr(pyo3::intern!(py, "__int__")) {
        let int = to_int.call1((obj,))?;
        if rules.range_checked || int.is_instance_of::<PyInt>() {
            return integer(&int, cname, m, rules);
        }
    }
    let cname = cname.to_string();
    Err(raise(if !rules.range_checked {
        ScalarError::CannotCast {
            cname,
            given: obj.get_type().name()?.to_string(),
        }
    } else {
        ScalarError::NotInteger {
            cname,
            given: type_name(obj),
        }
    }))
}

/// The integer a cdata gives: under a cast, any scalar (pointers and arrays
/// their address, a `char` its unsigned code whatever the platform's
/// signedness); otherwise only integer-like primitives, whose value is
/// range-checked (a pointer's address would silently become the value).
fn cdata_integer(c: &CData, cname: &str, m: Machine, rules: Rules) -> PyResult<i128> {
    let from = c.ctype.get();
    if rules.takes_addresses {
        return match from.machine {
            _ if from.kind == Kind::Array => Ok(c.address() as usize as i128),
            Some(Machine::Char) if from.kind == Kind::Primitive => Ok(i128::from(c.value()[0])),
            _ => c.as_integer(),
        };
    }
    let integral = matches!(from.kind, Kind::Primitive | Kind::Enum)
        && from.machine.is_some_and(|s| s.int_layout().is_some());
    if !integral {
        return Err(raise(ScalarError::NotInteger {
            cname: cname.to_string(),
            given: format!("cdata '{}'", from.cname),
        }));
    }
    rules.fit(c.as_integer()?, m, cname).map_err(raise)
}

/// The code of a one-character `bytes` or `str` cast to a number type; `None`
/// for other values, an error for strings of another length.
pub(crate) fn char_code(value: &Bound<'_, PyAny>, cname: &str) -> PyResult<Option<i128>> {
    let (what, codes): (&'static str, Vec<i128>) = if let Ok(s) = value.cast::<PyString>() {
        let points = crate::widechar::code_points(s)?;
        ("str", points.iter().map(|&c| i128::from(c)).collect())
    } else if let Ok(b) = value.cast::<PyBytes>() {
        (
            "bytes",
            b.as_bytes().iter().map(|&c| i128::from(c)).collect(),
        )
    } else {
        return Ok(None);
    };
    match codes[..] {
        [code] => Ok(Some(code)),
        _ => Err(raise(ScalarError::CastLength {
            cname: cname.to_string(),
            what,
            len: codes.len(),
        })),
    }
}

/// The one floating fast path: the value of an exact float, which every
/// rule takes as it is.
///
/// # Safety
/// `obj` must be a live object and the GIL held.
#[inline(always)]
pub(crate) unsafe fn exact_float(obj: *mut ffi::PyObject) -> Option<f64> {
    (ffi::PyFloat_CheckExact(obj) != 0).then(|| ffi::PyFloat_AS_DOUBLE(obj))
}

/// `obj` as a floating value for the type named `cname` under `rules`; `None`
/// when the rules decline it (ctypes: neither a float nor an int that fits).
#[inline]
pub(crate) fn float(obj: &Bound<'_, PyAny>, cname: &str, rules: Rules) -> PyResult<Option<f64>> {
    // SAFETY: a live object, with the GIL held.
    if let Some(v) = unsafe { exact_float(obj.as_ptr()) } {
        return Ok(Some(v));
    }
    float_slow(obj, cname, rules)
}

#[inline(never)]
fn float_slow(obj: &Bound<'_, PyAny>, cname: &str, rules: Rules) -> PyResult<Option<f64>> {
    if rules.declines_others {
        if let Ok(f) = obj.cast::<PyFloat>() {
            return Ok(Some(f.value()));
        }
        if !obj.is_instance_of::<PyInt>() {
            return Ok(None);
        }
        // SAFETY: an int argument; an overflow sets an error that is cleared,
        // and the caller's code raises its own.
        let v = unsafe { ffi::PyLong_AsDouble(obj.as_ptr()) };
        if v == -1.0 && unsafe { !ffi::PyErr_Occurred().is_null() } {
            unsafe { ffi::PyErr_Clear() };
            return Ok(None);
        }
        return Ok(Some(v));
    }
    if let Ok(cd) = obj.cast::<CData>() {
        let cd = cd.get();
        let ct = cd.ct();
        let floating = ct.kind == Kind::Primitive
            && matches!(
                ct.prim.map(Prim::class),
                Some(PrimClass::Float | PrimClass::LongDouble)
            );
        // cffi assigns and passes a cdata as float() of it, which only floating
        // ones have; a cast converts any number.
        if rules.range_checked && !floating {
            return Err(Msg::NoFloat { ctype: &ct.cname }.to_err());
        }
        return cd.as_float().map(Some);
    }
    if rules.takes_chars {
        // A character casts as its code, as it would to an integer type.
        if let Ok(b) = obj.cast::<PyBytes>() {
            if let [c] = b.as_bytes() {
                return Ok(Some(f64::from(*c)));
            }
        }
        if let Ok(s) = obj.cast::<PyString>() {
            if let [c] = crate::widechar::code_points(s)?[..] {
                return Ok(Some(f64::from(c)));
            }
        }
    }
    match obj.extract::<f64>() {
        Ok(v) => Ok(Some(v)),
        Err(_) if !rules.range_checked => Err(raise(ScalarError::CannotCast {
            cname: cname.to_string(),
            given: obj.get_type().name()?.to_string(),
        })),
        // An int too large for a double: an overflow, not a type error.
        Err(e) if e.is_instance_of::<PyOverflowError>(obj.py()) => Err(e),
        Err(_) => Err(raise(ScalarError::NotReal {
            cname: cname.to_string(),
            given: type_name(obj),
        })),
    }
}

/// [`float`] for a value assigned to the floating type `ct`.
fn assign_float(ct: &CType, obj: &Bound<'_, PyAny>) -> PyResult<f64> {
    float(obj, &ct.cname, Rules::ASSIGN).map(|v| v.unwrap_or_default())
}

/// Whether a cast to `_Bool` gives true: C's `value != 0`, on the whole value
/// (an int of any width, a float or a floating cdata not truncated first).
pub(crate) fn cast_truth(value: &Bound<'_, PyAny>, cname: &str) -> PyResult<bool> {
    if let Ok(cd) = value.cast::<CData>() {
        let c = cd.get();
        let from = c.ctype.get();
        if from.kind == Kind::Primitive
            && matches!(
                from.machine,
                Some(Machine::F32 | Machine::F64 | Machine::LongDouble)
            )
        {
            return Ok(c.as_float()? != 0.0);
        }
    } else if value.is_instance_of::<PyFloat>() {
        return Ok(float(value, cname, Rules::CAST)?.unwrap_or_default() != 0.0);
    } else if value.is_instance_of::<PyInt>() {
        return value.is_truthy();
    } else if let Ok(b) = value.cast::<PyBytes>() {
        if let [c] = b.as_bytes() {
            return Ok(*c != 0);
        }
    } else if let Ok(s) = value.cast::<PyString>() {
        if let [c] = crate::widechar::code_points(s)?[..] {
            return Ok(c != 0);
        }
    } else if let Ok(to_float) = value
        .get_type()
        .getattr(pyo3::intern!(value.py(), "__float__"))
    {
        // As in cffi, an object that is a real number is true by its float
        // (`Decimal("0.5")` is true), before any `__int__` it also has.
        return Ok(to_float.call1((value,))?.extract::<f64>()? != 0.0);
    }
    // Other strings are no characters here: "cannot cast", not their length.
    let rules = Rules {
        takes_chars: false,
        ..Rules::CAST
    };
    Ok(integer(value, cname, Machine::Bool, rules)?.unwrap_or_default() != 0)
}

/// The byte a `char` gets: a one-byte `bytes`, or a `char` cdata.
fn char_byte(ct: &CType, obj: &Bound<'_, PyAny>) -> PyResult<u8> {
    if let Ok(b) = obj.cast::<PyBytes>() {
        if let [c] = b.as_bytes() {
            return Ok(*c);
        }
    }
    if let Ok(cd) = obj.cast::<CData>() {
        let c = cd.get();
        let from = c.ctype.get();
        if from.machine == Some(Machine::Char) && from.kind == Kind::Primitive {
            return Ok(c.value()[0]);
        }
    }
    Err(raise(ScalarError::NotChar {
        cname: ct.cname.clone(),
        given: type_name(obj),
    }))
}

/// A Python int from a C integer value, through the machine-word constructors
/// (much faster than the 128-bit one), and CPython's cached small ints.
pub fn int_object(py: Python<'_>, v: i128) -> PyResult<Py<PyAny>> {
    Ok(if let Ok(word) = i64::try_from(v) {
        // SAFETY: the GIL is held; the result is a new reference or NULL with an error set.
        unsafe { Bound::from_owned_ptr_or_err(py, crate::pylayout::int_object(word))? }.unbind()
    } else if let Ok(big) = u64::try_from(v) {
        big.into_pyobject(py)?.into_any().unbind()
    } else {
        v.into_pyobject(py)?.into_any().unbind()
    })
}

/// Reads the primitive or enum of type `ctp` at `addr` as a Python object
/// (`long double` as a cdata, so that no precision is lost).
///
/// # Safety
/// `addr` must be readable for the type's size.
#[inline]
pub(crate) unsafe fn read_scalar(
    py: Python<'_>,
    ctp: &Py<CType>,
    addr: *const u8,
) -> PyResult<Py<PyAny>> {
    let ct = ctp.get();
    let m = ct.machine.expect("a primitive");
    if ct.kind == Kind::Enum {
        let (size, signed) = m.int_layout().expect("an integer base");
        return int_object(py, load_int(addr, size, signed));
    }
    Ok(match m {
        // `int` and other integers up to 32 bits: the hot case, one jump away.
        Machine::I8 | Machine::U8 | Machine::I16 | Machine::U16 | Machine::I32 | Machine::U32 => {
            let v = m.load_int(addr) as i64;
            Bound::from_owned_ptr(py, ffi::PyLong_FromLongLong(v)).unbind()
        }
        Machine::I64 | Machine::U64 => int_object(py, m.load_int(addr))?,
        Machine::Bool => match *addr {
            b @ (0 | 1) => (b == 1).into_pyobject(py)?.to_owned().into_any().unbind(),
            b => return Err(Msg::BoolNotZeroOrOne { b: &b }.to_err()),
        },
        Machine::Char => PyBytes::new(py, &[*addr]).into_any().unbind(),
        Machine::F32 | Machine::F64 => load_float(addr, m).into_pyobject(py)?.into_any().unbind(),
        Machine::LongDouble => {
            let mut value = [0u8; 16];
            ptr::copy_nonoverlapping(addr, value.as_mut_ptr(), m.size());
            CData::new_value(py, ctp.clone_ref(py), value)?.into_any()
        }
        Machine::WChar | Machine::Char16 | Machine::Char32 => {
            let code = load_int(addr, m.size(), false) as u32;
            crate::widechar::wide_char_to_str(py, code)?
        }
        Machine::FloatComplex | Machine::DoubleComplex => {
            let half = m.complex_part().expect("a complex type");
            let re = load_float(addr, half);
            let im = load_float(addr.add(half.size()), half);
            PyComplex::from_doubles(py, re, im).into_any().unbind()
        }
        Machine::Pointer => unreachable!("pointers are read as cdata"),
    })
}

/// Writes `obj` as the primitive or enum of type `ct` at `addr`, under cffi's
/// assignment rules.
///
/// # Safety
/// `addr` must be writable for the type's size.
pub(crate) unsafe fn write_scalar(
    ct: &CType,
    addr: *mut u8,
    obj: &Bound<'_, PyAny>,
) -> PyResult<()> {
    let m = ct.machine.expect("a primitive");
    match m {
        Machine::Char => *addr = char_byte(ct, obj)?,
        Machine::F32 | Machine::F64 => store_float(addr, m, assign_float(ct, obj)?),
        Machine::LongDouble => {
            let bytes = match obj.cast::<CData>() {
                Ok(cd) if cd.get().ctype.get().machine == Some(m) => cd.get().value(),
                _ => longdouble::from_f64(assign_float(ct, obj)?),
            };
            ptr::copy_nonoverlapping(bytes.as_ptr(), addr, m.size());
        }
        Machine::WChar | Machine::Char16 | Machine::Char32 => {
            let code = crate::widechar::wide_char_for(ct, obj)?;
            store_int(addr, m.size(), i128::from(code));
        }
        Machine::FloatComplex | Machine::DoubleComplex => {
            let (re, im) = complex_parts(ct, obj)?;
            let half = m.complex_part().expect("a complex type");
            store_float(addr, half, re);
            store_float(addr.add(half.size()), half, im);
        }
        Machine::Pointer => unreachable!("pointers are written by convert::write"),
        // What is left: the integers (enums' too) and `_Bool`, range-checked
        // by the assignment's rules.
        _ => store_int(addr, m.size(), assign_int(ct, obj)?),
    }
    Ok(())
}

/// A complex number as its (real, imaginary) parts, from anything with
/// `__complex__` or `__float__`.
fn complex_parts(ct: &CType, obj: &Bound<'_, PyAny>) -> PyResult<(f64, f64)> {
    let parts = || -> PyResult<(f64, f64)> {
        if let Ok(c) = obj.cast::<PyComplex>() {
            return Ok((c.real(), c.imag()));
        }
        if obj.hasattr("__complex__")? {
            let c = obj.call_method0("__complex__")?;
            let c = c.cast::<PyComplex>()?;
            return Ok((c.real(), c.imag()));
        }
        Ok((obj.extract::<f64>()?, 0.0))
    };
    parts().map_err(|_| {
        Msg::ComplexInitializer {
            ctype: &ct.cname,
            given: &type_name(obj),
        }
        .to_err()
    })
}
