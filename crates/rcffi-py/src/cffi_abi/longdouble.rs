//! `_cffi_to_c_long_double`: returns a C `long double`, which on x86-64 travels
//! in the x87 register `st(0)`, a return no Rust signature can express. A few
//! instructions of assembly call the Rust conversion (which writes the 80-bit
//! value into a stack slot) and load the result from there.

use pyo3::ffi;

use super::exports::Slot;
use crate::convert;
use crate::types::{ctype_for, table};

/// Writes `obj` converted to `long double` into the 16 bytes at `out`; on
/// failure, -1 (the value the wrapper tests before looking for an error) with
/// the Python error set.
///
/// # Safety
/// Called with the GIL held; `out` writable for 16 bytes.
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
unsafe extern "C" fn long_double_into(obj: *mut ffi::PyObject, out: *mut u8) {
    let bytes = super::exports::entered(rcffi_core::longdouble::from_f64(-1.0), |py| {
        let ct = ctype_for(py, table().primitive(rcffi_core::ctype::Prim::LongDouble));
        let mut buf = [0u8; 16];
        convert::write(
            py,
            ct.get(),
            buf.as_mut_ptr(),
            &pyo3::Bound::from_borrowed_ptr(py, obj),
        )?;
        Ok(buf)
    });
    std::ptr::copy_nonoverlapping(bytes.as_ptr(), out, 16);
}

#[cfg(target_arch = "x86_64")]
std::arch::global_asm!(
    ".globl rcffi_cffi_to_c_long_double",
    ".p2align 4",
    "rcffi_cffi_to_c_long_double:",
    // 8 (return address) + 24 keeps the stack 16-byte aligned for the call.
    "sub rsp, 24",
    "mov rsi, rsp",
    "call {into}",
    "fld tbyte ptr [rsp]",
    "add rsp, 24",
    "ret",
    into = sym long_double_into,
);

#[cfg(target_arch = "x86_64")]
extern "C" {
    fn rcffi_cffi_to_c_long_double();
}

/// The table slot: the assembly entry on x86-64; elsewhere empty (modules
/// with `long double` arguments then fail loudly rather than misconvert).
pub fn to_c_long_double_slot() -> Slot {
    #[cfg(target_arch = "x86_64")]
    {
        Some(rcffi_cffi_to_c_long_double)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        None
    }
}
