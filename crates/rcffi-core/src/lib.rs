//! rcffi-core: the C model and machine behind rcffi.
//!
//! Data flows one way: C text is lexed and parsed ([`parse`]) into
//! [`Declarations`](decl::Declarations) whose types live in an interned
//! [`TypeTable`](ctype::TypeTable) with layouts computed as the C compiler does
//! ([`layout`]); libraries are opened with [`dl`], and functions are called through
//! call plans prepared once per signature ([`call`]).

pub mod abi;
pub mod call;
pub mod callback;
pub mod codegen;
pub mod ctype;
pub mod decl;
pub mod dl;
pub mod error;
pub mod fasthash;
pub mod layout;
pub mod longdouble;
pub mod parse;
pub mod serial;

pub use ctype::{Kind, Prim, TypeId, TypeTable};
pub use decl::Declarations;
pub use error::Error;
