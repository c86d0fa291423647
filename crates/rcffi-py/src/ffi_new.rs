//! `FFI.new`, entered straight from the interpreter (`fast_method.rs`):
//! `ffi.new("point_t *")` is the commonest allocation.

use pyo3::prelude::*;

use crate::fast_method::{arguments, fast_method, this};

/// The method's doc, with the signature `inspect` reads from it.
const DOC: &std::ffi::CStr = c"new($self, cdecl, init=None)
--

`new(cdecl, init=None)`: zeroed memory for a pointer or array type, owned
by the result. A method (not a data attribute), so that instances may
shadow it as cffi's allow, and so that the interpreter's method-call
path calls it with no bound-method object in between.";

fast_method!("new", DOC, 1, |py, slf, args, nargs, kwnames|
    fast: {
        let cdecl = Borrowed::from_ptr(py, *args);
        let ctype = this(py, slf).get().resolve(py, &cdecl)?;
        crate::allocator::newp(py, ctype, None).map(Py::into_ptr)
    }
    general: {
        let [cdecl, init] = arguments(py, "FFI.new", ["cdecl", "init"], 1, args, nargs, kwnames)?;
        let cdecl = cdecl.expect("a required argument");
        let ctype = this(py, slf).get().resolve(py, &cdecl)?;
        crate::allocator::newp(py, ctype, init.as_deref()).map(Py::into_ptr)
    }
);
