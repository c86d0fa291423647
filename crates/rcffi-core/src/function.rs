//! External C functions called with typed values.
//!
//! A [`Function`] is a C function declared by name with its argument and result
//! types — from Rust types or from a prototype given to [`Ffi::cdef`] — resolved
//! in a [`Library`], and called with [`Value`]s. Everything that depends only on
//! the signature (the libffi call plan, how each argument converts) is decided at
//! declaration; a call converts its arguments, checking each, and jumps.

use std::collections::HashMap;
use std::os::raw::c_void;
use std::sync::{Arc, Mutex};

use crate::call::CallPlan;
use crate::ctype::{Prim, TypeId};
use crate::dl::Library;
use crate::error::Error;
use crate::ffi::{Ffi, Type};
use crate::value::{Repr, Value};

/// A C function ready to be called.
///
/// ```
/// use std::sync::Arc;
/// use rcffi_core::{Ffi, Function, Library, Type, Value};
///
/// let ffi = Ffi::new();
/// let libc = Arc::new(Library::open(None, 0).unwrap());
/// // Declared programmatically...
/// let abs = Function::declare(&ffi, &libc, "abs", &[Type::int()], &Type::int()).unwrap();
/// assert_eq!(unsafe { abs.call(&[Value::I32(-5)]) }.unwrap(), Value::I32(5));
/// // ...or from a C prototype.
/// ffi.cdef("int atoi(const char *);").unwrap();
/// let atoi = Function::lookup(&ffi, &libc, "atoi").unwrap();
/// let text = rcffi_core::c_string("1234").unwrap();
/// let n = unsafe { atoi.call(&[Value::from(text.as_ptr())]) }.unwrap();
/// assert_eq!(n, Value::I32(1234));
/// ```
pub struct Function {
    name: String,
    code: *const c_void,
    args: Vec<Repr>,
    result: Repr,
    plan: Plan,
    /// Keeps the code mapped while the function can be called.
    _library: Option<Arc<Library>>,
}

// The code pointer is an immutable address; plans are Send + Sync and the
// variadic plan cache is behind a mutex.
unsafe impl Send for Function {}
unsafe impl Sync for Function {}

enum Plan {
    Fixed(CallPlan),
    Variadic(Box<Variadic>),
}

/// What a variadic function needs to prepare the plan of each distinct list of
/// extra argument types.
struct Variadic {
    ffi: Ffi,
    func: TypeId,
    /// The types extra arguments are promoted to, as C's default argument
    /// promotions do, indexed by [`Promoted`]: [`PROMOTED_TYPES`], then `void *`.
    promoted: Vec<(TypeId, Repr)>,
    plans: Mutex<HashMap<Vec<TypeId>, Arc<CallPlan>>>,
}

/// The C type an extra variadic argument is passed as.
#[derive(Clone, Copy)]
enum Promoted {
    Int,
    UInt,
    LongLong,
    ULongLong,
    Double,
    Pointer,
}

/// The arithmetic types of [`Promoted`], in its order.
const PROMOTED_TYPES: [Prim; 5] = [
    Prim::Int,
    Prim::UInt,
    Prim::LongLong,
    Prim::ULongLong,
    Prim::Double,
];

/// Argument storage: 16-byte aligned, as libffi expects of any value.
#[derive(Clone, Copy)]
#[repr(C, align(16))]
struct Slot([u8; 16]);

impl Function {
    /// The function `name` of library `lib`, taking `args` and returning `result`.
    pub fn declare(
        ffi: &Ffi,
        lib: &Arc<Library>,
        name: &str,
        args: &[Type],
        result: &Type,
    ) -> Result<Function, Error> {
        let ty = Type::function(args, result, false);
        // SAFETY: the address comes from the library, which the function keeps open.
        unsafe { Function::with_library(ffi, lib, name, &ty) }
    }

    /// A variadic function (`int printf(const char *, ...)`): `fixed` are the
    /// declared parameters; extra arguments are typed by their [`Value`]s.
    pub fn declare_variadic(
        ffi: &Ffi,
        lib: &Arc<Library>,
        name: &str,
        fixed: &[Type],
        result: &Type,
    ) -> Result<Function, Error> {
        let ty = Type::function(fixed, result, true);
        // SAFETY: as in `declare`.
        unsafe { Function::with_library(ffi, lib, name, &ty) }
    }

    /// The function `name` as declared by [`Ffi::cdef`], found in `lib`.
    pub fn lookup(ffi: &Ffi, lib: &Arc<Library>, name: &str) -> Result<Function, Error> {
        let ty = ffi.function_type(name)?;
        // SAFETY: as in `declare`.
        unsafe { Function::with_library(ffi, lib, name, &ty) }
    }

    /// A function at a known address (from a callback, a struct of function
    /// pointers, a `dlsym` done elsewhere) of function type `ty`
    /// (`Type::function(..)` or a function type from [`Ffi::type_of`]).
    ///
    /// # Safety
    /// `code` must be a function of that signature and stay valid while the
    /// `Function` exists.
    pub unsafe fn from_ptr(
        ffi: &Ffi,
        name: &str,
        code: *const c_void,
        ty: &Type,
    ) -> Result<Function, Error> {
        Function::new(ffi, name, code, ty, None)
    }

    unsafe fn with_library(
        ffi: &Ffi,
        lib: &Arc<Library>,
        name: &str,
        ty: &Type,
    ) -> Result<Function, Error> {
        let code = lib.symbol(name)?;
        Function::new(ffi, name, code, ty, Some(lib.clone()))
    }

    fn new(
        ffi: &Ffi,
        name: &str,
        code: *const c_void,
        ty: &Type,
        library: Option<Arc<Library>>,
    ) -> Result<Function, Error> {
        let func = ffi.resolve(ty)?;
        let is_variadic = ffi.table().func(func).is_some_and(|sig| sig.variadic);
        let promoted_ids = if is_variadic {
            PROMOTED_TYPES
                .iter()
                .map(|&p| ffi.resolve(&Type::primitive(p)))
                .chain([ffi.resolve(&Type::void_ptr())])
                .collect::<Result<Vec<_>, _>>()?
        } else {
            Vec::new()
        };
        let table = ffi.table();
        let sig = table.func(func).ok_or_else(|| {
            Error::Type(format!(
                "'{name}' is declared as '{}', which is not a function type",
                table.cname(func)
            ))
        })?;
        let args = sig
            .args
            .iter()
            .map(|&a| Repr::of(&table, a, true))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| e.context(&format!("{name}()")))?;
        let result = Repr::of(&table, sig.result, false)
            .map_err(|e| e.context(&format!("result of {name}()")))?;
        let plan = if sig.variadic {
            let promoted = promoted_ids
                .into_iter()
                .map(|id| Ok((id, Repr::of(&table, id, false)?)))
                .collect::<Result<Vec<_>, Error>>()?;
            Plan::Variadic(Box::new(Variadic {
                ffi: ffi.clone(),
                func,
                promoted,
                plans: Mutex::new(HashMap::new()),
            }))
        } else {
            Plan::Fixed(CallPlan::new(&table, func, &[])?)
        };
        Ok(Function {
            name: name.to_string(),
            code,
            args,
            result,
            plan,
            _library: library,
        })
    }

    /// The C name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The address of the C code.
    pub fn code_ptr(&self) -> *const c_void {
        self.code
    }

    /// The function as a pointer [`Value`], to pass where C expects a function
    /// pointer.
    pub fn to_value(&self) -> Value {
        Value::Pointer(self.code as *mut c_void)
    }

    /// Whether the function takes extra arguments after its declared ones.
    pub fn is_variadic(&self) -> bool {
        matches!(self.plan, Plan::Variadic(_))
    }

    /// Calls the function. Each argument is converted to its declared C type
    /// (an error names the argument when it does not fit); for a variadic
    /// function, the extra arguments are passed as C's default promotions would
    /// pass them: `bool` and integers up to 32 bits as `int` (`u32` as
    /// `unsigned int`), 64-bit integers as `long long`, `f32` and `f64` as
    /// `double`, pointers as `void *`.
    ///
    /// The argument buffers are allocated per call; a hot loop that needs no
    /// conversion at all can use [`CallPlan`] directly.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use rcffi_core::{Ffi, Function, Library, Type, Value};
    ///
    /// let ffi = Ffi::new();
    /// let libc = Arc::new(Library::open(None, 0).unwrap());
    /// let abs = Function::declare(&ffi, &libc, "abs", &[Type::int()], &Type::int()).unwrap();
    /// let err = unsafe { abs.call(&[Value::I64(1 << 40)]) }.unwrap_err();
    /// assert_eq!(err.to_string(), "abs() argument 1: integer 1099511627776 does not fit 'int'");
    /// let err = unsafe { abs.call(&[]) }.unwrap_err();
    /// assert_eq!(err.to_string(), "abs() takes 1 argument, got 0");
    /// ```
    ///
    /// # Safety
    /// The declaration must match the C function, and pointer arguments must be
    /// valid for what the function does with them: neither can be checked.
    pub unsafe fn call(&self, args: &[Value]) -> Result<Value, Error> {
        let nfixed = self.args.len();
        let variadic = matches!(self.plan, Plan::Variadic(_));
        if args.len() < nfixed || (!variadic && args.len() > nfixed) {
            let s = if nfixed == 1 { "" } else { "s" };
            let at_least = if variadic { "at least " } else { "" };
            return Err(Error::Call(format!(
                "{}() takes {at_least}{nfixed} argument{s}, got {}",
                self.name,
                args.len()
            )));
        }
        let mut reprs: Vec<&Repr> = self.args.iter().collect();
        let variadic_plan;
        let plan: &CallPlan = match &self.plan {
            Plan::Fixed(p) => p,
            Plan::Variadic(v) => {
                let mut extra = Vec::with_capacity(args.len() - nfixed);
                for (i, value) in args.iter().enumerate().skip(nfixed) {
                    let (id, repr) = &v.promoted[self.promote(value, i)? as usize];
                    extra.push(*id);
                    reprs.push(repr);
                }
                variadic_plan = v.plan(extra)?;
                &variadic_plan
            }
        };

        let mut offsets = Vec::with_capacity(reprs.len());
        let mut nslots = 0;
        for r in &reprs {
            offsets.push(nslots);
            nslots += r.size.div_ceil(16).max(1);
        }
        let mut slots = vec![Slot([0; 16]); nslots];
        for (i, (repr, value)) in reprs.iter().zip(args).enumerate() {
            let bytes = slot_bytes(&mut slots[offsets[i]..]);
            repr.encode(value, bytes)
                .map_err(|e| e.context(&format!("{}() argument {}", self.name, i + 1)))?;
        }
        let base = slots.as_mut_ptr();
        let mut pointers: Vec<*mut c_void> = offsets.iter().map(|&o| base.add(o).cast()).collect();
        let mut result = vec![Slot([0; 16]); plan.result_size().div_ceil(16)];
        plan.call(self.code, pointers.as_mut_ptr(), result.as_mut_ptr().cast());
        Ok(self.result.decode_result(slot_bytes(&mut result)))
    }

    fn promote(&self, value: &Value, index: usize) -> Result<Promoted, Error> {
        Ok(match value {
            Value::Bool(_)
            | Value::I8(_)
            | Value::U8(_)
            | Value::I16(_)
            | Value::U16(_)
            | Value::I32(_) => Promoted::Int,
            Value::U32(_) => Promoted::UInt,
            Value::I64(_) => Promoted::LongLong,
            Value::U64(_) => Promoted::ULongLong,
            Value::F32(_) | Value::F64(_) => Promoted::Double,
            Value::Pointer(_) => Promoted::Pointer,
            Value::Void | Value::Bytes(_) => {
                return Err(Error::Call(format!(
                    "{}() argument {}: {value} cannot be passed as a variadic argument \
                     (only integers, floating-point numbers and pointers can)",
                    self.name,
                    index + 1
                )))
            }
        })
    }
}

impl Variadic {
    /// The plan for one list of extra argument types, prepared once.
    fn plan(&self, extra: Vec<TypeId>) -> Result<Arc<CallPlan>, Error> {
        let mut plans = self.plans.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(p) = plans.get(&extra) {
            return Ok(p.clone());
        }
        let plan = Arc::new(CallPlan::new(&self.ffi.table(), self.func, &extra)?);
        plans.insert(extra, plan.clone());
        Ok(plan)
    }
}

fn slot_bytes(slots: &mut [Slot]) -> &mut [u8] {
    // SAFETY: Slot is 16 plain bytes with no padding.
    unsafe { std::slice::from_raw_parts_mut(slots.as_mut_ptr().cast(), slots.len() * 16) }
}

impl std::fmt::Debug for Function {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Function({} at {:p})", self.name, self.code)
    }
}
