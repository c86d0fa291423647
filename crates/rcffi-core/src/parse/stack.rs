//! How much stack the current thread has left. The parser's nesting limit is a
//! fixed count, but the stack a level costs differs by build (a debug build's
//! frames are several times larger) and threads may be small
//! (`threading.stack_size(512 * 1024)`), so the parser also stops while a
//! reserve is left, whatever the count.

use std::cell::Cell;

thread_local! {
    /// The lowest usable address of this thread's stack, asked once per thread
    /// (for the main thread glibc reads `/proc/self/maps` to answer); 0 when
    /// not known yet, `usize::MAX` when the platform cannot tell.
    static STACK_LOW: Cell<usize> = const { Cell::new(0) };
}

/// Bytes of stack below the caller's frame, or `None` where the platform does
/// not tell (there only the fixed nesting limit applies).
#[inline(never)]
pub(super) fn remaining() -> Option<usize> {
    let here = 0u8;
    let sp = std::ptr::addr_of!(here) as usize;
    let low = STACK_LOW.with(|cached| {
        if cached.get() == 0 {
            cached.set(stack_low().unwrap_or(usize::MAX));
        }
        cached.get()
    });
    (low != usize::MAX).then(|| sp.saturating_sub(low))
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn stack_low() -> Option<usize> {
    // SAFETY: the attribute object is initialized by pthread_getattr_np and
    // destroyed once read; the out-parameters are plain locals.
    unsafe {
        let mut attr: libc::pthread_attr_t = std::mem::zeroed();
        if libc::pthread_getattr_np(libc::pthread_self(), &mut attr) != 0 {
            return None;
        }
        let mut addr: *mut libc::c_void = std::ptr::null_mut();
        let mut size: libc::size_t = 0;
        let ok = libc::pthread_attr_getstack(&attr, &mut addr, &mut size) == 0;
        libc::pthread_attr_destroy(&mut attr);
        // The guard page(s) sit at the bottom of the reported range.
        (ok && !addr.is_null()).then(|| addr as usize + 4096)
    }
}

#[cfg(any(target_os = "macos", target_os = "ios"))]
fn stack_low() -> Option<usize> {
    // SAFETY: both calls only read the current thread's description.
    unsafe {
        let thread = libc::pthread_self();
        let top = libc::pthread_get_stackaddr_np(thread) as usize;
        let size = libc::pthread_get_stacksize_np(thread);
        (top > size).then(|| top - size)
    }
}

#[cfg(not(any(
    target_os = "linux",
    target_os = "android",
    target_os = "macos",
    target_os = "ios"
)))]
fn stack_low() -> Option<usize> {
    None
}
