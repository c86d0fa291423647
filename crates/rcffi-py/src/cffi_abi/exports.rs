//! The exports table cffi-compiled extension modules call through: the
//! conversions between Python objects and C values their generated wrappers
//! use, errno save/restore around calls, and the entry of `extern "Python"`
//! functions. The slot order is the binary interface, as cffi's public header
//! `_cffi_include.h` declares it (`_cffi_exports[1]` is `_cffi_to_c_i8`, ...);
//! at import the backend copies the first slots into the module's own array.
//!
//! Every function is entered from C with the GIL held (except the errno pair,
//! called around the C call with the GIL released), reports failure the way
//! the header says (a sentinel value with a Python exception set) and never
//! unwinds into C.

use std::os::raw::{c_char, c_int, c_uint, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::OnceLock;

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString, PyTuple};
use rcffi_core::ctype::{Kind, Prim, PrimClass};
use rcffi_core::scalar::{Machine, Rules};

use crate::cdata::CData;
use crate::convert;
use crate::convert_scalar::integer;
use crate::messages::Msg;
use crate::types::{ctype_for, table, CType};

/// How many slots the table has (cffi 1.8 and later: `_CFFI_NUM_EXPORTS`).
pub const NUM_EXPORTS: usize = 28;

/// One slot: a C function of the signature its index stands for, or NULL.
pub type Slot = Option<unsafe extern "C" fn()>;

/// The table: a static array of function pointers, as C code indexes it.
#[repr(transparent)]
pub struct Table(pub [Slot; NUM_EXPORTS]);

/// A function pointer of any signature as a slot.
macro_rules! slot {
    ($f:expr) => {
        // SAFETY: only the address is stored; C calls it with its real signature.
        Some(unsafe { std::mem::transmute::<*const (), unsafe extern "C" fn()>($f as *const ()) })
    };
}

/// The exports, in cffi's slot order. Slot 0 and slot 12 (the struct-layout
/// query of cffi 0.x) are unused.
pub fn table_of_exports() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        Table([
            None,
            slot!(to_c_i8 as unsafe extern "C" fn(*mut ffi::PyObject) -> c_int),
            slot!(to_c_u8 as unsafe extern "C" fn(*mut ffi::PyObject) -> c_int),
            slot!(to_c_i16 as unsafe extern "C" fn(*mut ffi::PyObject) -> c_int),
            slot!(to_c_u16 as unsafe extern "C" fn(*mut ffi::PyObject) -> c_int),
            slot!(to_c_i32 as unsafe extern "C" fn(*mut ffi::PyObject) -> c_int),
            slot!(to_c_u32 as unsafe extern "C" fn(*mut ffi::PyObject) -> c_uint),
            slot!(to_c_i64 as unsafe extern "C" fn(*mut ffi::PyObject) -> i64),
            slot!(to_c_u64 as unsafe extern "C" fn(*mut ffi::PyObject) -> u64),
            slot!(to_c_char as unsafe extern "C" fn(*mut ffi::PyObject) -> c_int),
            slot!(
                from_c_pointer
                    as unsafe extern "C" fn(*mut c_char, *mut ffi::PyObject) -> *mut ffi::PyObject
            ),
            slot!(
                to_c_pointer
                    as unsafe extern "C" fn(*mut ffi::PyObject, *mut ffi::PyObject) -> *mut c_char
            ),
            None,
            slot!(restore_errno as unsafe extern "C" fn()),
            slot!(save_errno as unsafe extern "C" fn()),
            slot!(from_c_char as unsafe extern "C" fn(c_char) -> *mut ffi::PyObject),
            slot!(
                from_c_deref
                    as unsafe extern "C" fn(*mut c_char, *mut ffi::PyObject) -> *mut ffi::PyObject
            ),
            slot!(
                to_c as unsafe extern "C" fn(
                    *mut c_char,
                    *mut ffi::PyObject,
                    *mut ffi::PyObject,
                ) -> c_int
            ),
            slot!(
                from_c_struct
                    as unsafe extern "C" fn(*mut c_char, *mut ffi::PyObject) -> *mut ffi::PyObject
            ),
            slot!(to_c_wchar_t as unsafe extern "C" fn(*mut ffi::PyObject) -> i32),
            slot!(from_c_wchar_t as unsafe extern "C" fn(i32) -> *mut ffi::PyObject),
            super::longdouble::to_c_long_double_slot(),
            slot!(to_c_bool as unsafe extern "C" fn(*mut ffi::PyObject) -> bool),
            slot!(
                prepare_pointer_call_argument
                    as unsafe extern "C" fn(
                        *mut ffi::PyObject,
                        *mut ffi::PyObject,
                        *mut *mut c_char,
                    ) -> ffi::Py_ssize_t
            ),
            slot!(
                convert_array_from_object
                    as unsafe extern "C" fn(
                        *mut c_char,
                        *mut ffi::PyObject,
                        *mut ffi::PyObject,
                    ) -> c_int
            ),
            slot!(
                super::externpy::call_python
                    as unsafe extern "C" fn(*mut super::externpy::ExternPy, *mut c_char)
            ),
            slot!(to_c_wchar3216_t as unsafe extern "C" fn(*mut ffi::PyObject) -> c_int),
            slot!(from_c_wchar3216_t as unsafe extern "C" fn(c_int) -> *mut ffi::PyObject),
        ])
    })
}

/// Runs `f` with the GIL (held by the C caller); an exception or a panic
/// becomes the Python error and `failed` the result.
///
/// # Safety
/// The calling thread holds the GIL.
pub(super) unsafe fn entered<T>(failed: T, f: impl FnOnce(Python<'_>) -> PyResult<T>) -> T {
    let py = Python::assume_attached();
    match catch_unwind(AssertUnwindSafe(|| f(py))) {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => {
            e.restore(py);
            failed
        }
        Err(_) => {
            Msg::PanicInCffiExports.to_err().restore(py);
            failed
        }
    }
}

/// The ctype of a primitive, made once per process (the wrappers convert on
/// every call: no lock, no table lookup after the first).
fn prim_ctype(py: Python<'_>, prim: Prim) -> &'static Py<CType> {
    const CACHED: usize = 64;
    static CACHE: [OnceLock<Py<CType>>; CACHED] = [const { OnceLock::new() }; CACHED];
    let slot = &CACHE[(prim as usize).min(CACHED - 1)];
    let ct = slot.get_or_init(|| {
        let id = table().primitive(prim);
        ctype_for(py, id)
    });
    debug_assert_eq!(
        ct.get().prim,
        Some(prim),
        "more primitives than cache slots"
    );
    ct
}

/// The ctype a compiled module passes back: one the backend wrote into its
/// `_cffi_types` array at import.
///
/// # Safety
/// `p` is a live object (the module holds a reference to it).
unsafe fn ctype_arg<'py>(py: Python<'py>, p: *mut ffi::PyObject) -> PyResult<Bound<'py, CType>> {
    if p.is_null() {
        return Err(Msg::NullCtypeFromModule.to_err());
    }
    Ok(Bound::from_borrowed_ptr(py, p).cast_into::<CType>()?)
}

unsafe fn object<'py>(py: Python<'py>, p: *mut ffi::PyObject) -> Bound<'py, PyAny> {
    Bound::from_borrowed_ptr(py, p)
}

/// An integer argument as the C integer type `prim`, or -1 with an error.
unsafe fn int_arg(obj: *mut ffi::PyObject, prim: Prim) -> i128 {
    entered(-1, |py| {
        let arg = object(py, obj);
        let m = Machine::of_prim(prim);
        integer(&arg, prim.name(), m, Rules::ARGUMENT).map(|v| v.unwrap_or_default())
    })
}

unsafe extern "C" fn to_c_i8(obj: *mut ffi::PyObject) -> c_int {
    int_arg(obj, Prim::Int8) as c_int
}

unsafe extern "C" fn to_c_u8(obj: *mut ffi::PyObject) -> c_int {
    int_arg(obj, Prim::UInt8) as c_int
}

unsafe extern "C" fn to_c_i16(obj: *mut ffi::PyObject) -> c_int {
    int_arg(obj, Prim::Int16) as c_int
}

unsafe extern "C" fn to_c_u16(obj: *mut ffi::PyObject) -> c_int {
    int_arg(obj, Prim::UInt16) as c_int
}

unsafe extern "C" fn to_c_i32(obj: *mut ffi::PyObject) -> c_int {
    int_arg(obj, Prim::Int32) as c_int
}

unsafe extern "C" fn to_c_u32(obj: *mut ffi::PyObject) -> c_uint {
    int_arg(obj, Prim::UInt32) as c_uint
}

unsafe extern "C" fn to_c_i64(obj: *mut ffi::PyObject) -> i64 {
    int_arg(obj, Prim::Int64) as i64
}

unsafe extern "C" fn to_c_u64(obj: *mut ffi::PyObject) -> u64 {
    int_arg(obj, Prim::UInt64) as u64
}

/// Writes `obj` as a value of the primitive `prim` into a zeroed buffer and
/// returns the buffer.
unsafe fn primitive_arg(py: Python<'_>, obj: *mut ffi::PyObject, prim: Prim) -> PyResult<[u8; 16]> {
    let mut buf = [0u8; 16];
    convert::write(
        py,
        prim_ctype(py, prim).get(),
        buf.as_mut_ptr(),
        &object(py, obj),
    )?;
    Ok(buf)
}

unsafe extern "C" fn to_c_char(obj: *mut ffi::PyObject) -> c_int {
    entered(-1, |py| {
        Ok(c_int::from(
            primitive_arg(py, obj, Prim::Char)?[0] as c_char,
        ))
    })
}

unsafe extern "C" fn to_c_bool(obj: *mut ffi::PyObject) -> bool {
    entered(true, |py| Ok(primitive_arg(py, obj, Prim::Bool)?[0] != 0))
}

unsafe extern "C" fn to_c_wchar_t(obj: *mut ffi::PyObject) -> i32 {
    entered(-1, |py| {
        let code =
            crate::widechar::wide_char_for(prim_ctype(py, Prim::WChar).get(), &object(py, obj))?;
        Ok(code as i32)
    })
}

/// The wide-character type whose size `wchar_t` does not have: `char16_t` here.
fn other_wide_char() -> Prim {
    if Prim::WChar.size() == 4 {
        Prim::Char16
    } else {
        Prim::Char32
    }
}

unsafe extern "C" fn to_c_wchar3216_t(obj: *mut ffi::PyObject) -> c_int {
    entered(-1, |py| {
        let ct = prim_ctype(py, other_wide_char());
        Ok(crate::widechar::wide_char_for(ct.get(), &object(py, obj))? as c_int)
    })
}

unsafe extern "C" fn from_c_wchar_t(code: i32) -> *mut ffi::PyObject {
    entered(std::ptr::null_mut(), |py| {
        Ok(crate::widechar::wide_char_to_str(py, code as u32)?.into_ptr())
    })
}

unsafe extern "C" fn from_c_wchar3216_t(code: c_int) -> *mut ffi::PyObject {
    entered(std::ptr::null_mut(), |py| {
        Ok(crate::widechar::wide_char_to_str(py, code as u32)?.into_ptr())
    })
}

unsafe extern "C" fn from_c_char(c: c_char) -> *mut ffi::PyObject {
    entered(std::ptr::null_mut(), |py| {
        Ok(PyBytes::new(py, &[c as u8]).into_any().unbind().into_ptr())
    })
}

unsafe extern "C" fn from_c_pointer(p: *mut c_char, ct: *mut ffi::PyObject) -> *mut ffi::PyObject {
    entered(std::ptr::null_mut(), |py| {
        let ct = ctype_arg(py, ct)?.unbind();
        Ok(CData::new_pointer(py, ct, p as *mut u8)?.into_ptr())
    })
}

unsafe extern "C" fn to_c_pointer(obj: *mut ffi::PyObject, ct: *mut ffi::PyObject) -> *mut c_char {
    entered(std::ptr::null_mut(), |py| {
        let ct = ctype_arg(py, ct)?;
        let mut out: *mut c_char = std::ptr::null_mut();
        convert::write(
            py,
            ct.get(),
            &mut out as *mut _ as *mut u8,
            &object(py, obj),
        )?;
        Ok(out)
    })
}

/// `_cffi_from_c_deref(data, ct)`: the value of type `ct` at `data` (a copy
/// for structs, as the data is the wrapper's local).
unsafe extern "C" fn from_c_deref(data: *mut c_char, ct: *mut ffi::PyObject) -> *mut ffi::PyObject {
    entered(std::ptr::null_mut(), |py| {
        let ct = ctype_arg(py, ct)?.unbind();
        if ct.get().is_record() {
            return Ok(owned_copy(py, ct, data)?.into_ptr());
        }
        Ok(convert::read(py, &ct, data as *const u8, None)?.into_ptr())
    })
}

/// A new cdata owning a copy of the struct or union at `data`.
unsafe fn owned_copy(py: Python<'_>, ct: Py<CType>, data: *const c_char) -> PyResult<Py<PyAny>> {
    let size = ct.get().size_or_err()?;
    let owned = CData::new_owned(py, ct, size, 0)?;
    std::ptr::copy_nonoverlapping(data as *const u8, owned.get().address(), size);
    Ok(owned.into_any())
}

unsafe extern "C" fn from_c_struct(
    data: *mut c_char,
    ct: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    entered(std::ptr::null_mut(), |py| {
        Ok(owned_copy(py, ctype_arg(py, ct)?.unbind(), data)?.into_ptr())
    })
}

/// `_cffi_to_c(data, ct, obj)`: writes `obj` as a `ct` at `data`; 0 or -1.
unsafe extern "C" fn to_c(
    data: *mut c_char,
    ct: *mut ffi::PyObject,
    obj: *mut ffi::PyObject,
) -> c_int {
    entered(-1, |py| {
        let ct = ctype_arg(py, ct)?;
        convert::write(py, ct.get(), data as *mut u8, &object(py, obj))?;
        Ok(0)
    })
}

unsafe extern "C" fn restore_errno() {
    crate::errno::errno_to_c();
}

unsafe extern "C" fn save_errno() {
    crate::errno::errno_from_c();
}

/// `_cffi_prepare_pointer_call_argument(ct, obj, output)` for an argument of
/// pointer type `ct`: 0 when `*output` now holds the pointer (a compatible
/// cdata, or bytes for a `char *`-like argument, read in place), the number
/// of bytes a temporary array needs when `obj` initialises one (a list, a
/// tuple, a str for wide characters; the wrapper then allocates and calls
/// [`convert_array_from_object`]), or -1 with an error.
unsafe extern "C" fn prepare_pointer_call_argument(
    ct: *mut ffi::PyObject,
    obj: *mut ffi::PyObject,
    output: *mut *mut c_char,
) -> ffi::Py_ssize_t {
    entered(-1, |py| {
        let ct = ctype_arg(py, ct)?;
        let c = ct.get();
        let arg = object(py, obj);
        if let Ok(cd) = arg.cast::<CData>() {
            // The common case first: a cdata of the very type.
            let cd = cd.get();
            if cd.ctype.get().id == c.id {
                cd.check_alive(py)?;
                *output = cd.address() as *mut c_char;
                return Ok(0);
            }
        }
        if c.kind == Kind::Pointer {
            let item = c.item_ref();
            let item_size = item.size().unwrap_or(0);
            let count = if let Ok(b) = arg.cast::<PyBytes>() {
                let bytes_like = item.kind == Kind::Void
                    || (item_size == 1 && item.prim.is_some_and(|p| p.is_integer()));
                if bytes_like {
                    convert::check_bool_bytes(item, b.as_bytes())?;
                    *output = b.as_bytes().as_ptr() as *mut c_char;
                    return Ok(0);
                }
                None
            } else if arg.is_instance_of::<PyList>() || arg.is_instance_of::<PyTuple>() {
                Some(arg.len()?)
            } else if let Ok(s) = arg.cast::<PyString>() {
                Some(crate::widechar::encode_wide(item, s)?.len() + 1)
            } else {
                None
            };
            if let (Some(n), true) = (count, item_size > 0) {
                let size = n
                    .checked_mul(item_size)
                    .filter(|&s| s <= isize::MAX as usize);
                let size = size.ok_or_else(|| Msg::ArrayTooLarge.to_err())?;
                return Ok(size.max(1) as ffi::Py_ssize_t);
            }
        }
        convert::write(py, c, output as *mut u8, &arg)?;
        Ok(0)
    })
}

/// `_cffi_convert_array_from_object(data, ct, obj)`: fills the zeroed
/// temporary array at `data` (items of the pointer type `ct`) from the list,
/// tuple or str [`prepare_pointer_call_argument`] sized it for; 0 or -1.
unsafe extern "C" fn convert_array_from_object(
    data: *mut c_char,
    ct: *mut ffi::PyObject,
    obj: *mut ffi::PyObject,
) -> c_int {
    entered(-1, |py| {
        let ct = ctype_arg(py, ct)?;
        let item = ct.get().item_ref();
        let size = item.size_or_err()?;
        let arg = object(py, obj);
        let data = data as *mut u8;
        if let Ok(s) = arg.cast::<PyString>() {
            let wide = item.kind == Kind::Primitive
                && item.prim.is_some_and(|p| p.class() == PrimClass::WideChar);
            if !wide {
                return Err(Msg::PointerInitializer {
                    ctype: &ct.get().cname,
                    given: &"str",
                }
                .to_err());
            }
            for (i, unit) in crate::widechar::encode_wide(item, s)?.iter().enumerate() {
                rcffi_core::scalar::store_int(data.add(i * size), size, i128::from(*unit));
            }
            return Ok(0);
        }
        for (i, v) in arg.try_iter()?.enumerate() {
            convert::write(py, item, data.add(i * size), &v?)?;
        }
        Ok(0)
    })
}

/// A `void *` for the `_C_API` capsule and the init's copy.
pub fn table_address() -> *mut c_void {
    table_of_exports() as *const Table as *mut c_void
}
