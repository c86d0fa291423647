//! What the C compiler must still fill in before a type can be used (API
//! mode, or `ffi.configure()` in ABI mode), and how that is said to users.

use super::{TypeData, TypeId, TypeTable, UnknownNumeric};
use crate::fasthash::FastSet;

/// Why a type cannot be used before the C compiler has filled it in (API mode).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NeedsCompiler {
    /// A `typedef int... t;` or `typedef float... t;` type, by name.
    Numeric(String, UnknownNumeric),
    /// A struct or union declared with `...;` (or containing such a type by value).
    Layout(String),
    /// An array declared with `[...]`, by its C name (`int[...]`).
    ArrayLength(String),
    /// An enum declared with a trailing `...` or an `= ...` value.
    EnumValues(String),
}

impl std::fmt::Display for NeedsCompiler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NeedsCompiler::Numeric(name, kind) => {
                let what = match kind {
                    UnknownNumeric::Integer => "integer",
                    UnknownNumeric::Float => "floating-point",
                };
                write!(
                    f,
                    "{what} type '{name}' is declared with '...': its real type is only known after compilation (API mode, set_source)"
                )
            }
            NeedsCompiler::Layout(name) => write!(
                f,
                "'{name}' is declared with '...;' (or contains such a type): its layout is only known after compilation (API mode, set_source)"
            ),
            NeedsCompiler::ArrayLength(name) => write!(
                f,
                "cannot use the type '{name}': its length is declared as '[...]' and only known after compilation (API mode, set_source)"
            ),
            NeedsCompiler::EnumValues(name) => write!(
                f,
                "'{name}' is declared with '...': its values are only known after compilation (API mode, set_source)"
            ),
        }
    }
}

impl TypeTable {
    /// What in the value of `id` itself only the compiler knows: an unknown numeric
    /// type, a partial record or a `[...]` length, possibly as array items.
    pub fn needs_compiler_by_value(&self, id: TypeId) -> Option<NeedsCompiler> {
        match self.data(id) {
            TypeData::Unknown(kind) => {
                Some(NeedsCompiler::Numeric(self.cname(id).to_string(), *kind))
            }
            TypeData::Record(r) if r.partial => {
                Some(NeedsCompiler::Layout(self.cname(id).to_string()))
            }
            TypeData::UnknownLength(_) => {
                Some(NeedsCompiler::ArrayLength(self.cname(id).to_string()))
            }
            TypeData::Array { item, .. } => self.needs_compiler_by_value(*item),
            _ => None,
        }
    }

    /// What in `id` or in any type it refers to (pointer targets, function
    /// arguments and results, members) only the compiler knows. Such a type cannot
    /// be used in ABI mode; cffi refuses it the same way.
    ///
    /// The walk is depth-first with an explicit stack and a visited set: type
    /// graphs are cyclic through struct pointers and can be arbitrarily deep (a
    /// chain of thousands of structs each pointing to the next), so recursion
    /// could overflow the native stack.
    pub fn needs_compiler(&self, id: TypeId) -> Option<NeedsCompiler> {
        self.needs_compiler_given(id, &mut FastSet::default())
    }

    /// [`TypeTable::needs_compiler`] for many types in a row, without walking
    /// twice what they share: `clean` holds types already found to need
    /// nothing, and gains those of `id` if it needs nothing either. Valid only
    /// while the table is not changed (a record completed or made partial).
    /// A lib of a big header looks up thousands of functions whose argument
    /// structs point to each other: walking each one alone was quadratic.
    pub fn needs_compiler_given(
        &self,
        id: TypeId,
        clean: &mut FastSet<TypeId>,
    ) -> Option<NeedsCompiler> {
        let mut stack = vec![id];
        let mut visited = FastSet::default();
        while let Some(id) = stack.pop() {
            if clean.contains(&id) || !visited.insert(id) {
                continue;
            }
            if let Some(found) = self.needs_compiler_by_value(id) {
                return Some(found);
            }
            match self.data(id) {
                // The values, and so the integer type, of a partial enum come from
                // the compiler (checked here rather than by value, so that records
                // holding one keep their cdef-time layout for API mode to verify).
                TypeData::Enum(e) if e.partial => {
                    return Some(NeedsCompiler::EnumValues(self.cname(id).to_string()));
                }
                TypeData::Pointer(t) | TypeData::Array { item: t, .. } => stack.push(*t),
                TypeData::Function(sig) => {
                    // Pushed in reverse so that the first argument is reported first.
                    stack.push(sig.result);
                    stack.extend(sig.args.iter().rev());
                }
                TypeData::Record(r) => {
                    if let Some(fields) = &r.fields {
                        stack.extend(fields.iter().rev().map(|f| f.ty));
                    }
                }
                _ => {}
            }
        }
        // Everything reachable from a type that needs nothing needs nothing.
        clean.extend(visited);
        None
    }
}
