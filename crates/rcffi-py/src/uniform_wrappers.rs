//! The registry of uniform wrappers: API-mode modules (`apimodule.rs`) record
//! them as they load, and calls (`call.rs`) ask whether the address they call
//! is one. A module of its own so that neither of those names the other.

use std::os::raw::c_void;

/// The addresses of the uniform wrappers (`rcffi_core::uniform`) of the
/// loaded modules: a call of one of them passes its arguments by pointer.
/// A module holding one is never unloaded (see `add`), so
/// the entries never go stale.
static UNIFORM_WRAPPERS: std::sync::RwLock<Vec<usize>> = std::sync::RwLock::new(Vec::new());

/// Whether `address` is a uniform wrapper of a loaded module.
pub(crate) fn contains(address: usize) -> bool {
    UNIFORM_WRAPPERS
        .read()
        .unwrap_or_else(|p| p.into_inner())
        .binary_search(&address)
        .is_ok()
}

/// Records the uniform wrapper at `address`. Its library gets one more
/// reference that is never released (a module `verify()` built can otherwise
/// be closed with its last `ffi`), so no other code is ever mapped there.
pub(crate) fn add(address: usize) {
    let mut all = UNIFORM_WRAPPERS.write().unwrap_or_else(|p| p.into_inner());
    let Err(at) = all.binary_search(&address) else {
        return;
    };
    // SAFETY: dladdr only reads the address; dlopen with RTLD_NOLOAD only
    // adds a reference to a library already loaded.
    unsafe {
        let mut info: libc::Dl_info = std::mem::zeroed();
        if libc::dladdr(address as *const c_void, &mut info) != 0 && !info.dli_fname.is_null() {
            libc::dlopen(info.dli_fname, libc::RTLD_NOW | libc::RTLD_NOLOAD);
        }
    }
    all.insert(at, address);
}
