//! The cdef dialect of C: declarations as they appear in headers, parsed straight
//! into interned types and [`Declarations`]. One pass, no syntax tree: typedef names
//! must be known to parse C anyway, so types are resolved as they are read.

// First, so that its `punct!` macro is known to the modules after it.
#[macro_use]
mod punct;
mod attributes;
mod declarator;
pub(crate) mod expr;
mod headers;
mod keyword;
pub mod lexer;
mod macro_value;
mod macros;
mod records;
mod specifiers;
mod stack;

use crate::ctype::{Prim, TypeData, TypeId, TypeTable};
use crate::decl::{
    CdefOptions, Declarations, Entity, ExternPython, Typedef, UnknownNumeric, Warning,
};
use crate::error::{CDefError, Error, Headline, Refusal};
use crate::layout::Packing;
use crate::preprocess;
use attributes::Attrs;
use keyword::Kw;
use lexer::{Lexed, Tok, Token};
use punct::P;

/// Parses a whole `cdef()` source into `decls`.
pub fn parse_cdef(
    table: &mut TypeTable,
    decls: &mut Declarations,
    source: &str,
    options: CdefOptions,
) -> Result<Vec<Warning>, Error> {
    let config = preprocess::Config::default();
    guarded(|| cdef_unguarded(table, decls, source, options, &config))
}

/// [`parse_cdef`] with the preprocessor's search path and predefined macros.
pub fn parse_cdef_with(
    table: &mut TypeTable,
    decls: &mut Declarations,
    source: &str,
    options: CdefOptions,
    config: &preprocess::Config,
) -> Result<Vec<Warning>, Error> {
    guarded(|| cdef_unguarded(table, decls, source, options, config))
}

fn cdef_unguarded(
    table: &mut TypeTable,
    decls: &mut Declarations,
    source: &str,
    options: CdefOptions,
    config: &preprocess::Config,
) -> Result<Vec<Warning>, Error> {
    // Text without a directive (most cdefs) has nothing to preprocess: no
    // macro can be defined, and the predefined ones are reserved names.
    if !source.contains('#') && config.defines.is_empty() {
        let lexed = lexer::lex(source)?;
        let mut p = Parser::new(&lexed, table, decls, options);
        p.top_level()?;
        return Ok(p.warnings);
    }
    let pre = preprocess::preprocess(source, config)?;
    let lexed = lexer::lex_segments(&pre.text, pre.segments)?;
    let mut p = Parser::new(&lexed, table, decls, options);
    p.macros = &pre.macros;
    p.macro_index = pre
        .macros
        .iter()
        .enumerate()
        .filter(|(_, m)| m.from_user)
        .map(|(i, m)| (m.name.as_str(), i))
        .collect();
    p.macro_done = vec![false; pre.macros.len()];
    p.top_level()?;
    let mut warnings = std::mem::take(&mut p.warnings);
    if !p.skipped.is_empty() {
        warnings.push(Warning {
            message: format!(
                "cdef(): skipped {} declaration(s) of the included headers that rcffi cannot represent:\n  {}",
                p.skipped.len(),
                p.skipped.join("\n  ")
            ),
        });
    }
    let done = std::mem::take(&mut p.macro_done);
    drop(p);
    macros::declare_constants(table, decls, options, &pre.macros, &done)?;
    Ok(warnings)
}

/// Parses a type string such as `"int(*)(int)"` or `"point_t *"`. A function type
/// (`"int(int)"`) is refused unless `function_as_pointer`, where it means the
/// pointer to such a function (callbacks are declared that way).
pub fn parse_type_string(
    table: &mut TypeTable,
    decls: &mut Declarations,
    text: &str,
    function_as_pointer: bool,
) -> Result<TypeId, Error> {
    guarded(|| type_string_unguarded(table, decls, text, function_as_pointer))
}

/// Runs a parse, turning a panic (a parser bug) into an error: unwinding
/// further would reach Python as a `PanicException`, which `except Exception`
/// does not catch, or abort a Rust caller's thread.
fn guarded<T>(parse: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(parse)).unwrap_or_else(|payload| {
        let why = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(Error::CDef(CDefError {
            refusal: Refusal::Syntax,
            message: format!("internal error in the cdef parser ({why}); please report this input"),
            location: None,
            headline: Headline::None,
        }))
    })
}

fn type_string_unguarded(
    table: &mut TypeTable,
    decls: &mut Declarations,
    text: &str,
    function_as_pointer: bool,
) -> Result<TypeId, Error> {
    let lexed = lexer::lex(text).map_err(|e| name_string(Box::new(e)))?;
    let mut p = Parser::new(&lexed, table, decls, CdefOptions::default());
    let ty = p.type_name(true).map_err(name_string)?;
    if p.peek().tok != Tok::Eof {
        return Err(name_string(p.error("unexpected text after the type")).into());
    }
    if ty.raw_function && !function_as_pointer {
        return Err(Error::CDef(CDefError {
            refusal: Refusal::Syntax,
            message: format!(
                "the type '{text}' is a function type, not a pointer-to-function type"
            ),
            location: None,
            headline: Headline::None,
        }));
    }
    Ok(ty.id)
}

/// Heads a type string's syntax error with the string, as cffi does; a type that
/// parses but cannot exist keeps cffi's wording alone, as callers may match it.
fn name_string(mut e: Box<CDefError>) -> Box<CDefError> {
    if e.refusal == Refusal::Syntax {
        e.headline = Headline::CannotParse;
    }
    if let Some(loc) = &mut e.location {
        loc.file = Some("<type string>".into());
    }
    e
}

/// A type as a declarator builds it: function types stay "raw" until a pointer is
/// applied, because cffi's function ctypes stand for pointers to functions.
#[derive(Clone, Copy, Debug)]
struct Ty {
    id: TypeId,
    raw_function: bool,
    /// The object itself is const (`static const int X;`, `char *const p`).
    is_const: bool,
}

/// What declaration specifiers name before declarators apply.
#[derive(Clone, Copy, Debug)]
enum Base {
    Type(Ty),
    /// `typedef ... foo_t;`: an opaque type.
    Opaque,
    /// `typedef int... t;` or `typedef float... t;`.
    Unknown(UnknownNumeric),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Storage {
    None,
    Typedef,
    Extern,
    Static,
}

struct Specifiers {
    base: Base,
    storage: Storage,
    /// The type was written as a `struct`, `union` or `enum` specifier (not through
    /// a typedef name): only then may a typedef give the type its name.
    tagged: bool,
    /// Where the specifiers started, for diagnostics.
    at: usize,
    /// The attributes written among the specifiers.
    attrs: Attrs,
}

#[derive(Debug)]
enum Op {
    Pointer {
        is_const: bool,
    },
    Array(Option<usize>),
    /// `[...]`, at this token: a length the C compiler fills in (API mode).
    UnknownLength(usize),
    Function {
        args: Vec<TypeId>,
        variadic: bool,
    },
}

struct Declarator {
    name: Option<usize>,
    ops: Vec<Op>,
    /// The attributes written inside and after the declarator.
    attrs: Attrs,
}

/// Identifiers that name primitives without a typedef (`size_t`, `int32_t`, ...).
fn builtin_type_name(name: &str) -> Option<Prim> {
    match name {
        "bool" => Some(Prim::Bool),
        "_Bool" | "char" | "short" | "int" | "long" | "float" | "double" | "signed"
        | "unsigned" => None,
        _ if name.ends_with("_t") => Prim::from_name(name),
        _ => None,
    }
}

/// How deeply declarators, parameter lists, struct bodies and constant
/// expressions may nest, and how many pointer, array and function levels a type
/// may have. The parser and the code walking types recurse once per level; this
/// bound keeps that well inside a 512 KiB thread stack in a debug build (about
/// 2,000 levels fit there), far beyond what real headers use.
pub const MAX_NESTING: usize = 200;

/// The stack kept free below the deepest parser frame, for one more level's
/// frames, the error report and the type-name building at the leaves.
const STACK_RESERVE: usize = 128 * 1024;

/// Whether this thread is into its last [`STACK_RESERVE`] bytes of stack: for
/// every recursion on input (the parser's, the preprocessor's `#if` and macro
/// evaluation), whose frames differ in size by build (an AddressSanitizer
/// build's are several times larger) and whose threads may be small.
pub(crate) fn stack_is_low() -> bool {
    stack::remaining().is_some_and(|r| r < STACK_RESERVE)
}

struct Parser<'a, 's> {
    lx: &'a Lexed<'s>,
    pos: usize,
    table: &'a mut TypeTable,
    decls: &'a mut Declarations,
    options: CdefOptions,
    warnings: Vec<Warning>,
    /// The current nesting level, bounded by [`MAX_NESTING`].
    depth: usize,
    /// The packing of the records declared now: the `cdef()` option, changed
    /// by `#pragma pack`.
    packing: Packing,
    /// The packings `#pragma pack(push)` saved.
    pack_stack: Vec<Packing>,
    /// Declarations of headers skipped because rcffi cannot represent them:
    /// `file:line: why`.
    skipped: Vec<String>,
    /// The object-like macros the preprocessor found, by name, and which of
    /// them are declared already.
    macros: &'a [preprocess::MacroConstant],
    macro_index: crate::fasthash::FastMap<&'a str, usize>,
    macro_done: Vec<bool>,
    /// How many parameter lists enclose the current position.
    in_parameters: usize,
}

/// Errors are boxed: a parser result is then a word or two, returned in
/// registers, where an unboxed `CDefError` made every result a copy in memory.
type PResult<T> = Result<T, Box<CDefError>>;

impl<'a, 's> Parser<'a, 's> {
    fn new(
        lx: &'a Lexed<'s>,
        table: &'a mut TypeTable,
        decls: &'a mut Declarations,
        options: CdefOptions,
    ) -> Self {
        // Headers declare about one name, and make about one type, per
        // sixteen tokens: room for them up front saves rehashing the maps.
        let expected = lx.tokens.len() / 16;
        decls.reserve(expected);
        table.reserve(expected);
        Parser {
            lx,
            pos: 0,
            table,
            decls,
            options,
            warnings: Vec::new(),
            depth: 0,
            packing: options.packing,
            pack_stack: Vec::new(),
            skipped: Vec::new(),
            macros: &[],
            macro_index: Default::default(),
            macro_done: Vec::new(),
            in_parameters: 0,
        }
    }

    fn peek(&self) -> &'a Token {
        &self.lx.tokens[self.pos]
    }

    fn peek_at(&self, n: usize) -> &'a Token {
        let i = (self.pos + n).min(self.lx.tokens.len() - 1);
        &self.lx.tokens[i]
    }

    fn next(&mut self) -> &'a Token {
        let t = &self.lx.tokens[self.pos];
        if t.tok != Tok::Eof {
            self.pos += 1;
        }
        t
    }

    fn text(&self, t: &Token) -> &'s str {
        self.lx.text(t)
    }

    fn is_punct(&self, p: P) -> bool {
        self.peek().tok == Tok::Punct(p)
    }

    fn is_ident(&self, word: &str) -> bool {
        let t = self.peek();
        t.tok.is_ident() && self.text(t) == word
    }

    fn eat_punct(&mut self, p: P) -> bool {
        if self.is_punct(p) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect_punct(&mut self, p: P) -> PResult<()> {
        if self.eat_punct(p) {
            Ok(())
        } else {
            Err(self.error(&format!("expected '{p}'")))
        }
    }

    fn describe(&self, t: &Token) -> String {
        match t.tok {
            Tok::Eof => "end of input".into(),
            _ => format!("'{}'", self.text(t)),
        }
    }

    /// An error at the current token, naming it: text that is not C.
    fn error(&self, what: &str) -> Box<CDefError> {
        let t = self.peek();
        Box::new(
            self.lx
                .error_at(t, format!("{what}, found {}", self.describe(t)))
                .unparsable(),
        )
    }

    fn error_at(&self, tok_index: usize, msg: impl Into<String>) -> Box<CDefError> {
        self.token_error(&self.lx.tokens[tok_index], msg)
    }

    /// An error at token `t`.
    fn token_error(&self, t: &Token, msg: impl Into<String>) -> Box<CDefError> {
        Box::new(self.lx.error_at(t, msg))
    }

    /// An error at token `tok_index` for a type that parses but cannot exist.
    fn impossible(&self, tok_index: usize, refusal: Refusal, msg: String) -> Box<CDefError> {
        let mut e = self.error_at(tok_index, msg);
        e.refusal = refusal;
        e
    }

    /// Runs `f` one nesting level deeper, refusing to go past [`MAX_NESTING`]
    /// or into the thread's last [`STACK_RESERVE`] bytes of stack: every
    /// recursion of the parser goes through here, so no input can exhaust the
    /// stack.
    fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> PResult<T>) -> PResult<T> {
        if self.depth >= MAX_NESTING {
            return Err(self.error(&format!(
                "declaration nested too deeply (more than {MAX_NESTING} levels)"
            )));
        }
        if stack_is_low() {
            return Err(self.error(&format!(
                "declaration nested too deeply for this thread's stack ({} levels)",
                self.depth
            )));
        }
        self.depth += 1;
        let result = f(self);
        self.depth -= 1;
        result
    }

    // ----- top level -------------------------------------------------------------

    fn top_level(&mut self) -> PResult<()> {
        loop {
            let t = self.peek();
            match &t.tok {
                Tok::Eof => return Ok(()),
                Tok::Directive => {
                    self.pos += 1;
                    self.directive(t)?;
                }
                Tok::Punct(punct!(";")) => self.pos += 1,
                Tok::Ident(Kw::Extern) if matches!(self.peek_at(1).tok, Tok::Str) => {
                    self.extern_block()?;
                }
                _ => self.header_declaration()?,
            }
        }
    }

    fn extern_block(&mut self) -> PResult<()> {
        self.pos += 1;
        let str_tok = self.next();
        let quoted = self.text(str_tok);
        // Spaces inside the string do not matter (`"C + Python"`), as in cffi.
        let linkage: String = quoted[1..quoted.len() - 1]
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let kind = match linkage.as_str() {
            "Python" => Some(ExternPython::Static),
            "Python+C" | "C+Python" => Some(ExternPython::PlusC),
            "C" => None,
            s => {
                return Err(self.token_error(
                    str_tok,
                    format!("unsupported linkage \"{s}\": use extern \"Python\" or \"Python+C\""),
                ))
            }
        };
        if self.eat_punct(punct!("{")) {
            while !self.eat_punct(punct!("}")) {
                if self.peek().tok == Tok::Eof {
                    return Err(self.error("expected '}' closing the extern block"));
                }
                if self.eat_punct(punct!(";")) {
                    continue;
                }
                self.declaration(kind)?;
            }
            Ok(())
        } else {
            self.declaration(kind)
        }
    }

    /// A directive the preprocessor left for the parser: `#pragma pack`, or
    /// `#define NAME` where the cdef text defined a macro.
    fn directive(&mut self, t: &Token) -> PResult<()> {
        let cleaned = clean_directive(self.text(t));
        let text = cleaned.trim();
        if let Some(name) = text.strip_prefix("define ") {
            return self.define_marker(name.trim());
        }
        match text.strip_prefix("pragma") {
            Some(rest) => self.pragma(t, rest.trim()),
            None => {
                Err(self.token_error(t, format!("unexpected preprocessor directive '#{text}'")))
            }
        }
    }

    /// One declaration up to its `;`.
    fn declaration(&mut self, extern_python: Option<ExternPython>) -> PResult<()> {
        let spec = self.specifiers()?;
        if self.eat_punct(punct!(";")) {
            return match spec.base {
                Base::Type(_) if spec.storage != Storage::Typedef => Ok(()),
                _ => Err(self.error_at(spec.at, "declaration declares nothing")),
            };
        }
        let mut first = true;
        loop {
            let mut d = self.declarator(false)?;
            self.add_attributes(&mut d.attrs)?;
            let Some(name_idx) = d.name else {
                return Err(self.error("expected a name in this declaration"));
            };
            if first
                && self.is_punct(punct!("{"))
                && matches!(d.ops.last(), Some(Op::Function { .. }))
                && self.in_header(spec.at)
            {
                // A function definition of a header (`static inline`): a
                // `static` one is no symbol of the library.
                self.skip_function_body()?;
                if spec.storage == Storage::Static {
                    return Ok(());
                }
                return self.declare_one(&spec, d, name_idx, extern_python, first, None);
            }
            let init = self.initializer()?;
            self.declare_one(&spec, d, name_idx, extern_python, first, init)?;
            first = false;
            if self.eat_punct(punct!(",")) {
                continue;
            }
            if self.eat_punct(punct!(";")) {
                return Ok(());
            }
            return Err(self.error("expected ',' or ';' after a declarator"));
        }
    }

    /// The initializer after `=` in a declaration, if any: `Some(Some(value))`
    /// for an integer constant expression, `Some(None)` for anything else (a
    /// float, a string, an address), which is skipped: as in cffi, the value of
    /// such a declaration comes from the library.
    fn initializer(&mut self) -> PResult<Option<Option<i128>>> {
        if !self.eat_punct(punct!("=")) {
            return Ok(None);
        }
        let start = self.pos;
        if let Ok(value) = self.const_expr() {
            if self.is_punct(punct!(",")) || self.is_punct(punct!(";")) {
                return Ok(Some(Some(value)));
            }
        }
        self.pos = start;
        let mut depth = 0usize;
        loop {
            match self.peek().tok {
                Tok::Eof => return Err(self.error("expected ';' after the initializer")),
                Tok::Punct(punct!(",") | punct!(";")) if depth == 0 && self.pos == start => {
                    return Err(self.error("expected an initializer after '='"))
                }
                Tok::Punct(punct!(",") | punct!(";")) if depth == 0 => return Ok(Some(None)),
                Tok::Punct(punct!("(") | punct!("[") | punct!("{")) => depth += 1,
                Tok::Punct(punct!(")") | punct!("]") | punct!("}")) => {
                    depth = depth.saturating_sub(1)
                }
                _ => {}
            }
            self.pos += 1;
        }
    }

    fn declare_one(
        &mut self,
        spec: &Specifiers,
        d: Declarator,
        name_idx: usize,
        extern_python: Option<ExternPython>,
        first: bool,
        init: Option<Option<i128>>,
    ) -> PResult<()> {
        let name = self.text(&self.lx.tokens[name_idx]);
        let ov = self.options.override_;
        let mut attrs = spec.attrs.clone();
        attrs.merge(d.attrs);
        let base = match spec.base {
            Base::Type(t) => Ty {
                id: self.apply_mode(t.id, &attrs)?,
                ..t
            },
            Base::Opaque | Base::Unknown(_) if spec.storage != Storage::Typedef => {
                return Err(self.error_at(spec.at, "'...' as a type is only allowed in a typedef"));
            }
            Base::Unknown(kind) => {
                if !d.ops.is_empty() {
                    return Err(self.error_at(
                        name_idx,
                        "'typedef int...' and 'typedef float...' take a plain name",
                    ));
                }
                // Declaring the same placeholder again is an identical redefinition.
                if let Some(old) = self.decls.typedefs.get(name) {
                    if matches!(self.table.data(old.ty), TypeData::Unknown(k) if *k == kind) {
                        return Ok(());
                    }
                }
                let td = Typedef {
                    ty: self.table.new_unknown(name, kind),
                    raw_function: false,
                    is_const: false,
                };
                return self
                    .decls
                    .declare_typedef(name, td, self.options.override_)
                    .map_err(|m| self.error_at(name_idx, m));
            }
            Base::Opaque => {
                // cffi's name for the struct behind `typedef ... *foo_p;`.
                let cname = if d.ops.is_empty() {
                    name.to_string()
                } else {
                    format!("struct $${name}")
                };
                let id = self.table.new_record(&cname, false);
                Ty {
                    id,
                    raw_function: false,
                    is_const: false,
                }
            }
        };
        let d_is_direct = d.ops.is_empty();
        let ty = self.apply(base, d.ops, name_idx)?;
        if !ty.raw_function {
            self.refuse_unknown(&attrs)?;
        }
        if init.is_some() && (spec.storage == Storage::Typedef || ty.raw_function) {
            return Err(self.error_at(
                name_idx,
                format!("'{name}': only a variable or constant can have an initializer"),
            ));
        }
        if let Some(symbol) = attrs.asm_name.take() {
            if spec.storage != Storage::Typedef {
                self.decls.asm_names.insert(name.to_string(), symbol);
            }
        }
        if spec.storage == Storage::Typedef
            && self.in_header(name_idx)
            && self.is_builtin_redeclaration(name, ty.id)
        {
            return Ok(());
        }
        if spec.storage == Storage::Typedef {
            // cffi renames a tagged type after the first typedef naming it directly,
            // in the first declarator of its declaration (`typedef struct s_s *p,
            // s_t;` leaves `struct s_s` alone). Anonymous types got their name from
            // `anonymous_name` already.
            if first && spec.tagged && d_is_direct && self.table.has_tag_name(ty.id) {
                self.table.rename(ty.id, name);
            }
            // gcc ignores `packed` on a typedef, but `aligned(N)` makes a
            // variant of the type with another alignment and the same size.
            let mut id = ty.id;
            if let Some(n) = attrs.aligned {
                if self.table.align_of(id) != Some(n) {
                    id = self.aligned_variant(id, name, n).ok_or_else(|| {
                        let cname = self.table.cname(id).to_string();
                        self.error_at(
                            name_idx,
                            format!("typedef '{name}' gives '{cname}' the alignment {n} without changing its size: rcffi cannot represent that type"),
                        )
                    })?;
                }
            }
            let td = Typedef {
                ty: id,
                raw_function: ty.raw_function,
                is_const: ty.is_const,
            };
            return self
                .decls
                .declare_typedef(name, td, ov)
                .map_err(|m| self.error_at(name_idx, m));
        }
        let entity = if ty.raw_function {
            let exported = self.options.exported.then_some(ExternPython::Exported);
            let variadic = self.table.func(ty.id).is_some_and(|f| f.variadic);
            if exported.is_some() && extern_python.is_none() && variadic {
                return Err(self.error_at(
                    name_idx,
                    format!("'{name}': a variadic function cannot be exported by an embedding library (its Python function could not know the arguments)"),
                ));
            }
            Entity::Function {
                ty: ty.id,
                extern_python: extern_python.or(exported),
            }
        } else {
            if extern_python.is_some() {
                return Err(self.error_at(
                    name_idx,
                    format!(
                        "extern \"Python\" only applies to functions, but '{name}' is a variable"
                    ),
                ));
            }
            if matches!(self.table.data(ty.id), TypeData::Void) {
                return Err(self.error_at(name_idx, format!("'{name}' is declared as 'void'")));
            }
            // A const-qualified global (`static const int X;`, `extern char *const
            // p;`) is a constant: read, never written (its storage may be read-only).
            // An array of const items stays a variable, as in cffi, since an array
            // cannot be copied out as a value.
            let constant = ty.is_const
                && !matches!(
                    self.table.data(ty.id),
                    TypeData::Array { .. } | TypeData::UnknownLength(_)
                );
            let integer = match self.table.data(ty.id) {
                TypeData::Primitive(p) => p.is_integer(),
                TypeData::Enum(_) => true,
                _ => false,
            };
            if let (Some(Some(value)), true) = (init, integer) {
                // The cdef gives the value (`static const int FOO = -43;`, or even
                // `int x = 5;`, as cffi takes it): an integer constant of the lib,
                // in ABI mode as in API mode, like `#define FOO -43`.
                return self
                    .decls
                    .declare(name, Entity::IntConstant { value, ty: None }, ov)
                    .map_err(|m| self.error_at(name_idx, m));
            }
            if spec.storage == Storage::None && !constant {
                self.warnings.push(Warning {
                    message: format!(
                        "Global variable '{name}' in cdef(): for consistency with C it should have a storage class specifier (usually 'extern')"
                    ),
                });
            }
            Entity::Global {
                ty: ty.id,
                constant,
            }
        };
        self.decls
            .declare(name, entity, ov)
            .map_err(|m| self.error_at(name_idx, m))
    }

    /// Refuses `[...]` where no declaration tells API mode how to measure the
    /// array (parameters, type strings), as cffi does.
    fn refuse_unknown_length(&self, ops: &[Op]) -> PResult<()> {
        match ops.iter().find_map(|op| match op {
            Op::UnknownLength(at) => Some(*at),
            _ => None,
        }) {
            Some(at) => Err(self.error_at(
                at,
                "unsupported '[...]' here: the length can only be derived for a global variable, a typedef or a struct field",
            )),
            None => Ok(()),
        }
    }

    // ----- specifiers ------------------------------------------------------------

    fn is_type_start(&self, t: &Token) -> bool {
        let Tok::Ident(kw) = t.tok else {
            return false;
        };
        let w = self.text(t);
        kw.starts_type() || builtin_type_name(w).is_some() || self.decls.typedefs.contains_key(w)
    }
}

/// The text of a directive as the preprocessor sees it: line continuations
/// joined and block comments replaced by a space (a `//` comment already ends
/// the token).
fn clean_directive(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("/*") {
            out.push(' ');
            rest = after.find("*/").map_or("", |n| &after[n + 2..]);
        } else if let Some(after) = rest
            .strip_prefix("\\\r\n")
            .or_else(|| rest.strip_prefix("\\\n"))
        {
            rest = after;
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

#[cfg(test)]
mod tests;
