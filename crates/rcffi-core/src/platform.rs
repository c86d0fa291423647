//! The facts of the platform rcffi runs on, in one place: what C's types look
//! like here and which ABI and loader flags there are. Everything else reads
//! them from here, so that porting means reading this file (and `abi.rs`,
//! which holds the System V x86-64 aggregate rules these facts select).

use std::os::raw::c_int;

/// `sizeof` and `alignof` of `long double`: the 80-bit x87 format in 16 bytes
/// on x86-64 (System V), IEEE quad on aarch64, plain `double` elsewhere.
pub const LONG_DOUBLE_LAYOUT: (usize, usize) =
    if cfg!(any(target_arch = "x86_64", target_arch = "aarch64")) {
        (16, 16)
    } else {
        (8, 8)
    };

/// `sizeof(wchar_t)`: UTF-16 units on Windows, UTF-32 elsewhere.
pub const WCHAR_SIZE: usize = if cfg!(target_os = "windows") { 2 } else { 4 };

/// Whether plain `char` is signed: unsigned on ARM, signed elsewhere.
pub const CHAR_IS_SIGNED: bool = !cfg!(any(target_arch = "aarch64", target_arch = "arm"));

/// Whether a 32-bit `wchar_t` is signed (as `char`: not on ARM); a 16-bit one
/// (Windows) is unsigned everywhere.
pub const WCHAR_IS_SIGNED: bool = WCHAR_SIZE == 4 && CHAR_IS_SIGNED;

/// Whether structs and unions passed by value follow the System V x86-64
/// rules of `abi.rs` (so that any layout, unions and bit-fields included, can
/// be described to libffi).
pub const SYSV_X86_64: bool = cfg!(all(target_arch = "x86_64", unix));

/// libffi's `FFI_DEFAULT_ABI` (`FFI_UNIX64` on x86-64 Unix, `FFI_SYSV`
/// elsewhere), which cffi exposes as `FFI_CDECL` and `FFI_DEFAULT_ABI`.
pub const LIBFFI_DEFAULT_ABI: i32 = if cfg!(all(target_arch = "x86_64", not(windows))) {
    2
} else {
    1
};

/// The `dlopen()` flags this C library has, by name (`RTLD_DEEPBIND` is a
/// glibc extension).
pub const DL_FLAGS: &[(&str, c_int)] = &[
    ("RTLD_LAZY", libc::RTLD_LAZY),
    ("RTLD_NOW", libc::RTLD_NOW),
    ("RTLD_GLOBAL", libc::RTLD_GLOBAL),
    ("RTLD_LOCAL", libc::RTLD_LOCAL),
    ("RTLD_NODELETE", libc::RTLD_NODELETE),
    ("RTLD_NOLOAD", libc::RTLD_NOLOAD),
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    ("RTLD_DEEPBIND", libc::RTLD_DEEPBIND),
];
