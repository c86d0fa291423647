//! Struct, union and enum specifiers: tags, bodies, anonymous names and
//! redefinitions.

use super::attributes::Attrs;
use super::keyword::Kw;
use super::lexer::Tok;
use super::{Base, PResult, Parser, Ty};
use crate::ctype::{FieldDecl, TypeData, TypeId};
use crate::error::Refusal;
use crate::layout::Packing;

/// How a record is laid out: its packing and its own `aligned(N)`.
#[derive(Clone, Copy)]
pub(super) struct RecordShape {
    packing: Packing,
    min_align: usize,
}
use crate::decl::Entity;

impl<'s> Parser<'_, 's> {
    /// The name an anonymous struct, union or enum whose body opens at token `open`
    /// takes: the typedef name when the first declarator after the body names it
    /// directly (`typedef struct {...} foo_t, *foo_p;`), as cffi names it, else the
    /// next `$N`. Decided before the body is read, because anonymous types inside
    /// the body are numbered after this one.
    pub(super) fn anonymous_name(
        &mut self,
        keyword: &str,
        open: usize,
        in_typedef: bool,
    ) -> String {
        if in_typedef {
            if let Some(name) = self.direct_typedef_name(open) {
                return name.to_string();
            }
        }
        self.decls.next_anonymous_name(keyword)
    }

    /// Looks past the body opening at token `open` for `const`/`volatile` words
    /// and a plain declarator name followed by `,` or `;`.
    pub(super) fn direct_typedef_name(&self, open: usize) -> Option<&'s str> {
        let toks = &self.lx.tokens;
        let mut depth = 0usize;
        let mut i = open;
        loop {
            match toks[i].tok {
                Tok::Punct(punct!("{")) => depth += 1,
                Tok::Punct(punct!("}")) => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                Tok::Eof => return None,
                _ => {}
            }
            i += 1;
        }
        i += 1;
        while toks[i].tok.is_ident()
            && matches!(
                self.text(&toks[i]),
                "const" | "volatile" | "__const" | "__volatile"
            )
        {
            i += 1;
        }
        let (name, after) = (&toks[i], &toks[(i + 1).min(toks.len() - 1)]);
        let direct = matches!(name.tok, Tok::Ident(kw) if !kw.starts_type())
            && matches!(after.tok, Tok::Punct(punct!(",")) | Tok::Punct(punct!(";")));
        direct.then(|| self.text(name))
    }

    pub(super) fn record_specifier(&mut self, is_union: bool, in_typedef: bool) -> PResult<TypeId> {
        let mut attrs = self.attributes()?;
        let kw = if is_union { "union" } else { "struct" };
        let tag_at = self.pos;
        let tag = self.tag()?;
        self.add_attributes(&mut attrs)?;
        let has_body = self.is_punct(punct!("{"));
        let id = match &tag {
            Some(name) => {
                let map = if is_union {
                    &self.decls.unions
                } else {
                    &self.decls.structs
                };
                match map.get(name) {
                    Some(&id) => id,
                    None if self.decls.closed_tags => {
                        return Err(self.error_at(
                            tag_at,
                            format!("undefined struct/union name '{kw} {name}'"),
                        ));
                    }
                    None => {
                        let id = self.table.new_record(&format!("{kw} {name}"), is_union);
                        let map = if is_union {
                            &mut self.decls.unions
                        } else {
                            &mut self.decls.structs
                        };
                        map.insert(name.clone(), id);
                        self.decls.record_order.push(id);
                        id
                    }
                }
            }
            None => {
                if !has_body {
                    return Err(self.error(&format!("expected a tag name or '{{' after '{kw}'")));
                }
                let cname = self.anonymous_name(kw, self.pos, in_typedef);
                let id = self.table.new_record(&cname, is_union);
                self.decls.record_order.push(id);
                id
            }
        };
        if has_body {
            let open = self.pos;
            self.pos += 1;
            let (fields, partial) = self.nested(|p| p.record_body())?;
            self.add_attributes(&mut attrs)?;
            self.refuse_unknown(&attrs)?;
            if let Some((_, at)) = attrs.mode {
                return Err(self.error_at(at, format!("'mode' cannot apply to a {kw}")));
            }
            // gcc makes every member of a `packed` record packed, and
            // `#pragma pack` still caps them.
            let mut fields = fields;
            if attrs.packed {
                fields.iter_mut().for_each(|f| f.packed = true);
            }
            let shape = RecordShape {
                packing: self.packing,
                min_align: attrs.aligned.unwrap_or(1),
            };
            let already = self
                .table
                .record(id)
                .and_then(|r| r.fields.as_ref())
                .is_some();
            if already {
                let same = {
                    let r = self.table.record(id).expect("record");
                    let old = r.fields.as_ref().expect("complete");
                    old.len() == fields.len()
                        && old
                            .iter()
                            .zip(&fields)
                            .all(|(a, b)| a.name == b.name && a.ty == b.ty && a.bitsize == b.bits)
                };
                if !same {
                    if !self.options.override_ {
                        let cname = self.table.cname(id).to_string();
                        return Err(self.error_at(
                            open,
                            format!("'{cname}' is already defined with different fields"),
                        ));
                    }
                    let cname = self.table.cname(id).to_string();
                    let fresh = self.table.new_record(&cname, is_union);
                    if let Some(name) = &tag {
                        let map = if is_union {
                            &mut self.decls.unions
                        } else {
                            &mut self.decls.structs
                        };
                        map.insert(name.clone(), fresh);
                    }
                    self.complete(fresh, &fields, partial, open, shape)?;
                    return Ok(fresh);
                }
                return Ok(id);
            }
            self.complete(id, &fields, partial, open, shape)?;
        }
        Ok(id)
    }

    pub(super) fn complete(
        &mut self,
        id: TypeId,
        fields: &[FieldDecl],
        partial: bool,
        at: usize,
        shape: RecordShape,
    ) -> PResult<()> {
        if let Some(f) = fields.iter().find(|f| partial && f.bits.is_some()) {
            let why = format!(
                "bit-field '{}' in a struct declared with '...;': the compiler's offsets cannot place bits",
                f.name
            );
            return Err(self.impossible(at, Refusal::Unsupported, why));
        }
        self.table
            .complete_record_aligned(id, fields, shape.packing, shape.min_align, partial)
            .map_err(|e| self.error_at(at, e.to_string()))
    }

    pub(super) fn record_body(&mut self) -> PResult<(Vec<FieldDecl>, bool)> {
        let mut fields = Vec::new();
        // The names so far, for the duplicate check: a scan of `fields` per
        // member made a struct of n members cost n² (100,000 members: minutes).
        // Sized for the usual struct, which then never rehashes.
        let mut names = crate::fasthash::FastSet::with_capacity_and_hasher(16, Default::default());
        let mut partial = false;
        while !self.eat_punct(punct!("}")) {
            if self.peek().tok == Tok::Eof {
                return Err(self.error("expected '}' closing the struct"));
            }
            if self.eat_punct(punct!(";")) {
                continue;
            }
            if self.is_punct(punct!("..."))
                && matches!(self.peek_at(1).tok, Tok::Punct(punct!(";")))
            {
                self.pos += 2;
                partial = true;
                continue;
            }
            let spec = self.specifiers()?;
            let Base::Type(base) = spec.base else {
                return Err(self.error_at(spec.at, "'...' cannot be the type of a field"));
            };
            if self.eat_punct(punct!(";")) {
                // An anonymous nested struct or union: its members belong to the parent.
                if matches!(self.table.data(base.id), TypeData::Record(_))
                    && self.table.cname(base.id).contains('$')
                {
                    // One with `...;` has no C name to be measured by: the
                    // parent takes the compiler's layout instead, as in cffi.
                    partial |= self.table.record(base.id).is_some_and(|r| r.partial);
                    fields.push(FieldDecl::plain(String::new(), base.id, None));
                    continue;
                }
                return Err(self.error_at(spec.at, "declaration declares no field"));
            }
            loop {
                let mut attrs = spec.attrs.clone();
                let (name, ty) = if self.is_punct(punct!(":")) {
                    (String::new(), base)
                } else {
                    let d = self.declarator(false)?;
                    let at = d.name.unwrap_or(self.pos);
                    let name = d
                        .name
                        .map(|i| self.text(&self.lx.tokens[i]).to_string())
                        .unwrap_or_default();
                    attrs.merge(d.attrs);
                    let base = Ty {
                        id: self.apply_mode(base.id, &attrs)?,
                        ..base
                    };
                    (name, self.apply(base, d.ops, at)?)
                };
                if ty.raw_function {
                    return Err(self.error(&format!(
                        "field '{name}' is a function; use a function pointer"
                    )));
                }
                let bits = if self.eat_punct(punct!(":")) {
                    let v = self.const_expr()?;
                    if !(0..=i128::from(u16::MAX)).contains(&v) {
                        return Err(
                            self.error_at(self.pos - 1, format!("invalid bit-field width {v}"))
                        );
                    }
                    Some(v as u32)
                } else {
                    if name.is_empty() {
                        return Err(self.error("expected a field name"));
                    }
                    None
                };
                self.add_attributes(&mut attrs)?;
                self.refuse_unknown(&attrs)?;
                if bits.is_some() && attrs.aligned.is_some() {
                    return Err(self.error_at(
                        self.pos - 1,
                        format!("'aligned' on the bit-field '{name}' is not supported"),
                    ));
                }
                if !name.is_empty() && !names.insert(name.clone()) {
                    return Err(
                        self.error_at(self.pos - 1, format!("duplicate field name '{name}'"))
                    );
                }
                fields.push(FieldDecl {
                    name,
                    ty: ty.id,
                    bits,
                    packed: attrs.packed,
                    aligned: attrs.aligned,
                });
                if self.eat_punct(punct!(",")) {
                    continue;
                }
                self.expect_punct(punct!(";"))?;
                break;
            }
        }
        Ok((fields, partial))
    }

    /// The tag after `struct`, `union` or `enum`, if one is written: a name,
    /// never a keyword (`struct int` is no C).
    fn tag(&mut self) -> PResult<Option<String>> {
        match self.peek().tok {
            Tok::Ident(Kw::Name | Kw::File) => {
                let t = self.next();
                Ok(Some(self.text(t).to_string()))
            }
            Tok::Ident(_) => Err(self.error("expected a tag name or '{'")),
            _ => Ok(None),
        }
    }

    pub(super) fn enum_specifier(&mut self, in_typedef: bool) -> PResult<TypeId> {
        let attrs = self.attributes()?;
        self.refuse_enum_attributes(&attrs)?;
        let tag = self.tag()?;
        if !self.is_punct(punct!("{")) {
            let Some(name) = tag else {
                return Err(self.error("expected a tag name or '{' after 'enum'"));
            };
            if let Some(&id) = self.decls.enums.get(&name) {
                return Ok(id);
            }
            // Only declared: usable, as an `unsigned int` (cffi's guess,
            // with a warning when its ctype is made).
            let id = self
                .table
                .new_enum(&format!("enum {name}"), Vec::new(), false);
            self.decls.enums.insert(name, id);
            return Ok(id);
        }
        let open = self.pos;
        if let Some(name) = &tag {
            // The types that named the enum before its body (`typedef enum e
            // t;`) would keep the body-less enum: refused, as cffi does.
            let forward = self.decls.enums.get(name).is_some_and(
                |&old| matches!(self.table.data(old), TypeData::Enum(e) if e.values.is_empty()),
            );
            if forward {
                return Err(self.impossible(
                    open,
                    Refusal::Unsupported,
                    format!(
                        "enum {name}: the '{{}}' declaration should appear on the first time \
                         the enum is mentioned, not later"
                    ),
                ));
            }
        }
        let anonymous_name = match tag {
            Some(_) => None,
            None => Some(self.anonymous_name("enum", open, in_typedef)),
        };
        self.pos += 1;
        let mut values: Vec<(String, i128)> = Vec::new();
        let mut partial = false;
        let mut next: i128 = 0;
        while !self.eat_punct(punct!("}")) {
            if self.eat_punct(punct!("...")) {
                partial = true;
                self.eat_punct(punct!(","));
                continue;
            }
            let t = self.next();
            if !t.tok.is_ident() {
                return Err(self.token_error(
                    t,
                    format!("expected an enumerator name, found {}", self.describe(t)),
                ));
            }
            let name = self.text(t).to_string();
            if self.eat_punct(punct!("=")) {
                // `X = ...`: the enumerator is one of the enum's (the
                // compiler gives its value, and those of all the others).
                if self.eat_punct(punct!("...")) {
                    partial = true;
                } else {
                    next = self.const_expr()?;
                }
            }
            values.push((name.clone(), next));
            // Enumerators are usable in later constant expressions of this enum.
            // The same name with the same value again (in another enum) is
            // accepted, as cffi accepts it; it keeps its first enum.
            let same_again = !self.options.override_
                && matches!(
                    self.decls.names.get(&name),
                    Some(Entity::IntConstant { value, .. }) if *value == next
                );
            if !same_again {
                self.decls
                    .declare(
                        &name,
                        Entity::IntConstant {
                            value: next,
                            ty: None,
                        },
                        self.options.override_,
                    )
                    .map_err(|m| self.token_error(t, m))?;
            }
            next = next
                .checked_add(1)
                .ok_or_else(|| self.token_error(t, "enumerator value overflow"))?;
            if !self.eat_punct(punct!(",")) {
                self.expect_punct(punct!("}"))?;
                break;
            }
        }
        let attrs = self.attributes()?;
        self.refuse_enum_attributes(&attrs)?;
        let cname = match (&tag, anonymous_name) {
            (Some(n), _) => format!("enum {n}"),
            (None, Some(name)) => name,
            (None, None) => unreachable!("anonymous enums are named above"),
        };
        if let Some(name) = &tag {
            if let Some(&old) = self.decls.enums.get(name) {
                let same = matches!(self.table.data(old), TypeData::Enum(e) if e.values == values);
                if same {
                    return Ok(old);
                }
                if !self.options.override_ {
                    return Err(self.error_at(
                        open,
                        format!("'enum {name}' is already defined with different values"),
                    ));
                }
            }
        }
        let id = self.table.new_enum(&cname, values, partial);
        // The enumerators were declared while reading the body (later values may
        // use them); now they get their enum type, without new allocations.
        if let TypeData::Enum(e) = self.table.data(id) {
            for (n, _) in &e.values {
                if let Some(Entity::IntConstant { ty: ty @ None, .. }) = self.decls.names.get_mut(n)
                {
                    *ty = Some(id);
                }
            }
        }
        if let Some(name) = tag {
            self.decls.enums.insert(name, id);
        }
        self.decls.record_order.push(id);
        Ok(id)
    }

    /// `packed` makes an enum as small as its values allow and `aligned` or
    /// `mode` change it too: rcffi's enums have the size of their values' type.
    fn refuse_enum_attributes(&self, attrs: &Attrs) -> PResult<()> {
        self.refuse_unknown(attrs)?;
        if attrs.packed || attrs.aligned.is_some() || attrs.mode.is_some() {
            return Err(self.error("'packed', 'aligned' and 'mode' on an enum are not supported"));
        }
        Ok(())
    }
}
