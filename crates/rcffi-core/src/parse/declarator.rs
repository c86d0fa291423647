//! Declarators (`*p`, `(*f)(int)`, `a[3]`), parameter lists and type names.

use super::attributes::Attrs;
use super::keyword::Kw;
use super::lexer::Tok;
use super::{Base, Declarator, Op, PResult, Parser, Storage, Ty, MAX_NESTING};
use crate::ctype::{FuncSig, TypeData, TypeId};
use crate::error::Refusal;

impl Parser<'_, '_> {
    /// A declarator, named or abstract. `abstract_only` forbids a name (casts and
    /// `sizeof` inside expressions).
    pub(super) fn declarator(&mut self, abstract_only: bool) -> PResult<Declarator> {
        let mut pointers = Vec::new();
        let mut attrs = Attrs::default();
        loop {
            self.add_attributes(&mut attrs)?;
            if self.eat_punct(punct!("*")) || self.eat_punct(punct!("^")) {
                pointers.push(Op::Pointer { is_const: false });
                continue;
            }
            // `* _Atomic`: an atomic pointer has the layout of the pointer.
            let kw = match self.peek().tok {
                Tok::Ident(kw) => kw,
                _ => Kw::Name,
            };
            if kw.is_qualifier() || (kw == Kw::Atomic && !pointers.is_empty()) {
                if kw == Kw::Const {
                    if let Some(Op::Pointer { is_const }) = pointers.last_mut() {
                        *is_const = true;
                    }
                }
                self.pos += 1;
                continue;
            }
            break;
        }
        let (name, inner) = if self.is_punct(punct!("(")) && self.is_grouping() {
            self.pos += 1;
            let d = self.nested(|p| p.declarator(abstract_only))?;
            self.expect_punct(punct!(")"))?;
            attrs.merge(d.attrs);
            (d.name, d.ops)
        } else if matches!(self.peek().tok, Tok::Ident(kw)
            if !abstract_only && (!kw.starts_type() || kw == Kw::File))
        {
            // The specifiers already hold the type, so even a typedef name is the
            // declared name here (`typedef int foo_t;` said twice).
            let i = self.pos;
            self.pos += 1;
            (Some(i), Vec::new())
        } else {
            (None, Vec::new())
        };
        let mut suffixes = Vec::new();
        loop {
            if self.eat_punct(punct!("[")) {
                // C99 parameter arrays may hold qualifiers (`a[restrict 4]`,
                // `a[static 4]`): the parameter is a pointer either way.
                while matches!(self.peek().tok, Tok::Ident(kw)
                    if kw.is_qualifier() || kw == Kw::Static)
                {
                    self.pos += 1;
                }
                if self.eat_punct(punct!("]")) {
                    suffixes.push(Op::Array(None));
                } else if self.is_punct(punct!("...")) {
                    let at = self.pos;
                    self.pos += 1;
                    self.expect_punct(punct!("]"))?;
                    suffixes.push(Op::UnknownLength(at));
                } else if self.in_parameters > 0 && self.in_header(self.pos) {
                    // A header's parameter array decays to a pointer: its
                    // length may name another parameter (`a[n]`).
                    self.skip_to_bracket()?;
                    suffixes.push(Op::Array(None));
                } else {
                    let at = self.pos;
                    let n = self.const_expr()?;
                    if n < 0 {
                        let why = "negative array length".to_string();
                        return Err(self.impossible(at, Refusal::Value, why));
                    }
                    if n > isize::MAX as i128 {
                        let why = format!("array length {n} is larger than the address space");
                        return Err(self.impossible(at, Refusal::Value, why));
                    }
                    self.expect_punct(punct!("]"))?;
                    suffixes.push(Op::Array(Some(n as usize)));
                }
            } else if self.is_punct(punct!("(")) {
                self.pos += 1;
                self.in_parameters += 1;
                let params = self.nested(|p| p.parameters());
                self.in_parameters -= 1;
                let (args, variadic) = params?;
                suffixes.push(Op::Function { args, variadic });
            } else {
                break;
            }
        }
        self.add_attributes(&mut attrs)?;
        let mut ops = pointers;
        ops.extend(suffixes.into_iter().rev());
        ops.extend(inner);
        Ok(Declarator { name, ops, attrs })
    }

    /// After `(` in a declarator: does it group (`(*fp)`) rather than open
    /// parameters (`(int)`)?
    pub(super) fn is_grouping(&self) -> bool {
        let t = self.peek_at(1);
        match &t.tok {
            Tok::Punct(punct!("*"))
            | Tok::Punct(punct!("^"))
            | Tok::Punct(punct!("("))
            | Tok::Punct(punct!("[")) => true,
            Tok::Ident(_) => {
                let w = self.text(t);
                matches!(
                    w,
                    "__cdecl" | "__stdcall" | "WINAPI" | "__fastcall" | "__attribute__"
                ) || !self.is_type_start(t)
            }
            _ => false,
        }
    }

    /// Parameters after `(`, through `)`. Arrays and functions become pointers.
    pub(super) fn parameters(&mut self) -> PResult<(Vec<TypeId>, bool)> {
        let mut args = Vec::new();
        if self.eat_punct(punct!(")")) {
            return Ok((args, false));
        }
        if self.peek().tok == Tok::Ident(Kw::Void)
            && matches!(self.peek_at(1).tok, Tok::Punct(punct!(")")))
        {
            self.pos += 2;
            return Ok((args, false));
        }
        loop {
            if self.is_punct(punct!("...")) {
                if args.is_empty() {
                    return Err(
                        self.error("a function with only '(...)' as argument is not correct C")
                    );
                }
                self.pos += 1;
                self.expect_punct(punct!(")"))?;
                return Ok((args, true));
            }
            let spec = self.specifiers()?;
            let Base::Type(base) = spec.base else {
                return Err(self.error_at(spec.at, "'...' cannot be a parameter type here"));
            };
            let mut d = self.declarator(false)?;
            self.refuse_unknown_length(&d.ops)?;
            let at = d.name.unwrap_or(spec.at);
            d.attrs.merge(spec.attrs);
            self.refuse_unknown(&d.attrs)?;
            let base = Ty {
                id: self.apply_mode(base.id, &d.attrs)?,
                ..base
            };
            let ty = self.apply(base, d.ops, at)?;
            let id = if ty.raw_function {
                ty.id
            } else if let TypeData::Array { item, .. } | TypeData::UnknownLength(item) =
                *self.table.data(ty.id)
            {
                // An array parameter is a pointer in C, whatever its length:
                // `foo_t a` with `typedef int foo_t[...]` passes an `int *`.
                self.table.pointer(item)
            } else {
                ty.id
            };
            if matches!(self.table.data(id), TypeData::Void) {
                // `(void_t)` with `typedef void void_t;`: no parameters, as in C.
                if args.is_empty() && d.name.is_none() && self.eat_punct(punct!(")")) {
                    return Ok((args, false));
                }
                return Err(self.error_at(at, "a parameter cannot have type 'void'"));
            }
            args.push(id);
            if self.eat_punct(punct!(",")) {
                continue;
            }
            self.expect_punct(punct!(")"))?;
            return Ok((args, false));
        }
    }

    /// A type name: specifiers and a declarator, abstract unless `named`. Type
    /// strings may name what they declare (`"char cb(char, char)"`), as cffi reads
    /// them as a parameter declaration; casts inside expressions may not.
    pub(super) fn type_name(&mut self, named: bool) -> PResult<Ty> {
        let spec = self.specifiers()?;
        if spec.storage != Storage::None {
            return Err(self.error_at(spec.at, "storage class in a type name"));
        }
        let Base::Type(base) = spec.base else {
            return Err(self.error_at(spec.at, "'...' is not a type"));
        };
        let mut d = self.declarator(!named)?;
        self.refuse_unknown_length(&d.ops)?;
        d.attrs.merge(spec.attrs);
        self.refuse_unknown(&d.attrs)?;
        let base = Ty {
            id: self.apply_mode(base.id, &d.attrs)?,
            ..base
        };
        self.apply(base, d.ops, spec.at)
    }

    pub(super) fn apply(&mut self, base: Ty, ops: Vec<Op>, at: usize) -> PResult<Ty> {
        if self.derivation_depth(base.id) + ops.len() > MAX_NESTING {
            return Err(self.error_at(
                at,
                format!(
                    "type with more than {MAX_NESTING} levels of pointers, arrays and functions"
                ),
            ));
        }
        let mut cur = base;
        for op in ops {
            cur = match op {
                Op::Pointer { is_const } => {
                    if cur.raw_function {
                        Ty {
                            id: cur.id,
                            raw_function: false,
                            is_const,
                        }
                    } else {
                        Ty {
                            id: self.table.pointer(cur.id),
                            raw_function: false,
                            is_const,
                        }
                    }
                }
                Op::UnknownLength(_) | Op::Array(_) => {
                    if cur.raw_function {
                        return Err(self.error_at(
                            at,
                            "array of functions is not valid C (use an array of function pointers)",
                        ));
                    }
                    if self.table.size_of(cur.id).is_none()
                        && !matches!(
                            self.table.data(cur.id),
                            TypeData::Record(_) | TypeData::Unknown(_) | TypeData::UnknownLength(_)
                        )
                    {
                        let kind = self.table.cname(cur.id).to_string();
                        return Err(self.impossible(
                            at,
                            Refusal::Value,
                            format!("array item of unknown size: '{kind}'"),
                        ));
                    }
                    // Only an `aligned` typedef makes such an item (see
                    // `aligned_variant`); gcc refuses arrays of it.
                    if let (Some(size), Some(align)) =
                        (self.table.size_of(cur.id), self.table.align_of(cur.id))
                    {
                        if size % align != 0 {
                            let kind = self.table.cname(cur.id).to_string();
                            return Err(self.error_at(
                                at,
                                format!("size of array element '{kind}' ({size}) is not a multiple of its alignment ({align})"),
                            ));
                        }
                    }
                    let id = match op {
                        Op::Array(Some(n))
                            if self.table.size_of(cur.id).is_some_and(|s| {
                                s.checked_mul(n).is_none_or(|b| b > isize::MAX as usize)
                            }) =>
                        {
                            return Err(self.error_at(
                                at,
                                format!("array of {n} items is larger than the address space"),
                            ));
                        }
                        Op::Array(n) => self.table.array(cur.id, n),
                        _ => self.table.new_unknown_length(cur.id),
                    };
                    Ty {
                        id,
                        raw_function: false,
                        is_const: cur.is_const,
                    }
                }
                Op::Function { args, variadic } => {
                    if cur.raw_function {
                        return Err(self.error_at(at, "a function cannot return a function"));
                    }
                    if matches!(self.table.data(cur.id), TypeData::Array { .. }) {
                        let kind = self.table.cname(cur.id);
                        let why = format!("invalid result type: '{kind}'");
                        return Err(self.impossible(at, Refusal::Type, why));
                    }
                    let sig = FuncSig {
                        args,
                        result: cur.id,
                        variadic,
                        abi: None,
                    };
                    Ty {
                        id: self.table.function(sig),
                        raw_function: true,
                        is_const: false,
                    }
                }
            };
        }
        Ok(cur)
    }

    /// How many pointer, array and function-result levels lead from `id` to a
    /// named type, counted up to just past [`MAX_NESTING`] (types built with the
    /// backend primitives may go deeper than the parser allows).
    fn derivation_depth(&self, mut id: TypeId) -> usize {
        let mut depth = 0;
        while depth <= MAX_NESTING {
            id = match self.table.data(id) {
                TypeData::Pointer(t) | TypeData::UnknownLength(t) => *t,
                TypeData::Array { item, .. } => *item,
                TypeData::Function(sig) => sig.result,
                _ => break,
            };
            depth += 1;
        }
        depth
    }
}
