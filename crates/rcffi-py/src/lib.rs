//! `rcffi._backend`: Python objects over the rcffi core. Its primitives carry the
//! names and shapes of cffi's `_cffi_backend`; `rcffi.FFI` is built on them.

use pyo3::prelude::*;

/// Release builds allocate Rust memory with mimalloc: a large `cdef()` makes
/// tens of thousands of small allocations, whose `malloc` and `free` took a
/// sixth of its instructions with glibc's allocator (with mimalloc, the 260 KB
/// header of `benches/scale.py` parses in 0.9x the instructions).
/// Debug builds keep the system allocator, so that valgrind's memcheck
/// (`make sanitize`) sees every allocation. Memory C frees, or that comes
/// from C, never goes through this allocator (see `allocator.rs`).
#[cfg(not(debug_assertions))]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod allocator;
mod apimodule;
mod backend;
mod buffer;
mod call;
mod call_entry;
mod call_plan;
mod callback;
mod cdata;
mod cdata_attrs;
mod cdata_held;
mod cdata_iter;
mod cdata_layout;
mod cdata_owner;
mod cdata_protocol;
mod cdata_repr;
mod cdata_slots;
mod cffi_abi;
mod compiler;
mod convert;
mod convert_scalar;
mod ctypes_args;
mod ctypes_callback;
mod ctypes_calls;
mod ctypes_fast_call;
mod ctypes_fields;
mod ctypes_instance;
mod ctypes_items;
mod ctypes_memory;
mod ctypes_scalar;
mod ctypes_slots;
mod ctypes_support;
mod decls;
mod errno;
mod errors;
mod fast_method;
mod ffi_cast;
mod ffi_new;
mod ffiobj;
mod files;
mod handles;
mod libfunc;
mod libobj;
mod library;
mod lifetime;
mod messages;
mod pylayout;
mod slicing;
mod typebuild;
mod typegc;
mod types;
mod uniform_wrappers;
mod widechar;

/// libffi's default ABI number on this platform, as `FFI_DEFAULT_ABI`.
pub const FFI_DEFAULT_ABI: i32 = rcffi_core::platform::LIBFFI_DEFAULT_ABI;

/// The `abi` of `new_function_type` whose functions are called with the GIL
/// held: Python's C API, which ctypes' `PyDLL` calls.
pub const ABI_KEEP_GIL: i32 = 0x1000;

/// How such function types spell their ABI in their C name.
pub const KEEP_GIL_ABI_NAME: &str = "__keep_gil";

#[pymodule]
fn _backend(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    // Benchmarks print it: figures from a debug build say nothing about speed.
    m.add(
        "_build_profile",
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
    )?;
    // Read by a test that no two messages say the same thing.
    m.add("_messages", messages::TABLE.to_vec())?;
    m.add_class::<types::CType>()?;
    m.add_class::<types::CField>()?;
    m.add_class::<cdata::CData>()?;
    cdata_slots::install(py);
    cdata_layout::make_types(py, call_entry::vectorcall)?;
    pylayout::cache_small_ints(py);
    libfunc::LibFunction::enable_method_calls(py)?;
    seal_cdata(py);
    m.add_class::<decls::Declarations>()?;
    m.add_class::<ffiobj::FfiObject>()?;
    ffi_new::install(py)?;
    ffi_cast::install(py)?;
    m.add_class::<library::CLibrary>()?;
    m.add("CData", py.get_type::<cdata::CData>())?;
    m.add("FFIError", py.get_type::<errors::FFIError>())?;
    m.add("CDefError", py.get_type::<errors::CDefError>())?;
    m.add(
        "VerificationError",
        py.get_type::<errors::VerificationError>(),
    )?;
    m.add("PkgConfigError", py.get_type::<errors::PkgConfigError>())?;
    m.add(
        "VerificationMissing",
        py.get_type::<errors::VerificationMissing>(),
    )?;
    m.add_function(wrap_pyfunction!(backend::new_void_type, m)?)?;
    m.add_function(wrap_pyfunction!(typegc::_collect_types, m)?)?;
    m.add_function(wrap_pyfunction!(backend::new_primitive_type, m)?)?;
    m.add_function(wrap_pyfunction!(backend::new_pointer_type, m)?)?;
    m.add_function(wrap_pyfunction!(backend::new_array_type, m)?)?;
    m.add_function(wrap_pyfunction!(backend::newp, m)?)?;
    m.add_function(wrap_pyfunction!(backend::cast, m)?)?;
    m.add_function(wrap_pyfunction!(backend::sizeof, m)?)?;
    m.add_function(wrap_pyfunction!(backend::alignof, m)?)?;
    m.add_function(wrap_pyfunction!(backend::type_of, m)?)?;
    m.add_function(wrap_pyfunction!(backend::getcname, m)?)?;
    m.add_function(wrap_pyfunction!(backend::typeoffsetof, m)?)?;
    m.add_function(wrap_pyfunction!(backend::string, m)?)?;
    m.add_function(wrap_pyfunction!(library::load_library, m)?)?;
    m.add_function(wrap_pyfunction!(apimodule::load_api_module, m)?)?;
    m.add_function(wrap_pyfunction!(compiler::compile_module, m)?)?;
    m.add_function(wrap_pyfunction!(compiler::pkg_config_options, m)?)?;
    m.add_class::<libobj::Lib>()?;
    m.add_function(wrap_pyfunction!(libobj::make_lib, m)?)?;
    m.add_function(wrap_pyfunction!(libobj::extend_abi_lib, m)?)?;
    m.add_function(wrap_pyfunction!(libobj::abi_contents, m)?)?;
    m.add_class::<apimodule::ExternSlot>()?;
    m.add_class::<apimodule::DirectCallable>()?;
    m.add_function(wrap_pyfunction!(typebuild::new_struct_type, m)?)?;
    m.add_function(wrap_pyfunction!(typebuild::new_union_type, m)?)?;
    m.add_function(wrap_pyfunction!(typebuild::complete_struct_or_union, m)?)?;
    m.add_function(wrap_pyfunction!(typebuild::new_enum_type, m)?)?;
    m.add_function(wrap_pyfunction!(typebuild::new_function_type, m)?)?;
    m.add_function(wrap_pyfunction!(typebuild::_get_common_types, m)?)?;
    m.add_function(wrap_pyfunction!(typebuild::_get_types, m)?)?;
    m.add_function(wrap_pyfunction!(callback::callback, m)?)?;
    m.add_function(wrap_pyfunction!(ctypes_callback::_ctypes_callback, m)?)?;
    m.add_function(wrap_pyfunction!(errno::get_errno, m)?)?;
    m.add_function(wrap_pyfunction!(errno::set_errno, m)?)?;
    m.add_class::<buffer::CBuffer>()?;
    m.add_class::<ctypes_instance::CtypesBufferBase>()?;
    m.add_class::<ctypes_instance::CtypesShape>()?;
    m.add_class::<ctypes_fields::CtypesField>()?;
    m.add_class::<ctypes_items::CtypesArrayBase>()?;
    m.add_class::<ctypes_items::CtypesPointerBase>()?;
    m.add_class::<ctypes_calls::CtypesFuncBase>()?;
    m.add_class::<ctypes_args::CtypesArg>()?;
    m.add_function(wrap_pyfunction!(ctypes_args::byref, m)?)?;
    m.add_function(wrap_pyfunction!(ctypes_support::_ctypes_sizeof, m)?)?;
    m.add_function(wrap_pyfunction!(ctypes_support::_ctypes_text_value, m)?)?;
    m.add_function(wrap_pyfunction!(ctypes_support::_ctypes_raw_value, m)?)?;
    m.add_function(wrap_pyfunction!(ctypes_memory::_ctypes_read_bytes, m)?)?;
    m.add_function(wrap_pyfunction!(ctypes_memory::_ctypes_read_items, m)?)?;
    m.add_function(wrap_pyfunction!(ctypes_memory::_ctypes_read_char_p, m)?)?;
    m.add_function(wrap_pyfunction!(ctypes_memory::_ctypes_bytes_address, m)?)?;
    m.add_function(wrap_pyfunction!(ctypes_memory::_ctypes_write_bytes, m)?)?;
    m.add_function(wrap_pyfunction!(ctypes_memory::_ctypes_copy, m)?)?;
    m.add_function(wrap_pyfunction!(ctypes_memory::_ctypes_read_pointer, m)?)?;
    m.add_function(wrap_pyfunction!(ctypes_memory::_ctypes_write_pointer, m)?)?;
    m.add_function(wrap_pyfunction!(ctypes_support::_ctypes_addressof, m)?)?;
    ctypes_slots::install(py)?;
    m.add_function(wrap_pyfunction!(ctypes_slots::_ctypes_init_slot, m)?)?;
    m.add("_CTYPES_VIEW", ctypes_instance::view_token(py))?;
    m.add_class::<allocator::Allocator>()?;
    m.add_class::<allocator::TypeCache>()?;
    m.add_function(wrap_pyfunction!(backend::rawaddressof, m)?)?;
    m.add_function(wrap_pyfunction!(backend::unpack, m)?)?;
    m.add_function(wrap_pyfunction!(buffer::from_buffer, m)?)?;
    m.add_function(wrap_pyfunction!(buffer::memmove, m)?)?;
    m.add_function(wrap_pyfunction!(lifetime::gcp, m)?)?;
    m.add_function(wrap_pyfunction!(lifetime::release, m)?)?;
    m.add_function(wrap_pyfunction!(handles::newp_handle, m)?)?;
    m.add_function(wrap_pyfunction!(handles::from_handle, m)?)?;
    m.add_function(wrap_pyfunction!(
        cffi_abi::_init_cffi_1_0_external_module,
        m
    )?)?;
    m.add("_C_API", cffi_abi::c_api_capsule(m.py())?)?;
    m.add("FFI_DEFAULT_ABI", FFI_DEFAULT_ABI)?;
    m.add("FFI_CDECL", FFI_DEFAULT_ABI)?;
    m.add("ABI_KEEP_GIL", ABI_KEEP_GIL)?;
    m.add_function(wrap_pyfunction!(backend::object_at, m)?)?;
    // The loader flags, on the module and (as cffi has them) on the FFI class.
    let ffi_class = py.get_type::<ffiobj::FfiObject>();
    for &(name, value) in rcffi_core::platform::DL_FLAGS {
        m.add(name, value)?;
        ffi_class.setattr(name, value)?;
    }
    Ok(())
}

/// Creates the handle and callback types, then closes `CData` to subclassing,
/// as cffi's cdata type is: those are the subclasses there are. Here at module
/// creation, the one place that sees both subclasses, so that neither names
/// the other.
fn seal_cdata(py: Python<'_>) {
    let _ = py.get_type::<handles::HandleCData>();
    let _ = py.get_type::<callback::CallbackCData>();
    let tp = py.get_type::<cdata::CData>().as_type_ptr();
    // SAFETY: our own type object, fully created; clearing the flag only
    // refuses later subclasses.
    unsafe { pylayout::close_to_subclassing(tp) }
}
