//! Opening shared libraries and resolving their symbols (`dlopen`/`dlsym`).

use std::ffi::{CStr, CString};
use std::os::raw::c_void;

use crate::error::Error;

pub use libc::{RTLD_GLOBAL, RTLD_LAZY, RTLD_LOCAL, RTLD_NODELETE, RTLD_NOLOAD, RTLD_NOW};

/// An open shared library. Closed when dropped, or earlier with [`Library::close`].
#[derive(Debug)]
pub struct Library {
    handle: *mut c_void,
    name: String,
    /// Whether closing it is ours to do (not for a handle the caller opened).
    owned: bool,
}

// The handle is only an opaque token for dlsym/dlclose, which are thread-safe.
unsafe impl Send for Library {}
unsafe impl Sync for Library {}

fn last_dl_error() -> String {
    // SAFETY: dlerror returns NULL or a valid C string owned by libc.
    let msg = unsafe { libc::dlerror() };
    if msg.is_null() {
        "unknown error".to_string()
    } else {
        unsafe { CStr::from_ptr(msg) }
            .to_string_lossy()
            .into_owned()
    }
}

impl Library {
    /// Opens `path` with `dlopen` flags (`RTLD_NOW` when `flags` is 0); `None` gives
    /// the symbols already loaded in the process, the C library among them.
    pub fn open(path: Option<&str>, flags: i32) -> Result<Library, Error> {
        let flags = if flags == 0 { RTLD_NOW } else { flags };
        let (handle, name) = match path {
            None => (
                unsafe { libc::dlopen(std::ptr::null(), flags) },
                "<None>".to_string(),
            ),
            Some(p) => {
                let c = CString::new(p).map_err(|_| {
                    Error::Library(format!("library path {p:?} contains a NUL byte"))
                })?;
                (unsafe { libc::dlopen(c.as_ptr(), flags) }, p.to_string())
            }
        };
        if handle.is_null() {
            return Err(Error::Library(format!(
                "cannot load library '{name}': {}",
                last_dl_error()
            )));
        }
        Ok(Library {
            handle,
            name,
            owned: true,
        })
    }

    /// A library the caller opened with `dlopen` and closes itself: its
    /// symbols are resolved through `handle`, and closing it here (or
    /// dropping it) only forgets the handle.
    ///
    /// # Safety
    /// `handle` must be a handle `dlopen` returned, open while this is used.
    pub unsafe fn borrowed(handle: *mut c_void) -> Result<Library, Error> {
        if handle.is_null() {
            return Err(Error::Library(
                "cannot use a NULL library handle".to_string(),
            ));
        }
        Ok(Library {
            handle,
            name: format!("<handle {handle:p}>"),
            owned: false,
        })
    }

    /// The name the library was opened with.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether [`Library::close`] was called.
    pub fn is_closed(&self) -> bool {
        self.handle.is_null()
    }

    /// The address of `symbol`.
    pub fn symbol(&self, symbol: &str) -> Result<*mut c_void, Error> {
        if self.handle.is_null() {
            return Err(Error::Library(format!(
                "library '{}' has been closed",
                self.name
            )));
        }
        let c = CString::new(symbol)
            .map_err(|_| Error::Library(format!("symbol name {symbol:?} contains a NUL byte")))?;
        unsafe { libc::dlerror() };
        let addr = unsafe { libc::dlsym(self.handle, c.as_ptr()) };
        if addr.is_null() {
            return Err(Error::Library(format!(
                "symbol '{symbol}' not found in library '{}': {}",
                self.name,
                last_dl_error()
            )));
        }
        Ok(addr)
    }

    /// Closes the library; later lookups fail with a clear error.
    pub fn close(&mut self) {
        if !self.handle.is_null() && self.owned {
            unsafe { libc::dlclose(self.handle) };
        }
        self.handle = std::ptr::null_mut();
    }
}

impl Drop for Library {
    fn drop(&mut self) {
        self.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_libc_symbols_in_the_process() {
        let lib = Library::open(None, 0).unwrap();
        assert!(!lib.symbol("strlen").unwrap().is_null());
        let err = lib.symbol("no_such_symbol_rcffi").unwrap_err().to_string();
        assert!(err.contains("no_such_symbol_rcffi"), "{err}");
    }

    #[test]
    fn missing_library_names_itself() {
        let err = Library::open(Some("/nonexistent/libnothing.so"), 0)
            .unwrap_err()
            .to_string();
        assert!(err.contains("/nonexistent/libnothing.so"), "{err}");
    }

    #[test]
    fn closed_library_refuses_lookups() {
        let mut lib = Library::open(None, 0).unwrap();
        lib.close();
        assert!(lib
            .symbol("strlen")
            .unwrap_err()
            .to_string()
            .contains("closed"));
    }
}
