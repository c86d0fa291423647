//! Direct type slots for the hottest rcffi.ctypes operations: a field read or
//! write and an array item read or write. PyO3's `__get__`/`__getitem__`
//! methods stay (their wrappers are what `type.__dict__` shows); the slots the
//! interpreter calls are replaced by these, which skip PyO3's argument
//! handling. They are installed when the module initialises, before any
//! Python subclass exists to inherit the old ones.

use std::ffi::c_void;
use std::panic::{catch_unwind, AssertUnwindSafe};

use pyo3::ffi;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple, PyType};

use crate::ctypes_fields::{init_record, init_simple, CtypesField};
use crate::ctypes_instance::CtypesBufferBase;
use crate::ctypes_items::{self, init_items, point_at, CtypesArrayBase, CtypesPointerBase};
use crate::messages::Msg;

/// Runs `body` as a slot: errors set the interpreter's error indicator, a
/// panic becomes a RuntimeError.
///
/// # Safety
/// The GIL is held (the interpreter calls slots with it).
unsafe fn slot<T>(failed: T, body: impl FnOnce(Python<'_>) -> PyResult<T>) -> T {
    let py = Python::assume_attached();
    match catch_unwind(AssertUnwindSafe(|| body(py))) {
        Ok(Ok(value)) => value,
        Ok(Err(err)) => {
            err.restore(py);
            failed
        }
        Err(_) => {
            Msg::PanicInCtypes.to_err().restore(py);
            failed
        }
    }
}

unsafe extern "C" fn field_get(
    desc: *mut ffi::PyObject,
    obj: *mut ffi::PyObject,
    _owner: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    slot(std::ptr::null_mut(), |py| {
        // SAFETY: the slot belongs to _CtypesField, so `desc` is one.
        let field = Borrowed::from_ptr(py, desc).cast_unchecked::<CtypesField>();
        let obj = (!obj.is_null()).then(|| Borrowed::from_ptr(py, obj));
        Ok(CtypesField::get(&field, obj.as_deref())?.into_ptr())
    })
}

unsafe extern "C" fn field_set(
    desc: *mut ffi::PyObject,
    obj: *mut ffi::PyObject,
    value: *mut ffi::PyObject,
) -> std::ffi::c_int {
    slot(-1, |py| {
        // SAFETY: as in field_get; `obj` is never NULL for a set or delete.
        let field = Borrowed::from_ptr(py, desc).cast_unchecked::<CtypesField>();
        let obj = Borrowed::from_ptr(py, obj);
        if value.is_null() {
            return Err(CtypesField::deleted());
        }
        CtypesField::store(&field, &obj, &Borrowed::from_ptr(py, value)).map(|()| 0)
    })
}

unsafe extern "C" fn items_subscript(
    slf: *mut ffi::PyObject,
    key: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    slot(std::ptr::null_mut(), |py| {
        // SAFETY: the slot belongs to _CtypesArrayBase or _CtypesPointerBase,
        // both laid out as the _CtypesBufferBase they extend.
        let obj = Borrowed::from_ptr(py, slf).cast_unchecked::<CtypesBufferBase>();
        Ok(ctypes_items::get_item(&obj, &Borrowed::from_ptr(py, key))?.into_ptr())
    })
}

unsafe fn items_ass_subscript(
    what: &str,
    slf: *mut ffi::PyObject,
    key: *mut ffi::PyObject,
    value: *mut ffi::PyObject,
) -> std::ffi::c_int {
    slot(-1, |py| {
        // SAFETY: as in items_subscript.
        let obj = Borrowed::from_ptr(py, slf).cast_unchecked::<CtypesBufferBase>();
        if value.is_null() {
            return Err(ctypes_items::deleted(what));
        }
        let key = Borrowed::from_ptr(py, key);
        ctypes_items::set_item(&obj, &key, &Borrowed::from_ptr(py, value)).map(|()| 0)
    })
}

unsafe extern "C" fn array_ass_subscript(
    slf: *mut ffi::PyObject,
    key: *mut ffi::PyObject,
    value: *mut ffi::PyObject,
) -> std::ffi::c_int {
    items_ass_subscript("Array", slf, key, value)
}

unsafe extern "C" fn pointer_ass_subscript(
    slf: *mut ffi::PyObject,
    key: *mut ffi::PyObject,
    value: *mut ffi::PyObject,
) -> std::ffi::c_int {
    items_ass_subscript("Pointer", slf, key, value)
}

/// What an init slot does with the instance, its positional arguments and
/// its keywords.
type InitBody = for<'py> fn(
    &Bound<'py, CtypesBufferBase>,
    &Bound<'py, PyTuple>,
    Option<&Bound<'py, PyDict>>,
) -> PyResult<()>;

/// Runs `body` as the `tp_init` of a ctypes instance.
///
/// # Safety
/// As [`slot`]; the arguments are those CPython passes to `tp_init`.
unsafe fn init_slot(
    obj: *mut ffi::PyObject,
    args: *mut ffi::PyObject,
    kwargs: *mut ffi::PyObject,
    body: InitBody,
) -> std::ffi::c_int {
    slot(-1, |py| {
        let obj = Borrowed::from_ptr(py, obj).cast::<CtypesBufferBase>()?;
        let args = Borrowed::from_ptr(py, args).cast::<PyTuple>()?;
        let kwargs = (!kwargs.is_null())
            .then(|| Borrowed::from_ptr(py, kwargs).cast::<PyDict>())
            .transpose()?;
        body(&obj, &args, kwargs.as_deref()).map(|()| 0)
    })
}

unsafe extern "C" fn record_init(
    obj: *mut ffi::PyObject,
    args: *mut ffi::PyObject,
    kwargs: *mut ffi::PyObject,
) -> std::ffi::c_int {
    init_slot(obj, args, kwargs, init_record)
}

unsafe extern "C" fn simple_init(
    obj: *mut ffi::PyObject,
    args: *mut ffi::PyObject,
    kwargs: *mut ffi::PyObject,
) -> std::ffi::c_int {
    init_slot(obj, args, kwargs, |obj, args, _| init_simple(obj, args))
}

unsafe extern "C" fn pointer_init(
    obj: *mut ffi::PyObject,
    args: *mut ffi::PyObject,
    kwargs: *mut ffi::PyObject,
) -> std::ffi::c_int {
    init_slot(obj, args, kwargs, |obj, args, kwargs| {
        if kwargs.is_some() || args.len() > 1 {
            // Keywords and their errors as the method words them.
            let init = obj.getattr(intern!(obj.py(), "_b_init_pointer_"))?;
            return init.call(args, kwargs).map(drop);
        }
        match args.iter().next().filter(|v| !v.is_none()) {
            Some(value) => point_at(obj, &value),
            None => Ok(()),
        }
    })
}

unsafe extern "C" fn array_init(
    obj: *mut ffi::PyObject,
    args: *mut ffi::PyObject,
    kwargs: *mut ffi::PyObject,
) -> std::ffi::c_int {
    init_slot(obj, args, kwargs, |obj, args, kwargs| match kwargs {
        // The method's own error for keywords.
        Some(kwargs) => obj
            .getattr(intern!(obj.py(), "_b_init_array_"))?
            .call(args, Some(kwargs))
            .map(drop),
        None => init_items(obj, args),
    })
}

/// Gives a record, array, pointer or simple class whose `__init__` is the backend's
/// (`_CtypesBufferBase._b_init_record_` or `_b_init_simple_`,
/// `_CtypesPointerBase._b_init_pointer_`, `_CtypesArrayBase._b_init_array_`)
/// that function
/// as its `tp_init`, so that `P(1, 2)` or `c_int(3)` does not go through a
/// method call with a new argument tuple. Assigning `__init__` later makes
/// CPython recompute the slot, as for any class. rcffi.ctypes' metaclasses
/// call it for each class.
#[pyfunction]
pub fn _ctypes_init_slot(cls: &Bound<'_, PyType>) -> PyResult<()> {
    let py = cls.py();
    if !cls.is_subclass_of::<CtypesBufferBase>()? {
        return Ok(());
    }
    let init = cls.getattr(intern!(py, "__init__"))?;
    let base = py.get_type::<CtypesBufferBase>();
    let function: ffi::initproc = if init.is(&base.getattr(intern!(py, "_b_init_record_"))?) {
        record_init
    } else if init.is(&base.getattr(intern!(py, "_b_init_simple_"))?) {
        simple_init
    } else if init.is(&py
        .get_type::<CtypesPointerBase>()
        .getattr(intern!(py, "_b_init_pointer_"))?)
    {
        pointer_init
    } else if init.is(&py
        .get_type::<CtypesArrayBase>()
        .getattr(intern!(py, "_b_init_array_"))?)
    {
        array_init
    } else {
        return Ok(());
    };
    // SAFETY: a heap subtype of _CtypesBufferBase (checked) whose __init__ is
    // the function the slot calls; PyType_Modified drops cached lookups.
    unsafe {
        (*cls.as_type_ptr()).tp_init = Some(function);
        ffi::PyType_Modified(cls.as_type_ptr());
    }
    Ok(())
}

/// Points the wrapper `type.__dict__[name]` at `function`: a Python subclass
/// takes its slot from the wrapper it inherits, not from the slot itself.
///
/// # Safety
/// `function` must have the signature of the wrapper's slot.
unsafe fn repoint(ty: &Bound<'_, PyType>, name: &str, function: *mut c_void) -> PyResult<()> {
    let wrapper = ty.getattr("__dict__")?.get_item(name).map_err(|_| {
        Msg::SlotMissing {
            name: &name,
            ty: &ty,
        }
        .to_err()
    })?;
    if ffi::Py_TYPE(wrapper.as_ptr()) != std::ptr::addr_of_mut!(ffi::PyWrapperDescr_Type) {
        return Err(Msg::NotSlotWrapper {
            name: &name,
            ty: &ty,
        }
        .to_err());
    }
    (*wrapper.as_ptr().cast::<ffi::PyWrapperDescrObject>()).d_wrapped = function;
    Ok(())
}

/// Points the types' slots, and the wrappers subclasses take them from, at
/// the functions above.
pub fn install(py: Python<'_>) -> PyResult<()> {
    let field = py.get_type::<CtypesField>();
    // SAFETY: heap types just made by PyO3, with no subclasses yet; their
    // slot fields are plain members of the type object on this (non-limited)
    // API, and each function has the signature of the slot it fills.
    unsafe {
        let get = field_get as *mut c_void;
        let set = field_set as *mut c_void;
        repoint(&field, "__get__", get)?;
        repoint(&field, "__set__", set)?;
        repoint(&field, "__delete__", set)?;
        let ft = field.as_type_ptr();
        (*ft).tp_descr_get = Some(field_get);
        (*ft).tp_descr_set = Some(field_set);
        ffi::PyType_Modified(ft);
        install_items(&py.get_type::<CtypesArrayBase>(), array_ass_subscript)?;
        install_items(&py.get_type::<CtypesPointerBase>(), pointer_ass_subscript)?;
    }
    Ok(())
}

/// The item slots of the array or pointer base `ty`.
///
/// # Safety
/// As in `install`: `ty` is a fresh heap type with a mapping protocol.
unsafe fn install_items(ty: &Bound<'_, PyType>, ass_subscript: ffi::objobjargproc) -> PyResult<()> {
    repoint(ty, "__getitem__", items_subscript as *mut c_void)?;
    repoint(ty, "__setitem__", ass_subscript as *mut c_void)?;
    repoint(ty, "__delitem__", ass_subscript as *mut c_void)?;
    crate::pylayout::set_item_slots(ty.as_type_ptr(), items_subscript, ass_subscript);
    Ok(())
}
