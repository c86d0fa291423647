//! GCC attributes (`__attribute__((...))`), `__asm__("name")` and
//! `__declspec(...)`: the layout-changing ones are read so that the layout can
//! honour them, the ones that cannot change a layout or a call are dropped, and
//! any other is refused where it could change a layout: a silently wrong
//! layout is worse than an error.

use super::keyword::Kw;
use super::lexer::Tok;
use super::{PResult, Parser};
use crate::ctype::{Prim, TypeData, TypeId};
use crate::layout::Packing;

/// `__BIGGEST_ALIGNMENT__` of the x86-64 and aarch64 ABIs: what a bare
/// `aligned` means.
const BIGGEST_ALIGNMENT: usize = 16;

/// The attributes written at one place of a declaration.
#[derive(Clone, Debug, Default)]
pub(super) struct Attrs {
    /// `packed`.
    pub packed: bool,
    /// The largest `aligned(N)` (a bare `aligned` is [`BIGGEST_ALIGNMENT`]).
    pub aligned: Option<usize>,
    /// `mode(...)`: the machine mode replacing the type's size, at its token.
    pub mode: Option<(Mode, usize)>,
    /// `__asm__("name")`: the symbol the declaration is linked under.
    pub asm_name: Option<String>,
    /// The first attribute rcffi does not know, at its token: refused where it
    /// could change a layout, ignored on functions.
    pub unknown: Option<usize>,
}

impl Attrs {
    /// Adds the attributes of another place of the same declaration.
    pub fn merge(&mut self, other: Attrs) {
        self.packed |= other.packed;
        self.aligned = match (self.aligned, other.aligned) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        self.mode = other.mode.or(self.mode);
        self.asm_name = other.asm_name.or(self.asm_name.take());
        self.unknown = self.unknown.or(other.unknown);
    }
}

/// A machine mode of `mode(...)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Mode {
    /// An integer of this many bytes (`QI` 1, `HI` 2, `SI` 4, `DI` 8,
    /// `word`/`pointer` 8).
    Int(usize),
    /// `SF`: float.
    Float,
    /// `DF`: double.
    Double,
    /// `TI`, `TF`, `XF`, vector modes...: no type of rcffi has it.
    Unsupported,
}

impl Mode {
    fn from_name(name: &str) -> Mode {
        match name.trim_start_matches("__").trim_end_matches("__") {
            "QI" | "byte" => Mode::Int(1),
            "HI" => Mode::Int(2),
            "SI" => Mode::Int(4),
            "DI" | "word" | "pointer" | "unwind_word" => Mode::Int(8),
            "SF" => Mode::Float,
            "DF" => Mode::Double,
            _ => Mode::Unsupported,
        }
    }
}

/// Attributes that change neither a layout nor how a function is called:
/// diagnostics, optimisation hints, linkage and symbol visibility.
fn is_layout_neutral(name: &str) -> bool {
    matches!(
        name,
        "deprecated"
            | "unavailable"
            | "visibility"
            | "nonnull"
            | "format"
            | "format_arg"
            | "noreturn"
            | "warn_unused_result"
            | "malloc"
            | "pure"
            | "const"
            | "nothrow"
            | "leaf"
            | "access"
            | "unused"
            | "used"
            | "maybe_unused"
            | "cold"
            | "hot"
            | "sentinel"
            | "always_inline"
            | "noinline"
            | "gnu_inline"
            | "artificial"
            | "returns_nonnull"
            | "returns_twice"
            | "alloc_size"
            | "alloc_align"
            | "assume_aligned"
            | "may_alias"
            | "weak"
            | "alias"
            | "weakref"
            | "section"
            | "externally_visible"
            | "nonstring"
            | "warning"
            | "error"
            | "fd_arg"
            | "fd_arg_read"
            | "fd_arg_write"
            | "null_terminated_string_arg"
            | "no_instrument_function"
            | "no_sanitize"
            | "no_sanitize_address"
            | "no_sanitize_thread"
            | "no_sanitize_undefined"
            | "no_stack_protector"
            | "tls_model"
            | "cleanup"
            | "designated_init"
            | "flatten"
            | "optimize"
            | "target"
            | "nodiscard"
            | "noplt"
            | "copy"
            | "counted_by"
            | "fallthrough"
            | "transparent_union"
            | "dllimport"
            | "dllexport"
            | "noclone"
            | "no_reorder"
            | "noipa"
            | "retain"
            | "constructor"
            | "destructor"
            | "ifunc"
            | "no_split_stack"
            | "zero_call_used_regs"
            | "strub"
            | "common"
            | "nocommon"
            | "unsequenced"
            | "reproducible"
            | "availability"
            | "objc_root_class"
            | "swift_name"
            | "enum_extensibility"
            | "flag_enum"
    )
}

/// An attribute name without the `__` GCC allows around it.
fn bare(name: &str) -> &str {
    name.strip_prefix("__")
        .and_then(|n| n.strip_suffix("__"))
        .unwrap_or(name)
}

impl Parser<'_, '_> {
    /// Reads the attributes, `__asm__` labels and `__declspec`s at the current
    /// position into `attrs` (called before every specifier and declarator,
    /// ~80,000 times for a 260 KB header: the common case, no attribute, is
    /// decided inline on the token's keyword).
    #[inline(always)]
    pub(super) fn add_attributes(&mut self, attrs: &mut Attrs) -> PResult<()> {
        if self.at_attribute() {
            attrs.merge(self.attributes_here()?);
        }
        Ok(())
    }

    /// The attributes at the current position, as [`Parser::add_attributes`].
    pub(super) fn attributes(&mut self) -> PResult<Attrs> {
        let mut attrs = Attrs::default();
        self.add_attributes(&mut attrs)?;
        Ok(attrs)
    }

    fn at_attribute(&self) -> bool {
        self.peek().tok == Tok::Ident(Kw::Attribute)
    }

    #[inline(never)]
    fn attributes_here(&mut self) -> PResult<Attrs> {
        let mut attrs = Attrs::default();
        while self.at_attribute() {
            match self.text(self.peek()) {
                "__attribute__" | "__attribute" => {
                    self.pos += 1;
                    self.expect_punct(punct!("("))?;
                    self.expect_punct(punct!("("))?;
                    self.attribute_list(&mut attrs)?;
                    self.expect_punct(punct!(")"))?;
                }
                "__asm__" | "__asm" => {
                    self.pos += 1;
                    attrs.asm_name = Some(self.asm_label()?);
                }
                "__declspec" => {
                    self.pos += 1;
                    self.expect_punct(punct!("("))?;
                    self.skip_balanced()?;
                }
                _ => break,
            }
        }
        Ok(attrs)
    }

    /// The attributes inside `__attribute__((` ... `))`, up to the inner `)`.
    fn attribute_list(&mut self, attrs: &mut Attrs) -> PResult<()> {
        loop {
            if self.eat_punct(punct!(")")) {
                return Ok(());
            }
            if self.eat_punct(punct!(",")) {
                continue;
            }
            let at = self.pos;
            let t = self.next();
            if !t.tok.is_ident() {
                return Err(self.token_error(
                    t,
                    format!("expected an attribute name, found {}", self.describe(t)),
                ));
            }
            let name = bare(self.text(t));
            let has_args = self.eat_punct(punct!("("));
            match name {
                "packed" => attrs.packed = true,
                "aligned" => {
                    let n = if has_args {
                        let v = self.const_expr()?;
                        self.expect_punct(punct!(")"))?;
                        if v <= 0 || v > 1 << 28 || v & (v - 1) != 0 {
                            return Err(self.error_at(
                                at,
                                format!("requested alignment {v} is not a positive power of 2"),
                            ));
                        }
                        v as usize
                    } else {
                        BIGGEST_ALIGNMENT
                    };
                    attrs.aligned = Some(attrs.aligned.map_or(n, |a| a.max(n)));
                }
                "mode" if has_args => {
                    let m = self.next();
                    let mode = Mode::from_name(self.text(m));
                    self.expect_punct(punct!(")"))?;
                    attrs.mode = Some((mode, at));
                }
                _ => {
                    if has_args {
                        self.skip_balanced()?;
                    }
                    if !is_layout_neutral(name) {
                        attrs.unknown = attrs.unknown.or(Some(at));
                    }
                }
            }
        }
    }

    /// `("name" "more")` after `__asm__`: the symbol name.
    fn asm_label(&mut self) -> PResult<String> {
        self.expect_punct(punct!("("))?;
        let mut name = String::new();
        while self.peek().tok == Tok::Str {
            let t = self.next();
            let quoted = self.text(t);
            name.push_str(&quoted[1..quoted.len() - 1]);
        }
        self.expect_punct(punct!(")"))?;
        Ok(name)
    }

    /// Skips to the `)` closing a `(` already read.
    fn skip_balanced(&mut self) -> PResult<()> {
        let mut depth = 1;
        while depth > 0 {
            match self.next().tok {
                Tok::Punct(punct!("(")) => depth += 1,
                Tok::Punct(punct!(")")) => depth -= 1,
                Tok::Eof => return Err(self.error("unbalanced parentheses in an attribute")),
                _ => {}
            }
        }
        Ok(())
    }

    /// Refuses an attribute the layout could depend on but rcffi does not know.
    pub(super) fn refuse_unknown(&self, attrs: &Attrs) -> PResult<()> {
        match attrs.unknown {
            Some(at) => {
                let name = self.text(&self.lx.tokens[at]);
                Err(self.error_at(
                    at,
                    format!("unsupported attribute '{name}': it may change the layout, which rcffi would then get wrong"),
                ))
            }
            None => Ok(()),
        }
    }

    /// The type `mode(...)` makes of `ty`: an integer of the mode's size and
    /// the type's signedness, or `float`/`double`.
    pub(super) fn apply_mode(&mut self, ty: TypeId, attrs: &Attrs) -> PResult<TypeId> {
        let Some((mode, at)) = attrs.mode else {
            return Ok(ty);
        };
        let prim = match self.table.data(ty) {
            TypeData::Primitive(p) => Some(*p),
            TypeData::Enum(e) => Some(e.base),
            _ => None,
        };
        let made = match (mode, prim) {
            (Mode::Int(size), Some(p)) if p.is_integer() => integer_of_size(size, p.is_signed()),
            (Mode::Float, Some(p)) if !p.is_integer() => Some(Prim::Float),
            (Mode::Double, Some(p)) if !p.is_integer() => Some(Prim::Double),
            _ => None,
        };
        match made {
            Some(p) => Ok(self.table.primitive(p)),
            None => {
                let what = self.text(&self.lx.tokens[at + 2]).to_string();
                let base = self.table.cname(ty).to_string();
                Err(self.error_at(
                    at,
                    format!("unsupported mode '{what}' on type '{base}': rcffi has no such type"),
                ))
            }
        }
    }
}

/// The standard integer type of `size` bytes (LP64).
fn integer_of_size(size: usize, signed: bool) -> Option<Prim> {
    Some(match (size, signed) {
        (1, true) => Prim::SChar,
        (1, false) => Prim::UChar,
        (2, true) => Prim::Short,
        (2, false) => Prim::UShort,
        (4, true) => Prim::Int,
        (4, false) => Prim::UInt,
        (8, true) => Prim::Long,
        (8, false) => Prim::ULong,
        _ => return None,
    })
}

impl Parser<'_, '_> {
    /// The type `typedef T name __attribute__((aligned(n)))` names: for a
    /// complete record T and a larger alignment, a copy of T with T's members
    /// and size and the alignment `n`, as gcc keeps the size (so an array of
    /// it is refused when the size is no multiple of `n`). `None` for what
    /// rcffi cannot represent: a scalar with another alignment, a smaller one.
    pub(super) fn aligned_variant(&mut self, id: TypeId, name: &str, n: usize) -> Option<TypeId> {
        let record = self.table.record(id)?;
        let (layout, fields) = (record.layout?, record.fields.clone()?);
        if n < layout.align {
            return None;
        }
        let is_union = record.is_union;
        let variant = self.table.new_record(name, is_union);
        let layout = crate::layout::Layout { align: n, ..layout };
        self.table.complete_record_with(variant, fields, layout);
        Some(variant)
    }
}

impl Parser<'_, '_> {
    /// `#pragma pack(...)`, which sets the packing of the records declared
    /// after it; other pragmas change nothing rcffi models and are ignored,
    /// as compilers ignore the pragmas they do not know.
    pub(super) fn pragma(&mut self, t: &super::lexer::Token, rest: &str) -> PResult<()> {
        let Some(args) = rest.strip_prefix("pack") else {
            return Ok(());
        };
        let bad = |p: &Self| {
            p.token_error(
                t,
                format!("malformed '#pragma pack{args}': expected pack(N), pack(), pack(push[, N]) or pack(pop)"),
            )
        };
        let inner = args
            .trim()
            .strip_prefix('(')
            .and_then(|a| a.strip_suffix(')'))
            .ok_or_else(|| bad(self))?;
        let words: Vec<&str> = inner.split(',').map(str::trim).collect();
        let width = |p: &Self, w: &str| -> PResult<Packing> {
            match w.parse::<usize>() {
                Ok(n @ (1 | 2 | 4 | 8 | 16)) => Ok(Packing::Pack(n)),
                _ => Err(p.token_error(
                    t,
                    format!("'#pragma pack': alignment must be 1, 2, 4, 8 or 16, not '{w}'"),
                )),
            }
        };
        match words.as_slice() {
            [""] => self.packing = self.options.packing,
            ["push"] => self.pack_stack.push(self.packing),
            ["push", n] => {
                let new = width(self, n)?;
                self.pack_stack.push(self.packing);
                self.packing = new;
            }
            ["pop"] => {
                self.packing = self.pack_stack.pop().unwrap_or(self.options.packing);
            }
            [n] => self.packing = width(self, n)?,
            _ => return Err(bad(self)),
        }
        Ok(())
    }
}
