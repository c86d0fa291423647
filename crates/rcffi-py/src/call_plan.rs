//! The data of a function type's call plan: what `call.rs` works out on a
//! type's first call (`FunctionPlan::new`) and every later call reads.
//!
//! `CType` keeps the plan it owns (`CType::call_plan`), so its type sits beside
//! `types` rather than in `call`, which is built on top of cdata.

use pyo3::prelude::*;
use rcffi_core::call::CallPlan;
use rcffi_core::TypeId;

use crate::types::CType;

/// How an argument or result is converted on the direct path.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    Int {
        size: u8,
        signed: bool,
    },
    F32,
    F64,
    Pointer,
    /// Anything else: converted generically, called through libffi.
    Other,
}

/// Everything about calling functions of one type that does not change per call.
pub(crate) struct FunctionPlan {
    /// `None` for variadic functions, whose plan depends on each call's
    /// arguments, and for signatures libffi cannot describe (see `refused`).
    pub(crate) fixed: Option<CallPlan>,
    /// For signatures with a record by value that has members the cdef does
    /// not declare: the plan of their uniform wrappers in compiled modules
    /// (`rcffi_core::uniform`), used when the address called is one.
    pub(crate) uniform: Option<CallPlan>,
    /// Why libffi cannot make the call itself, raised when the address
    /// called is not a uniform wrapper.
    pub(crate) refused: Option<String>,
    pub(crate) args: Vec<Py<CType>>,
    pub(crate) classes: Vec<Class>,
    /// Per argument, what the fast paths take as it is (anything else goes
    /// through the full conversion).
    pub(crate) fast_args: Vec<FastArg>,
    pub(crate) result: Py<CType>,
    pub(crate) result_class: Class,
    pub(crate) returns_void: bool,
    pub(crate) variadic: bool,
    /// All arguments fit the registers and all are direct-path classes.
    pub(crate) direct: bool,
    /// A direct plan whose arguments are all integers and pointers and whose
    /// result is one too (or void): the tightest path.
    pub(crate) integers_only: bool,
    /// A direct plan returning an integer, a floating value or void: what
    /// `call_entry::try_call` calls without the general machinery.
    pub(crate) plain_registers: bool,
    /// Some argument or the result travels in a floating register.
    pub(crate) float_registers: bool,
    /// The size and signedness of an integer result.
    pub(crate) int_result: Option<(u8, bool)>,
    /// Calls keep the GIL: the function is Python's own C API (ctypes' PyDLL),
    /// which must run with it held.
    pub(crate) keeps_gil: bool,
}

/// What an argument's fast path takes without converting.
#[derive(Clone, Copy)]
pub(crate) enum FastArg {
    /// An integer parameter: an exact int within this range (`Rules::word_bounds`).
    Int(i64, i64),
    /// A pointer parameter: a live cdata of exactly the type `id`, and, when
    /// `bytes` (a `char *`-like parameter), an exact `bytes`, read in place
    /// as the general path does.
    Pointer { id: TypeId, bytes: bool },
    /// A `double` parameter: an exact float.
    Double,
    /// A `float` parameter (its conversion checks the range), or one of a
    /// class no fast path takes: always converted.
    Other,
}

impl FunctionPlan {
    /// The fast range of integer argument `i` (empty for other arguments).
    #[inline(always)]
    pub(crate) fn int_bounds(&self, i: usize) -> (i64, i64) {
        match self.fast_args[i] {
            FastArg::Int(lo, hi) => (lo, hi),
            _ => (0, -1),
        }
    }
}
