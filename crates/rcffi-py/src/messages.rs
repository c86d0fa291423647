//! Every message the extension raises, in one table: each entry names the
//! message, the facts it carries and its exception class, so a text is written
//! once and call sites stay short (`Err(Msg::NegativeIndex.to_err())`).
//!
//! The texts are cffi's and ctypes' where programs match them; the table is
//! exported as `_backend._messages` so a test can check that no two entries
//! say the same thing.

use crate::errors::{CDefError, FFIError, LibraryClosedError, SymbolNotFoundError};
// All of Python's exception classes, so an entry can name any of them.
use pyo3::exceptions::*;
use pyo3::PyErr;
use std::fmt;

/// The type of a fact an entry declares without one: anything displayable,
/// which keeps the table one line per message whatever the call site holds
/// (a C type name, a Python type's name, an index).
type Fact<'a> = &'a dyn fmt::Display;

macro_rules! fact_type {
    ($lt:lifetime) => { Fact<$lt> };
    ($lt:lifetime $ty:ty) => { $ty };
}

/// Declares `Msg` from entries `Name { facts } => ExceptionClass: "text";`,
/// the text a format string over the facts.
macro_rules! messages {
    ($(
        $(#[$doc:meta])*
        $name:ident $({ $($fact:ident $(: $ty:ty)?),* $(,)? })? => $class:ident: $text:literal;
    )*) => {
        /// A message the extension raises, with the facts it names.
        #[derive(Clone, Copy)]
        pub enum Msg<'a> {
            $($(#[$doc])* $name $({ $($fact: fact_type!('a $($ty)?)),* })?,)*
        }

        impl Msg<'_> {
            /// The exception, of the entry's class, with the entry's text (a
            /// text without facts is passed as it is, without a copy).
            pub fn to_err(self) -> PyErr {
                match self {
                    $(Msg::$name $({ $($fact),* })? => match format_args!($text).as_str() {
                        Some(text) => $class::new_err(text),
                        None => $class::new_err(self.to_string()),
                    },)*
                }
            }
        }

        impl fmt::Display for Msg<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match *self {
                    $(Msg::$name $({ $($fact),* })? => write!(f, $text),)*
                }
            }
        }

        /// Every entry as (name, exception class, text as written).
        pub const TABLE: &[(&str, &str, &str)] = &[
            $((stringify!($name), stringify!($class), $text),)*
        ];
    };
}

/// An optional explanation after a message, in parentheses: " (why)".
pub struct Aside<T>(pub Option<T>);

impl<T: fmt::Display> fmt::Display for Aside<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Some(why) => write!(f, " ({why})"),
            None => Ok(()),
        }
    }
}

messages! {
    // declarations and types
    /// An attribute a kind of ctype does not have (`.item` of an int), named
    /// alone as cffi does.
    NoCTypeAttribute { name } => PyAttributeError: "{name}";
    UnknownSize { ctype, why } => PyValueError: "ctype '{ctype}' is of unknown size{why}";
    UnknownModuleVersion { module_name, version: i64 } => PyImportError: "cffi out-of-line Python module '{module_name}' has unknown version {version:#x}";
    FieldNotTuple => PyTypeError: "each field must be a tuple (name, ctype[, bitsize[, offset]])";
    FieldNotCType { name } => PyTypeError: "field '{name}': expected a ctype";
    NotIncompleteRecord { ctype } => PyTypeError: "first arg must be a non-initialized struct or union ctype, not '{ctype}'";
    RecordAlreadyComplete { ctype } => PyTypeError: "'{ctype}' is already complete";
    FieldHasNoOffset { name } => PyValueError: "field '{name}' has no offset";
    PackedBitfieldReuse { ctype, name } => PyNotImplementedError: "with 'packed', gcc would compile field '{ctype}.{name}' to reuse some bits in the previous field";
    EnumTuplesDiffer => PyValueError: "tuple args must have the same size";
    EnumBaseNotInteger { ctype } => PyTypeError: "expected a primitive signed or unsigned base type, not '{ctype}'";
    EnumValueDoesNotFit { value, ctype } => PyOverflowError: "enum value {value} does not fit '{ctype}'";
    ArgsNotCTypes => PyTypeError: "expected a tuple of ctypes";
    VoidArgument => PyTypeError: "argument of type 'void' is not allowed";
    IncompleteArgument { ctype } => PyTypeError: "argument of incomplete type '{ctype}'";
    InvalidResultType { ctype } => PyTypeError: "invalid result type: '{ctype}'";
    FfiUnexpectedKeyword { key } => PyTypeError: "FFI() got an unexpected keyword argument '{key}'";
    GlobalsOddLength => PyValueError: "_globals must alternate names and values";
    ModuleBadDeclarations { module_name, why } => PyImportError: "cffi out-of-line module '{module_name}' has invalid declarations: {why}";
    FileNotUsable { why } => PyTypeError: "cannot use this file object as a 'FILE *': it cannot keep the C stream ({why})";
    SourceKeywordIsString { key } => PyTypeError: "set_source() keyword '{key}' must be a list of strings, not a single string";
    SourceKeywordNotList { key } => PyTypeError: "set_source() keyword '{key}' must be a list of strings";
    DefineMacrosNotPairs => PyTypeError: "define_macros must be a list of (name, value) pairs";
    // cdata
    CannotAllocate { size } => PyMemoryError: "cannot allocate {size} bytes";
    Released { ctype } => PyRuntimeError: "cdata '{ctype}' was released (ffi.release() or 'with'): it cannot be used any more";
    NoInt { ctype } => PyTypeError: "int() not supported on cdata '{ctype}'";
    NoFloat { ctype } => PyTypeError: "float() not supported on cdata '{ctype}'";
    NegativeIndex => PyIndexError: "negative index";
    IndexTooLarge { ctype, index, len } => PyIndexError: "index too large for cdata '{ctype}' (expected {index} < {len})";
    OnlyIndexZero { ctype } => PyIndexError: "cdata '{ctype}' can only be indexed by 0";
    ItemsOfUnknownSize { ctype } => PyTypeError: "cdata '{ctype}' points to items of unknown size";
    IndexOverflow => PyIndexError: "cannot fit 'int' into an index-sized integer";
    IndexNotInteger { given } => PyTypeError: "cdata indexes must be integers, not {given}";
    NotIndexable { ctype } => PyTypeError: "cdata of type '{ctype}' cannot be indexed";
    NullDereference { ctype } => PyRuntimeError: "cannot dereference null pointer from cdata '{ctype}'";
    NanToInt => PyValueError: "cannot convert float NaN to integer";
    InfinityToInt => PyOverflowError: "cannot convert float infinity to integer";
    NoItemDeletion => PyTypeError: "'del x[n]' not supported for cdata objects";
    NoLen { ctype } => PyTypeError: "cdata of type '{ctype}' has no len()";
    NotIterable { ctype } => PyTypeError: "cdata '{ctype}' does not support iteration";
    CannotSubtract { left, right } => PyTypeError: "cannot subtract cdata '{left}' and cdata '{right}'";
    NoPointerAddition { ctype } => PyTypeError: "cannot add a cdata '{ctype}' and a number";
    ArithmeticOnUnknownSize { ctype } => PyTypeError: "cannot do pointer arithmetic on cdata '{ctype}': items of unknown size";
    NoComplex { ctype } => PyTypeError: "complex() not supported on cdata '{ctype}'";
    OpaqueFieldsRead { ctype } => PyAttributeError: "cdata '{ctype}' points to an opaque type: cannot read fields";
    OpaqueFieldsWrite { ctype } => PyAttributeError: "cdata '{ctype}' points to an opaque type: cannot write fields";
    CdataHasNoField { ctype, name } => PyAttributeError: "cdata '{ctype}' has no field '{name}'";
    CdataHasNoAttribute { ctype, name } => PyAttributeError: "cdata '{ctype}' has no attribute '{name}'";
    SliceStep => PyIndexError: "slice with step not supported";
    SliceBoundMissing { name } => PyIndexError: "slice {name} must be specified";
    SliceStartAfterStop => PyIndexError: "slice start > stop";
    SliceBoundNotInteger { name, given } => PyTypeError: "slice {name} must be an integer, not {given}";
    SliceStopTooLarge { stop, len } => PyIndexError: "index too large (expected {stop} <= {len})";
    TooFewValues { n, got } => PyValueError: "need {n} values to unpack, got {got}";
    StringLengthMismatch { n, len } => PyValueError: "need a string of length {n}, got {len}";
    TooManyValues { n } => PyValueError: "got more than {n} values to unpack";
    UnknownTypeCode { code } => PyValueError: "no plain simple type has the code '{code}'";
    UnevenPointerDistance { bytes, ctype, item_size } => PyValueError: "pointer subtraction: the pointers are {bytes} bytes apart, not a whole number of '{ctype}' items ({item_size} bytes each)";
    NotTypeOrString { given } => PyTypeError: "expected a type string or a ctype, not {given}";
    AllocatorNotCallable { role, given } => PyTypeError: "'{role}' must be a callable or a C function cdata, not {given}";
    FreeWithoutAlloc => PyTypeError: "cannot pass 'free' without 'alloc'";
    WrongAllocatorFunction { role, ctype, expected } => PyTypeError: "'{role}' cannot be the C function cdata '{ctype}': expected {expected}";
    CannotInstantiateUnknownSize { ctype } => PyTypeError: "cannot instantiate ctype '{ctype}' of unknown size";
    AllocReturnedNonCdata { given } => PyTypeError: "alloc() must return a cdata object (got {given})";
    AllocReturnedNonPointer { ctype } => PyTypeError: "alloc() must return a cdata pointer, not '{ctype}'";
    AllocReturnedNull => PyMemoryError: "alloc() returned NULL";
    OpenArrayLength { given } => PyTypeError: "expected new array length or list/tuple/str, not {given}";
    ArraySizeOverflow => PyOverflowError: "array size would overflow a ssize_t";
    NotPointerOrArrayType { ctype } => PyTypeError: "expected a pointer or array ctype, got '{ctype}'";
    NotReleasable => PyValueError: "only 'cdata' object from ffi.new(), ffi.gc(), ffi.from_buffer() or ffi.new_allocator()() can be used with the 'with' keyword or ffi.release()";
    NoDestructorToRemove => PyTypeError: "Can remove destructor only on a object previously returned by ffi.gc()";
    HandleNeedsVoidPointer { ctype } => PyTypeError: "needs 'void *', got '{ctype}'";
    NotCdata => PyTypeError: "expected a 'cdata' object";
    HandleNotVoidPointer { ctype } => PyTypeError: "expected a 'cdata' object with a 'void *' out of new_handle(), got '{ctype}'";
    HandleNull => PyRuntimeError: "cannot use from_handle() on NULL pointer";
    HandleNotLive => PyRuntimeError: "from_handle(): the pointer is not a live handle from new_handle()";
    WideCharInitializer { ctype, what } => PyTypeError: "initializer for ctype '{ctype}' must be a unicode string of length 1, not {what}";
    NotACodePoint { bad: u32 } => PyValueError: "character U+{bad:x} is not a valid Unicode code point";
    NotBytesLike { given } => PyTypeError: "a bytes-like object is required, not '{given}'";
    BufferSliceStep => PyTypeError: "buffer doesn't support slicing with step != 1";
    BufferIndexOutOfRange { what } => PyIndexError: "buffer {what}index out of range";
    BufferUnknownSize { ctype } => PyTypeError: "don't know the size pointed to by '{ctype}'";
    NotPointerOrArrayCdata { ctype } => PyTypeError: "expected a pointer or array cdata, got '{ctype}'";
    BufferOfNull { ctype } => PyRuntimeError: "cannot make a buffer of a NULL cdata '{ctype}'";
    BufferSliceLength => PyValueError: "right operand length must match slice length";
    BufferItemNotByte { given } => PyTypeError: "must assign a bytes of length 1, not {given}";
    BufferUnhashable => PyTypeError: "unhashable type: 'buffer'";
    FromBufferUnicode => PyTypeError: "from_buffer() cannot return the address of a unicode object";
    FromBufferZeroSizeItems { ctype } => PyZeroDivisionError: "from_buffer('{ctype}'): its items have size 0, so no length follows from the buffer's";
    BufferTooSmall { len, ctype, need } => PyValueError: "buffer is too small ({len} bytes) for '{ctype}' ({need} bytes)";
    NegativeSize => PyValueError: "negative size";
    MemmoveTooShort { name, len, n } => PyValueError: "memmove(): the {name} has only {len} bytes, {n} asked";
    MemmoveNull { name } => PyRuntimeError: "memmove(): the {name} is NULL";
    HandleIsNoMemory { what } => PyTypeError: "{what}: a handle from new_handle() points to no memory of the program (from_handle() gives its object)";
    // libraries, the FFI object, callbacks
    /// A function an included header declares that no library the API-mode
    /// module is linked with defines (the glue references it weakly).
    UnlinkedHeaderFunction { name, module } => SymbolNotFoundError: "function '{name}' of an included header is in no library {module} is linked with (add it to libraries=)";
    ClosedLibrarySymbol { name } => PyValueError: "library '{name}' has already been closed";
    LibraryHandleNotVoidPointer { ctype } => PyTypeError: "a library handle must be a 'void *' cdata, not cdata '{ctype}'";
    NotALibrary { given } => PyTypeError: "a library is a name or path (str), None or a 'void *' handle, not {given}";
    FunctionLoadType { name, ctype } => PyTypeError: "function '{name}' must be loaded with a function or pointer type, not '{ctype}'";
    OpaqueType { ctype } => PyTypeError: "'{ctype}' is opaque";
    GlobalAtNull { name } => FFIError: "global variable '{name}' is at address NULL";
    OpaqueCdata { ctype } => PyTypeError: "cdata '{ctype}' is opaque";
    DeleteLibGlobal => PyAttributeError: "cannot delete a global variable of a lib";
    LibraryClosed { library, already } => LibraryClosedError: "library '{library}' has {already}been closed";
    SetLibNonGlobal { name } => PyAttributeError: "cannot set '{name}': it is not a global variable of the lib";
    DeleteFromLib { name } => PyAttributeError: "cannot delete '{name}' from a lib";
    LibNoSuchName { name } => PyAttributeError: "lib has no function or global variable named '{name}'";
    NonIntegerConstantInAbi { name } => PyNotImplementedError: "'{name}' is a constant of a non-integer type: ABI mode can only read it if the library exports a symbol of that name (use API mode, set_source)";
    ConstantValueUnknown { name } => CDefError: "constant '{name}' is declared with '...': its value is only known in API mode (set_source)";
    ExternPythonMismatch { callback, function } => PyTypeError: "callback of type '{callback}' attached to an extern \"Python\" function of type '{function}'";
    CompilerDisagrees { name, value, bits: u64 } => FFIError: "the C compiler says '{name}' is equal to {value} ({bits:#x}), but the cdef disagrees";
    FfiOnePositional => PyTypeError: "FFI() takes one positional argument, the module name";
    FfiIncludesNotFfi => PyTypeError: "FFI(): _includes must hold FFI objects";
    FfiNoKeywords => PyTypeError: "FFI() takes no keyword arguments but those of a cffi-generated module";
    TypeofBadArgument { given } => PyTypeError: "typeof() expects a type string or a cdata, not {given}";
    SizeofUnknown { ctype } => FFIError: "don't know the size of ctype '{ctype}'";
    OffsetofNoFields => PyTypeError: "offsetof() needs at least one field name or index";
    AddressofLibOneName => PyTypeError: "addressof(lib, name) takes exactly one name";
    AddressofNotCdata { given } => PyTypeError: "expected a cdata struct/union/array/pointer object, not {given}";
    AddressofPointer => PyTypeError: "addressof(pointer)";
    NotFunctionType { ctype } => PyTypeError: "expected a function ctype, got '{ctype}'";
    OnerrorNotCallableGiven { given } => PyTypeError: "expected a callable object for 'onerror', not {given}";
    DefExternNeedsApiMode => FFIError: "def_extern() is only available on the ffi of a compiled API-mode module";
    IntegerConstantNotFound { name } => PyAttributeError: "integer constant '{name}' not found";
    DlcloseNotLib { given } => PyTypeError: "dlclose() expects a lib object, not {given}";
    FfiNotPicklable => PyValueError: "FFI objects cannot be pickled";
    CompiledModuleImport { module, why } => PyImportError: "cannot import the cffi-compiled module '{module}': {why}";
    ExternalModuleNoAddress => PyImportError: "_init_cffi_1_0_external_module() needs the address a compiled module passes";
    PanicInCffiExports => PyRuntimeError: "internal error (panic) in rcffi's cffi exports";
    NullCtypeFromModule => PyTypeError: "NULL ctype passed by a compiled module";
    ArrayTooLarge => PyOverflowError: "array too large";
    DefExternNotCallable { given } => PyTypeError: "def_extern() decorates a callable, not {given}";
    DefExternNoSuchFunction { key } => FFIError: "ffi.def_extern('{key}'): no 'extern \"Python\"' function with this name";
    NotCallable => PyTypeError: "expected a callable object";
    OnerrorNotCallable => PyTypeError: "expected a callable object for 'onerror'";
    ErrorForLargeResult => PyTypeError: "'error' is not supported for large struct results";
    ErrorForVoidResult => PyTypeError: "'error' given for a callback returning void";
    CallbackMustReturnNone { ctype } => PyTypeError: "callback with the return type '{ctype}' must return None";
    // ctypes
    ByrefNotInstance { given } => PyTypeError: "byref() argument must be a ctypes instance, not '{given}'";
    PointerArgNotCtypes => PyValueError: "pointer arguments need ctypes types";
    FieldOwnerNotCtypes => PyTypeError: "a field's owner must be a ctypes type";
    NoFastArgument { code: &'a str } => PyValueError: "no fast argument of type code {code:?}";
    DuplicateField { name } => PyTypeError: "duplicate values for field {name}";
    NotCtypeInstance => PyTypeError: "not a ctype instance";
    CannotDeleteAttribute => PyTypeError: "can't delete attribute";
    InitTooManyArgs { n } => PyTypeError: "__init__ expected at most 1 argument, got {n}";
    TooManyInitializers => PyTypeError: "too many initializers";
    ResizeNotOwner => PyValueError: "Memory cannot be resized because this object doesn't own it";
    ShapeNotCtypesShape => PyTypeError: "_b_shape_ must be a _CtypesShape";
    InstanceWithoutType => PyTypeError: "Cannot create instance: has no _type_";
    CtypesNoItemDeletion { what } => PyTypeError: "{what} does not support item deletion";
    NullPointerAccess => PyValueError: "NULL pointer access";
    InvalidIndex => PyIndexError: "invalid index";
    ExpectedInsteadOf { item, given } => PyTypeError: "expected {item} instead of {given}";
    PanicInCtypes => PyRuntimeError: "internal error (panic) in rcffi.ctypes";
    SlotMissing { name, ty } => PyRuntimeError: "{name} missing from {ty}";
    NotSlotWrapper { name, ty } => PyRuntimeError: "{name} of {ty} is not a slot wrapper";
    NegativeBufferSize => PyValueError: "negative buffer size";
    BufferReadOnly => PyBufferError: "buffer is read-only";
    TypeHasNoSize => PyTypeError: "this type has no size";
    InvalidType => PyTypeError: "invalid type";
    // cdata memory and ffi.new()
    UnexpectedCdataLayout { basicsize, weaklist } => PyRuntimeError: "unexpected cdata layout: {basicsize} bytes, weakrefs at {weaklist}";
    CannotAllocateCdata => PyMemoryError: "cannot allocate a cdata object";
    PanicInMethod { what } => PyRuntimeError: "rcffi: a Rust panic in {what}";
    TooManyPositional { method, takes, n } => PyTypeError: "{method}() takes {takes} positional arguments but {n} were given";
    UnexpectedKeyword { method, name } => PyTypeError: "{method}() got an unexpected keyword argument '{name}'";
    DuplicateArgument { method, name } => PyTypeError: "{method}() got multiple values for argument '{name}'";
    MissingPositional { method, count, plural, listed } => PyTypeError: "{method}() missing {count} required positional argument{plural}: {listed}";
    // conversions, calls and the backend functions
    ReadVoid => PyTypeError: "cannot read a value of type 'void'";
    BoolNotZeroOrOne { b } => PyValueError: "got a _Bool of value {b}, expected 0 or 1";
    WriteVoid => PyTypeError: "cannot write a value of type 'void'";
    ComplexInitializer { ctype, given } => PyTypeError: "initializer for ctype '{ctype}' must be a complex number, not {given}";
    PointerInitializer { ctype, given } => PyTypeError: "initializer for ctype '{ctype}' must be a cdata pointer, not {given}";
    ImplicitCastFromChar { given } => PyTypeError: "implicit cast from '{given}' to a different pointer type: (check that the types are as you expect; use an explicit ffi.cast() if they are correct)";
    ImplicitCastToChar { ctype } => PyTypeError: "implicit cast to '{ctype}' from a different pointer type.(check that the types are as you expect; use an explicit ffi.cast() if they are correct)";
    SameNameOtherType { ctype, given } => PyTypeError: "initializer for ctype '{ctype}' appears indeed to be '{given}', but the types are different (check that you are not e.g. mixing up different ffi instances)";
    NotSamePointerType { ctype, given } => PyTypeError: "initializer for ctype '{ctype}' must be a pointer to same type, not cdata '{given}'";
    PointerOrArrayInitializer { ctype, given } => PyTypeError: "initializer for ctype '{ctype}' must be a pointer or array, not cdata '{given}'";
    OpaqueRecordInitializer { ctype } => PyTypeError: "'{ctype}' is opaque: its fields are not declared";
    InitializerNoSuchField { ctype, name } => PyKeyError: "'{ctype}' has no field '{name}'";
    RecordInitializer { ctype, given } => PyTypeError: "initializer for ctype '{ctype}' must be a list or tuple or dict or struct-cdata, not {given}";
    TooManyRecordInitializers { ctype, n } => PyValueError: "too many initializers for '{ctype}' (got {n})";
    BitfieldOverflow { value, lo, hi } => PyOverflowError: "value {value} outside the range allowed by the bit field width: {lo} <= x <= {hi}";
    BytesTooLong { ctype, len } => PyIndexError: "initializer bytes is too long for '{ctype}' (got {len} characters)";
    StringTooLong { ctype, len } => PyIndexError: "initializer string is too long for '{ctype}' (got {len} characters)";
    ArrayInitializer { ctype, also, given } => PyTypeError: "initializer for ctype '{ctype}' must be {also}list or tuple, not {given}";
    TooManyArrayInitializers { ctype, given, len } => PyIndexError: "too many initializers for '{ctype}' ({given} > {len})";
    BoolArrayBytes => PyValueError: "an array of _Bool can only contain \\x00 or \\x01";
    NegativeArrayLength => PyValueError: "negative array length";
    VariadicNotCdata { index, given } => PyTypeError: "argument {index} passed in the variadic part needs to be a cdata object (got {given})";
    CdataNotCallable { ctype } => PyTypeError: "cdata '{ctype}' is not callable";
    NullFunctionCall { ctype } => PyRuntimeError: "cannot call null function pointer from cdata '{ctype}'";
    VoidVariadic => PyTypeError: "cannot pass 'void' as a variadic argument";
    NoKeywordArguments => PyTypeError: "C functions take no keyword arguments";
    PanicInCall => PyRuntimeError: "internal error (panic) in an rcffi call";
    ArrayLengthTooLarge => PyOverflowError: "array length too large";
    NewArrayNotPointer => PyTypeError: "first arg must be a pointer ctype";
    ArrayItemUnknownSize { ctype } => PyValueError: "array item of unknown size: '{ctype}'";
    ArrayBeyondAddressSpace { n, ctype } => PyOverflowError: "array of {n} items of '{ctype}' is larger than the address space";
    CannotCast { ctype } => PyTypeError: "cannot cast to ctype '{ctype}'";
    NotCdataOrCType => PyTypeError: "expected a 'cdata' or 'ctype' object";
    UnknownAlignment { ctype } => PyValueError: "ctype '{ctype}' is of unknown alignment";
    OpaqueRecord { ctype } => PyTypeError: "struct or union '{ctype}' is opaque";
    OffsetofFieldOfNonRecord { ctype } => PyTypeError: "with a field name argument, expected a struct or union ctype, not '{ctype}'";
    OffsetofBitfield { name } => PyTypeError: "field '{name}' is a bitfield: it has no offset";
    OffsetofIndexOfNonArray { ctype } => PyTypeError: "with an integer argument, expected an array ctype or a pointer to non-opaque, not '{ctype}'";
    OffsetOverflow { index, ctype } => PyOverflowError: "offset of item {index} of '{ctype}' overflows";
    NotAddressable => PyTypeError: "expected a cdata struct/union/array/pointer object";
    NotPointerCType => PyTypeError: "expected a pointer ctype";
    NotPointerOrArray { ctype } => PyTypeError: "expected a pointer or array, got '{ctype}'";
    UnpackTooMany { n, ctype, array_length } => PyIndexError: "unpack(): {n} items asked from cdata '{ctype}' of length {array_length}";
    UnpackNull { ctype } => PyRuntimeError: "cannot use unpack() on NULL cdata '{ctype}'";
    UnpackUnreadable { ctype } => PyTypeError: "unpack(): cannot read items of cdata '{ctype}'";
    PointsToUnknownSize { ctype } => PyValueError: "'{ctype}' points to items of unknown size";
    StringBadCdata { ctype } => PyTypeError: "string(): unexpected cdata '{ctype}' argument";
    StringNull { ctype } => PyRuntimeError: "cannot use string() on NULL cdata '{ctype}'";
    NullPyObject => PyValueError: "PyObject is NULL";
}
