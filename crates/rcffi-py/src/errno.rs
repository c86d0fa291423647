//! `ffi.errno`: the C `errno` of each thread, saved around every C call and
//! callback, as cffi does, so that Python code between calls cannot clobber it.

use std::cell::Cell;

use pyo3::prelude::*;

thread_local! {
    /// `ffi.errno`: the C `errno` saved after this thread's last call, and put
    /// back into `errno` before its next one.
    static SAVED_ERRNO: Cell<i32> = const { Cell::new(0) };
}

/// `get_errno()`.
#[pyfunction]
pub fn get_errno() -> i32 {
    SAVED_ERRNO.with(Cell::get)
}

/// `set_errno(value)`.
#[pyfunction]
pub fn set_errno(value: i32) {
    SAVED_ERRNO.with(|e| e.set(value));
}

thread_local! {
    /// This thread's `errno` address, asked from libc once: it never changes for
    /// a thread, and asking is a call on every C call otherwise.
    static ERRNO_ADDRESS: Cell<*mut i32> = const { Cell::new(std::ptr::null_mut()) };
}

fn errno_location() -> *mut i32 {
    ERRNO_ADDRESS.with(|cached| {
        let known = cached.get();
        if !known.is_null() {
            return known;
        }
        #[cfg(any(target_os = "linux", target_os = "android"))]
        let address = unsafe { libc::__errno_location() };
        #[cfg(any(target_os = "macos", target_os = "ios", target_os = "freebsd"))]
        let address = unsafe { libc::__error() };
        cached.set(address);
        address
    })
}

/// `ffi.errno` into C's `errno`: before each C call, and on return from a
/// callback (whose Python code may have set `ffi.errno`).
#[inline]
pub(crate) fn errno_to_c() {
    unsafe { *errno_location() = SAVED_ERRNO.with(Cell::get) };
}

/// C's `errno` into `ffi.errno`: after each C call, and on entry into a callback
/// (so its Python code sees what C left, and its own system calls don't leak).
#[inline]
pub(crate) fn errno_from_c() {
    SAVED_ERRNO.with(|e| e.set(unsafe { *errno_location() }));
}
