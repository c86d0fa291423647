//! Rust closures as C function pointers, with typed values.
//!
//! A [`Closure`] wraps the core [`Callback`]: it decides once how each parameter
//! and the result of the declared signature convert, so its body is an ordinary
//! `Fn(&[Value]) -> Value`.

use std::os::raw::c_void;
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::callback::Callback;
use crate::error::Error;
use crate::ffi::{Ffi, Type};
use crate::value::{Repr, Value};

/// A C function pointer of a declared signature whose body is a Rust closure.
///
/// The pointer is valid while the `Closure` lives. C cannot receive a Rust error
/// or panic, so when the closure panics, or returns a value that does not convert
/// to the declared result type, the problem is printed on stderr (as cffi prints
/// exceptions raised in callbacks) and C receives zero.
///
/// ```
/// use rcffi_core::{Closure, Ffi, Function, Type, Value};
///
/// let ffi = Ffi::new();
/// let twice = Closure::new(&ffi, &[Type::int()], &Type::int(), |args| {
///     Value::I32(2 * i32::try_from(&args[0]).unwrap())
/// })
/// .unwrap();
/// // C code would receive `twice.code_ptr()`; here we call it back ourselves.
/// let ty = Type::function(&[Type::int()], &Type::int(), false);
/// let f = unsafe { Function::from_ptr(&ffi, "twice", twice.code_ptr(), &ty) }.unwrap();
/// assert_eq!(unsafe { f.call(&[Value::I32(21)]) }.unwrap(), Value::I32(42));
/// ```
pub struct Closure {
    callback: Callback,
}

impl Closure {
    /// A closure taking `args` and returning `result` (variadic callbacks do not
    /// exist in C).
    pub fn new<F>(ffi: &Ffi, args: &[Type], result: &Type, body: F) -> Result<Closure, Error>
    where
        F: Fn(&[Value]) -> Value + Send + Sync + 'static,
    {
        Closure::of_type(ffi, &Type::function(args, result, false), body)
    }

    /// A closure of the signature written in C: `"int(*)(const void *, const void *)"`
    /// or `"int(const void *, const void *)"`, using the FFI's typedefs.
    pub fn from_signature<F>(ffi: &Ffi, signature: &str, body: F) -> Result<Closure, Error>
    where
        F: Fn(&[Value]) -> Value + Send + Sync + 'static,
    {
        let func = ffi.with_core(|table, decls| decls.parse_callback_type(table, signature))?;
        Closure::of_type(ffi, &Type::from_id(ffi, func), body)
    }

    fn of_type<F>(ffi: &Ffi, ty: &Type, body: F) -> Result<Closure, Error>
    where
        F: Fn(&[Value]) -> Value + Send + Sync + 'static,
    {
        let func = ffi.resolve(ty)?;
        let table = ffi.table();
        let sig = table.func(func).ok_or_else(|| {
            Error::Type(format!(
                "a callback needs a function type, not '{}'",
                table.cname(func)
            ))
        })?;
        let args = sig
            .args
            .iter()
            .map(|&a| Repr::of(&table, a, true))
            .collect::<Result<Vec<_>, _>>()?;
        let result = Repr::of(&table, sig.result, false)?;
        let signature = table.cname(func).to_string();
        // libffi hands integer results narrower than a register over as a full word.
        let result_len = if result.widened() { 8 } else { result.size };
        let handler = move |raw: &[*mut c_void], out: *mut c_void| {
            // SAFETY: libffi passes one pointer per declared argument, each to a
            // value of that argument's type, and a result buffer of result_len bytes.
            let out = unsafe { std::slice::from_raw_parts_mut(out.cast::<u8>(), result_len) };
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                let values: Vec<Value> = raw
                    .iter()
                    .zip(&args)
                    .map(|(&p, r)| {
                        r.decode(unsafe { std::slice::from_raw_parts(p.cast::<u8>(), r.size) })
                    })
                    .collect();
                body(&values)
            }));
            let problem = match outcome {
                Ok(v) => match result.encode_result(&v, out) {
                    Ok(()) => return,
                    Err(e) => format!("returned a value that does not convert: {e}"),
                },
                Err(_) => "panicked".to_string(),
            };
            eprintln!("rcffi: the callback '{signature}' {problem}; returning 0 to C");
            out.fill(0);
        };
        let callback = Callback::new(&table, func, Box::new(handler))?;
        Ok(Closure { callback })
    }

    /// The C function pointer.
    pub fn code_ptr(&self) -> *const c_void {
        self.callback.code_ptr()
    }

    /// The C function pointer as a [`Value`], to pass as an argument.
    pub fn to_value(&self) -> Value {
        Value::Pointer(self.callback.code_ptr())
    }
}

impl std::fmt::Debug for Closure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Closure(at {:p})", self.callback.code_ptr())
    }
}
