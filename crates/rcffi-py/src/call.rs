//! Calling C functions through function-pointer cdata.
//!
//! A function type gets its [`FunctionPlan`] on the first call and keeps it: the
//! argument and result kinds, the libffi description, and whether the signature
//! can be called directly. Function cdata are vectorcall objects, so a call takes
//! its arguments as a borrowed array: no tuple, no allocation, no hashing.
//!
//! Direct calls: on the System V ABIs (x86-64 and aarch64 Unix), a function whose
//! arguments are integers, pointers and floating values that all travel in
//! registers can be called through a pointer typed with *every* argument register,
//! each argument placed in the next register of its class; the callee reads the
//! ones it declares. This skips libffi for the common signatures. Everything else
//! (structs by value, `long double`, complex, variadics, too many arguments) uses
//! the libffi plan.

use std::os::raw::c_void;

use pyo3::exceptions::PyTypeError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString, PyTuple};
use rcffi_core::call::CallPlan;
use rcffi_core::ctype::{Kind, Prim, PrimClass, TypeId};

use rcffi_core::scalar::{register_int, store_int, Machine, Rules};

use crate::call_plan::{Class, FastArg, FunctionPlan};
use crate::cdata::CData;
use crate::convert;
use crate::convert_scalar::{assign_int, float, int_object, word_within};
use crate::errno::around_c_call;
use crate::errors::to_pyerr;
use crate::messages::Msg;
use crate::types::{ctype_for, table, CType};

/// Arguments up to this count live on the stack during a libffi call.
const STACK_ARGS: usize = 16;

/// Integer and floating argument registers of the platform's C ABI.
#[cfg(all(target_arch = "x86_64", unix))]
const INT_REGS: usize = 6;
#[cfg(all(target_arch = "aarch64", unix))]
const INT_REGS: usize = 8;
#[cfg(not(any(all(target_arch = "x86_64", unix), all(target_arch = "aarch64", unix))))]
const INT_REGS: usize = 0;
const FLOAT_REGS: usize = if INT_REGS == 0 { 0 } else { 8 };

/// One argument's storage: big enough and aligned for any scalar, `long double`
/// and `double _Complex` included.
#[derive(Clone, Copy)]
#[repr(C, align(16))]
struct Slot([u8; 16]);

/// The direct-path class of a type, from its machine representation.
fn classify(ct: &CType) -> Class {
    match ct.machine {
        Some(Machine::F32) => Class::F32,
        Some(Machine::F64) => Class::F64,
        Some(m) if m.is_integer() => Class::Int {
            size: m.size() as u8,
            signed: m.is_signed(),
        },
        Some(Machine::Pointer) => Class::Pointer,
        _ => Class::Other,
    }
}

impl FunctionPlan {
    /// The ctypes the plan holds (for the cycle collector's traversal).
    pub(crate) fn ctypes(&self) -> impl Iterator<Item = &Py<CType>> {
        self.args.iter().chain(std::iter::once(&self.result))
    }

    fn new(py: Python<'_>, func: TypeId) -> PyResult<FunctionPlan> {
        let (sig, fixed, uniform, refused) = {
            let t = table();
            let sig = t.func(func).cloned().expect("function type");
            let wrapped = rcffi_core::uniform::needs_wrapper(&t, func);
            let uniform = if wrapped {
                Some(CallPlan::uniform(&t, func).map_err(to_pyerr)?)
            } else {
                None
            };
            let (fixed, refused) = match (sig.variadic, CallPlan::new(&t, func, &[])) {
                (true, _) => (None, None),
                (false, Ok(plan)) => (Some(plan), None),
                (false, Err(e @ rcffi_core::error::Error::Unsupported(_))) if wrapped => {
                    (None, Some(e.to_string()))
                }
                (false, Err(e)) => return Err(to_pyerr(e)),
            };
            (sig, fixed, uniform, refused)
        };
        let args: Vec<Py<CType>> = sig.args.iter().map(|a| ctype_for(py, *a)).collect();
        let classes: Vec<Class> = args.iter().map(|a| classify(a.get())).collect();
        let result = ctype_for(py, sig.result);
        let result_class = if result.get().kind == Kind::Void {
            Class::Other
        } else {
            classify(result.get())
        };
        let ints = classes
            .iter()
            .filter(|c| matches!(c, Class::Int { .. } | Class::Pointer))
            .count();
        let floats = classes
            .iter()
            .filter(|c| matches!(c, Class::F32 | Class::F64))
            .count();
        let integers_only = classes
            .iter()
            .all(|c| matches!(c, Class::Int { .. } | Class::Pointer))
            && !matches!(result_class, Class::F32 | Class::F64);
        let direct = !sig.variadic
            && uniform.is_none()
            && ints <= INT_REGS
            && floats <= FLOAT_REGS
            && !classes.contains(&Class::Other)
            && (result.get().kind == Kind::Void || result_class != Class::Other);
        let fast_args = args
            .iter()
            .zip(&classes)
            .map(|(a, c)| match *c {
                Class::Int { size, signed } => {
                    let (lo, hi) =
                        Rules::ARGUMENT.word_bounds(Machine::int(usize::from(size), signed));
                    FastArg::Int(lo, hi)
                }
                Class::Pointer => {
                    let ct = a.get();
                    FastArg::Pointer {
                        id: ct.id,
                        // `_Bool *` checks the bytes, a function pointer refuses them.
                        bytes: ct.kind == Kind::Pointer
                            && char_like(ct.item_ref())
                            && ct.item_ref().prim != Some(Prim::Bool),
                    }
                }
                Class::F64 => FastArg::Double,
                _ => FastArg::Other,
            })
            .collect();
        let returns_void = result.get().kind == Kind::Void;
        let int_result = match result_class {
            Class::Int { size, signed } => Some((size, signed)),
            _ => None,
        };
        let plain_registers = direct
            && (returns_void
                || int_result.is_some()
                || matches!(result_class, Class::F32 | Class::F64));
        Ok(FunctionPlan {
            fixed,
            uniform,
            refused,
            args,
            classes,
            fast_args,
            result,
            result_class,
            returns_void,
            variadic: sig.variadic,
            direct,
            integers_only,
            plain_registers,
            float_registers: floats > 0 || matches!(result_class, Class::F32 | Class::F64),
            int_result,
            keeps_gil: sig.abi.as_deref() == Some(crate::KEEP_GIL_ABI_NAME),
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

/// A call with the wrong number of arguments: worded as Python's builtins
/// word it when the function has a name (cffi's lib functions are builtins).
fn arity_error(py: Python<'_>, func: &CData, variadic: bool, nfixed: usize, n: usize) -> PyErr {
    let message = match func.function_name(py) {
        Some(name) => {
            let expected = match (variadic, nfixed) {
                (true, _) => format!("at least {nfixed} arguments"),
                (false, 0) => "no arguments".to_string(),
                (false, 1) => "exactly one argument".to_string(),
                (false, _) => format!("exactly {nfixed} arguments"),
            };
            format!("{name}() takes {expected} ({n} given)")
        }
        None => {
            let expected = if variadic {
                format!("at least {nfixed}")
            } else {
                nfixed.to_string()
            };
            format!(
                "'{}' expects {expected} arguments, got {n}",
                func.ct().cname
            )
        }
    };
    PyTypeError::new_err(message)
}

/// `cdata(*args)` through the tuple protocol.
pub fn call_cdata_tuple(slf: &Bound<'_, CData>, args: &Bound<'_, PyTuple>) -> PyResult<Py<PyAny>> {
    let ptrs: Vec<*mut ffi::PyObject> = args.iter().map(|a| a.as_ptr()).collect();
    call_cdata(slf, &ptrs)
}

/// The plan of a function type: a load on every call after the first, inlined
/// so that the first call's work (in `first_plan`) costs the others nothing.
#[inline(always)]
fn plan_of<'a>(py: Python<'_>, ct: &'a CType) -> PyResult<&'a FunctionPlan> {
    match ct.call_plan.get() {
        Some(p) => Ok(p),
        None => first_plan(py, ct),
    }
}

#[cold]
#[inline(never)]
fn first_plan<'a>(py: Python<'_>, ct: &'a CType) -> PyResult<&'a FunctionPlan> {
    let p = FunctionPlan::new(py, ct.id)?;
    Ok(ct.call_plan.get_or_init(|| p))
}

/// Calls a function cdata with borrowed argument objects. Inlined into the
/// interpreter's entry point, the per-call path (measured: 21 instructions a
/// call when it is not).
#[inline(always)]
pub(crate) fn call_cdata(
    slf: &Bound<'_, CData>,
    args: &[*mut ffi::PyObject],
) -> PyResult<Py<PyAny>> {
    let py = slf.py();
    let this = slf.get();
    let ct = this.ctype.get();
    if ct.kind != Kind::Function {
        return Err(Msg::CdataNotCallable { ctype: &ct.cname }.to_err());
    }
    if this.address().is_null() {
        return Err(Msg::NullFunctionCall { ctype: &ct.cname }.to_err());
    }
    let plan = plan_of(py, ct)?;
    let nfixed = plan.args.len();
    let n = args.len();
    if n < nfixed || (n > nfixed && !plan.variadic) {
        return Err(arity_error(py, this, plan.variadic, nfixed, n));
    }
    if plan.integers_only && plan.direct {
        call_integers(py, this.address(), plan, ct, args)
    } else if plan.direct {
        call_direct(py, this.address(), plan, ct, args)
    } else {
        call_libffi(py, this.address(), plan, ct, args)
    }
}

/// Integer argument `i`: the scalar engine's fast path with the plan's bounds,
/// anything else the full conversion (with its checks and messages).
#[inline(always)]
fn integer_arg(plan: &FunctionPlan, i: usize, a: &Bound<'_, PyAny>) -> PyResult<i64> {
    // SAFETY: `a` is a live argument and the GIL held.
    match unsafe { word_within(a.as_ptr(), plan.int_bounds(i)) } {
        Some(v) => Ok(v),
        None => assign_int(plan.args[i].get(), a).map(|v| v as i64),
    }
}

fn float_arg(ct: &CType, obj: &Bound<'_, PyAny>) -> PyResult<f64> {
    Ok(float(obj, &ct.cname, Rules::ARGUMENT)?.unwrap_or_default())
}

/// The type of a function taking every argument register of the platform: the
/// integer ones, then (with `floats`) the vector ones, returning `$ret`.
#[cfg(target_arch = "x86_64")]
macro_rules! register_fn {
    ($ret:ty) => { unsafe extern "C" fn(i64, i64, i64, i64, i64, i64) -> $ret };
    ($ret:ty, floats) => {
        unsafe extern "C" fn(i64, i64, i64, i64, i64, i64, f64, f64, f64, f64, f64, f64, f64, f64) -> $ret
    };
}
#[cfg(not(target_arch = "x86_64"))]
macro_rules! register_fn {
    ($ret:ty) => { unsafe extern "C" fn(i64, i64, i64, i64, i64, i64, i64, i64) -> $ret };
    ($ret:ty, floats) => {
        unsafe extern "C" fn(i64, i64, i64, i64, i64, i64, i64, i64, f64, f64, f64, f64, f64, f64, f64, f64) -> $ret
    };
}

/// Calls `func` with the integer registers in `i`; returns the integer result
/// register.
///
/// # Safety
/// `func` must take only integer-class register arguments.
pub(crate) unsafe fn call_integer_registers(func: *const c_void, i: &[i64; 8]) -> u64 {
    let g: register_fn!(i64) = std::mem::transmute(func);
    #[cfg(target_arch = "x86_64")]
    let r = g(i[0], i[1], i[2], i[3], i[4], i[5]);
    #[cfg(not(target_arch = "x86_64"))]
    let r = g(i[0], i[1], i[2], i[3], i[4], i[5], i[6], i[7]);
    r as u64
}

/// Calls `func` with every argument register filled; returns the bits of the
/// integer or floating result register.
///
/// # Safety
/// `func` must take only register arguments of the classes placed in `i` and `x`.
pub(crate) unsafe fn call_registers(
    func: *const c_void,
    i: &[i64; 8],
    x: &[f64; 8],
    float_result: bool,
) -> u64 {
    macro_rules! call {
        ($g:expr) => {{
            #[cfg(target_arch = "x86_64")]
            let r = $g(
                i[0], i[1], i[2], i[3], i[4], i[5], x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7],
            );
            #[cfg(not(target_arch = "x86_64"))]
            let r = $g(
                i[0], i[1], i[2], i[3], i[4], i[5], i[6], i[7], x[0], x[1], x[2], x[3], x[4], x[5],
                x[6], x[7],
            );
            r
        }};
    }
    if float_result {
        let g: register_fn!(f64, floats) = std::mem::transmute(func);
        call!(g).to_bits()
    } else {
        let g: register_fn!(i64, floats) = std::mem::transmute(func);
        call!(g) as u64
    }
}

/// Releases the GIL around a C call. PyO3's `detach` also maintains its own
/// bookkeeping, which the per-call path does not need: the released section only
/// runs C code.
///
/// # Safety
/// Must be paired with [`with_gil`] on the same thread, with no Python API use in
/// between.
pub(crate) unsafe fn without_gil(keep: bool) -> *mut ffi::PyThreadState {
    if keep {
        std::ptr::null_mut()
    } else {
        ffi::PyEval_SaveThread()
    }
}

/// Retakes the GIL released by [`without_gil`].
///
/// # Safety
/// `state` must come from [`without_gil`] on this thread.
pub(crate) unsafe fn with_gil(state: *mut ffi::PyThreadState) {
    if !state.is_null() {
        ffi::PyEval_RestoreThread(state)
    }
}

/// Register contents of a direct call.
struct DirectFrame {
    func: *const c_void,
    ints: [i64; 8],
    floats: [f64; 8],
    float_result: bool,
}

fn call_direct(
    py: Python<'_>,
    func: *mut u8,
    plan: &FunctionPlan,
    ct: &CType,
    args: &[*mut ffi::PyObject],
) -> PyResult<Py<PyAny>> {
    let arg = |i: usize| unsafe { Borrowed::from_ptr(py, args[i]) };
    let mut frame = DirectFrame {
        func: func as *const c_void,
        ints: [0; 8],
        floats: [0.0; 8],
        float_result: matches!(plan.result_class, Class::F32 | Class::F64),
    };
    let (mut ni, mut nf) = (0, 0);
    let mut temps = Temporaries::default();
    for (i, class) in plan.classes.iter().enumerate() {
        let a = arg(i);
        let act = plan.args[i].get();
        let fail = |e: PyErr| annotate(py, e, i, ct);
        match *class {
            Class::Int { .. } => {
                frame.ints[ni] = integer_arg(plan, i, &a).map_err(fail)?;
                ni += 1;
            }
            Class::Pointer => {
                frame.ints[ni] = pointer_arg(py, act, &a, &mut temps).map_err(fail)? as i64;
                ni += 1;
            }
            Class::F64 => {
                frame.floats[nf] = float_arg(act, &a).map_err(fail)?;
                nf += 1;
            }
            Class::F32 => {
                let v = float_arg(act, &a).map_err(fail)? as f32;
                frame.floats[nf] = f64::from_bits(u64::from(v.to_bits()));
                nf += 1;
            }
            Class::Other => unreachable!("not a direct plan"),
        }
    }
    // SAFETY: the plan established that every argument travels in a register of
    // its class; extra registers are ignored by the callee. Nothing touches Python
    // between releasing and retaking the GIL.
    let raw = unsafe {
        let saved = without_gil(plan.keeps_gil);
        let r = around_c_call(|| {
            call_registers(frame.func, &frame.ints, &frame.floats, frame.float_result)
        });
        with_gil(saved);
        r
    };
    drop(temps);
    direct_result(py, plan, raw)
}

/// `call_direct` for signatures of integers and pointers only: arguments go
/// straight into the integer registers, with no frame to fill or copy.
fn call_integers(
    py: Python<'_>,
    func: *mut u8,
    plan: &FunctionPlan,
    ct: &CType,
    args: &[*mut ffi::PyObject],
) -> PyResult<Py<PyAny>> {
    let mut ints = [0i64; 8];
    let mut temps: Option<Temporaries> = None;
    for (i, (&obj, class)) in args.iter().zip(&plan.classes).enumerate() {
        let a = unsafe { Borrowed::from_ptr(py, obj) };
        ints[i] = match *class {
            Class::Int { .. } => integer_arg(plan, i, &a).map_err(|e| annotate(py, e, i, ct))?,
            _ => {
                let t = temps.get_or_insert_with(Temporaries::default);
                pointer_arg(py, plan.args[i].get(), &a, t).map_err(|e| annotate(py, e, i, ct))?
                    as i64
            }
        };
    }
    // SAFETY: as in `call_direct`; only integer registers are used.
    let raw = unsafe {
        let saved = without_gil(plan.keeps_gil);
        let r = around_c_call(|| call_integer_registers(func as *const c_void, &ints));
        with_gil(saved);
        r
    };
    drop(temps);
    direct_result(py, plan, raw)
}

/// The result register as a Python object: inlined into the direct paths, with
/// the pointer result (a new cdata) out of line.
#[inline(always)]
fn direct_result(py: Python<'_>, plan: &FunctionPlan, raw: u64) -> PyResult<Py<PyAny>> {
    Ok(match plan.result_class {
        _ if plan.returns_void => py.None(),
        Class::Int { size, signed } => int_object(
            py,
            register_int(raw, size, signed).map_or(i128::from(raw), i128::from),
        )?,
        Class::F64 => f64::from_bits(raw).into_pyobject(py)?.into_any().unbind(),
        Class::F32 => f64::from(f32::from_bits(raw as u32))
            .into_pyobject(py)?
            .into_any()
            .unbind(),
        Class::Pointer => pointer_result(py, plan, raw)?,
        Class::Other => unreachable!("not a direct plan"),
    })
}

#[inline(never)]
fn pointer_result(py: Python<'_>, plan: &FunctionPlan, raw: u64) -> PyResult<Py<PyAny>> {
    Ok(CData::new_pointer(py, plan.result.clone_ref(py), raw as usize as *mut u8)?.into_any())
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

fn call_libffi(
    py: Python<'_>,
    func: *mut u8,
    fplan: &FunctionPlan,
    ct: &CType,
    args: &[*mut ffi::PyObject],
) -> PyResult<Py<PyAny>> {
    let arg = |i: usize| unsafe { Borrowed::from_ptr(py, args[i]) };
    let n = args.len();
    let nfixed = fplan.args.len();
    let mut slots_stack = [Slot([0; 16]); STACK_ARGS];
    let mut slots_heap;
    let slots: &mut [Slot] = if n <= STACK_ARGS {
        &mut slots_stack[..n]
    } else {
        slots_heap = vec![Slot([0; 16]); n];
        &mut slots_heap
    };
    let mut avalues_stack = [std::ptr::null_mut::<c_void>(); STACK_ARGS];
    let mut avalues_heap;
    let avalues: &mut [*mut c_void] = if n <= STACK_ARGS {
        &mut avalues_stack[..n]
    } else {
        avalues_heap = vec![std::ptr::null_mut(); n];
        &mut avalues_heap
    };
    let wrapper = fplan
        .uniform
        .as_ref()
        .filter(|_| crate::uniform_wrappers::contains(func as usize));
    if fplan.fixed.is_none() && wrapper.is_none() && !fplan.variadic {
        // Refused before any argument is converted, as cffi does: the call
        // cannot be made whatever the arguments are.
        let why = fplan.refused.clone().unwrap_or_default();
        return Err(to_pyerr(rcffi_core::error::Error::Unsupported(why)));
    }
    let mut temps = Temporaries::default();
    for i in 0..nfixed {
        avalues[i] = convert_arg(py, fplan.args[i].get(), &arg(i), &mut slots[i], &mut temps)
            .map_err(|e| annotate(py, e, i, ct))?;
    }
    let variadic_plan;
    let plan: &CallPlan = match (&fplan.fixed, wrapper) {
        (_, Some(p)) | (Some(p), None) => p,
        (None, None) => {
            let mut extra = Vec::with_capacity(n - nfixed);
            for i in nfixed..n {
                let a = arg(i);
                let Ok(cd) = a.cast::<CData>() else {
                    return Err(Msg::VariadicNotCdata {
                        index: &(i + 1),
                        given: &a.get_type().name()?,
                    }
                    .to_err());
                };
                let (vt, p) =
                    variadic_arg(&cd, &mut slots[i]).map_err(|e| annotate(py, e, i, ct))?;
                extra.push(vt);
                avalues[i] = p;
            }
            variadic_plan = CallPlan::new(&table(), ct.id, &extra).map_err(to_pyerr)?;
            &variadic_plan
        }
    };

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
        func: func as *const c_void,
        args: avalues.as_mut_ptr(),
        result: ret as *mut c_void,
    };
    let run = move || {
        let f = frame;
        // SAFETY: the plan matches the function type, avalues point at converted
        // arguments that outlive the call, and the result buffer is large enough.
        unsafe {
            around_c_call(|| (*f.plan).call(f.func, f.args, f.result));
        }
    };
    if fplan.keeps_gil {
        run();
    } else {
        py.detach(run);
    }
    drop(temps);
    unsafe { convert_result(py, &fplan.result, ret) }
}

fn annotate(py: Python<'_>, e: PyErr, i: usize, ct: &CType) -> PyErr {
    let msg = format!("{} (argument {} of '{}')", e.value(py), i + 1, ct.cname);
    PyErr::from_type(e.get_type(py), msg)
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
                    cd.get().check_alive(py)?;
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

/// Whether a pointer to `item` takes bytes as they are: `void *` and pointers
/// to one-byte integer types.
fn char_like(item: &CType) -> bool {
    item.kind == Kind::Void
        || (item.kind == Kind::Primitive
            && item.size() == Some(1)
            && item.prim.is_some_and(|p| p.is_integer()))
}

/// A pointer argument: a compatible cdata, or what C code would get from a Python
/// object: bytes for `char *` (not copied), a list or tuple of item initializers
/// for `T *` (struct pointers included), str for wide-character pointers.
fn pointer_arg(
    py: Python<'_>,
    ct: &CType,
    arg: &Bound<'_, PyAny>,
    temps: &mut Temporaries,
) -> PyResult<*mut u8> {
    // Bytes first, the usual `char *` argument: told apart from a cdata by a
    // type flag, where the cdata check walks the type's bases.
    if ct.kind != Kind::Function {
        if let Ok(b) = arg.cast::<PyBytes>() {
            let item = ct.item_ref();
            if char_like(item) {
                convert::check_bool_bytes(item, b.as_bytes())?;
                // Bytes objects are NUL-terminated and immutable: C reads them in place.
                return Ok(b.as_bytes().as_ptr() as *mut u8);
            }
        }
    }
    if let Ok(cd) = arg.cast::<CData>() {
        let c = cd.get();
        if c.ctype.get().id == ct.id {
            c.check_alive(py)?;
            return Ok(c.address());
        }
        return convert::pointer_for(py, ct, arg);
    }
    if ct.kind == Kind::Function {
        return convert::pointer_for(py, ct, arg);
    }
    let item = ct.item_ref();
    if let Ok(s) = arg.cast::<PyString>() {
        if item.kind == Kind::Primitive
            && item.prim.is_some_and(|p| p.class() == PrimClass::WideChar)
        {
            let units = crate::widechar::encode_wide(item, s)?;
            let size = item.size_or_err()?;
            let p = temps.alloc((units.len() + 1) * size);
            for (i, u) in units.iter().enumerate() {
                unsafe { store_int(p.add(i * size), size, i128::from(*u)) };
            }
            return Ok(p);
        }
    }
    // A list or tuple is an array initializer (`T *` is `T[]` in arguments), for
    // struct items too: a single struct is passed as `[initializer]`.
    let is_seq = arg.is_instance_of::<PyList>() || arg.is_instance_of::<PyTuple>();
    if is_seq && item.kind != Kind::Void {
        let size = item.size_or_err()?;
        let count = arg.len()?;
        let p = temps.alloc(size * count.max(1));
        for (i, v) in arg.try_iter()?.enumerate() {
            unsafe { convert::write(py, item, p.add(i * size), &v?)? };
        }
        return Ok(p);
    }
    convert::pointer_for(py, ct, arg)
}

/// A variadic argument, promoted as C promotes (`float` to `double`, small
/// integers to `int`). Returns the type passed and its address.
fn variadic_arg(cd: &Bound<'_, CData>, slot: &mut Slot) -> PyResult<(TypeId, *mut c_void)> {
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
            slot.0 = c.value();
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
        Kind::Struct | Kind::Union => Ok((ct.id, c.address() as *mut c_void)),
        Kind::Void => Err(Msg::VoidVariadic.to_err()),
    }
}

/// The Python value of a libffi call's result.
unsafe fn convert_result(py: Python<'_>, ctp: &Py<CType>, ret: *mut u8) -> PyResult<Py<PyAny>> {
    let ct = ctp.get();
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
