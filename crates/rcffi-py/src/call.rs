//! Calling C functions through function-pointer cdata.
//!
//! A function type gets its [`FunctionPlan`] on the first call and keeps it: the
//! libffi description and the argument ctypes are decided once. A call converts
//! each argument into a stack slot, releases the GIL, and jumps.

use std::os::raw::c_void;

use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString, PyTuple};
use rcffi_core::call::CallPlan;
use rcffi_core::ctype::{Kind, Prim, PrimClass, TypeId};

use crate::cdata::CData;
use crate::convert;
use crate::errors::to_pyerr;
use crate::types::{ctype_for, table, CType};

/// Arguments up to this count live on the stack during a call.
const STACK_ARGS: usize = 16;

/// One argument's storage: big enough and aligned for any scalar, `long double`
/// and `double _Complex` included.
#[derive(Clone, Copy)]
#[repr(C, align(16))]
struct Slot([u8; 16]);

/// Everything about calling functions of one type that does not change per call.
pub struct FunctionPlan {
    /// `None` for variadic functions, whose plan depends on each call's arguments.
    fixed: Option<CallPlan>,
    args: Vec<Py<CType>>,
    result: Py<CType>,
    variadic: bool,
}

impl FunctionPlan {
    fn new(py: Python<'_>, func: TypeId) -> PyResult<FunctionPlan> {
        let (sig, fixed) = {
            let t = table();
            let sig = t.func(func).cloned().expect("function type");
            let fixed = if sig.variadic {
                None
            } else {
                Some(CallPlan::new(&t, func, &[]).map_err(to_pyerr)?)
            };
            (sig, fixed)
        };
        Ok(FunctionPlan {
            fixed,
            args: sig.args.iter().map(|a| ctype_for(py, *a)).collect(),
            result: ctype_for(py, sig.result),
            variadic: sig.variadic,
        })
    }
}

/// Keeps Python-side temporaries (arrays built from lists, ...) alive for a call.
#[derive(Default)]
struct Temporaries {
    buffers: Vec<Box<[Slot]>>,
}

impl Temporaries {
    fn alloc(&mut self, size: usize) -> *mut u8 {
        let slots = size.div_ceil(16).max(1);
        let mut b = vec![Slot([0; 16]); slots].into_boxed_slice();
        let p = b.as_mut_ptr() as *mut u8;
        self.buffers.push(b);
        p
    }
}

/// Raw pointers handed to the thread that runs without the GIL.
struct CallFrame {
    plan: *const CallPlan,
    func: *const c_void,
    args: *mut *mut c_void,
    result: *mut c_void,
}

// The frame only lives during the call, and the call blocks until C returns.
unsafe impl Send for CallFrame {}

/// `cdata(*args)`.
pub fn call_cdata(slf: &Bound<'_, CData>, args: &Bound<'_, PyTuple>) -> PyResult<Py<PyAny>> {
    let py = slf.py();
    let this = slf.get();
    let ct = this.ctype.get();
    if ct.kind != Kind::Function {
        return Err(PyTypeError::new_err(format!(
            "cdata '{}' is not callable",
            ct.cname
        )));
    }
    if this.address().is_null() {
        return Err(PyRuntimeError::new_err(format!(
            "cannot call null function pointer from cdata '{}'",
            ct.cname
        )));
    }
    let fplan = match ct.call_plan.get() {
        Some(p) => p,
        None => {
            let p = FunctionPlan::new(py, ct.id)?;
            ct.call_plan.get_or_init(|| p)
        }
    };
    let nfixed = fplan.args.len();
    let n = args.len();
    if n < nfixed || (n > nfixed && !fplan.variadic) {
        let expected = if fplan.variadic {
            format!("at least {nfixed}")
        } else {
            nfixed.to_string()
        };
        return Err(PyTypeError::new_err(format!(
            "'{}' expects {expected} arguments, got {n}",
            ct.cname
        )));
    }

    let mut slots = [Slot([0; 16]); STACK_ARGS];
    let mut heap_slots;
    let slots: &mut [Slot] = if n <= STACK_ARGS {
        &mut slots[..n]
    } else {
        heap_slots = vec![Slot([0; 16]); n];
        &mut heap_slots
    };
    let mut avalues_stack = [std::ptr::null_mut::<c_void>(); STACK_ARGS];
    let mut avalues_heap;
    let avalues: &mut [*mut c_void] = if n <= STACK_ARGS {
        &mut avalues_stack[..n]
    } else {
        avalues_heap = vec![std::ptr::null_mut(); n];
        &mut avalues_heap
    };
    let mut temps = Temporaries::default();

    for (i, arg) in args.iter().enumerate().take(nfixed) {
        avalues[i] = convert_arg(py, fplan.args[i].get(), &arg, &mut slots[i], &mut temps)
            .map_err(|e| annotate(py, e, i, ct))?;
    }
    let variadic_plan;
    let plan: &CallPlan = match &fplan.fixed {
        Some(p) => p,
        None => {
            let mut extra = Vec::with_capacity(n - nfixed);
            for i in nfixed..n {
                let arg = args.get_item(i)?;
                let (vt, ptr) = variadic_arg(py, &arg, &mut slots[i], &mut temps)
                    .map_err(|e| annotate(py, e, i, ct))?;
                extra.push(vt);
                avalues[i] = ptr;
            }
            variadic_plan = CallPlan::new(&table(), ct.id, &extra).map_err(to_pyerr)?;
            &variadic_plan
        }
    };

    let result_ct = fplan.result.get();
    let mut ret_small = [Slot([0; 16]); 2];
    let mut ret_big;
    let ret: *mut u8 = if plan.result_size() <= 32 {
        ret_small.as_mut_ptr() as *mut u8
    } else {
        ret_big = vec![Slot([0; 16]); plan.result_size().div_ceil(16)];
        ret_big.as_mut_ptr() as *mut u8
    };
    let frame = CallFrame {
        plan,
        func: this.address() as *const c_void,
        args: avalues.as_mut_ptr(),
        result: ret as *mut c_void,
    };
    py.detach(move || {
        let f = frame;
        // SAFETY: the plan matches the function type, avalues point at converted
        // arguments that outlive the call, and the result buffer is large enough.
        unsafe { (*f.plan).call(f.func, f.args, f.result) }
    });
    drop(temps);
    unsafe { convert_result(py, &fplan.result, result_ct, ret) }
}

fn annotate(py: Python<'_>, e: PyErr, i: usize, ct: &CType) -> PyErr {
    let msg = format!("{} (argument {} of '{}')", e.value(py), i + 1, ct.cname);
    let ty = e.get_type(py);
    PyErr::from_type(ty, msg)
}

/// Converts one declared argument into `slot` (or a temporary) and returns the
/// address libffi reads it from.
fn convert_arg(
    py: Python<'_>,
    ct: &CType,
    arg: &Bound<'_, PyAny>,
    slot: &mut Slot,
    temps: &mut Temporaries,
) -> PyResult<*mut c_void> {
    let slot_ptr = slot.0.as_mut_ptr();
    match ct.kind {
        Kind::Pointer => {
            let p = pointer_arg(py, ct, arg, temps)?;
            unsafe { std::ptr::write(slot_ptr as *mut *mut u8, p) };
        }
        Kind::Struct | Kind::Union => {
            if let Ok(cd) = arg.cast::<CData>() {
                if cd.get().ctype.get().id == ct.id {
                    return Ok(cd.get().address() as *mut c_void);
                }
            }
            let size = ct.size_or_err()?;
            let p = temps.alloc(size);
            unsafe { convert::write(py, ct, p, arg)? };
            return Ok(p as *mut c_void);
        }
        _ => unsafe { convert::write(py, ct, slot_ptr, arg)? },
    }
    Ok(slot_ptr as *mut c_void)
}

/// A pointer argument: a compatible cdata, or what C code would get from a Python
/// object: bytes for `char *` (not copied), a list or tuple for `T *`, a struct
/// initializer for `struct *`, str for wide-character pointers.
fn pointer_arg(
    py: Python<'_>,
    ct: &CType,
    arg: &Bound<'_, PyAny>,
    temps: &mut Temporaries,
) -> PyResult<*mut u8> {
    if arg.is_instance_of::<CData>() {
        return convert::pointer_for(py, ct, arg);
    }
    let item = ct.item_ref();
    if let Ok(b) = arg.cast::<PyBytes>() {
        let char_like = item.kind == Kind::Void
            || (item.kind == Kind::Primitive
                && item.size() == Some(1)
                && item.prim.is_some_and(|p| p.is_integer()));
        if char_like {
            // Bytes objects are NUL-terminated and immutable: C reads them in place.
            return Ok(b.as_bytes().as_ptr() as *mut u8);
        }
    }
    if let Ok(s) = arg.cast::<PyString>() {
        if item.kind == Kind::Primitive
            && item.prim.is_some_and(|p| p.class() == PrimClass::WideChar)
        {
            let units = convert::encode_wide(item, &s.to_cow()?);
            let size = item.size_or_err()?;
            let p = temps.alloc((units.len() + 1) * size);
            for (i, u) in units.iter().enumerate() {
                unsafe { convert::store_int(p.add(i * size), size, i128::from(*u)) };
            }
            return Ok(p);
        }
    }
    let is_seq = arg.is_instance_of::<PyList>() || arg.is_instance_of::<PyTuple>();
    if (is_seq || arg.is_instance_of::<PyDict>()) && item.kind != Kind::Void {
        let size = item.size_or_err()?;
        let count = if is_seq && !item.is_record() {
            arg.len()?
        } else {
            1
        };
        let p = temps.alloc(size * count.max(1));
        if is_seq && !item.is_record() {
            for (i, v) in arg.try_iter()?.enumerate() {
                unsafe { convert::write(py, item, p.add(i * size), &v?)? };
            }
        } else {
            unsafe { convert::write(py, item, p, arg)? };
        }
        return Ok(p);
    }
    convert::pointer_for(py, ct, arg)
}

/// A variadic argument: must be a cdata; promoted as C promotes (`float` to
/// `double`, small integers to `int`). Returns the type passed and its address.
fn variadic_arg(
    py: Python<'_>,
    arg: &Bound<'_, PyAny>,
    slot: &mut Slot,
    temps: &mut Temporaries,
) -> PyResult<(TypeId, *mut c_void)> {
    let Ok(cd) = arg.cast::<CData>() else {
        return Err(PyTypeError::new_err(format!(
            "argument passed in the variadic part must be a cdata object, not {} (use ffi.cast() or ffi.new())",
            arg.get_type().name()?
        )));
    };
    let c = cd.get();
    let ct = c.ctype.get();
    let slot_ptr = slot.0.as_mut_ptr();
    let promoted = match (ct.kind, ct.prim) {
        (Kind::Primitive, Some(Prim::Float)) => {
            unsafe { std::ptr::write(slot_ptr as *mut f64, c.as_float()?) };
            Some(Prim::Double)
        }
        (Kind::Primitive | Kind::Enum, Some(p)) if p.is_integer() && p.size() < 4 => {
            unsafe { std::ptr::write(slot_ptr as *mut i32, c.as_integer()? as i32) };
            Some(Prim::Int)
        }
        _ => None,
    };
    if let Some(p) = promoted {
        return Ok((table().primitive(p), slot_ptr as *mut c_void));
    }
    match ct.kind {
        Kind::Primitive | Kind::Enum => {
            slot.0 = c.value;
            Ok((ct.id, slot_ptr as *mut c_void))
        }
        Kind::Pointer | Kind::Function => {
            unsafe { std::ptr::write(slot_ptr as *mut *mut u8, c.address()) };
            Ok((ct.id, slot_ptr as *mut c_void))
        }
        Kind::Array => {
            unsafe { std::ptr::write(slot_ptr as *mut *mut u8, c.address()) };
            let ptr_ty = table().pointer(ct.item_ref().id);
            Ok((ptr_ty, slot_ptr as *mut c_void))
        }
        Kind::Struct | Kind::Union => {
            let _ = (py, temps);
            Ok((ct.id, c.address() as *mut c_void))
        }
        Kind::Void => Err(PyTypeError::new_err(
            "cannot pass 'void' as a variadic argument",
        )),
    }
}

/// The Python value of a call's result.
unsafe fn convert_result(
    py: Python<'_>,
    ctp: &Py<CType>,
    ct: &CType,
    ret: *mut u8,
) -> PyResult<Py<PyAny>> {
    match ct.kind {
        Kind::Void => Ok(py.None()),
        Kind::Struct | Kind::Union => {
            let size = ct.size_or_err()?;
            let owned = CData::new_owned(py, ctp.clone_ref(py), size, 0)?;
            std::ptr::copy_nonoverlapping(ret, owned.get().address(), size);
            Ok(owned.into_any())
        }
        _ => convert::read(py, ctp, ret, None),
    }
}
