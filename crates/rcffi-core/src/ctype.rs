//! The interned C type table.
//!
//! A C type is a small integer ([`TypeId`]) into one [`TypeTable`]; structural types
//! (pointers, arrays, functions, primitives) are interned, so asking twice for
//! `int *` gives the same id and type identity is an integer compare. Structs,
//! unions and enums are nominal: each declaration creates a new id.
//!
//! As in cffi, a *function* type stands for a pointer to a function: its C name is
//! `int(*)(int)`, and a pointer to it is `int(**)(int)`.

use std::cell::{Cell, OnceCell};

use crate::fasthash::FastMap;

pub use crate::prim::{Prim, PrimClass};

use crate::error::Error;
use crate::layout::{self, Layout, Packing};

/// Index of a type in its [`TypeTable`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(pub u32);

impl TypeId {
    /// The index of this type, for tables parallel to the type table.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// The kind of a type, as cffi's `CType.kind` reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Kind {
    Void,
    Primitive,
    Pointer,
    Array,
    Struct,
    Union,
    Enum,
    Function,
}

impl Kind {
    /// The name cffi gives this kind.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Void => "void",
            Kind::Primitive => "primitive",
            Kind::Pointer => "pointer",
            Kind::Array => "array",
            Kind::Struct => "struct",
            Kind::Union => "union",
            Kind::Enum => "enum",
            Kind::Function => "function",
        }
    }
}

/// One member of a struct or union as declared (before layout).
#[derive(Clone, Debug, PartialEq)]
pub struct FieldDecl {
    /// Empty for unnamed bitfields and anonymous nested structs/unions.
    pub name: String,
    /// The member's type.
    pub ty: TypeId,
    /// `Some(width)` for a bitfield.
    pub bits: Option<u32>,
    /// `__attribute__((packed))` on the member: alignment 1 (bitfields back
    /// to back), whatever the record's packing.
    pub packed: bool,
    /// `__attribute__((aligned(N)))` on the member: at least this alignment
    /// (still capped by `#pragma pack`, as gcc does).
    pub aligned: Option<usize>,
}

impl FieldDecl {
    /// A member without layout attributes.
    pub fn plain(name: String, ty: TypeId, bits: Option<u32>) -> FieldDecl {
        FieldDecl {
            name,
            ty,
            bits,
            packed: false,
            aligned: None,
        }
    }
}

/// One member of a completed struct or union.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// The member's name (empty for anonymous nested structs and unions).
    pub name: String,
    /// The member's type.
    pub ty: TypeId,
    /// Byte offset of the member, or of the storage unit holding a bitfield.
    pub offset: usize,
    /// For a bitfield, its first bit inside the storage unit at `offset`.
    pub bitshift: Option<u32>,
    /// For a bitfield, its width.
    pub bitsize: Option<u32>,
}

/// A struct or union: nominal, completed at most once.
#[derive(Clone, Debug)]
pub struct Record {
    /// A union rather than a struct.
    pub is_union: bool,
    /// Declared with `...;`: the C compiler must fill in the layout (API mode).
    pub partial: bool,
    /// Its layout came from the compiler for a `...;` declaration: members the
    /// cdef leaves out may exist, so how C passes it by value is unknown.
    pub inexact: bool,
    /// `None` while the record is only forward-declared (opaque).
    pub fields: Option<Vec<Field>>,
    /// Size and alignment, once known.
    pub layout: Option<Layout>,
    /// Why the declared body cannot be laid out (a member of an opaque type):
    /// as in cffi, the cdef is accepted and this is the `TypeError` of the
    /// uses that need the layout, the record staying opaque until then.
    pub pending: Option<String>,
}

/// An enum: nominal, with the integer type gcc would pick for its values.
#[derive(Clone, Debug)]
pub struct EnumDef {
    /// The enumerators and their values, in declaration order.
    pub values: Vec<(String, i128)>,
    /// The integer type that holds the values.
    pub base: Prim,
    /// Declared with a trailing `...` or `= ...`: values come from the C compiler.
    pub partial: bool,
}

/// A function type (which cffi treats as a pointer to function).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FuncSig {
    /// The parameter types (arrays and functions already adjusted to pointers).
    pub args: Vec<TypeId>,
    /// The result type.
    pub result: TypeId,
    /// Ends with `...`.
    pub variadic: bool,
    /// `__stdcall` etc.; `None` is the platform default.
    pub abi: Option<String>,
}

/// `typedef int... t;` / `typedef float... t;`: a numeric type only the compiler knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnknownNumeric {
    /// `typedef int... t;`
    Integer,
    /// `typedef float... t;`
    Float,
}

/// What a type is.
#[derive(Clone, Debug)]
pub enum TypeData {
    /// `void`.
    Void,
    /// A placeholder for a `typedef int... t;` type, which API mode resolves.
    Unknown(UnknownNumeric),
    /// A primitive type.
    Primitive(Prim),
    /// A pointer to the type.
    Pointer(TypeId),
    /// An array.
    Array {
        /// The item type.
        item: TypeId,
        /// `None` for `T[]`.
        length: Option<usize>,
    },
    /// `int a[...]` (a global, a typedef or a struct field): an array whose length
    /// only the C compiler knows. Not interned: each declaration gets its own, which
    /// API mode resolves to the real `Array` using the declaration's name.
    UnknownLength(TypeId),
    /// A struct or union.
    Record(Box<Record>),
    /// An enum.
    Enum(Box<EnumDef>),
    /// A function type (a pointer to function, as in cffi).
    Function(Box<FuncSig>),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum InternKey {
    Void,
    Primitive(Prim),
    Pointer(TypeId),
    Array(TypeId, Option<usize>),
    Function(FuncSig),
}

/// A type: what it is, and its C name with the place where a declarator goes.
///
/// The names of derived types (pointers, arrays, functions) are built on first
/// use: most of the thousands of types a large `cdef()` creates are never printed,
/// and building their names was a third of the parse time.
#[derive(Clone, Debug)]
pub struct TypeEntry {
    /// What the type is.
    pub data: TypeData,
    /// The C name as cffi prints it (`int *`, `int(*)[3]`, `struct foo`), and the
    /// byte position in it where a declarator goes (`int(*` `)[3]`).
    name: OnceCell<(String, usize)>,
}

impl TypeEntry {
    /// An entry whose name is built on demand from its data.
    fn derived(data: TypeData) -> Self {
        TypeEntry {
            data,
            name: OnceCell::new(),
        }
    }

    /// An entry with a fixed name (primitives, records, enums), declarator at the end.
    fn named(data: TypeData, cname: &str) -> Self {
        TypeEntry {
            data,
            name: OnceCell::from((cname.to_string(), cname.len())),
        }
    }
}

/// The interned table of C types.
#[derive(Debug)]
pub struct TypeTable {
    entries: Vec<TypeEntry>,
    interned: FastMap<InternKey, TypeId>,
    /// Whether some derived name was built since the last [`TypeTable::rename`]:
    /// only then can a rename leave a stale name behind that must be forgotten.
    derived_named: Cell<bool>,
    /// The C library's `FILE`, one opaque struct for every FFI of the table (as
    /// cffi's common type), so a `FILE *` one library returns passes to another.
    file: Option<TypeId>,
    /// Types merged into equal ones (see `ctype_aliases.rs`), and the merges
    /// not yet taken by [`TypeTable::take_new_aliases`].
    aliases: FastMap<TypeId, TypeId>,
    new_aliases: Vec<(TypeId, TypeId)>,
    /// Entries freed by [`TypeTable::collect`], reused before the table grows.
    free: Vec<TypeId>,
    /// Entries in use after the last collection, and made since: a collection
    /// pays off once as many were made as survived it (see `ctype_collect.rs`).
    live_after_collect: usize,
    made_since_collect: usize,
}

impl Default for TypeTable {
    fn default() -> Self {
        Self::new()
    }
}

impl TypeTable {
    /// Makes room for `types` more types, so that a large cdef does not
    /// rehash the intern map as it grows.
    pub(crate) fn reserve(&mut self, types: usize) {
        self.entries.reserve(types);
        self.interned.reserve(types);
    }

    /// A table holding `void` and nothing else yet.
    pub fn new() -> Self {
        let mut t = TypeTable {
            entries: Vec::new(),
            interned: FastMap::default(),
            derived_named: Cell::new(false),
            file: None,
            aliases: FastMap::default(),
            new_aliases: Vec::new(),
            free: Vec::new(),
            live_after_collect: 0,
            made_since_collect: 0,
        };
        t.void();
        t
    }

    /// The C library's `FILE` (an opaque struct), the same for every FFI.
    pub fn file(&mut self) -> TypeId {
        if let Some(id) = self.file {
            return id;
        }
        let id = self.new_record("FILE", false);
        self.file = Some(id);
        id
    }

    /// Number of types in the table.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the table is empty (never: `void` is always there).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entry for `id`.
    pub fn get(&self, id: TypeId) -> &TypeEntry {
        &self.entries[id.index()]
    }

    /// What `id` is.
    pub fn data(&self, id: TypeId) -> &TypeData {
        &self.entries[id.index()].data
    }

    /// The C name of `id`.
    pub fn cname(&self, id: TypeId) -> &str {
        &self.name(id).0
    }

    /// The C name of `id` and where a declarator goes in it, built on first use.
    fn name(&self, id: TypeId) -> &(String, usize) {
        let e = &self.entries[id.index()];
        if let Some(n) = e.name.get() {
            return n;
        }
        let built = self.build_name(&e.data);
        self.derived_named.set(true);
        e.name.get_or_init(|| built)
    }

    /// Builds the name of a derived type from the names of its parts.
    fn build_name(&self, data: &TypeData) -> (String, usize) {
        match data {
            TypeData::Pointer(target) => {
                let (tname, tpos) = self.name(*target);
                if matches!(
                    self.data(*target),
                    TypeData::Array { .. } | TypeData::UnknownLength(_)
                ) {
                    let (cname, pos) = insert_declarator(tname, *tpos, "(*)", Spacing::Cffi);
                    (cname, pos - 1)
                } else {
                    insert_declarator(tname, *tpos, "*", Spacing::Cffi)
                }
            }
            TypeData::Array { .. } | TypeData::UnknownLength(_) => {
                let (item, brackets) = match data {
                    TypeData::Array {
                        item,
                        length: Some(n),
                    } => (item, format!("[{n}]")),
                    TypeData::Array { item, length: None } => (item, "[]".to_string()),
                    TypeData::UnknownLength(item) => (item, "[...]".to_string()),
                    _ => unreachable!("matched above"),
                };
                let (iname, ipos) = self.name(*item);
                let (cname, _) = insert_declarator(iname, *ipos, &brackets, Spacing::Cffi);
                (cname, *ipos)
            }
            TypeData::Function(sig) => {
                let (rname, rpos) = self.name(sig.result);
                let mut args: Vec<&str> = sig.args.iter().map(|a| self.cname(*a)).collect();
                if sig.variadic {
                    args.push("...");
                }
                let abi = match &sig.abi {
                    Some(a) => format!("{a} "),
                    None => String::new(),
                };
                let inner = format!("({abi}*)({})", args.join(", "));
                let (cname, _) = insert_declarator(rname, *rpos, &inner, Spacing::Cffi);
                (cname, rpos + 2 + abi.len())
            }
            TypeData::Void
            | TypeData::Primitive(_)
            | TypeData::Unknown(_)
            | TypeData::Record(_)
            | TypeData::Enum(_) => {
                unreachable!("named types get their name when created")
            }
        }
    }

    /// The C name of `id` with `extra` where a declarator goes, spaced as C is
    /// usually written: `cname_with(int(*)(int), "fn")` is `int(*fn)(int)`.
    pub fn cname_with(&self, id: TypeId, extra: &str) -> String {
        let (cname, pos) = self.name(id);
        insert_declarator(cname, *pos, extra, Spacing::C).0
    }

    /// The C declaration of a function called `name` of function type `func`:
    /// `int abs(int)`, `char *strchr(char *, int)`.
    pub fn function_declaration(&self, func: TypeId, name: &str) -> Option<String> {
        let sig = self.func(func)?;
        let mut args: Vec<&str> = sig.args.iter().map(|a| self.cname(*a)).collect();
        // No parameters print as `f()`, as cffi's docstrings and ctypes print them.
        if sig.variadic {
            args.push("...");
        }
        Some(self.cname_with(sig.result, &format!("{name}({})", args.join(", "))))
    }

    /// cffi's `CType.kind`.
    pub fn kind(&self, id: TypeId) -> Kind {
        match self.data(id) {
            TypeData::Void => Kind::Void,
            // A numeric type still to be resolved by the compiler; no CType is ever
            // made for it (see `needs_compiler`).
            TypeData::Primitive(_) | TypeData::Unknown(_) => Kind::Primitive,
            TypeData::Pointer(_) => Kind::Pointer,
            TypeData::Array { .. } | TypeData::UnknownLength(_) => Kind::Array,
            TypeData::Record(r) if r.is_union => Kind::Union,
            TypeData::Record(_) => Kind::Struct,
            TypeData::Enum(_) => Kind::Enum,
            TypeData::Function(_) => Kind::Function,
        }
    }

    fn intern(&mut self, key: InternKey, make: impl FnOnce() -> TypeEntry) -> TypeId {
        if let Some(&id) = self.interned.get(&key) {
            return id;
        }
        let id = self.push(make());
        self.interned.insert(key, id);
        id
    }

    fn push(&mut self, entry: TypeEntry) -> TypeId {
        self.made_since_collect += 1;
        if let Some(id) = self.free.pop() {
            self.entries[id.index()] = entry;
            return id;
        }
        let id = TypeId(u32::try_from(self.entries.len()).expect("type table overflow"));
        self.entries.push(entry);
        id
    }

    /// `void`.
    pub fn void(&mut self) -> TypeId {
        self.intern(InternKey::Void, || TypeEntry::named(TypeData::Void, "void"))
    }

    /// A primitive type.
    pub fn primitive(&mut self, p: Prim) -> TypeId {
        self.intern(InternKey::Primitive(p), || {
            TypeEntry::named(TypeData::Primitive(p), p.name())
        })
    }

    /// A pointer to `target`.
    pub fn pointer(&mut self, target: TypeId) -> TypeId {
        let target = self.canonical(target);
        self.intern(InternKey::Pointer(target), || {
            TypeEntry::derived(TypeData::Pointer(target))
        })
    }

    /// An array of `item`; `length` is `None` for `item[]`.
    pub fn array(&mut self, item: TypeId, length: Option<usize>) -> TypeId {
        let item = self.canonical(item);
        self.intern(InternKey::Array(item, length), || {
            TypeEntry::derived(TypeData::Array { item, length })
        })
    }

    /// A function type (pointer to function, as in cffi).
    pub fn function(&mut self, sig: FuncSig) -> TypeId {
        let key = InternKey::Function(sig);
        if let Some(&id) = self.interned.get(&key) {
            return id;
        }
        let InternKey::Function(sig) = &key else {
            unreachable!("built above")
        };
        let id = self.push(TypeEntry::derived(TypeData::Function(Box::new(
            sig.clone(),
        ))));
        self.interned.insert(key, id);
        id
    }

    /// A new, incomplete struct or union named `cname` (`struct foo`, `point_t`).
    pub fn new_record(&mut self, cname: &str, is_union: bool) -> TypeId {
        self.push(TypeEntry::named(
            TypeData::Record(Box::new(Record {
                is_union,
                partial: false,
                inexact: false,
                fields: None,
                layout: None,
                pending: None,
            })),
            cname,
        ))
    }

    /// A new placeholder for `typedef int... name;` / `typedef float... name;`.
    pub fn new_unknown(&mut self, name: &str, kind: UnknownNumeric) -> TypeId {
        self.push(TypeEntry::named(TypeData::Unknown(kind), name))
    }

    /// Renames a struct, union or enum: as in cffi, a tagged type takes the name of
    /// the first typedef that names it directly (`typedef struct s_s {...} s_t;`
    /// prints as `s_t`). Derived names already built from the old name (`struct
    /// s_s *`) are forgotten, to be rebuilt on use; in the usual case, a typedef
    /// read right after its struct, none has been built and nothing is scanned.
    pub fn rename(&mut self, id: TypeId, cname: &str) {
        self.entries[id.index()].name = OnceCell::from((cname.to_string(), cname.len()));
        if self.derived_named.replace(false) {
            for e in &mut self.entries {
                if e.data.is_derived() {
                    e.name = OnceCell::new();
                }
            }
        }
    }

    /// Whether `id` is a struct, union or enum still called by its tag (`struct s`,
    /// `enum e`), i.e. not yet named by a typedef.
    pub fn has_tag_name(&self, id: TypeId) -> bool {
        matches!(self.data(id), TypeData::Record(_) | TypeData::Enum(_))
            && self
                .cname(id)
                .split_once(' ')
                .is_some_and(|(kw, _)| matches!(kw, "struct" | "union" | "enum"))
    }

    /// A new array of `item` whose length only the C compiler knows (`[...]`).
    pub fn new_unknown_length(&mut self, item: TypeId) -> TypeId {
        self.push(TypeEntry::derived(TypeData::UnknownLength(item)))
    }

    /// Resolves a `[...]` array to the length the C compiler found. The type keeps
    /// its identity, so what was built on it (pointers, structs) sees the length;
    /// it also becomes the interned array of that item and length, or, if one was
    /// made before, is merged into it, so `item[length]` spelled at any time is
    /// the same type.
    pub fn resolve_unknown_length(&mut self, id: TypeId, length: usize) {
        if let TypeData::UnknownLength(item) = self.entries[id.index()].data {
            let item = self.canonical(item);
            self.entries[id.index()] = TypeEntry::derived(TypeData::Array {
                item,
                length: Some(length),
            });
            let key = InternKey::Array(item, Some(length));
            match self.interned.get(&key) {
                Some(&existing) => self.merge(id, existing),
                None => {
                    self.interned.insert(key, id);
                }
            }
        }
    }

    /// Resolves a `typedef int...` / `typedef float...` placeholder to the
    /// primitive the C compiler uses. The type keeps its identity (and its name),
    /// so every type built on it sees the resolution.
    pub fn resolve_unknown(&mut self, id: TypeId, prim: Prim) {
        if let TypeData::Unknown(_) = self.entries[id.index()].data {
            self.entries[id.index()].data = TypeData::Primitive(prim);
        }
    }

    /// Marks a record as declared with `...;` (its layout comes from the compiler).
    pub fn set_record_partial(&mut self, id: TypeId, partial: bool) {
        if let TypeData::Record(r) = &mut self.entries[id.index()].data {
            r.partial = partial;
        }
    }

    /// Lays out and completes a struct or union with the given members.
    pub fn complete_record(
        &mut self,
        id: TypeId,
        fields: &[FieldDecl],
        packing: Packing,
        partial: bool,
    ) -> Result<(), Error> {
        self.complete_record_aligned(id, fields, packing, 1, partial)
    }

    /// [`complete_record`](Self::complete_record) for a record declared with
    /// `__attribute__((aligned(min_align)))`: its alignment is at least
    /// `min_align` and its size a multiple of it.
    pub fn complete_record_aligned(
        &mut self,
        id: TypeId,
        fields: &[FieldDecl],
        packing: Packing,
        min_align: usize,
        partial: bool,
    ) -> Result<(), Error> {
        let is_union = match self.data(id) {
            TypeData::Record(r) => {
                if r.fields.is_some() || r.pending.is_some() {
                    return Err(Error::Type(format!(
                        "{} is already complete",
                        self.cname(id)
                    )));
                }
                r.is_union
            }
            _ => {
                return Err(Error::Type(format!(
                    "{} is not a struct or union",
                    self.cname(id)
                )))
            }
        };
        // A record whose layout depends on types only the compiler knows is
        // partial too: its members are kept, unplaced, for API mode to lay out.
        let partial = partial
            || fields
                .iter()
                .any(|f| self.needs_compiler_by_value(f.ty).is_some());
        if !partial {
            if let Some(why) = self.opaque_member(id, fields) {
                if let TypeData::Record(r) = &mut self.entries[id.index()].data {
                    r.pending = Some(why);
                }
                return Ok(());
            }
        }
        let (layout, placed) = if partial {
            let unplaced = fields
                .iter()
                .map(|f| Field {
                    name: f.name.clone(),
                    ty: f.ty,
                    offset: 0,
                    bitshift: None,
                    bitsize: f.bits,
                })
                .collect();
            (None, unplaced)
        } else {
            let (layout, placed) = layout::lay_out(self, fields, is_union, packing, min_align)?;
            (Some(layout), placed)
        };
        if let TypeData::Record(r) = &mut self.entries[id.index()].data {
            r.fields = Some(placed);
            r.layout = layout;
            r.partial = partial;
        }
        Ok(())
    }

    /// Why `id` (a record, or an array of them) cannot be laid out, when its
    /// body was declared with a member of an opaque type.
    pub fn pending_error(&self, id: TypeId) -> Option<&str> {
        let mut ty = id;
        while let TypeData::Array { item, .. } = self.data(ty) {
            ty = *item;
        }
        self.record(ty).and_then(|r| r.pending.as_deref())
    }

    /// cffi's reason for refusing the record `id` at its first use when one of
    /// `fields` is (an array of) an opaque struct or union.
    fn opaque_member(&self, id: TypeId, fields: &[FieldDecl]) -> Option<String> {
        let f = fields.iter().find(|f| {
            let mut ty = f.ty;
            while let TypeData::Array { item, .. } = self.data(ty) {
                ty = *item;
            }
            // A record inside itself can never be laid out: a cdef error.
            ty != id && self.record(ty).is_some_and(|r| r.fields.is_none())
        })?;
        let cname = self.cname(id);
        let short = cname
            .strip_prefix("struct ")
            .or_else(|| cname.strip_prefix("union "))
            .unwrap_or(cname);
        Some(format!(
            "{cname}: field '{short}.{}' is of an opaque type (not declared in cdef())",
            f.name
        ))
    }

    /// Sets a record's members and, when known, its layout (a record restored
    /// from a serialised module, whose partial layout the compiler gives later).
    pub fn set_record_members(&mut self, id: TypeId, fields: Vec<Field>, layout: Option<Layout>) {
        if let TypeData::Record(r) = &mut self.entries[id.index()].data {
            r.fields = Some(fields);
            r.layout = layout;
        }
    }

    /// Completes a record with a layout given from outside (the C compiler, or
    /// `complete_struct_or_union` with explicit offsets).
    pub fn complete_record_with(&mut self, id: TypeId, fields: Vec<Field>, layout: Layout) {
        if let TypeData::Record(r) = &mut self.entries[id.index()].data {
            r.fields = Some(fields);
            r.layout = Some(layout);
            r.inexact |= r.partial;
            r.partial = false;
        }
    }

    /// `sizeof`, or `None` when the size is not known (void, open arrays,
    /// incomplete structs). A function type is a function pointer, as in cffi.
    pub fn size_of(&self, id: TypeId) -> Option<usize> {
        match self.data(id) {
            TypeData::Void | TypeData::Unknown(_) | TypeData::UnknownLength(_) => None,
            TypeData::Primitive(p) => Some(p.size()),
            TypeData::Pointer(_) | TypeData::Function(_) => Some(std::mem::size_of::<*const u8>()),
            TypeData::Array { item, length } => {
                let n = (*length)?;
                self.size_of(*item).and_then(|s| s.checked_mul(n))
            }
            TypeData::Record(r) => r.layout.map(|l| l.size),
            TypeData::Enum(e) => Some(e.base.size()),
        }
    }

    /// `alignof`, or `None` when not known.
    pub fn align_of(&self, id: TypeId) -> Option<usize> {
        match self.data(id) {
            TypeData::Void | TypeData::Unknown(_) => None,
            TypeData::Primitive(p) => Some(p.align()),
            TypeData::Pointer(_) | TypeData::Function(_) => Some(std::mem::align_of::<*const u8>()),
            TypeData::Array { item, .. } | TypeData::UnknownLength(item) => self.align_of(*item),
            TypeData::Record(r) => r.layout.map(|l| l.align),
            TypeData::Enum(e) => Some(e.base.align()),
        }
    }

    /// The record of a struct or union type.
    pub fn record(&self, id: TypeId) -> Option<&Record> {
        match self.data(id) {
            TypeData::Record(r) => Some(r),
            _ => None,
        }
    }

    /// The signature of a function type.
    pub fn func(&self, id: TypeId) -> Option<&FuncSig> {
        match self.data(id) {
            TypeData::Function(f) => Some(f),
            _ => None,
        }
    }

    /// Finds a member by name, looking through anonymous nested structs and unions;
    /// returns its type and absolute offset, with bitfield data if any.
    pub fn find_field(&self, id: TypeId, name: &str) -> Option<Field> {
        let fields = self.record(id)?.fields.as_ref()?;
        for f in fields {
            if f.name == name {
                return Some(f.clone());
            }
            if f.name.is_empty() && f.bitsize.is_none() {
                if let Some(mut inner) = self.find_field(f.ty, name) {
                    inner.offset += f.offset;
                    return Some(inner);
                }
            }
        }
        None
    }
}

impl TypeData {
    /// Whether the name of a type with this data is built from other types' names
    /// (and so must be rebuilt when one of those is renamed).
    fn is_derived(&self) -> bool {
        matches!(
            self,
            TypeData::Pointer(_)
                | TypeData::Array { .. }
                | TypeData::UnknownLength(_)
                | TypeData::Function(_)
        )
    }
}

/// How a declarator is spaced when inserted into a C name.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Spacing {
    /// cffi's type names: `int * *`, `int(* *)(int)`.
    Cffi,
    /// C style for `getctype()`: no space between `*` and a name: `int(*fn)(int)`.
    C,
}

/// Inserts `extra` at `pos` in `cname`. A space separates a name or `*` from what
/// precedes it (but never after `(`). Returns the new name and the position just
/// after `extra`.
fn insert_declarator(cname: &str, pos: usize, extra: &str, spacing: Spacing) -> (String, usize) {
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$';
    let before = cname.as_bytes()[..pos].last().copied();
    let first = extra.as_bytes().first().copied();
    let needs_space = match (before, first) {
        (None | Some(b'(' | b' '), _) | (_, None) => false,
        (Some(b'*'), Some(f)) if spacing == Spacing::C && is_word(f) => false,
        (_, Some(f)) => is_word(f) || f == b'*',
    };
    let mut out = String::with_capacity(cname.len() + extra.len() + 1);
    out.push_str(&cname[..pos]);
    if needs_space {
        out.push(' ');
    }
    out.push_str(extra);
    let end = out.len();
    out.push_str(&cname[pos..]);
    (out, end)
}

#[path = "ctype_enums.rs"]
mod enums;
pub use enums::enum_base;

#[path = "ctype_aliases.rs"]
mod aliases;

#[path = "ctype_collect.rs"]
mod collect;

#[path = "ctype_needs.rs"]
mod needs;
pub use needs::NeedsCompiler;

#[cfg(test)]
#[path = "ctype_tests.rs"]
mod tests;
