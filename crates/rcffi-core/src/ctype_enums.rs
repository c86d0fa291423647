//! Enums in the type table: their values and the integer type gcc gives them.

use super::{EnumDef, Prim, TypeData, TypeEntry, TypeId, TypeTable};

impl TypeTable {
    /// A new enum named `cname` with its values; the base type is chosen as gcc does.
    pub fn new_enum(&mut self, cname: &str, values: Vec<(String, i128)>, partial: bool) -> TypeId {
        let base = enum_base(&values);
        self.push(TypeEntry::named(
            TypeData::Enum(Box::new(EnumDef {
                values,
                base,
                partial,
            })),
            cname,
        ))
    }

    /// A new enum named `cname` whose integer type is given (cffi's backend
    /// primitive `new_enum_type` takes it from the caller).
    pub fn new_enum_with_base(
        &mut self,
        cname: &str,
        values: Vec<(String, i128)>,
        base: Prim,
    ) -> TypeId {
        self.push(TypeEntry::named(
            TypeData::Enum(Box::new(EnumDef {
                values,
                base,
                partial: false,
            })),
            cname,
        ))
    }

    /// Gives a partial enum the values the C compiler found; its integer type is
    /// chosen again from them.
    pub fn set_enum_values(&mut self, id: TypeId, values: Vec<(String, i128)>) {
        if let TypeData::Enum(e) = &mut self.entries[id.index()].data {
            e.base = enum_base(&values);
            e.values = values;
            e.partial = false;
        }
    }

    /// Gives an enum the base integer type the C compiler chose for it.
    pub fn set_enum_base(&mut self, id: TypeId, base: Prim) {
        if let TypeData::Enum(e) = &mut self.entries[id.index()].data {
            e.base = base;
        }
    }

    /// Marks an enum as declared with `...` (its values come from the compiler).
    pub fn set_enum_partial(&mut self, id: TypeId, partial: bool) {
        if let TypeData::Enum(e) = &mut self.entries[id.index()].data {
            e.partial = partial;
        }
    }
}

/// The integer type gcc gives an enum with these values: `unsigned int` when all are
/// non-negative and fit, `int` when some are negative and all fit, then the 64-bit
/// types.
pub fn enum_base(values: &[(String, i128)]) -> Prim {
    let min = values.iter().map(|v| v.1).min().unwrap_or(0);
    let max = values.iter().map(|v| v.1).max().unwrap_or(0);
    if min >= 0 {
        if max <= u32::MAX as i128 {
            Prim::UInt
        } else {
            Prim::ULong
        }
    } else if min >= i32::MIN as i128 && max <= i32::MAX as i128 {
        Prim::Int
    } else {
        Prim::Long
    }
}
