//! Python file objects as the C library's `FILE *`, as cffi gives them: a file
//! passed where a `FILE *` (or `struct _IO_FILE *`) is expected, or cast to
//! one, becomes a C stream on a duplicate of its descriptor. The stream is made
//! once per file object and kept on it (closed when the file object dies),
//! unbuffered so that what C writes and what Python writes stay in order, and
//! the Python file is flushed before each use.

use pyo3::exceptions::PyOSError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyCapsule, PyType};

use rcffi_core::ctype::Kind;

use crate::messages::Msg;
use crate::types::CType;

/// Where the stream is kept on the file object.
const ATTRIBUTE: &str = "_rcffi_FILE";
const CAPSULE_NAME: &std::ffi::CStr = c"rcffi.FILE";

/// The `FILE *` of `obj` if `ct` is a `FILE *` and `obj` a file object.
pub fn file_of_if_expected(
    py: Python<'_>,
    ct: &CType,
    obj: &Bound<'_, PyAny>,
) -> PyResult<Option<*mut u8>> {
    if is_file_pointer(ct) {
        file_of(py, obj)
    } else {
        Ok(None)
    }
}

/// Whether `ct` is a pointer to the C library's `FILE`.
fn is_file_pointer(ct: &CType) -> bool {
    ct.kind == Kind::Pointer && matches!(ct.item_ref().cname.as_str(), "FILE" | "struct _IO_FILE")
}

fn io_base(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    static IO_BASE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    IO_BASE.import(py, "io", "IOBase")
}

/// The `FILE *` of the Python file object `obj`, or `None` if `obj` is not a
/// file object.
fn file_of(py: Python<'_>, obj: &Bound<'_, PyAny>) -> PyResult<Option<*mut u8>> {
    if !obj.is_instance(io_base(py)?)? {
        return Ok(None);
    }
    obj.call_method0("flush")?;
    if let Ok(kept) = obj.getattr(ATTRIBUTE) {
        if let Ok(capsule) = kept.cast::<PyCapsule>() {
            let value = capsule.pointer_checked(Some(CAPSULE_NAME))?;
            // SAFETY: a capsule of this name holds the `usize` address it was
            // made with (below), for as long as the capsule lives.
            let stream = unsafe { *value.cast::<usize>().as_ptr() };
            return Ok(Some(stream as *mut u8));
        }
    }
    let fd: i32 = obj.call_method0("fileno")?.extract()?;
    let stream = open_stream(fd)?;
    let capsule = PyCapsule::new_with_destructor(
        py,
        stream as usize,
        Some(CAPSULE_NAME.to_owned()),
        |stream, _| {
            // SAFETY: the stream was opened by `open_stream` and only this
            // capsule closes it, once.
            unsafe { libc::fclose(stream as *mut libc::FILE) };
        },
    )?;
    if let Err(e) = obj.setattr(ATTRIBUTE, capsule) {
        return Err(Msg::FileNotUsable { why: &e }.to_err());
    }
    Ok(Some(stream.cast()))
}

/// An unbuffered C stream on a duplicate of `fd`, in the mode `fd` was opened in.
fn open_stream(fd: i32) -> PyResult<*mut libc::FILE> {
    // SAFETY: plain POSIX calls on a descriptor number; failures are checked.
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        if flags < 0 {
            return Err(PyOSError::new_err(std::io::Error::last_os_error()));
        }
        let append = flags & libc::O_APPEND != 0;
        let mode: &std::ffi::CStr = match (flags & libc::O_ACCMODE, append) {
            (libc::O_RDONLY, _) => c"r",
            (libc::O_WRONLY, false) => c"w",
            (libc::O_WRONLY, true) => c"a",
            (_, false) => c"r+",
            (_, true) => c"a+",
        };
        let copy = libc::dup(fd);
        if copy < 0 {
            return Err(PyOSError::new_err(std::io::Error::last_os_error()));
        }
        let stream = libc::fdopen(copy, mode.as_ptr());
        if stream.is_null() {
            let err = std::io::Error::last_os_error();
            libc::close(copy);
            return Err(PyOSError::new_err(err));
        }
        libc::setvbuf(stream, std::ptr::null_mut(), libc::_IONBF, 0);
        Ok(stream)
    }
}
