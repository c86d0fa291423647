//! The Rust front door: an [`Ffi`] holds one set of declarations and their types,
//! and [`Type`] names a C type either built in Rust ([`Type::int`],
//! [`Type::pointer`], [`StructBuilder`]) or parsed from C text ([`Ffi::type_of`]).
//!
//! Both routes end in the same place as the Python layer: an interned
//! [`TypeId`] in the [`TypeTable`] and the [`Declarations`] of the FFI, which
//! [`Ffi::with_core`] exposes for whatever this layer does not cover.

use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::ctype::{FieldDecl, FuncSig, Prim, TypeId, TypeTable};
use crate::decl::{CdefOptions, Declarations, Entity, Warning};
use crate::error::Error;
use crate::layout::Packing;

/// The types and declarations of one FFI.
///
/// `Ffi` is a cheap, shareable handle (clones see the same declarations), so that
/// the functions and callbacks made from it can keep the type table alive and
/// prepare variadic calls long after they were declared. It is `Send + Sync`;
/// declaring takes a write lock, calling a non-variadic function takes none.
///
/// ```
/// use rcffi_core::{Ffi, Type};
///
/// let ffi = Ffi::new();
/// ffi.cdef("typedef struct { int x, y; } point_t;").unwrap();
/// let point = ffi.type_of("point_t").unwrap();
/// assert_eq!(ffi.size_of(&point).unwrap(), 8);
/// assert_eq!(ffi.offset_of(&point, "y").unwrap(), 4);
/// assert_eq!(ffi.cname(&Type::pointer(&point)).unwrap(), "point_t *");
/// ```
#[derive(Clone, Default)]
pub struct Ffi {
    state: Arc<RwLock<State>>,
}

#[derive(Default)]
struct State {
    table: TypeTable,
    decls: Declarations,
}

/// A C type, cheap to clone.
///
/// Types made with the constructors here (`Type::int()`, `Type::pointer(&t)`, ...)
/// are descriptions that belong to no FFI: they are resolved against an [`Ffi`]
/// when used, which costs one interning lookup per type at *declaration* time and
/// nothing per call. Types that only exist inside an FFI — structs built with
/// [`StructBuilder`], anything from [`Ffi::type_of`] — are bound to it, and using
/// them with another `Ffi` is an error rather than a silent mix-up of ids.
///
/// ```
/// use rcffi_core::{Ffi, Type};
///
/// let ffi = Ffi::new();
/// let matrix = Type::array(&Type::array(&Type::double(), 4), 3);
/// assert_eq!(ffi.cname(&matrix).unwrap(), "double[3][4]");
/// assert_eq!(ffi.size_of(&matrix).unwrap(), 96);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Type(Repr);

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Repr {
    Void,
    Primitive(Prim),
    Pointer(Arc<Type>),
    Array(Arc<Type>, Option<usize>),
    Function {
        args: Arc<[Type]>,
        result: Arc<Type>,
        variadic: bool,
    },
    Bound {
        owner: usize,
        id: TypeId,
    },
}

impl Type {
    /// `void`: only as a result type or behind a pointer.
    pub fn void() -> Type {
        Type(Repr::Void)
    }

    /// Any primitive type, as the core names them ([`Prim`]).
    pub fn primitive(p: Prim) -> Type {
        Type(Repr::Primitive(p))
    }

    /// `char`.
    pub fn char() -> Type {
        Type::primitive(Prim::Char)
    }

    /// `unsigned char`.
    pub fn uchar() -> Type {
        Type::primitive(Prim::UChar)
    }

    /// `short`.
    pub fn short() -> Type {
        Type::primitive(Prim::Short)
    }

    /// `int`.
    pub fn int() -> Type {
        Type::primitive(Prim::Int)
    }

    /// `unsigned int`.
    pub fn uint() -> Type {
        Type::primitive(Prim::UInt)
    }

    /// `long`.
    pub fn long() -> Type {
        Type::primitive(Prim::Long)
    }

    /// `unsigned long`.
    pub fn ulong() -> Type {
        Type::primitive(Prim::ULong)
    }

    /// `long long`.
    pub fn longlong() -> Type {
        Type::primitive(Prim::LongLong)
    }

    /// `size_t`.
    pub fn size_t() -> Type {
        Type::primitive(Prim::Size)
    }

    /// `float`.
    pub fn float() -> Type {
        Type::primitive(Prim::Float)
    }

    /// `double`.
    pub fn double() -> Type {
        Type::primitive(Prim::Double)
    }

    /// `_Bool`.
    pub fn bool() -> Type {
        Type::primitive(Prim::Bool)
    }

    /// A pointer to `target`.
    pub fn pointer(target: &Type) -> Type {
        Type(Repr::Pointer(Arc::new(target.clone())))
    }

    /// `void *`.
    pub fn void_ptr() -> Type {
        Type::pointer(&Type::void())
    }

    /// `char *`, the type of C strings.
    pub fn char_ptr() -> Type {
        Type::pointer(&Type::char())
    }

    /// An array of `length` items.
    pub fn array(item: &Type, length: usize) -> Type {
        Type(Repr::Array(Arc::new(item.clone()), Some(length)))
    }

    /// An array of unknown length (`item[]`), as in a flexible array member or a
    /// parameter.
    pub fn open_array(item: &Type) -> Type {
        Type(Repr::Array(Arc::new(item.clone()), None))
    }

    /// A pointer to a function taking `args` and returning `result` (cffi's
    /// function types are function pointers): the type of a callback parameter.
    pub fn function(args: &[Type], result: &Type, variadic: bool) -> Type {
        Type(Repr::Function {
            args: args.into(),
            result: Arc::new(result.clone()),
            variadic,
        })
    }

    /// The type with this id in `ffi`'s table (for ids obtained through
    /// [`Ffi::with_core`]).
    pub fn from_id(ffi: &Ffi, id: TypeId) -> Type {
        Type(Repr::Bound {
            owner: ffi.owner(),
            id,
        })
    }
}

impl Ffi {
    /// An FFI with no declarations yet.
    pub fn new() -> Ffi {
        Ffi::default()
    }

    /// Adds the declarations in `source`, C as written in a header (functions,
    /// typedefs, structs, unions, enums, `#define` integer constants). Returns
    /// the warnings the parser wants the user to see.
    ///
    /// ```
    /// let ffi = rcffi_core::Ffi::new();
    /// let err = ffi.cdef("int f(int;").unwrap_err();
    /// assert!(err.to_string().contains("1:"), "{err}");
    /// ```
    pub fn cdef(&self, source: &str) -> Result<Vec<Warning>, Error> {
        self.cdef_with(source, CdefOptions::default())
    }

    /// [`Ffi::cdef`] with options: `override_` to replace earlier declarations,
    /// `packing` for the structs of this source.
    pub fn cdef_with(&self, source: &str, options: CdefOptions) -> Result<Vec<Warning>, Error> {
        let mut s = self.write();
        let State { table, decls } = &mut *s;
        decls.cdef(table, source, options)
    }

    /// The type named by a C type string (`"int *"`, `"point_t[4]"`,
    /// `"int(*)(const void *, const void *)"`), resolved against the declarations.
    pub fn type_of(&self, text: &str) -> Result<Type, Error> {
        let mut s = self.write();
        let State { table, decls } = &mut *s;
        let id = decls.parse_type(table, text)?;
        Ok(Type::from_id(self, id))
    }

    /// The id of `ty` in this FFI's type table, interning it if needed.
    pub fn resolve(&self, ty: &Type) -> Result<TypeId, Error> {
        if let Repr::Bound { owner, id } = ty.0 {
            return self.check_owner(owner, id);
        }
        self.resolve_in(&mut self.write().table, ty)
    }

    /// `sizeof(ty)`; an error for `void`, open arrays and incomplete structs.
    pub fn size_of(&self, ty: &Type) -> Result<usize, Error> {
        let id = self.resolve(ty)?;
        let s = self.read();
        s.table
            .size_of(id)
            .ok_or_else(|| Error::Type(format!("ctype '{}' is of unknown size", s.table.cname(id))))
    }

    /// `alignof(ty)`.
    pub fn align_of(&self, ty: &Type) -> Result<usize, Error> {
        let id = self.resolve(ty)?;
        let s = self.read();
        s.table.align_of(id).ok_or_else(|| {
            Error::Type(format!(
                "ctype '{}' is of unknown alignment",
                s.table.cname(id)
            ))
        })
    }

    /// `offsetof(ty, field)`, looking through anonymous nested structs and unions.
    pub fn offset_of(&self, ty: &Type, field: &str) -> Result<usize, Error> {
        Ok(self.field(ty, field)?.0)
    }

    /// The offset and type of the member `field` of the struct or union `ty`.
    pub fn field(&self, ty: &Type, field: &str) -> Result<(usize, Type), Error> {
        let id = self.resolve(ty)?;
        let s = self.read();
        let cname = s.table.cname(id);
        let record = s
            .table
            .record(id)
            .ok_or_else(|| Error::Type(format!("ctype '{cname}' is not a struct or union")))?;
        if record.fields.is_none() {
            return Err(Error::Type(format!(
                "ctype '{cname}' is incomplete: its fields are not known"
            )));
        }
        let f = s
            .table
            .find_field(id, field)
            .ok_or_else(|| Error::Type(format!("ctype '{cname}' has no field '{field}'")))?;
        if f.bitsize.is_some() {
            return Err(Error::Type(format!(
                "field '{field}' of '{cname}' is a bitfield and has no byte offset"
            )));
        }
        Ok((f.offset, Type::from_id(self, f.ty)))
    }

    /// The C name of `ty` as cffi prints it (`int *`, `struct point`).
    pub fn cname(&self, ty: &Type) -> Result<String, Error> {
        let id = self.resolve(ty)?;
        Ok(self.read().table.cname(id).to_string())
    }

    /// The type of the function declared as `name` by [`Ffi::cdef`].
    pub fn function_type(&self, name: &str) -> Result<Type, Error> {
        match self.read().decls.lookup(name) {
            Some(Entity::Function { ty, .. }) => Ok(Type::from_id(self, *ty)),
            Some(_) => Err(Error::Type(format!(
                "'{name}' is declared, but not as a function"
            ))),
            None => Err(Error::Type(format!(
                "function '{name}' is not declared (declare it with cdef() first)"
            ))),
        }
    }

    /// Runs `f` with the core type table and declarations, for what this layer
    /// does not wrap (enum values, constants, `include`). Ids it creates can be
    /// turned into [`Type`]s with [`Type::from_id`].
    pub fn with_core<R>(&self, f: impl FnOnce(&mut TypeTable, &mut Declarations) -> R) -> R {
        let mut s = self.write();
        let State { table, decls } = &mut *s;
        f(table, decls)
    }

    fn read(&self) -> RwLockReadGuard<'_, State> {
        // Declaring never leaves the state half-updated across a panic that
        // matters to readers, so a poisoned lock is still usable.
        self.state.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(|e| e.into_inner())
    }

    /// The table, for building call plans and value representations.
    pub(crate) fn table(&self) -> TableGuard<'_> {
        TableGuard(self.read())
    }

    fn owner(&self) -> usize {
        Arc::as_ptr(&self.state) as usize
    }

    fn check_owner(&self, owner: usize, id: TypeId) -> Result<TypeId, Error> {
        if owner == self.owner() {
            Ok(id)
        } else {
            Err(Error::Type(format!(
                "type #{} belongs to another Ffi: types from type_of() and \
                 StructBuilder can only be used with the Ffi that made them",
                id.0
            )))
        }
    }

    fn resolve_in(&self, table: &mut TypeTable, ty: &Type) -> Result<TypeId, Error> {
        Ok(match &ty.0 {
            Repr::Void => table.void(),
            Repr::Primitive(p) => table.primitive(*p),
            Repr::Pointer(t) => {
                let t = self.resolve_in(table, t)?;
                table.pointer(t)
            }
            Repr::Array(item, length) => {
                let item = self.resolve_in(table, item)?;
                if table.size_of(item).is_none() {
                    return Err(Error::Type(format!(
                        "cannot make an array of '{}': its size is unknown",
                        table.cname(item)
                    )));
                }
                table.array(item, *length)
            }
            Repr::Function {
                args,
                result,
                variadic,
            } => {
                let args = args
                    .iter()
                    .map(|a| self.resolve_in(table, a))
                    .collect::<Result<Vec<_>, _>>()?;
                let result = self.resolve_in(table, result)?;
                table.function(FuncSig {
                    args,
                    result,
                    variadic: *variadic,
                    abi: None,
                })
            }
            Repr::Bound { owner, id } => self.check_owner(*owner, *id)?,
        })
    }
}

impl std::fmt::Debug for Ffi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = self.read();
        write!(
            f,
            "Ffi({} types, {} names)",
            s.table.len(),
            s.decls.names.len()
        )
    }
}

/// Read access to an FFI's type table.
pub(crate) struct TableGuard<'a>(RwLockReadGuard<'a, State>);

impl std::ops::Deref for TableGuard<'_> {
    type Target = TypeTable;
    fn deref(&self) -> &TypeTable {
        &self.0.table
    }
}

/// Builds a struct or union field by field; the layout is the C compiler's.
///
/// The tag is registered in the FFI, so C text declared later can use
/// `struct point`; a tag that `cdef` only forward-declared (`struct point;`) is
/// completed by the builder.
///
/// ```
/// use rcffi_core::{Ffi, StructBuilder, Type};
///
/// let ffi = Ffi::new();
/// let point = StructBuilder::new("point")
///     .field("x", Type::int())
///     .field("y", Type::int())
///     .field("tag", Type::char())
///     .build(&ffi)
///     .unwrap();
/// assert_eq!(ffi.cname(&point).unwrap(), "struct point");
/// assert_eq!(ffi.size_of(&point).unwrap(), 12);
/// assert_eq!(ffi.type_of("struct point").unwrap(), point);
/// ```
#[derive(Clone, Debug)]
pub struct StructBuilder {
    tag: String,
    is_union: bool,
    fields: Vec<(String, Type)>,
    packing: Packing,
}

impl StructBuilder {
    /// A `struct tag` with no fields yet.
    pub fn new(tag: &str) -> StructBuilder {
        StructBuilder {
            tag: tag.to_string(),
            is_union: false,
            fields: Vec::new(),
            packing: Packing::Natural,
        }
    }

    /// A `union tag` with no members yet.
    pub fn union(tag: &str) -> StructBuilder {
        StructBuilder {
            is_union: true,
            ..StructBuilder::new(tag)
        }
    }

    /// Appends a member.
    pub fn field(mut self, name: &str, ty: Type) -> StructBuilder {
        self.fields.push((name.to_string(), ty));
        self
    }

    /// Lays members out as `__attribute__((packed))` or `#pragma pack(N)` would.
    pub fn packing(mut self, packing: Packing) -> StructBuilder {
        self.packing = packing;
        self
    }

    /// Lays out the record and declares its tag in `ffi`.
    pub fn build(self, ffi: &Ffi) -> Result<Type, Error> {
        let kw = if self.is_union { "union" } else { "struct" };
        let mut s = ffi.write();
        let State { table, decls } = &mut *s;
        let mut fields = Vec::with_capacity(self.fields.len());
        for (name, ty) in &self.fields {
            fields.push(FieldDecl::plain(
                name.clone(),
                ffi.resolve_in(table, ty)?,
                None,
            ));
        }
        let tags = if self.is_union {
            &mut decls.unions
        } else {
            &mut decls.structs
        };
        let id = match tags.get(&self.tag) {
            Some(&id) if table.record(id).is_some_and(|r| r.fields.is_some()) => {
                return Err(Error::Type(format!(
                    "{kw} {} is already declared with its fields",
                    self.tag
                )));
            }
            Some(&id) => id,
            None => {
                let id = table.new_record(&format!("{kw} {}", self.tag), self.is_union);
                tags.insert(self.tag.clone(), id);
                decls.record_order.push(id);
                id
            }
        };
        table.complete_record(id, &fields, self.packing, false)?;
        Ok(Type::from_id(ffi, id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_of_another_ffi_are_refused() {
        let a = Ffi::new();
        let b = Ffi::new();
        let t = a.type_of("int").unwrap();
        let err = b.size_of(&t).unwrap_err().to_string();
        assert!(err.contains("another Ffi"), "{err}");
        assert_eq!(b.size_of(&Type::int()).unwrap(), 4);
    }

    #[test]
    fn descriptions_and_parsed_types_resolve_to_the_same_id() {
        let ffi = Ffi::new();
        let built = Type::function(&[Type::pointer(&Type::int())], &Type::void(), false);
        let parsed = ffi.type_of("void(*)(int *)").unwrap();
        assert_eq!(ffi.resolve(&built).unwrap(), ffi.resolve(&parsed).unwrap());
    }

    #[test]
    fn builder_completes_a_forward_declaration_once() {
        let ffi = Ffi::new();
        ffi.cdef("struct node; struct node *next(struct node *);")
            .unwrap();
        let node = StructBuilder::new("node")
            .field("value", Type::long())
            .build(&ffi)
            .unwrap();
        assert_eq!(ffi.type_of("struct node").unwrap(), node);
        let again = StructBuilder::new("node")
            .field("v", Type::int())
            .build(&ffi);
        assert!(again.unwrap_err().to_string().contains("already declared"));
    }

    #[test]
    fn missing_fields_are_named() {
        let ffi = Ffi::new();
        let p = StructBuilder::new("p")
            .field("x", Type::int())
            .build(&ffi)
            .unwrap();
        let err = ffi.offset_of(&p, "z").unwrap_err().to_string();
        assert_eq!(err, "ctype 'struct p' has no field 'z'");
    }
}
