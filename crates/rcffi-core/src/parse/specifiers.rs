//! Declaration specifiers: storage classes, qualifiers and the base type,
//! from keyword combinations (`unsigned long int`), typedef names or tags.

use super::attributes::Attrs;
use super::keyword::Kw;
use super::lexer::Tok;
use super::{builtin_type_name, Base, PResult, Parser, Specifiers, Storage, Ty};
use crate::ctype::{Prim, TypeId};
use crate::decl::{Typedef, UnknownNumeric};
use crate::error::text;

impl<'s> Parser<'_, 's> {
    pub(super) fn specifiers(&mut self) -> PResult<Specifiers> {
        let at = self.pos;
        let mut storage = Storage::None;
        let mut is_const = false;
        let mut words = Words::default();
        let mut named: Option<Ty> = None;
        let mut tagged = false;
        let mut base_special: Option<Base> = None;
        let mut attrs = Attrs::default();
        let mut atomic = None;
        loop {
            self.add_attributes(&mut attrs)?;
            let t = self.peek();
            if t.tok == Tok::Punct(punct!("..."))
                && words.is_empty()
                && named.is_none()
                && base_special.is_none()
            {
                self.pos += 1;
                base_special = Some(Base::Opaque);
                continue;
            }
            if t.tok == Tok::Punct(punct!("...")) && named.is_none() && !words.is_empty() {
                let has = |kw: Kw| words.contains(kw);
                // Only 'int...' and 'float...'/'double...' name a kind the
                // compiler's size and sign answers can resolve (as in cffi).
                if has(Kw::Void)
                    || has(Kw::Complex)
                    || has(Kw::Bool)
                    || ((has(Kw::Float) || has(Kw::Double)) && has(Kw::Long))
                {
                    return Err(self.error_at(
                        self.pos,
                        "'...' can only follow an integer type ('int...') or 'float'/'double'",
                    ));
                }
                self.pos += 1;
                let kind = if has(Kw::Float) || has(Kw::Double) {
                    UnknownNumeric::Float
                } else {
                    UnknownNumeric::Integer
                };
                base_special = Some(Base::Unknown(kind));
                words.clear();
                continue;
            }
            let Tok::Ident(kw) = t.tok else {
                break;
            };
            let w = self.text(t);
            match kw {
                Kw::Typedef => storage = Storage::Typedef,
                Kw::Extern => storage = Storage::Extern,
                Kw::Static => storage = Storage::Static,
                Kw::Const => is_const = true,
                Kw::Atomic if self.peek_at(1).tok == Tok::Punct(punct!("(")) => {
                    if named.is_some() || !words.is_empty() {
                        return Err(self.token_error(t, text::TOO_MANY_SPECIFIERS));
                    }
                    let at = self.pos;
                    self.pos += 2;
                    let inner = self.type_name(false)?;
                    self.expect_punct(punct!(")"))?;
                    named = Some(self.atomic(inner, at)?);
                    continue;
                }
                Kw::Atomic => atomic = Some(self.pos),
                Kw::Typeof if named.is_none() && words.is_empty() => {
                    self.pos += 1;
                    named = Some(self.typeof_specifier()?);
                    continue;
                }
                Kw::Qualifier => {}
                _ if kw.is_type_word() && named.is_none() => {
                    if !words.push(kw, w) {
                        return Err(self.token_error(t, text::TOO_MANY_SPECIFIERS));
                    }
                }
                Kw::Struct | Kw::Union | Kw::Enum if named.is_none() && words.is_empty() => {
                    self.pos += 1;
                    let in_typedef = storage == Storage::Typedef;
                    let ty = if kw == Kw::Enum {
                        self.enum_specifier(in_typedef)?
                    } else {
                        self.record_specifier(kw == Kw::Union, in_typedef)?
                    };
                    tagged = true;
                    named = Some(Ty {
                        id: ty,
                        raw_function: false,
                        is_const: false,
                    });
                    continue;
                }
                Kw::Unsupported => {
                    return Err(
                        self.token_error(t, format!("the type '{w}' is not supported by rcffi"))
                    );
                }
                Kw::VaList if named.is_none() && words.is_empty() => {
                    named = Some(Ty {
                        id: self.va_list_type(),
                        raw_function: false,
                        is_const: false,
                    });
                }
                _ if named.is_none() && words.is_empty() && base_special.is_none() => {
                    if let Some(td) = self.decls.typedefs.get(w) {
                        named = Some(Ty {
                            id: td.ty,
                            raw_function: td.raw_function,
                            is_const: td.is_const,
                        });
                    } else if let Some(p) = builtin_type_name(w) {
                        named = Some(Ty {
                            id: self.table.primitive(p),
                            raw_function: false,
                            is_const: false,
                        });
                    } else if kw == Kw::File {
                        named = Some(Ty {
                            id: self.file_type(),
                            raw_function: false,
                            is_const: false,
                        });
                    } else {
                        break;
                    }
                }
                _ => break,
            }
            self.pos += 1;
        }
        let base = if let Some(b) = base_special {
            b
        } else if let Some(mut n) = named {
            n.is_const |= is_const;
            Base::Type(n)
        } else if !words.is_empty() {
            let id = match combine_words(words.keywords()) {
                Some(None) => self.table.void(),
                Some(Some(p)) => self.table.primitive(p),
                None => {
                    return Err(self.error_at(
                        at,
                        format!(
                            "invalid combination of type specifiers: '{}'",
                            words.texts().join(" ")
                        ),
                    ))
                }
            };
            Base::Type(Ty {
                id,
                raw_function: false,
                is_const,
            })
        } else {
            let t = self.peek();
            let msg = if t.tok.is_ident() {
                format!("unknown type name '{}'", self.text(t))
            } else {
                format!("expected a type, found {}", self.describe(t))
            };
            return Err(Box::new(self.lx.error_at(t, msg).unparsable()));
        };
        let base = match (atomic, base) {
            (Some(at), Base::Type(ty)) => Base::Type(self.atomic(ty, at)?),
            (Some(at), _) => return Err(self.error_at(at, "'_Atomic' needs a type")),
            (None, base) => base,
        };
        Ok(Specifiers {
            base,
            storage,
            tagged,
            at,
            attrs,
        })
    }

    pub(super) fn file_type(&mut self) -> TypeId {
        if let Some(td) = self.decls.typedefs.get("FILE") {
            return td.ty;
        }
        let id = self.table.file();
        self.decls.typedefs.insert(
            "FILE".into(),
            Typedef {
                ty: id,
                raw_function: false,
                is_const: false,
            },
        );
        id
    }
}

/// The specifier keywords of one declaration (`unsigned long int`), kept on the
/// stack: `specifiers()` runs for every declaration, field and parameter. The
/// texts are kept for the message refusing a combination.
#[derive(Default)]
struct Words<'s> {
    keywords: [Option<Kw>; 6],
    texts: [&'s str; 6],
    len: usize,
}

impl<'s> Words<'s> {
    /// Adds a keyword; false when there are more than any valid type has.
    fn push(&mut self, kw: Kw, text: &'s str) -> bool {
        if self.len == self.texts.len() {
            return false;
        }
        self.keywords[self.len] = Some(kw);
        self.texts[self.len] = text;
        self.len += 1;
        true
    }

    fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn clear(&mut self) {
        self.len = 0;
    }

    fn contains(&self, kw: Kw) -> bool {
        self.keywords[..self.len].contains(&Some(kw))
    }

    fn keywords(&self) -> &[Option<Kw>] {
        &self.keywords[..self.len]
    }

    fn texts(&self) -> &[&'s str] {
        &self.texts[..self.len]
    }
}

/// Maps a multiset of specifier keywords to a primitive (`None` inside for void).
fn combine_words(words: &[Option<Kw>]) -> Option<Option<Prim>> {
    let count = |kw: Kw| words.iter().filter(|x| **x == Some(kw)).count();
    let (signed, unsigned, long, short) = (
        count(Kw::Signed),
        count(Kw::Unsigned),
        count(Kw::Long),
        count(Kw::Short),
    );
    let (int, char_, float, double) = (
        count(Kw::Int),
        count(Kw::Char),
        count(Kw::Float),
        count(Kw::Double),
    );
    let (void, bool_, complex) = (count(Kw::Void), count(Kw::Bool), count(Kw::Complex));
    if signed + unsigned > 1
        || short > 1
        || long > 2
        || int > 1
        || char_ > 1
        || float > 1
        || double > 1
        || void > 1
        || bool_ > 1
        || complex > 1
    {
        return None;
    }
    let sign = signed + unsigned;
    let p = if void == 1 {
        if words.len() != 1 {
            return None;
        }
        return Some(None);
    } else if bool_ == 1 {
        if words.len() != 1 {
            return None;
        }
        Prim::Bool
    } else if float == 1 || double == 1 {
        if sign + short + int + char_ > 0 || (float == 1 && (double == 1 || long > 0)) || long > 1 {
            return None;
        }
        match (float, long, complex) {
            (1, 0, 0) => Prim::Float,
            (1, 0, 1) => Prim::FloatComplex,
            (0, 0, 0) => Prim::Double,
            (0, 0, 1) => Prim::DoubleComplex,
            (0, 1, 0) => Prim::LongDouble,
            _ => return None,
        }
    } else if complex == 1 {
        return None;
    } else if char_ == 1 {
        if short + long + int > 0 {
            return None;
        }
        match (signed, unsigned) {
            (0, 0) => Prim::Char,
            (1, 0) => Prim::SChar,
            _ => Prim::UChar,
        }
    } else if short == 1 {
        if long > 0 {
            return None;
        }
        if unsigned == 1 {
            Prim::UShort
        } else {
            Prim::Short
        }
    } else {
        match (long, unsigned) {
            (0, 0) => Prim::Int,
            (0, _) => Prim::UInt,
            (1, 0) => Prim::Long,
            (1, _) => Prim::ULong,
            (_, 0) => Prim::LongLong,
            (_, _) => Prim::ULongLong,
        }
    };
    Some(Some(p))
}
