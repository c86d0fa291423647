//! rcffi-core: the C model and machine behind rcffi, and a C FFI for Rust programs.
//!
//! Data flows one way: C text is lexed and parsed ([`parse`]) into
//! [`Declarations`] whose types live in an interned
//! [`TypeTable`] with layouts computed as the C compiler does
//! ([`layout`]); libraries are opened with [`dl`], and functions are called through
//! call plans prepared once per signature ([`call`]).
//!
//! # The Rust API
//!
//! On top of that machinery sits a typed layer for Rust programs — a language
//! runtime written in Rust that wants a C FFI, say — in the spirit of declaring an
//! external function by name with low-level argument and result types:
//!
//! - [`Ffi`] holds declarations, from C text ([`Ffi::cdef`], [`Ffi::type_of`]) or
//!   built in Rust ([`Type::int`], [`Type::pointer`], [`StructBuilder`]);
//! - [`Function`] is a C function found in a [`Library`] and called with
//!   [`Value`]s, variadic ones included; [`Closure`] turns a Rust closure into a
//!   C function pointer;
//! - [`RawMemory`] is memory allocated and freed by hand, read and written at
//!   offsets; [`c_string`] and [`string_from_ptr`] cross with strings;
//! - [`CompileInfo`] and [`compile_shared_library`] build C into a shared library
//!   at run time.
//!
//! ```
//! use std::sync::Arc;
//! use rcffi_core::{Ffi, Function, Library, Value};
//!
//! let ffi = Ffi::new();
//! ffi.cdef("size_t strlen(const char *);").unwrap();
//! let libc = Arc::new(Library::open(None, 0).unwrap());
//! let strlen = Function::lookup(&ffi, &libc, "strlen").unwrap();
//! let s = rcffi_core::c_string("hello").unwrap();
//! let n = unsafe { strlen.call(&[Value::from(s.as_ptr())]) }.unwrap();
//! assert_eq!(n, Value::U64(5));
//! ```

#![warn(missing_docs)]

pub mod abi;
pub mod call;
pub mod callback;
pub mod cffi_format;
pub mod closure;
pub mod cnames;
pub mod codegen;
mod codegen_answers;
pub mod codegen_checks;
pub mod codegen_module;
pub mod compile;
pub mod ctype;
pub mod decl;
pub mod dl;
pub mod embed;
pub mod error;
pub mod fasthash;
pub mod ffi;
pub mod function;
pub mod layout;
pub mod longdouble;
pub mod memory;
pub mod parse;
pub mod platform;
pub mod preprocess;
pub mod prim;
pub mod probe;
pub mod scalar;
pub mod serial;
pub mod uniform;
pub mod value;

pub use closure::Closure;
pub use compile::{compile_shared_library, CompileInfo};
pub use ctype::{Kind, Prim, TypeId, TypeTable};
pub use decl::Declarations;
pub use dl::Library;
pub use error::Error;
pub use ffi::{Ffi, StructBuilder, Type};
pub use function::Function;
pub use memory::{c_string, string_from_ptr, string_from_value, RawMemory, Scalar};
pub use value::Value;
