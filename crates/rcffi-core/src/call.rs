//! Call plans: everything about calling a C function of one signature that can be
//! decided ahead of time (libffi's `ffi_cif` and the argument types it points to),
//! so that a call itself only fills argument slots and jumps.

use std::os::raw::{c_uint, c_void};
use std::ptr::{addr_of_mut, null_mut};

use libffi_sys as ffi;

use crate::abi;
use crate::ctype::{Prim, TypeData, TypeId, TypeTable};
use crate::error::Error;

/// A prepared call of one function signature.
pub struct CallPlan {
    cif: Box<ffi::ffi_cif>,
    /// Argument `ffi_type` pointers; the cif points into this.
    _arg_types: Vec<*mut ffi::ffi_type>,
    /// Struct descriptions the cif points into.
    _owned: Vec<OwnedStructType>,
    nargs: usize,
    result_size: usize,
    /// The function is a uniform wrapper (`void w(void *result, void **args)`,
    /// see `uniform`): called directly, not through the cif.
    uniform: bool,
}

// The plan is immutable after construction; libffi only reads it during calls.
unsafe impl Send for CallPlan {}
unsafe impl Sync for CallPlan {}

/// Why libffi cannot pass the complete record `id` by value, if it cannot: it
/// has no size (an empty struct or union, a GNU extension) or ends in an array
/// of no or zero length, here or in a nested record, so libffi would mis-size
/// it; or its layout came from the compiler for a `...;` declaration and the
/// members the cdef leaves out could change how C passes it.
fn not_passable(t: &TypeTable, id: TypeId) -> Option<&'static str> {
    let mut pending = vec![id];
    let mut inexact = false;
    while let Some(rec) = pending.pop() {
        let TypeData::Record(r) = t.data(rec) else {
            continue;
        };
        inexact |= r.inexact;
        if r.layout.is_some_and(|l| l.size == 0) {
            return Some("it is empty");
        }
        pending.extend(
            r.fields
                .iter()
                .flatten()
                .map(|f| f.ty)
                .filter(|&ty| matches!(t.data(ty), TypeData::Record(_))),
        );
    }
    if has_zero_length_array(t, id) {
        return Some(ZERO_LENGTH);
    }
    let size = t.size_of(id).unwrap_or(0);
    let known = crate::platform::SYSV_X86_64
        && !abi::has_long_double(t, id)
        && abi::sysv_x86_64_known_despite_hidden(t, id, size);
    if inexact && !known {
        return Some(HIDDEN_MEMBERS);
    }
    None
}

/// The reason [`not_passable`] gives for a record ending in an array of no
/// or zero length; its message is cffi's, which names the way out.
const ZERO_LENGTH: &str = "zero-length";

/// Whether the record `id`, or one nested in it, has an array member of no or
/// zero length: libffi would mis-size it, so only a uniform wrapper the C
/// compiler writes (API mode, not variadic) passes it by value.
pub(crate) fn has_zero_length_array(t: &TypeTable, id: TypeId) -> bool {
    let mut pending = vec![id];
    while let Some(rec) = pending.pop() {
        let TypeData::Record(r) = t.data(rec) else {
            continue;
        };
        for f in r.fields.iter().flatten() {
            match t.data(f.ty) {
                TypeData::Array {
                    length: None | Some(0),
                    ..
                } => return true,
                TypeData::Record(_) => pending.push(f.ty),
                _ => {}
            }
        }
    }
    false
}

/// Why a `...;` record is refused: the members the cdef leaves out may decide
/// how C passes it. Worded as cffi words it, since programs match on the text.
const HIDDEN_MEMBERS: &str = "It is a struct declared with \"...;\", but the C calling \
     convention may depend on the missing fields; or, it contains anonymous struct/unions.";

/// The message refusing the record `cname` by value for the reason `why`.
fn refusal(cname: &str, why: &str, is_result: bool) -> String {
    let role = if is_result {
        "return value"
    } else {
        "argument"
    };
    if why == HIDDEN_MEMBERS {
        format!(
            "ctype '{cname}' not supported as {role}.  {why}  Such structs are only supported \
             as {role} if the function is 'API mode' and non-variadic (i.e. declared inside \
             ffibuilder.cdef()+ffibuilder.set_source() and not taking a final '...' argument)"
        )
    } else {
        let role = if is_result { "a result" } else { "an argument" };
        format!("'{cname}' cannot be {role} here: {why}, which libffi cannot pass by value")
    }
}

/// An `ffi_type` for a struct with its element array, kept at stable addresses.
struct OwnedStructType {
    _ty: Box<ffi::ffi_type>,
    _elements: Vec<*mut ffi::ffi_type>,
}

fn prim_ffi_type(p: Prim) -> *mut ffi::ffi_type {
    // Taking the address of libffi's static type descriptors needs no unsafe.
    {
        match p {
            Prim::Float => addr_of_mut!(ffi::ffi_type_float),
            Prim::Double => addr_of_mut!(ffi::ffi_type_double),
            Prim::LongDouble => addr_of_mut!(ffi::ffi_type_longdouble),
            _ => {
                let signed = p.is_signed();
                match (p.size(), signed) {
                    (1, true) => addr_of_mut!(ffi::ffi_type_sint8),
                    (1, false) => addr_of_mut!(ffi::ffi_type_uint8),
                    (2, true) => addr_of_mut!(ffi::ffi_type_sint16),
                    (2, false) => addr_of_mut!(ffi::ffi_type_uint16),
                    (4, true) => addr_of_mut!(ffi::ffi_type_sint32),
                    (4, false) => addr_of_mut!(ffi::ffi_type_uint32),
                    (8, true) => addr_of_mut!(ffi::ffi_type_sint64),
                    _ => addr_of_mut!(ffi::ffi_type_uint64),
                }
            }
        }
    }
}

struct Builder<'t> {
    table: &'t TypeTable,
    owned: Vec<OwnedStructType>,
}

impl Builder<'_> {
    fn ffi_type(&mut self, id: TypeId, is_result: bool) -> Result<*mut ffi::ffi_type, Error> {
        let t = self.table;
        Ok(match t.data(id) {
            TypeData::Void if is_result => addr_of_mut!(ffi::ffi_type_void),
            TypeData::Void => {
                return Err(Error::Call("'void' is not a valid argument type".into()))
            }
            TypeData::Primitive(p @ (Prim::FloatComplex | Prim::DoubleComplex)) => {
                let part = if *p == Prim::FloatComplex {
                    Prim::Float
                } else {
                    Prim::Double
                };
                let e = prim_ffi_type(part);
                self.struct_type(vec![e, e], p.size(), p.align())
            }
            TypeData::Primitive(p) => prim_ffi_type(*p),
            TypeData::Unknown(_) | TypeData::UnknownLength(_) => {
                return Err(Error::Call(format!(
                    "'{}' is only known after compilation (API mode)",
                    t.cname(id)
                )))
            }
            TypeData::Enum(e) => prim_ffi_type(e.base),
            TypeData::Pointer(_) | TypeData::Function(_) => addr_of_mut!(ffi::ffi_type_pointer),
            TypeData::Array { .. } => addr_of_mut!(ffi::ffi_type_pointer),
            TypeData::Record(r) => {
                let (Some(fields), Some(layout)) = (&r.fields, r.layout) else {
                    return Err(Error::Call(format!(
                        "'{}' is incomplete and cannot be passed by value",
                        t.cname(id)
                    )));
                };
                if not_passable(t, id) == Some(ZERO_LENGTH) {
                    let role = if is_result {
                        "return value"
                    } else {
                        "argument"
                    };
                    return Err(Error::Unsupported(format!(
                        "ctype '{}' not supported as {role}.  It is a struct with a zero-length \
                         array, which libffi does not support.  Such structs are only supported \
                         as {role} if the function is 'API mode' and non-variadic (i.e. \
                         declared inside ffibuilder.cdef()+ffibuilder.set_source() and not \
                         taking a final '...' argument)",
                        t.cname(id)
                    )));
                }
                if let Some(why) = not_passable(t, id) {
                    return Err(Error::Unsupported(refusal(t.cname(id), why, is_result)));
                }
                if crate::platform::SYSV_X86_64 && !abi::has_long_double(t, id) {
                    return Ok(self.classified_struct(
                        abi::sysv_x86_64(t, id, layout.size),
                        layout.size,
                        layout.align,
                    ));
                }
                if r.is_union || fields.iter().any(|f| f.bitsize.is_some()) {
                    return Err(Error::Call(format!(
                        "'{}' is a union or has bitfields: passing it by value is not supported on this platform",
                        t.cname(id)
                    )));
                }
                let mut elements = Vec::new();
                for f in fields {
                    self.push_elements(f.ty, &mut elements)?;
                }
                self.struct_type(elements, layout.size, layout.align)
            }
        })
    }

    /// A struct type whose stand-in elements make libffi pass it as `passing` says.
    fn classified_struct(
        &mut self,
        passing: abi::Passing,
        size: usize,
        align: usize,
    ) -> *mut ffi::ffi_type {
        let u8_t = addr_of_mut!(ffi::ffi_type_uint8);
        let mut elements = Vec::new();
        match passing {
            abi::Passing::Memory => {
                // libffi sends any struct over 32 bytes to memory before looking
                // further, so one such member forces the whole aggregate there.
                let marker = self.struct_type(vec![u8_t], 33, 1);
                elements.push(marker);
            }
            abi::Passing::Registers(classes) => {
                for class in classes {
                    match class {
                        abi::Eightbyte::Integer { len: 8 } => {
                            elements.push(addr_of_mut!(ffi::ffi_type_uint64))
                        }
                        abi::Eightbyte::Integer { len } => {
                            elements.extend(std::iter::repeat_n(u8_t, len))
                        }
                        abi::Eightbyte::Sse { len: 8 } => {
                            elements.push(addr_of_mut!(ffi::ffi_type_double))
                        }
                        abi::Eightbyte::Sse { len } => {
                            elements.extend(std::iter::repeat_n(
                                addr_of_mut!(ffi::ffi_type_float),
                                len / 4,
                            ));
                            elements.extend(std::iter::repeat_n(u8_t, len % 4));
                        }
                    }
                }
            }
        }
        self.struct_type(elements, size, align)
    }

    fn push_elements(
        &mut self,
        id: TypeId,
        out: &mut Vec<*mut ffi::ffi_type>,
    ) -> Result<(), Error> {
        if let TypeData::Array { item, length } = *self.table.data(id) {
            for _ in 0..length.unwrap_or(0) {
                self.push_elements(item, out)?;
            }
            Ok(())
        } else {
            out.push(self.ffi_type(id, false)?);
            Ok(())
        }
    }

    fn struct_type(
        &mut self,
        mut elements: Vec<*mut ffi::ffi_type>,
        size: usize,
        align: usize,
    ) -> *mut ffi::ffi_type {
        elements.push(null_mut());
        let mut ty = Box::new(ffi::ffi_type {
            size,
            alignment: align as u16,
            type_: ffi::FFI_TYPE_STRUCT,
            elements: elements.as_mut_ptr(),
        });
        let p: *mut ffi::ffi_type = &mut *ty;
        self.owned.push(OwnedStructType {
            _ty: ty,
            _elements: elements,
        });
        p
    }
}

impl CallPlan {
    /// Prepares calls of the function type `func`. For a variadic function,
    /// `variadic_args` are the types of the extra arguments of one particular call.
    pub fn new(
        table: &TypeTable,
        func: TypeId,
        variadic_args: &[TypeId],
    ) -> Result<CallPlan, Error> {
        let sig = table
            .func(func)
            .ok_or_else(|| Error::not_a_function(table.cname(func)))?;
        let mut b = Builder {
            table,
            owned: Vec::new(),
        };
        let mut arg_types = Vec::with_capacity(sig.args.len() + variadic_args.len());
        for &a in sig.args.iter().chain(variadic_args) {
            arg_types.push(b.ffi_type(a, false)?);
        }
        let rtype = b.ffi_type(sig.result, true)?;
        let result_size = table
            .size_of(sig.result)
            .unwrap_or(0)
            .max(std::mem::size_of::<u64>());
        let mut cif: Box<ffi::ffi_cif> = Box::new(unsafe { std::mem::zeroed() });
        let nargs = arg_types.len();
        let status = unsafe {
            if sig.variadic {
                ffi::ffi_prep_cif_var(
                    &mut *cif,
                    ffi::ffi_abi_FFI_DEFAULT_ABI,
                    sig.args.len() as c_uint,
                    nargs as c_uint,
                    rtype,
                    arg_types.as_mut_ptr(),
                )
            } else {
                ffi::ffi_prep_cif(
                    &mut *cif,
                    ffi::ffi_abi_FFI_DEFAULT_ABI,
                    nargs as c_uint,
                    rtype,
                    arg_types.as_mut_ptr(),
                )
            }
        };
        if status != ffi::ffi_status_FFI_OK {
            return Err(Error::Call(format!(
                "libffi cannot prepare a call of '{}' (status {status})",
                table.cname(func)
            )));
        }
        Ok(CallPlan {
            cif,
            _arg_types: arg_types,
            _owned: b.owned,
            nargs,
            result_size,
            uniform: false,
        })
    }

    /// Prepares calls of the uniform wrappers of functions of type `func`
    /// (see `uniform`): the same argument buffers and result buffer as a
    /// libffi call of `func` would take, whatever its records hold.
    pub fn uniform(table: &TypeTable, func: TypeId) -> Result<CallPlan, Error> {
        let sig = table
            .func(func)
            .ok_or_else(|| Error::not_a_function(table.cname(func)))?;
        let result_size = table
            .size_of(sig.result)
            .unwrap_or(0)
            .max(std::mem::size_of::<u64>());
        Ok(CallPlan {
            // Never used: `call` jumps to the wrapper itself.
            cif: Box::new(unsafe { std::mem::zeroed() }),
            _arg_types: Vec::new(),
            _owned: Vec::new(),
            nargs: sig.args.len(),
            result_size,
            uniform: true,
        })
    }

    /// The libffi description, for closures of this signature.
    pub(crate) fn cif_ptr(&self) -> *mut ffi::ffi_cif {
        &*self.cif as *const ffi::ffi_cif as *mut ffi::ffi_cif
    }

    /// The number of arguments a call passes.
    pub fn arg_count(&self) -> usize {
        self.nargs
    }

    /// Bytes the result buffer must have: libffi widens small integer results to a
    /// full register, so this is at least 8.
    pub fn result_size(&self) -> usize {
        self.result_size
    }

    /// Calls `func`.
    ///
    /// # Safety
    /// `func` must be a function of this plan's signature; `args` must hold
    /// [`arg_count`](Self::arg_count) pointers to argument values of the declared
    /// types; `result` must point to [`result_size`](Self::result_size) writable,
    /// 16-byte aligned bytes.
    pub unsafe fn call(&self, func: *const c_void, args: *mut *mut c_void, result: *mut c_void) {
        if self.uniform {
            let w: unsafe extern "C" fn(*mut c_void, *mut *mut c_void) = std::mem::transmute(func);
            w(result, args);
            return;
        }
        let f: unsafe extern "C" fn() = std::mem::transmute(func);
        ffi::ffi_call(
            &*self.cif as *const ffi::ffi_cif as *mut ffi::ffi_cif,
            Some(f),
            result,
            args,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ctype::FuncSig;
    use crate::dl::Library;

    #[test]
    fn calls_libc_abs_and_strlen() {
        let mut t = TypeTable::new();
        let int = t.primitive(Prim::Int);
        let size = t.primitive(Prim::Size);
        let ch = t.primitive(Prim::Char);
        let pchar = t.pointer(ch);
        let abs_t = t.function(FuncSig {
            args: vec![int],
            result: int,
            variadic: false,
            abi: None,
        });
        let strlen_t = t.function(FuncSig {
            args: vec![pchar],
            result: size,
            variadic: false,
            abi: None,
        });
        let lib = Library::open(None, 0).unwrap();
        let plan = CallPlan::new(&t, abs_t, &[]).unwrap();
        let mut x: i32 = -42;
        let mut args = [&mut x as *mut i32 as *mut c_void];
        let mut ret = [0u64; 2];
        unsafe {
            plan.call(
                lib.symbol("abs").unwrap(),
                args.as_mut_ptr(),
                ret.as_mut_ptr().cast(),
            )
        };
        assert_eq!(ret[0] as i32, 42);
        let plan = CallPlan::new(&t, strlen_t, &[]).unwrap();
        let s = b"hello\0";
        let mut p = s.as_ptr();
        let mut args = [&mut p as *mut *const u8 as *mut c_void];
        unsafe {
            plan.call(
                lib.symbol("strlen").unwrap(),
                args.as_mut_ptr(),
                ret.as_mut_ptr().cast(),
            )
        };
        assert_eq!(ret[0], 5);
    }

    #[test]
    fn refuses_non_functions() {
        let mut t = TypeTable::new();
        let int = t.primitive(Prim::Int);
        assert!(CallPlan::new(&t, int, &[]).is_err());
    }
}
