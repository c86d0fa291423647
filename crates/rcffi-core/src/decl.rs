//! The declarations of one FFI: typedefs, struct/union/enum tags, functions, global
//! variables and constants, in the order they were declared. `cdef()` adds to them;
//! run-time type strings are resolved against them and cached.

use crate::fasthash::{FastMap, FastSet};

use crate::ctype::{TypeId, TypeTable};
use crate::error::Error;
use crate::layout::Packing;
use crate::parse;

/// How an `extern "Python"` function is exported from an API-mode module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExternPython {
    /// `extern "Python"`: a static C function.
    Static,
    /// `extern "Python+C"`: a non-static C function other C files may call.
    PlusC,
    /// Declared by `embedding_api()`: a function the embedding library exports
    /// to C programs, which starts Python on its first call.
    Exported,
}

/// A name declared by `cdef()` that is not a type.
#[derive(Clone, Debug, PartialEq)]
pub enum Entity {
    /// A function; its type is a function type.
    Function {
        /// Its function type.
        ty: TypeId,
        /// Declared in an `extern "Python"` block: API mode generates its body.
        extern_python: Option<ExternPython>,
    },
    /// A global variable, or a constant whose value lives in the library
    /// (`static const int FOO;`).
    Global {
        /// The variable's type.
        ty: TypeId,
        /// `static const`: read once, never written.
        constant: bool,
    },
    /// An integer constant known at cdef time: `#define X 42` or an enumerator.
    IntConstant {
        /// The value.
        value: i128,
        /// The enum it belongs to, for enumerators.
        ty: Option<TypeId>,
    },
    /// `#define X ...`: an integer constant whose value only the C compiler knows.
    UnknownConstant,
    /// A macro whose value is a floating literal: `#define PI 3.14159`.
    FloatConstant(f64),
    /// A macro whose value is a string literal (adjacent ones joined), as the
    /// bytes of the string without its terminating NUL.
    StrConstant(Vec<u8>),
}

/// A typedef name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Typedef {
    /// The type the name stands for.
    pub ty: TypeId,
    /// Names a function type itself (`typedef int fn_t(int);`), not a pointer to one.
    pub raw_function: bool,
    /// The name stands for a const-qualified type (`typedef const int c_t;`):
    /// a global declared with it is a constant, as with `const` written out.
    pub is_const: bool,
}

pub use crate::ctype::UnknownNumeric;

/// Options of one `cdef()` call.
#[derive(Clone, Copy, Debug, Default)]
pub struct CdefOptions {
    /// Redefinitions replace earlier declarations instead of being errors.
    pub override_: bool,
    /// How the structs and unions of this call are packed.
    pub packing: Packing,
    /// `embedding_api()`: the functions declared are exported by the embedding
    /// library and implemented in Python ([`ExternPython::Exported`]).
    pub exported: bool,
}

/// Something cdef accepted but wants the user to know (Python turns these into
/// warnings).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// What to tell the user.
    pub message: String,
}

/// Every declaration of one FFI.
#[derive(Clone, Debug, Default)]
pub struct Declarations {
    /// Typedef names.
    pub typedefs: FastMap<String, Typedef>,
    /// `struct` tags.
    pub structs: FastMap<String, TypeId>,
    /// `union` tags.
    pub unions: FastMap<String, TypeId>,
    /// `enum` tags.
    pub enums: FastMap<String, TypeId>,
    /// Functions, variables and constants.
    pub names: FastMap<String, Entity>,
    /// Names in declaration order (for `dir(lib)` and code generation).
    pub name_order: Vec<String>,
    /// Records and enums in declaration order, named or not (for code generation).
    pub record_order: Vec<TypeId>,
    /// `__asm__("symbol")` renames: the library symbol of a declared name.
    pub asm_names: FastMap<String, String>,
    /// The tags are all known (a module's declarations): a type string naming
    /// another struct or union is an error, as in cffi's compiled modules,
    /// rather than a new opaque type, as in an in-line FFI.
    pub closed_tags: bool,
    /// Records whose full cdef layout the compiler contradicted, with cffi's
    /// message: a type string using one raises it (lazily, as in cffi), and
    /// the rest of the module works.
    pub contradicted: Vec<(TypeId, String)>,
    /// Names (functions, variables, constants of macros) an included header
    /// declared, not the cdef text: API mode takes their values and layouts
    /// as rcffi computed them, gcc's, without checking them against the glue's
    /// C, whose headers Python.h's feature macros (`_GNU_SOURCE`) may shape
    /// differently (`fd_set.fds_bits`, macros defined in one view only).
    pub from_header: FastSet<String>,
    /// The records and enums an included header declared (see `from_header`).
    pub header_records: FastSet<TypeId>,
    type_cache: FastMap<String, TypeId>,
    /// Anonymous structs, unions and enums numbered so far: as in cffi, they print
    /// as `struct $1`, `struct $2`... counted per FFI, skipping those a typedef
    /// names directly (`typedef struct {...} foo_t;` prints as `foo_t`).
    anonymous: u32,
}

impl Declarations {
    /// No declarations yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every type these declarations name (typedefs, tags, the types of
    /// functions, variables and enumerators, cached type strings): what must
    /// survive a [`TypeTable::collect`] while they are in use.
    pub fn type_ids(&self) -> impl Iterator<Item = TypeId> + '_ {
        let entities = self.names.values().filter_map(|e| match e {
            Entity::Function { ty, .. } | Entity::Global { ty, .. } => Some(*ty),
            Entity::IntConstant { ty, .. } => *ty,
            Entity::UnknownConstant | Entity::FloatConstant(_) | Entity::StrConstant(_) => None,
        });
        self.typedefs
            .values()
            .map(|t| t.ty)
            .chain(self.structs.values().copied())
            .chain(self.unions.values().copied())
            .chain(self.enums.values().copied())
            .chain(self.record_order.iter().copied())
            .chain(self.type_cache.values().copied())
            .chain(entities)
    }

    /// Parses `source` and adds its declarations.
    pub fn cdef(
        &mut self,
        table: &mut TypeTable,
        source: &str,
        options: CdefOptions,
    ) -> Result<Vec<Warning>, Error> {
        // A later declaration may complete a type that an earlier type string used.
        self.type_cache.clear();
        parse::parse_cdef(table, self, source, options)
    }

    /// [`cdef`](Self::cdef) through the preprocessor with a search path,
    /// predefined macros and `define_macros=` (`#include` of real headers).
    pub fn cdef_with(
        &mut self,
        table: &mut TypeTable,
        source: &str,
        options: CdefOptions,
        config: &crate::preprocess::Config,
    ) -> Result<Vec<Warning>, Error> {
        self.type_cache.clear();
        parse::parse_cdef_with(table, self, source, options, config)
    }

    /// Resolves a type string given at run time (`"int[10]"`, `"point_t *"`),
    /// parsing each distinct string once.
    pub fn parse_type(&mut self, table: &mut TypeTable, text: &str) -> Result<TypeId, Error> {
        if let Some(&id) = self.type_cache.get(text) {
            return Ok(id);
        }
        let id = parse::parse_type_string(table, self, text, false)?;
        self.type_cache.insert(text.to_string(), id);
        Ok(id)
    }

    /// Resolves the type of a callback: a function type (`"int(int)"`) or a
    /// pointer to one (`"int(*)(int)"`), both giving the function type.
    pub fn parse_callback_type(
        &mut self,
        table: &mut TypeTable,
        text: &str,
    ) -> Result<TypeId, Error> {
        parse::parse_type_string(table, self, text, true)
    }

    /// The C name of the next anonymous struct, union or enum (`struct $3`).
    pub(crate) fn next_anonymous_name(&mut self, keyword: &str) -> String {
        self.anonymous += 1;
        format!("{keyword} ${}", self.anonymous)
    }

    /// The entity called `name`.
    pub fn lookup(&self, name: &str) -> Option<&Entity> {
        self.names.get(name)
    }

    /// Makes room for `names` more declared names, so that a large cdef does
    /// not rehash the name map as it grows.
    pub(crate) fn reserve(&mut self, names: usize) {
        self.names.reserve(names);
        self.name_order.reserve(names);
    }

    /// Adds a name, refusing a different redefinition unless `override_`.
    pub(crate) fn declare(
        &mut self,
        name: &str,
        entity: Entity,
        override_: bool,
    ) -> Result<(), String> {
        // One hash per declaration: this runs for every function and enumerator.
        match self.names.get_mut(name) {
            Some(old) if *old == entity => Ok(()),
            Some(_) if !override_ => Err(format!(
                "'{name}' is already declared differently (use override=True to replace it)"
            )),
            Some(old) => {
                *old = entity;
                Ok(())
            }
            None => {
                self.names.insert(name.to_string(), entity);
                self.name_order.push(name.to_string());
                Ok(())
            }
        }
    }

    /// Adds a typedef, refusing a different redefinition unless `override_`.
    pub(crate) fn declare_typedef(
        &mut self,
        name: &str,
        td: Typedef,
        override_: bool,
    ) -> Result<(), String> {
        match self.typedefs.get(name) {
            Some(old) if *old == td => Ok(()),
            Some(_) if !override_ => Err(format!("typedef '{name}' is already declared as a different type (use override=True to replace it)")),
            _ => {
                self.typedefs.insert(name.to_string(), td);
                Ok(())
            }
        }
    }

    /// `ffi.list_types()`: typedef names, struct tags, union tags, each sorted.
    pub fn list_types(&self) -> (Vec<String>, Vec<String>, Vec<String>) {
        let sorted = |it: Vec<&String>| {
            let mut v: Vec<String> = it.into_iter().cloned().collect();
            v.sort();
            v
        };
        (
            sorted(self.typedefs.keys().collect()),
            sorted(self.structs.keys().collect()),
            sorted(self.unions.keys().collect()),
        )
    }

    /// These declarations without the names (functions, globals, constants)
    /// that one of `others` declares: what a module that includes them defines
    /// itself (the included modules provide the rest).
    pub fn without_names_of(&self, others: &[&Declarations]) -> Declarations {
        let mut own = self.clone();
        own.name_order
            .retain(|n| !others.iter().any(|o| o.names.contains_key(n)));
        own.names
            .retain(|n, _| !others.iter().any(|o| o.names.contains_key(n)));
        own
    }

    /// `ffi.include(other)`: brings in every declaration of `other` (both share one
    /// type table), keeping this FFI's own where both declare a name.
    pub fn include(&mut self, other: &Declarations) {
        for (k, v) in &other.typedefs {
            self.typedefs.entry(k.clone()).or_insert(*v);
        }
        for (mine, theirs) in [
            (&mut self.structs, &other.structs),
            (&mut self.unions, &other.unions),
            (&mut self.enums, &other.enums),
        ] {
            for (k, v) in theirs {
                mine.entry(k.clone()).or_insert(*v);
            }
        }
        for (k, v) in &other.asm_names {
            self.asm_names.entry(k.clone()).or_insert_with(|| v.clone());
        }
        for name in &other.name_order {
            if !self.names.contains_key(name) {
                self.names.insert(name.clone(), other.names[name].clone());
                self.name_order.push(name.clone());
            }
        }
        self.type_cache.clear();
    }
}
