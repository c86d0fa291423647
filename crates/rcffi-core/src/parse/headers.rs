//! What real headers contain beyond cffi's dialect: function definitions
//! (`static inline`), `_Static_assert`, `__builtin_va_list`, typedefs of the
//! names rcffi knows built in, and declarations rcffi cannot represent, which
//! are skipped (with one warning listing them) when they come from a header
//! rather than failing the whole `cdef()`.

use super::lexer::Tok;
use super::{builtin_type_name, PResult, Parser, Ty};
use crate::ctype::{FieldDecl, Prim, TypeData, TypeId};
use crate::decl::{Entity, Typedef};
use crate::error::CDefError;

impl Parser<'_, '_> {
    /// `_Atomic T` (the qualifier at token `at`, or `_Atomic(T)`): gcc raises
    /// the alignment of a type whose size is 1, 2, 4, 8 or 16 bytes to its
    /// size, so `_Atomic T` is `T` unless that changes T's alignment
    /// (`_Complex float`, `struct { char c[4]; }`), a type rcffi cannot make.
    pub(super) fn atomic(&self, ty: Ty, at: usize) -> PResult<Ty> {
        let cname = || self.table.cname(ty.id).to_string();
        match (self.table.size_of(ty.id), self.table.align_of(ty.id)) {
            (Some(size), Some(align))
                if !(size.is_power_of_two() && size <= 16 && align < size) =>
            {
                Ok(ty)
            }
            (Some(size), Some(align)) => Err(self.error_at(
                at,
                format!(
                    "'_Atomic {}' has the alignment {size} where '{}' has {align}: rcffi cannot represent that type",
                    cname(),
                    cname()
                ),
            )),
            _ => Err(self.error_at(
                at,
                format!("'_Atomic {}': the type is incomplete", cname()),
            )),
        }
    }

    /// `__typeof__(...)` after the keyword: the type of a type name, or of a
    /// declared function or variable named alone; any other expression is
    /// refused, its type being the compiler's to find.
    pub(super) fn typeof_specifier(&mut self) -> PResult<Ty> {
        self.expect_punct(punct!("("))?;
        let ty = if self.is_type_start(self.peek()) {
            self.type_name(false)?
        } else {
            let t = self.peek();
            let found = if t.tok.is_ident() && self.peek_at(1).tok == Tok::Punct(punct!(")")) {
                self.decls.lookup(self.text(t))
            } else {
                None
            };
            let ty = match found {
                Some(Entity::Function { ty, .. }) => Ty {
                    id: *ty,
                    raw_function: true,
                    is_const: false,
                },
                Some(Entity::Global { ty, constant }) => Ty {
                    id: *ty,
                    raw_function: false,
                    is_const: *constant,
                },
                _ => {
                    return Err(self.error(
                        "'__typeof__' needs a type name or a declared function or variable",
                    ))
                }
            };
            self.pos += 1;
            ty
        };
        self.expect_punct(punct!(")"))?;
        Ok(ty)
    }

    /// Whether token `i` comes from a header (not the cdef text itself).
    pub(super) fn in_header(&self, i: usize) -> bool {
        let start = self.lx.tokens[i].start();
        let segs = &self.lx.segments;
        let seg = &segs[segs.partition_point(|s| s.start <= start).max(1) - 1];
        !seg.included_from.is_empty()
    }

    /// A top-level declaration; one from a header that rcffi cannot
    /// represent is skipped to its `;` and noted for the warning.
    pub(super) fn header_declaration(&mut self) -> PResult<()> {
        let start = self.pos;
        if self.in_header(start) && self.static_assert()? {
            return Ok(());
        }
        let (names, records) = (self.decls.name_order.len(), self.decls.record_order.len());
        let Err(e) = self.declaration(None) else {
            if self.in_header(start) {
                let decls = &mut *self.decls;
                decls
                    .from_header
                    .extend(decls.name_order[names..].iter().cloned());
                decls
                    .header_records
                    .extend(decls.record_order[records..].iter().copied());
            }
            return Ok(());
        };
        if !self.in_header(start) || e.message.starts_with("internal error") {
            return Err(e);
        }
        self.skip_to_end_of_declaration(start);
        self.skipped.push(describe_skipped(&e));
        Ok(())
    }

    /// Moves past the `;` ending the declaration that starts at `start`
    /// (brackets balanced), or past a function body: a `{` right after a `)`.
    fn skip_to_end_of_declaration(&mut self, start: usize) {
        self.pos = start;
        let mut depth = 0usize;
        let mut body = false;
        loop {
            let after_paren = matches!(
                self.lx.tokens[self.pos.saturating_sub(1)].tok,
                Tok::Punct(punct!(")"))
            );
            match self.next().tok {
                Tok::Eof => return,
                Tok::Punct(punct!("{")) => {
                    if depth == 0 {
                        body = after_paren && self.pos - 1 > start;
                    }
                    depth += 1;
                }
                Tok::Punct(punct!("(") | punct!("[")) => depth += 1,
                Tok::Punct(punct!(")") | punct!("]")) => depth = depth.saturating_sub(1),
                Tok::Punct(punct!("}")) => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 && body {
                        return;
                    }
                }
                Tok::Punct(punct!(";")) if depth == 0 => return,
                _ => {}
            }
        }
    }

    /// Moves past the `]` closing the array length that starts here.
    pub(super) fn skip_to_bracket(&mut self) -> PResult<()> {
        let mut depth = 0usize;
        loop {
            match self.next().tok {
                Tok::Punct(punct!("[") | punct!("(")) => depth += 1,
                Tok::Punct(punct!(")")) => depth = depth.saturating_sub(1),
                Tok::Punct(punct!("]")) if depth == 0 => return Ok(()),
                Tok::Punct(punct!("]")) => depth -= 1,
                Tok::Eof => return Err(self.error("expected ']'")),
                _ => {}
            }
        }
    }

    /// `_Static_assert(...);` in a header: checked by the compiler, nothing
    /// to declare.
    fn static_assert(&mut self) -> PResult<bool> {
        if !(self.is_ident("_Static_assert") || self.is_ident("static_assert")) {
            return Ok(false);
        }
        self.pos += 1;
        self.expect_punct(punct!("("))?;
        let mut depth = 1;
        while depth > 0 {
            match self.next().tok {
                Tok::Punct(punct!("(")) => depth += 1,
                Tok::Punct(punct!(")")) => depth -= 1,
                Tok::Eof => return Err(self.error("unterminated _Static_assert")),
                _ => {}
            }
        }
        self.expect_punct(punct!(";"))?;
        Ok(true)
    }

    /// Skips a function body (`{` is next): a definition declares the
    /// function, its body declares nothing cdef needs.
    pub(super) fn skip_function_body(&mut self) -> PResult<()> {
        let mut depth = 0usize;
        loop {
            match self.next().tok {
                Tok::Punct(punct!("{")) => depth += 1,
                Tok::Punct(punct!("}")) => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(());
                    }
                }
                Tok::Eof => return Err(self.error("unterminated function body")),
                _ => {}
            }
        }
    }

    /// A header's typedef of a name rcffi knows built in (`typedef unsigned
    /// long size_t;`) keeps the built-in type (in the cdef text, as in cffi,
    /// the typedef replaces it) when it has the same
    /// size and signedness; true when this typedef is such a redeclaration.
    pub(super) fn is_builtin_redeclaration(&self, name: &str, ty: TypeId) -> bool {
        let Some(p) = builtin_type_name(name) else {
            return false;
        };
        let same = |q: Prim| {
            q.size() == p.size()
                && q.is_integer() == p.is_integer()
                && q.is_signed() == p.is_signed()
        };
        match self.table.data(ty) {
            TypeData::Primitive(q) => same(*q),
            TypeData::Enum(e) => same(e.base),
            _ => false,
        }
    }

    /// `__builtin_va_list`, as the ABI lays it out: on x86-64 an array of one
    /// `struct __va_list_tag`, on aarch64 a struct. Functions taking it
    /// (`vprintf`) can be declared, not called with a Python value.
    pub(super) fn va_list_type(&mut self) -> TypeId {
        if let Some(td) = self.decls.typedefs.get("__builtin_va_list") {
            return td.ty;
        }
        let uint = self.table.primitive(Prim::UInt);
        let int = self.table.primitive(Prim::Int);
        let void = self.table.void();
        let ptr = self.table.pointer(void);
        let (tag, fields) = if cfg!(target_arch = "aarch64") {
            (
                "struct __va_list",
                vec![
                    ("__stack", ptr),
                    ("__gr_top", ptr),
                    ("__vr_top", ptr),
                    ("__gr_offs", int),
                    ("__vr_offs", int),
                ],
            )
        } else {
            (
                "struct __va_list_tag",
                vec![
                    ("gp_offset", uint),
                    ("fp_offset", uint),
                    ("overflow_arg_area", ptr),
                    ("reg_save_area", ptr),
                ],
            )
        };
        let rec = self.table.new_record(tag, false);
        let decls: Vec<FieldDecl> = fields
            .into_iter()
            .map(|(n, t)| FieldDecl::plain(n.to_string(), t, None))
            .collect();
        self.table
            .complete_record(rec, &decls, crate::layout::Packing::Natural, false)
            .expect("the va_list record lays out");
        let ty = if cfg!(target_arch = "aarch64") {
            rec
        } else {
            self.table.array(rec, Some(1))
        };
        self.decls.typedefs.insert(
            "__builtin_va_list".into(),
            Typedef {
                ty,
                raw_function: false,
                is_const: false,
            },
        );
        ty
    }
}

/// `file:line: why` for the warning about skipped declarations.
fn describe_skipped(e: &CDefError) -> String {
    match &e.location {
        Some(l) => format!(
            "{}:{}: {}",
            l.file.as_deref().unwrap_or("<cdef source string>"),
            l.line,
            e.message
        ),
        None => e.message.clone(),
    }
}
