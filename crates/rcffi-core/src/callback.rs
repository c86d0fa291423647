//! Callbacks: C function pointers that run host code. A [`Callback`] is a libffi
//! closure of a declared signature whose body is a Rust closure receiving the raw
//! argument pointers and the result buffer; the host (Python, or any Rust program)
//! decides how to convert them.

use std::os::raw::c_void;

use libffi_sys as ffi;

use crate::call::CallPlan;
use crate::ctype::{TypeId, TypeTable};
use crate::error::Error;

/// The body of a callback: `args[i]` points to the i-th argument value; the result
/// must be written to `result` (integer results narrower than a machine word are
/// written widened to a full word, as libffi expects).
pub type Handler = dyn Fn(&[*mut c_void], *mut c_void) + Send + Sync;

/// A C function pointer of a declared signature that calls a Rust closure.
/// The pointer is valid until the `Callback` is dropped.
pub struct Callback {
    closure: *mut ffi::ffi_closure,
    code: *mut c_void,
    /// Keeps the cif alive: the closure points into it.
    plan: CallPlan,
    /// Double-boxed so the closure's user data is a thin, stable pointer.
    handler: *mut Box<Handler>,
}

// The closure and handler are only touched by libffi calls into the trampoline,
// which the handler's Send + Sync bound makes safe from any thread.
unsafe impl Send for Callback {}
unsafe impl Sync for Callback {}

unsafe extern "C" fn trampoline(
    cif: *mut ffi::ffi_cif,
    result: *mut c_void,
    args: *mut *mut c_void,
    user: *mut c_void,
) {
    let handler = &*(user as *const Box<Handler>);
    let nargs = (*cif).nargs as usize;
    let args: &[*mut c_void] = if nargs == 0 {
        &[]
    } else {
        std::slice::from_raw_parts(args, nargs)
    };
    handler(args, result);
}

impl Callback {
    /// A callback of the function type `func` running `handler`.
    pub fn new(table: &TypeTable, func: TypeId, handler: Box<Handler>) -> Result<Callback, Error> {
        let sig = table
            .func(func)
            .ok_or_else(|| Error::not_a_function(table.cname(func)))?;
        if sig.variadic {
            return Err(Error::Call(format!(
                "cannot make a callback of the variadic function type '{}'",
                table.cname(func)
            )));
        }
        let plan = CallPlan::new(table, func, &[])?;
        let mut code: *mut c_void = std::ptr::null_mut();
        let closure =
            unsafe { ffi::ffi_closure_alloc(std::mem::size_of::<ffi::ffi_closure>(), &mut code) }
                as *mut ffi::ffi_closure;
        if closure.is_null() {
            return Err(Error::Call(
                "libffi could not allocate a closure (out of executable memory)".into(),
            ));
        }
        let handler = Box::into_raw(Box::new(handler));
        let status = unsafe {
            ffi::ffi_prep_closure_loc(
                closure,
                plan.cif_ptr(),
                Some(trampoline),
                handler.cast(),
                code,
            )
        };
        if status != ffi::ffi_status_FFI_OK {
            unsafe {
                ffi::ffi_closure_free(closure.cast());
                drop(Box::from_raw(handler));
            }
            return Err(Error::Call(format!(
                "libffi cannot prepare a callback of '{}' (status {status})",
                table.cname(func)
            )));
        }
        Ok(Callback {
            closure,
            code,
            plan,
            handler,
        })
    }

    /// The C function pointer.
    pub fn code_ptr(&self) -> *mut c_void {
        self.code
    }

    /// The call plan of the callback's signature (calling it through this plan
    /// runs the handler).
    pub fn plan(&self) -> &CallPlan {
        &self.plan
    }
}

impl Drop for Callback {
    fn drop(&mut self) {
        unsafe {
            ffi::ffi_closure_free(self.closure.cast());
            drop(Box::from_raw(self.handler));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ctype::{FuncSig, Prim};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    #[test]
    fn a_closure_becomes_a_c_function() {
        let mut t = TypeTable::new();
        let int = t.primitive(Prim::Int);
        let f = t.function(FuncSig {
            args: vec![int, int],
            result: int,
            variadic: false,
            abi: None,
        });
        let calls = Arc::new(AtomicUsize::new(0));
        let seen = calls.clone();
        let cb = Callback::new(
            &t,
            f,
            Box::new(move |args, result| unsafe {
                seen.fetch_add(1, Ordering::SeqCst);
                let a = *(args[0] as *const i32);
                let b = *(args[1] as *const i32);
                *(result as *mut i64) = i64::from(a * 10 + b);
            }),
        )
        .unwrap();
        let c_fn: extern "C" fn(i32, i32) -> i32 = unsafe { std::mem::transmute(cb.code_ptr()) };
        assert_eq!(c_fn(4, 2), 42);
        assert_eq!(c_fn(-1, 3), -7);
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn variadic_callbacks_are_refused() {
        let mut t = TypeTable::new();
        let int = t.primitive(Prim::Int);
        let f = t.function(FuncSig {
            args: vec![int],
            result: int,
            variadic: true,
            abi: None,
        });
        assert!(Callback::new(&t, f, Box::new(|_, _| {})).is_err());
    }
}
