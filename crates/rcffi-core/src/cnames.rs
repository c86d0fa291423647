//! The C spelling of types in generated code (API-mode glue, configure probes).
//!
//! Most types are spelled from their cdef names. Anonymous structs, unions and
//! enums have no name of their own (`struct $1` inside rcffi), but the C
//! compiler can still be told which type they are through something that does
//! have a name: a typedef of a pointer to one (`typedef struct {...} *p_t;` gives
//! `__typeof__(*(p_t)0)`), or the named record holding one as a field
//! (`__typeof__(((struct outer *)0)->inner)`). Only types reachable that way are
//! spelled; the others remain an error naming the type.

use crate::ctype::{TypeData, TypeId, TypeTable};
use crate::decl::Declarations;
use crate::error::Error;

/// Spells the types of one set of declarations.
pub struct CNames<'a> {
    /// The table the types are in.
    pub table: &'a TypeTable,
    /// `(rcffi's name of an anonymous type, a C spelling of it)`.
    anonymous: Vec<(String, String)>,
}

impl<'a> CNames<'a> {
    /// The spellings for the types of `decls`.
    pub fn new(table: &'a TypeTable, decls: &Declarations) -> Self {
        let mut names = CNames {
            table,
            anonymous: Vec::new(),
        };
        let mut typedefs: Vec<(&String, TypeId)> =
            decls.typedefs.iter().map(|(n, t)| (n, t.ty)).collect();
        typedefs.sort();
        for (name, ty) in typedefs {
            if let TypeData::Pointer(target) = table.data(ty) {
                names.learn(*target, format!("__typeof__(*({name})0)"));
            }
        }
        // Records reached as fields, outward in: a field's record is spelled
        // through its holder once the holder is.
        let mut pending: Vec<TypeId> = decls.record_order.clone();
        while !pending.is_empty() {
            let before = pending.len();
            pending.retain(|id| !names.learn_fields(*id));
            if pending.len() == before {
                break;
            }
        }
        names
    }

    fn is_anonymous(&self, ty: TypeId) -> bool {
        matches!(self.table.data(ty), TypeData::Record(_) | TypeData::Enum(_))
            && self.table.cname(ty).contains('$')
    }

    fn learn(&mut self, ty: TypeId, spelling: String) {
        let cname = self.table.cname(ty);
        if self.is_anonymous(ty) && !self.anonymous.iter().any(|(c, _)| c == cname) {
            self.anonymous.push((cname.to_string(), spelling));
        }
    }

    /// Spells the anonymous records and enums that are fields of `id`, if `id`
    /// itself can be spelled; returns whether it could.
    fn learn_fields(&mut self, id: TypeId) -> bool {
        let Ok(holder) = self.spell(id, "") else {
            return false;
        };
        let holder = holder.trim_end().to_string();
        let fields = self
            .table
            .record(id)
            .and_then(|r| r.fields.clone())
            .unwrap_or_default();
        for f in fields.iter().filter(|f| !f.name.is_empty()) {
            self.learn(f.ty, format!("__typeof__((({holder} *)0)->{})", f.name));
        }
        true
    }

    /// The C spelling of `ty` with `inner` as its declarator (`int x`,
    /// `char *(*f)(int)`).
    pub fn spell(&self, ty: TypeId, inner: &str) -> Result<String, Error> {
        let mut text = self.table.cname_with(ty, inner);
        for (cname, spelling) in &self.anonymous {
            text = replace_name(&text, cname, spelling);
        }
        if text.contains('$') {
            return Err(Error::Unspellable {
                cname: self.table.cname(ty).to_string(),
                place: None,
            });
        }
        // A `[...]` length is only known once compiled; until then the C type
        // is the array of unknown bound, compatible with every length.
        Ok(text
            .replace("[...]", "[]")
            .replace("_cffi_float_complex_t", "float _Complex")
            .replace("_cffi_double_complex_t", "double _Complex"))
    }
}

/// `text` with every whole occurrence of `name` (not followed by more of an
/// identifier: `struct $1` is not in `struct $12`) replaced by `by`.
fn replace_name(text: &str, name: &str, by: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(name) {
        let after = &rest[at + name.len()..];
        let whole = !after
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() || c == '_');
        out.push_str(&rest[..at]);
        out.push_str(if whole { by } else { name });
        rest = after;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decl::CdefOptions;

    fn names_for(src: &str) -> (TypeTable, Declarations) {
        let mut t = TypeTable::new();
        let mut d = Declarations::new();
        d.cdef(&mut t, src, CdefOptions::default()).unwrap();
        (t, d)
    }

    #[test]
    fn a_pointer_typedef_names_its_anonymous_struct() {
        let (mut t, mut d) = names_for("typedef struct { int x; } *p_t;");
        let p = d.parse_type(&mut t, "p_t").unwrap();
        let TypeData::Pointer(s) = *t.data(p) else {
            panic!("pointer")
        };
        let names = CNames::new(&t, &d);
        assert_eq!(names.spell(s, "v").unwrap(), "__typeof__(*(p_t)0) v");
        assert_eq!(names.spell(p, "v").unwrap(), "__typeof__(*(p_t)0) *v");
    }

    #[test]
    fn a_named_record_names_its_anonymous_fields() {
        let (mut t, mut d) = names_for("struct outer { struct { int a; } in; };");
        let outer = d.parse_type(&mut t, "struct outer").unwrap();
        let inner = t.find_field(outer, "in").unwrap().ty;
        let names = CNames::new(&t, &d);
        assert_eq!(
            names.spell(inner, "*q").unwrap(),
            "__typeof__(((struct outer *)0)->in) *q"
        );
    }

    #[test]
    fn an_unreachable_anonymous_type_is_an_error() {
        let (t, d) = names_for("struct { int a; } *make(void);");
        let names = CNames::new(&t, &d);
        let make = match &d.names["make"] {
            crate::decl::Entity::Function { ty, .. } => *ty,
            _ => panic!("function"),
        };
        let result = t.func(make).unwrap().result;
        assert!(names
            .spell(result, "")
            .unwrap_err()
            .to_string()
            .contains("cannot generate 'struct $1 *': unknown type name"));
    }

    #[test]
    fn names_are_replaced_whole() {
        assert_eq!(
            replace_name("struct $12 *", "struct $1", "X"),
            "struct $12 *"
        );
        assert_eq!(replace_name("struct $1 *", "struct $1", "X"), "X *");
    }
}
