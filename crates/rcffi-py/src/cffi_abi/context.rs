//! Reading the `_cffi_type_context_s` of a cffi-compiled module: its C tables
//! (as cffi's public header `parse_c_type.h` declares them) turned into the
//! byte form of out-of-line modules, which `rcffi_core::cffi_format` decodes,
//! with the layouts the C compiler computed and the values of integer
//! constants (read from their getter functions).

use std::collections::HashMap;
use std::ffi::CStr;
use std::os::raw::{c_char, c_int, c_void};
use std::sync::Mutex;

use rcffi_core::cffi_format::{Module, RecordLayout};

/// `struct _cffi_global_s`.
#[repr(C)]
pub struct Global {
    pub name: *const c_char,
    pub address: *mut c_void,
    pub type_op: usize,
    pub size_or_direct_fn: *mut c_void,
}

#[repr(C)]
struct StructUnion {
    name: *const c_char,
    type_index: c_int,
    flags: c_int,
    size: usize,
    alignment: c_int,
    first_field_index: c_int,
    num_fields: c_int,
}

#[repr(C)]
struct Field {
    name: *const c_char,
    field_offset: usize,
    field_size: usize,
    field_type_op: usize,
}

#[repr(C)]
struct Enum {
    name: *const c_char,
    type_index: c_int,
    type_prim: c_int,
    enumerators: *const c_char,
}

#[repr(C)]
struct Typename {
    name: *const c_char,
    type_index: c_int,
}

/// `struct _cffi_type_context_s`.
#[repr(C)]
pub struct TypeContext {
    pub types: *mut usize,
    globals: *const Global,
    fields: *const Field,
    struct_unions: *const StructUnion,
    enums: *const Enum,
    typenames: *const Typename,
    num_globals: c_int,
    num_struct_unions: c_int,
    num_enums: c_int,
    num_typenames: c_int,
    pub includes: *const *const c_char,
    pub num_types: c_int,
    pub flags: c_int,
}

pub const OP_ENUM: u8 = 11;
const OP_BITFIELD: u8 = 19;
pub const OP_CPYTHON_BLTN_V: u8 = 23;
pub const OP_CPYTHON_BLTN_N: u8 = 25;
pub const OP_CPYTHON_BLTN_O: u8 = 27;
pub const OP_CONSTANT: u8 = 29;
pub const OP_CONSTANT_INT: u8 = 31;
pub const OP_GLOBAL_VAR: u8 = 33;
pub const OP_GLOBAL_VAR_F: u8 = 39;
pub const OP_EXTERN_PYTHON: u8 = 41;

const F_OPAQUE: c_int = 0x10;

/// Splits a native opcode word into opcode and signed argument.
pub fn split(word: usize) -> (u8, isize) {
    ((word & 0xff) as u8, (word as isize) >> 8)
}

/// The word in the 32-bit big-endian form of out-of-line modules.
fn word_bytes(word: usize) -> [u8; 4] {
    let (op, arg) = split(word);
    (((arg as i32) << 8) | i32::from(op)).to_be_bytes()
}

/// # Safety
/// `p` is a NUL-terminated string.
pub unsafe fn text<'a>(p: *const c_char) -> &'a [u8] {
    if p.is_null() {
        return b"";
    }
    CStr::from_ptr(p).to_bytes()
}

/// The tables of one module, owned, in out-of-line form.
#[derive(Default)]
pub struct Tables {
    types: Vec<u8>,
    pub globals: Vec<(Vec<u8>, i128)>,
    records: Vec<Vec<Vec<u8>>>,
    layouts: Vec<Option<RecordLayout>>,
    enums: Vec<Vec<u8>>,
    typenames: Vec<Vec<u8>>,
    /// Integer constants whose value the C compiler found different from the
    /// cdef's: `(name, value)`.
    pub mismatched: Vec<(String, i128)>,
}

impl Tables {
    /// The view `cffi_format::decode` takes.
    pub fn module(&self) -> Module<'_> {
        Module {
            types: &self.types,
            globals: self.globals.iter().map(|(e, v)| (&e[..], *v)).collect(),
            struct_unions: self
                .records
                .iter()
                .map(|r| r.iter().map(|f| &f[..]).collect())
                .collect(),
            enums: self.enums.iter().map(|e| &e[..]).collect(),
            typenames: self.typenames.iter().map(|e| &e[..]).collect(),
            layouts: self.layouts.clone(),
            realize_all: true,
        }
    }
}

/// The opcode words of each module read so far, by the address of its
/// `_cffi_types`: the backend replaces them with ctypes at import, and a
/// module initialised again (after leaving `sys.modules`) must decode the
/// original words.
fn original_words(ctx: &TypeContext) -> Vec<usize> {
    static SEEN: Mutex<Option<HashMap<usize, Vec<usize>>>> = Mutex::new(None);
    let mut seen = SEEN.lock().unwrap_or_else(|p| p.into_inner());
    let n = usize::try_from(ctx.num_types).unwrap_or(0);
    seen.get_or_insert_with(HashMap::new)
        .entry(ctx.types as usize)
        // SAFETY: the module's array of `num_types` words.
        .or_insert_with(|| unsafe { std::slice::from_raw_parts(ctx.types, n).to_vec() })
        .clone()
}

/// `count` items of a C array, none for a NULL array or a bad count.
///
/// # Safety
/// `p` points to at least `count` items when not NULL.
unsafe fn items<'a, T>(p: *const T, count: c_int) -> &'a [T] {
    match usize::try_from(count) {
        Ok(n) if !p.is_null() => std::slice::from_raw_parts(p, n),
        _ => &[],
    }
}

/// The value an integer constant's getter `int f(unsigned long long *)`
/// gives, and whether the compiler disagrees with the cdef's value.
///
/// # Safety
/// `getter` is such a function.
unsafe fn int_constant(getter: *mut c_void) -> (i128, bool) {
    if getter.is_null() {
        return (0, false);
    }
    let f: extern "C" fn(*mut u64) -> c_int = std::mem::transmute(getter);
    let mut bits = 0u64;
    let flags = f(&mut bits);
    let value = if flags & 1 != 0 && bits != 0 {
        i128::from(bits as i64)
    } else {
        i128::from(bits)
    };
    (value, flags & 2 != 0)
}

/// Reads the context's tables.
///
/// # Safety
/// `ctx` is the type context a cffi-compiled module passed at import.
pub unsafe fn read(ctx: &TypeContext) -> Tables {
    let mut t = Tables {
        types: original_words(ctx)
            .into_iter()
            .flat_map(word_bytes)
            .collect(),
        ..Tables::default()
    };
    for g in items(ctx.globals, ctx.num_globals) {
        let mut entry = word_bytes(g.type_op).to_vec();
        entry.extend_from_slice(text(g.name));
        let value = match split(g.type_op).0 {
            OP_CONSTANT_INT | OP_ENUM => {
                let (value, mismatch) = int_constant(g.address);
                if mismatch {
                    t.mismatched
                        .push((String::from_utf8_lossy(text(g.name)).into_owned(), value));
                }
                value
            }
            _ => 0,
        };
        t.globals.push((entry, value));
    }
    let fields = ctx.fields;
    for s in items(ctx.struct_unions, ctx.num_struct_unions) {
        let mut header = s.type_index.to_be_bytes().to_vec();
        header.extend_from_slice(&s.flags.to_be_bytes());
        header.extend_from_slice(text(s.name));
        let mut record = vec![header];
        let mut offsets = Vec::new();
        let first = usize::try_from(s.first_field_index).unwrap_or(0);
        let own = items(fields.wrapping_add(first), s.num_fields);
        for f in own {
            let mut entry = word_bytes(f.field_type_op).to_vec();
            if split(f.field_type_op).0 == OP_BITFIELD {
                entry.extend_from_slice(&(f.field_size as i32).to_be_bytes());
            }
            entry.extend_from_slice(text(f.name));
            record.push(entry);
            offsets.push((f.field_offset != usize::MAX).then_some(f.field_offset));
        }
        let known = s.flags & F_OPAQUE == 0 && s.size != usize::MAX && s.alignment > 0;
        t.layouts.push(known.then_some(RecordLayout {
            size: s.size,
            align: s.alignment as usize,
            offsets,
        }));
        t.records.push(record);
    }
    for e in items(ctx.enums, ctx.num_enums) {
        let mut entry = e.type_index.to_be_bytes().to_vec();
        entry.extend_from_slice(&e.type_prim.to_be_bytes());
        entry.extend_from_slice(text(e.name));
        entry.push(0);
        entry.extend_from_slice(text(e.enumerators));
        t.enums.push(entry);
    }
    for n in items(ctx.typenames, ctx.num_typenames) {
        let mut entry = n.type_index.to_be_bytes().to_vec();
        entry.extend_from_slice(text(n.name));
        t.typenames.push(entry);
    }
    t
}

/// The names of the modules the context includes (`ffi.include()`).
///
/// # Safety
/// `ctx.includes` is NULL or a NULL-terminated array of strings.
pub unsafe fn includes(ctx: &TypeContext) -> Vec<String> {
    let mut out = Vec::new();
    let mut p = ctx.includes;
    while !p.is_null() && !(*p).is_null() {
        out.push(String::from_utf8_lossy(text(*p)).into_owned());
        p = p.add(1);
    }
    out
}

/// The globals of the context.
///
/// # Safety
/// As for [`read`].
pub unsafe fn globals(ctx: &TypeContext) -> &[Global] {
    items(ctx.globals, ctx.num_globals)
}
