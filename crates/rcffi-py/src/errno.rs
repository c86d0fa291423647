//! `ffi.errno`: the C `errno` of each thread, saved around every C call and
//! callback, as cffi does, so that Python code between calls cannot clobber it.

use std::cell::Cell;

use pyo3::prelude::*;

/// One thread's errno state, in one thread-local so that a call looks it up
/// once (each lookup is a `__tls_get_addr` call in a shared library).
struct Errno {
    /// `ffi.errno`: the C `errno` saved after this thread's last call, and put
    /// back into `errno` before its next one.
    saved: Cell<i32>,
    /// This thread's `errno` address, asked from libc once: it never changes
    /// for a thread, and asking is a call on every C call otherwise.
    address: Cell<*mut i32>,
}

thread_local! {
    static ERRNO: Errno = const {
        Errno {
            saved: Cell::new(0),
            address: Cell::new(std::ptr::null_mut()),
        }
    };
}

impl Errno {
    #[inline]
    fn location(&self) -> *mut i32 {
        let known = self.address.get();
        if !known.is_null() {
            return known;
        }
        #[cfg(any(target_os = "linux", target_os = "android"))]
        let address = unsafe { libc::__errno_location() };
        #[cfg(any(target_os = "macos", target_os = "ios", target_os = "freebsd"))]
        let address = unsafe { libc::__error() };
        self.address.set(address);
        address
    }
}

/// `get_errno()`.
#[pyfunction]
pub fn get_errno() -> i32 {
    ERRNO.with(|e| e.saved.get())
}

/// `set_errno(value)`.
#[pyfunction]
pub fn set_errno(value: i32) {
    ERRNO.with(|e| e.saved.set(value));
}

/// `ffi.errno` into C's `errno`: on return from a callback (whose Python code
/// may have set `ffi.errno`).
#[inline]
pub(crate) fn errno_to_c() {
    ERRNO.with(|e| unsafe { *e.location() = e.saved.get() });
}

/// C's `errno` into `ffi.errno`: on entry into a callback (so its Python code
/// sees what C left, and its own system calls don't leak).
#[inline]
pub(crate) fn errno_from_c() {
    ERRNO.with(|e| e.saved.set(unsafe { *e.location() }));
}

/// Runs the C call `f` with `ffi.errno` in C's `errno`, and saves what C left
/// there afterwards: one thread-local lookup for both, and none of it out of
/// line (the per-call path, measured with callgrind).
#[inline(always)]
pub(crate) fn around_c_call<R>(f: impl FnOnce() -> R) -> R {
    // The state has no destructor and `f` runs on this thread, so the address
    // stays valid across the call.
    let state: *const Errno = ERRNO.with(|e| e as *const Errno);
    // SAFETY: `state` is this thread's live state; `location` is libc's errno
    // address of this thread.
    unsafe {
        let location = (*state).location();
        *location = (*state).saved.get();
        let r = f();
        (*state).saved.set(*location);
        r
    }
}
