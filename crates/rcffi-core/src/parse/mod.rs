//! The cdef dialect of C: declarations as they appear in headers, parsed straight
//! into interned types and [`Declarations`]. One pass, no syntax tree: typedef names
//! must be known to parse C anyway, so types are resolved as they are read.

mod expr;
pub mod lexer;
mod stack;

use crate::ctype::{FieldDecl, FuncSig, Prim, TypeData, TypeId, TypeTable};
use crate::decl::{
    CdefOptions, Declarations, Entity, ExternPython, Typedef, UnknownNumeric, Warning,
};
use crate::error::{CDefError, Error};
use lexer::{Lexed, Tok, Token};

/// Parses a whole `cdef()` source into `decls`.
pub fn parse_cdef(
    table: &mut TypeTable,
    decls: &mut Declarations,
    source: &str,
    options: CdefOptions,
) -> Result<Vec<Warning>, Error> {
    guarded(|| cdef_unguarded(table, decls, source, options))
}

fn cdef_unguarded(
    table: &mut TypeTable,
    decls: &mut Declarations,
    source: &str,
    options: CdefOptions,
) -> Result<Vec<Warning>, Error> {
    let lexed = lexer::lex(source)?;
    let mut p = Parser {
        lx: &lexed,
        pos: 0,
        table,
        decls,
        options,
        warnings: Vec::new(),
        depth: 0,
    };
    p.top_level()?;
    Ok(p.warnings)
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
            message: format!("internal error in the cdef parser ({why}); please report this input"),
            location: None,
        }))
    })
}

fn type_string_unguarded(
    table: &mut TypeTable,
    decls: &mut Declarations,
    text: &str,
    function_as_pointer: bool,
) -> Result<TypeId, Error> {
    let lexed = lexer::lex(text).map_err(|e| name_string(e, text))?;
    let mut p = Parser {
        lx: &lexed,
        pos: 0,
        table,
        decls,
        options: CdefOptions::default(),
        warnings: Vec::new(),
        depth: 0,
    };
    let ty = p.type_name().map_err(|e| name_string(e, text))?;
    if p.peek().tok != Tok::Eof {
        return Err(name_string(p.error("unexpected text after the type"), text).into());
    }
    if ty.raw_function && !function_as_pointer {
        return Err(Error::CDef(CDefError {
            message: format!(
                "the type '{text}' is a function type, not a pointer-to-function type"
            ),
            location: None,
        }));
    }
    Ok(ty.id)
}

fn name_string(mut e: CDefError, text: &str) -> CDefError {
    e.message = format!("cannot parse type \"{text}\": {}", e.message);
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
}

/// Words accepted and ignored where C allows qualifiers: qualifiers, function
/// specifiers, calling conventions and storage hints (`const` is also noted).
fn is_qualifier(w: &str) -> bool {
    matches!(
        w,
        "const"
            | "volatile"
            | "restrict"
            | "__restrict"
            | "__restrict__"
            | "__const"
            | "__const__"
            | "__volatile__"
            | "__volatile"
            | "__extension__"
            | "inline"
            | "__inline"
            | "__inline__"
            | "_Noreturn"
            | "__cdecl"
            | "__stdcall"
            | "WINAPI"
            | "__fastcall"
            | "__thiscall"
            | "register"
            | "auto"
    )
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

struct Parser<'a, 's> {
    lx: &'a Lexed<'s>,
    pos: usize,
    table: &'a mut TypeTable,
    decls: &'a mut Declarations,
    options: CdefOptions,
    warnings: Vec<Warning>,
    /// The current nesting level, bounded by [`MAX_NESTING`].
    depth: usize,
}

type PResult<T> = Result<T, CDefError>;

impl<'a, 's> Parser<'a, 's> {
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

    fn is_punct(&self, p: &str) -> bool {
        matches!(self.peek().tok, Tok::Punct(q) if q == p)
    }

    fn is_ident(&self, word: &str) -> bool {
        let t = self.peek();
        t.tok == Tok::Ident && self.text(t) == word
    }

    fn eat_punct(&mut self, p: &str) -> bool {
        if self.is_punct(p) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect_punct(&mut self, p: &str) -> PResult<()> {
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

    /// An error at the current token, naming it.
    fn error(&self, what: &str) -> CDefError {
        let t = self.peek();
        self.lx
            .error_at(t, format!("{what}, found {}", self.describe(t)))
    }

    fn error_at(&self, tok_index: usize, msg: impl Into<String>) -> CDefError {
        self.lx.error_at(&self.lx.tokens[tok_index], msg)
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
        if stack::remaining().is_some_and(|r| r < STACK_RESERVE) {
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
                Tok::Punct(";") => self.pos += 1,
                Tok::Ident
                    if self.text(t) == "extern" && matches!(self.peek_at(1).tok, Tok::Str) =>
                {
                    self.extern_block()?;
                }
                _ => self.declaration(None)?,
            }
        }
    }

    fn extern_block(&mut self) -> PResult<()> {
        self.pos += 1;
        let str_tok = self.next();
        let quoted = self.text(str_tok);
        let kind = match &quoted[1..quoted.len() - 1] {
            "Python" => Some(ExternPython::Static),
            "Python+C" => Some(ExternPython::PlusC),
            "C" => None,
            s => {
                return Err(self.lx.error_at(
                    str_tok,
                    format!("unsupported linkage \"{s}\": use extern \"Python\" or \"Python+C\""),
                ))
            }
        };
        if self.eat_punct("{") {
            while !self.eat_punct("}") {
                if self.peek().tok == Tok::Eof {
                    return Err(self.error("expected '}' closing the extern block"));
                }
                if self.eat_punct(";") {
                    continue;
                }
                self.declaration(kind)?;
            }
            Ok(())
        } else {
            self.declaration(kind)
        }
    }

    fn directive(&mut self, t: &Token) -> PResult<()> {
        let cleaned = clean_directive(self.text(t));
        let text = cleaned.trim();
        let mut words = text.splitn(2, |c: char| c.is_whitespace());
        let word = words.next().unwrap_or("");
        let rest = words.next().unwrap_or("").trim();
        if word != "define" {
            return Err(self.lx.error_at(
                t,
                format!("unsupported preprocessor directive '#{word}': cdef() only accepts '#define NAME <integer>' and '#define NAME ...'"),
            ));
        }
        let name_end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let name = &rest[..name_end];
        let value = rest[name_end..].trim();
        if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(self
                .lx
                .error_at(t, format!("'#define' needs a name, found '{rest}'")));
        }
        if rest[name_end..].starts_with('(') {
            return Err(self.lx.error_at(
                t,
                format!("function-like macro '{name}' is not supported in cdef(): declare it as a function instead (API mode)"),
            ));
        }
        let entity = if value == "..." {
            Entity::UnknownConstant
        } else {
            match parse_define_value(value) {
                Some(v) => Entity::IntConstant { value: v, ty: None },
                None => {
                    return Err(self.lx.error_at(
                        t,
                        format!(
                        "'#define {name} {value}': only integer constants and '...' are supported"
                    ),
                    ))
                }
            }
        };
        self.decls
            .declare(name, entity, self.options.override_)
            .map_err(|m| self.lx.error_at(t, m))
    }

    /// One declaration up to its `;`.
    fn declaration(&mut self, extern_python: Option<ExternPython>) -> PResult<()> {
        let spec = self.specifiers()?;
        if self.eat_punct(";") {
            return match spec.base {
                Base::Type(_) if spec.storage != Storage::Typedef => Ok(()),
                _ => Err(self.error_at(spec.at, "declaration declares nothing")),
            };
        }
        let mut first = true;
        loop {
            let d = self.declarator(false)?;
            self.skip_attributes()?;
            let Some(name_idx) = d.name else {
                return Err(self.error("expected a name in this declaration"));
            };
            let name = self.text(&self.lx.tokens[name_idx]);
            self.declare_one(&spec, d, name, name_idx, extern_python, first)?;
            first = false;
            if self.eat_punct("=") {
                return Err(self.error_at(
                    self.pos - 1,
                    format!("'{name}': initializers are not supported in cdef()"),
                ));
            }
            if self.eat_punct(",") {
                continue;
            }
            if self.eat_punct(";") {
                return Ok(());
            }
            return Err(self.error("expected ',' or ';' after a declarator"));
        }
    }

    fn declare_one(
        &mut self,
        spec: &Specifiers,
        d: Declarator,
        name: &str,
        name_idx: usize,
        extern_python: Option<ExternPython>,
        first: bool,
    ) -> PResult<()> {
        let ov = self.options.override_;
        let base = match spec.base {
            Base::Type(t) => t,
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
        if spec.storage == Storage::Typedef {
            // cffi renames a tagged type after the first typedef naming it directly,
            // in the first declarator of its declaration (`typedef struct s_s *p,
            // s_t;` leaves `struct s_s` alone). Anonymous types got their name from
            // `anonymous_name` already.
            if first && spec.tagged && d_is_direct && self.table.has_tag_name(ty.id) {
                self.table.rename(ty.id, name);
            }
            let td = Typedef {
                ty: ty.id,
                raw_function: ty.raw_function,
            };
            return self
                .decls
                .declare_typedef(name, td, ov)
                .map_err(|m| self.error_at(name_idx, m));
        }
        let entity = if ty.raw_function {
            Entity::Function {
                ty: ty.id,
                extern_python,
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

    fn apply(&mut self, base: Ty, ops: Vec<Op>, at: usize) -> PResult<Ty> {
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
                        return Err(self.error_at(
                            at,
                            format!("array items of type '{kind}' have unknown size"),
                        ));
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
                        return Err(self.error_at(at, "a function cannot return an array"));
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

    // ----- specifiers ------------------------------------------------------------

    /// Skips `__attribute__((...))`, `__declspec(...)` and `__asm__(...)`.
    fn skip_attributes(&mut self) -> PResult<()> {
        // Called before every specifier and declarator: reject the common case on
        // the first byte.
        while self.peek().tok == Tok::Ident
            && self.lx.src.as_bytes()[self.peek().start] == b'_'
            && self.is_attribute_keyword()
        {
            self.pos += 1;
            self.expect_punct("(")?;
            let mut depth = 1;
            while depth > 0 {
                match self.next().tok {
                    Tok::Punct("(") => depth += 1,
                    Tok::Punct(")") => depth -= 1,
                    Tok::Eof => return Err(self.error("unbalanced parentheses in an attribute")),
                    _ => {}
                }
            }
        }
        Ok(())
    }

    fn is_attribute_keyword(&self) -> bool {
        matches!(
            self.text(self.peek()),
            "__attribute__" | "__declspec" | "__asm__" | "__asm"
        )
    }

    fn is_type_start(&self, t: &Token) -> bool {
        if t.tok != Tok::Ident {
            return false;
        }
        let w = self.text(t);
        is_type_keyword(w) || builtin_type_name(w).is_some() || self.decls.typedefs.contains_key(w)
    }
}

/// Keywords (and ignored qualifier words) that start or continue a type.
fn is_type_keyword(w: &str) -> bool {
    matches!(
        w,
        "void"
            | "char"
            | "short"
            | "int"
            | "long"
            | "signed"
            | "unsigned"
            | "float"
            | "double"
            | "_Bool"
            | "_Complex"
            | "struct"
            | "union"
            | "enum"
            | "FILE"
    ) || is_qualifier(w)
}

impl<'s> Parser<'_, 's> {
    fn specifiers(&mut self) -> PResult<Specifiers> {
        let at = self.pos;
        let mut storage = Storage::None;
        let mut is_const = false;
        let mut words = Words::default();
        let mut named: Option<Ty> = None;
        let mut tagged = false;
        let mut base_special: Option<Base> = None;
        loop {
            self.skip_attributes()?;
            let t = self.peek();
            if t.tok == Tok::Punct("...")
                && words.is_empty()
                && named.is_none()
                && base_special.is_none()
            {
                self.pos += 1;
                base_special = Some(Base::Opaque);
                continue;
            }
            if t.tok == Tok::Punct("...") && named.is_none() && !words.is_empty() {
                self.pos += 1;
                let kind = if words
                    .as_slice()
                    .iter()
                    .any(|w| *w == "float" || *w == "double")
                {
                    UnknownNumeric::Float
                } else {
                    UnknownNumeric::Integer
                };
                base_special = Some(Base::Unknown(kind));
                words.clear();
                continue;
            }
            if t.tok != Tok::Ident {
                break;
            }
            let w = self.text(t);
            match w {
                "typedef" => storage = Storage::Typedef,
                "extern" => storage = Storage::Extern,
                "static" => storage = Storage::Static,
                "const" | "__const" | "__const__" => is_const = true,
                _ if is_qualifier(w) => {}
                "void" | "char" | "short" | "int" | "long" | "signed" | "unsigned" | "float"
                | "double" | "_Bool" | "_Complex" | "__complex__"
                    if named.is_none() =>
                {
                    if !words.push(w) {
                        return Err(self.lx.error_at(t, "too many type specifiers"));
                    }
                }
                "struct" | "union" | "enum" if named.is_none() && words.is_empty() => {
                    self.pos += 1;
                    let in_typedef = storage == Storage::Typedef;
                    let ty = if w == "enum" {
                        self.enum_specifier(in_typedef)?
                    } else {
                        self.record_specifier(w == "union", in_typedef)?
                    };
                    tagged = true;
                    named = Some(Ty {
                        id: ty,
                        raw_function: false,
                        is_const: false,
                    });
                    continue;
                }
                _ if named.is_none() && words.is_empty() && base_special.is_none() => {
                    if let Some(td) = self.decls.typedefs.get(w) {
                        named = Some(Ty {
                            id: td.ty,
                            raw_function: td.raw_function,
                            is_const: false,
                        });
                    } else if let Some(p) = builtin_type_name(w) {
                        named = Some(Ty {
                            id: self.table.primitive(p),
                            raw_function: false,
                            is_const: false,
                        });
                    } else if w == "FILE" {
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
            n.is_const = is_const;
            Base::Type(n)
        } else if !words.is_empty() {
            let id = match combine_words(words.as_slice()) {
                Some(None) => self.table.void(),
                Some(Some(p)) => self.table.primitive(p),
                None => {
                    return Err(self.error_at(
                        at,
                        format!(
                            "invalid combination of type specifiers: '{}'",
                            words.as_slice().join(" ")
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
            let msg = if t.tok == Tok::Ident {
                format!("unknown type name '{}'", self.text(t))
            } else {
                format!("expected a type, found {}", self.describe(t))
            };
            return Err(self.lx.error_at(t, msg));
        };
        Ok(Specifiers {
            base,
            storage,
            tagged,
            at,
        })
    }

    fn file_type(&mut self) -> TypeId {
        if let Some(td) = self.decls.typedefs.get("FILE") {
            return td.ty;
        }
        let id = self.table.new_record("FILE", false);
        self.decls.typedefs.insert(
            "FILE".into(),
            Typedef {
                ty: id,
                raw_function: false,
            },
        );
        id
    }

    /// The name an anonymous struct, union or enum whose body opens at token `open`
    /// takes: the typedef name when the first declarator after the body names it
    /// directly (`typedef struct {...} foo_t, *foo_p;`), as cffi names it, else the
    /// next `$N`. Decided before the body is read, because anonymous types inside
    /// the body are numbered after this one.
    fn anonymous_name(&mut self, keyword: &str, open: usize, in_typedef: bool) -> String {
        if in_typedef {
            if let Some(name) = self.direct_typedef_name(open) {
                return name.to_string();
            }
        }
        self.decls.next_anonymous_name(keyword)
    }

    /// Looks past the body opening at token `open` for `const`/`volatile` words
    /// and a plain declarator name followed by `,` or `;`.
    fn direct_typedef_name(&self, open: usize) -> Option<&'s str> {
        let toks = &self.lx.tokens;
        let mut depth = 0usize;
        let mut i = open;
        loop {
            match toks[i].tok {
                Tok::Punct("{") => depth += 1,
                Tok::Punct("}") => {
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
        while toks[i].tok == Tok::Ident
            && matches!(
                self.text(&toks[i]),
                "const" | "volatile" | "__const" | "__volatile"
            )
        {
            i += 1;
        }
        let (name, after) = (&toks[i], &toks[(i + 1).min(toks.len() - 1)]);
        let direct = name.tok == Tok::Ident
            && !is_type_keyword(self.text(name))
            && matches!(after.tok, Tok::Punct(",") | Tok::Punct(";"));
        direct.then(|| self.text(name))
    }

    fn record_specifier(&mut self, is_union: bool, in_typedef: bool) -> PResult<TypeId> {
        self.skip_attributes()?;
        let kw = if is_union { "union" } else { "struct" };
        let tag = if self.peek().tok == Tok::Ident {
            let t = self.next();
            Some(self.text(t).to_string())
        } else {
            None
        };
        self.skip_attributes()?;
        let has_body = self.is_punct("{");
        let id = match &tag {
            Some(name) => {
                let map = if is_union {
                    &self.decls.unions
                } else {
                    &self.decls.structs
                };
                match map.get(name) {
                    Some(&id) => id,
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
            self.skip_attributes()?;
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
                    self.complete(fresh, &fields, partial, open)?;
                    return Ok(fresh);
                }
                return Ok(id);
            }
            self.complete(id, &fields, partial, open)?;
        }
        Ok(id)
    }

    fn complete(
        &mut self,
        id: TypeId,
        fields: &[FieldDecl],
        partial: bool,
        at: usize,
    ) -> PResult<()> {
        self.table
            .complete_record(id, fields, self.options.packing, partial)
            .map_err(|e| self.error_at(at, e.to_string()))
    }

    fn record_body(&mut self) -> PResult<(Vec<FieldDecl>, bool)> {
        let mut fields = Vec::new();
        let mut partial = false;
        while !self.eat_punct("}") {
            if self.peek().tok == Tok::Eof {
                return Err(self.error("expected '}' closing the struct"));
            }
            if self.eat_punct(";") {
                continue;
            }
            if self.is_punct("...") && matches!(self.peek_at(1).tok, Tok::Punct(";")) {
                self.pos += 2;
                partial = true;
                continue;
            }
            let spec = self.specifiers()?;
            let Base::Type(base) = spec.base else {
                return Err(self.error_at(spec.at, "'...' cannot be the type of a field"));
            };
            if self.eat_punct(";") {
                // An anonymous nested struct or union: its members belong to the parent.
                if matches!(self.table.data(base.id), TypeData::Record(_))
                    && self.table.cname(base.id).contains('$')
                {
                    fields.push(FieldDecl {
                        name: String::new(),
                        ty: base.id,
                        bits: None,
                    });
                    continue;
                }
                return Err(self.error_at(spec.at, "declaration declares no field"));
            }
            loop {
                let (name, ty) = if self.is_punct(":") {
                    (String::new(), base)
                } else {
                    let d = self.declarator(false)?;
                    let at = d.name.unwrap_or(self.pos);
                    let name = d
                        .name
                        .map(|i| self.text(&self.lx.tokens[i]).to_string())
                        .unwrap_or_default();
                    (name, self.apply(base, d.ops, at)?)
                };
                if ty.raw_function {
                    return Err(self.error(&format!(
                        "field '{name}' is a function; use a function pointer"
                    )));
                }
                let bits = if self.eat_punct(":") {
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
                self.skip_attributes()?;
                if fields
                    .iter()
                    .any(|f: &FieldDecl| !name.is_empty() && f.name == name)
                {
                    return Err(
                        self.error_at(self.pos - 1, format!("duplicate field name '{name}'"))
                    );
                }
                fields.push(FieldDecl {
                    name,
                    ty: ty.id,
                    bits,
                });
                if self.eat_punct(",") {
                    continue;
                }
                self.expect_punct(";")?;
                break;
            }
        }
        Ok((fields, partial))
    }

    fn enum_specifier(&mut self, in_typedef: bool) -> PResult<TypeId> {
        self.skip_attributes()?;
        let tag = if self.peek().tok == Tok::Ident {
            let t = self.next();
            Some(self.text(t).to_string())
        } else {
            None
        };
        if !self.is_punct("{") {
            let Some(name) = tag else {
                return Err(self.error("expected a tag name or '{' after 'enum'"));
            };
            if let Some(&id) = self.decls.enums.get(&name) {
                return Ok(id);
            }
            let id = self
                .table
                .new_enum(&format!("enum {name}"), Vec::new(), true);
            self.decls.enums.insert(name, id);
            return Ok(id);
        }
        let open = self.pos;
        let anonymous_name = match tag {
            Some(_) => None,
            None => Some(self.anonymous_name("enum", open, in_typedef)),
        };
        self.pos += 1;
        let mut values: Vec<(String, i128)> = Vec::new();
        let mut partial = false;
        let mut next: i128 = 0;
        while !self.eat_punct("}") {
            if self.eat_punct("...") {
                partial = true;
                self.eat_punct(",");
                continue;
            }
            let t = self.next();
            if t.tok != Tok::Ident {
                return Err(self.lx.error_at(
                    t,
                    format!("expected an enumerator name, found {}", self.describe(t)),
                ));
            }
            let name = self.text(t).to_string();
            if self.eat_punct("=") {
                if self.eat_punct("...") {
                    partial = true;
                    self.decls
                        .declare(&name, Entity::UnknownConstant, self.options.override_)
                        .map_err(|m| self.lx.error_at(t, m))?;
                    if !self.eat_punct(",") {
                        self.expect_punct("}")?;
                        break;
                    }
                    continue;
                }
                next = self.const_expr()?;
            }
            values.push((name.clone(), next));
            // Enumerators are usable in later constant expressions of this enum.
            self.decls
                .declare(
                    &name,
                    Entity::IntConstant {
                        value: next,
                        ty: None,
                    },
                    self.options.override_,
                )
                .map_err(|m| self.lx.error_at(t, m))?;
            next = next
                .checked_add(1)
                .ok_or_else(|| self.lx.error_at(t, "enumerator value overflow"))?;
            if !self.eat_punct(",") {
                self.expect_punct("}")?;
                break;
            }
        }
        let cname = match (&tag, anonymous_name) {
            (Some(n), _) => format!("enum {n}"),
            (None, Some(name)) => name,
            (None, None) => unreachable!("anonymous enums are named above"),
        };
        if let Some(name) = &tag {
            if let Some(&old) = self.decls.enums.get(name) {
                let same = matches!(self.table.data(old), TypeData::Enum(e) if e.values == values);
                let forward_only =
                    matches!(self.table.data(old), TypeData::Enum(e) if e.values.is_empty());
                if same {
                    return Ok(old);
                }
                if !forward_only && !self.options.override_ {
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
                if let Some(Entity::IntConstant { ty, .. }) = self.decls.names.get_mut(n) {
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

    // ----- declarators -----------------------------------------------------------

    /// A declarator, named or abstract. `abstract_only` forbids a name (type strings
    /// and casts).
    fn declarator(&mut self, abstract_only: bool) -> PResult<Declarator> {
        let mut pointers = Vec::new();
        loop {
            self.skip_attributes()?;
            if self.eat_punct("*") || self.eat_punct("^") {
                pointers.push(Op::Pointer { is_const: false });
                continue;
            }
            let t = self.peek();
            if t.tok == Tok::Ident && is_qualifier(self.text(t)) {
                if matches!(self.text(t), "const" | "__const" | "__const__") {
                    if let Some(Op::Pointer { is_const }) = pointers.last_mut() {
                        *is_const = true;
                    }
                }
                self.pos += 1;
                continue;
            }
            break;
        }
        let (name, inner) = if self.is_punct("(") && self.is_grouping() {
            self.pos += 1;
            let d = self.nested(|p| p.declarator(abstract_only))?;
            self.expect_punct(")")?;
            (d.name, d.ops)
        } else if self.peek().tok == Tok::Ident
            && !abstract_only
            && !is_type_keyword(self.text(self.peek()))
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
            if self.eat_punct("[") {
                if self.eat_punct("]") {
                    suffixes.push(Op::Array(None));
                } else if self.is_punct("...") {
                    let at = self.pos;
                    self.pos += 1;
                    self.expect_punct("]")?;
                    suffixes.push(Op::UnknownLength(at));
                } else {
                    let at = self.pos;
                    let n = self.const_expr()?;
                    if n < 0 || n > isize::MAX as i128 {
                        return Err(self.error_at(at, format!("invalid array length {n}")));
                    }
                    self.expect_punct("]")?;
                    suffixes.push(Op::Array(Some(n as usize)));
                }
            } else if self.is_punct("(") {
                self.pos += 1;
                let (args, variadic) = self.nested(|p| p.parameters())?;
                suffixes.push(Op::Function { args, variadic });
            } else {
                break;
            }
        }
        let mut ops = pointers;
        ops.extend(suffixes.into_iter().rev());
        ops.extend(inner);
        Ok(Declarator { name, ops })
    }

    /// After `(` in a declarator: does it group (`(*fp)`) rather than open
    /// parameters (`(int)`)?
    fn is_grouping(&self) -> bool {
        let t = self.peek_at(1);
        match &t.tok {
            Tok::Punct("*") | Tok::Punct("^") | Tok::Punct("(") | Tok::Punct("[") => true,
            Tok::Ident => {
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
    fn parameters(&mut self) -> PResult<(Vec<TypeId>, bool)> {
        let mut args = Vec::new();
        if self.eat_punct(")") {
            return Ok((args, false));
        }
        if self.is_ident("void") && matches!(self.peek_at(1).tok, Tok::Punct(")")) {
            self.pos += 2;
            return Ok((args, false));
        }
        loop {
            if self.eat_punct("...") {
                self.expect_punct(")")?;
                return Ok((args, true));
            }
            let spec = self.specifiers()?;
            let Base::Type(base) = spec.base else {
                return Err(self.error_at(spec.at, "'...' cannot be a parameter type here"));
            };
            let d = self.declarator(false)?;
            self.refuse_unknown_length(&d.ops)?;
            let at = d.name.unwrap_or(spec.at);
            let ty = self.apply(base, d.ops, at)?;
            let id = if ty.raw_function {
                ty.id
            } else if let TypeData::Array { item, .. } = *self.table.data(ty.id) {
                self.table.pointer(item)
            } else {
                ty.id
            };
            if matches!(self.table.data(id), TypeData::Void) {
                return Err(self.error_at(at, "a parameter cannot have type 'void'"));
            }
            args.push(id);
            if self.eat_punct(",") {
                continue;
            }
            self.expect_punct(")")?;
            return Ok((args, false));
        }
    }

    /// A type name: specifiers and an abstract declarator.
    fn type_name(&mut self) -> PResult<Ty> {
        let spec = self.specifiers()?;
        if spec.storage != Storage::None {
            return Err(self.error_at(spec.at, "storage class in a type name"));
        }
        let Base::Type(base) = spec.base else {
            return Err(self.error_at(spec.at, "'...' is not a type"));
        };
        let d = self.declarator(true)?;
        self.refuse_unknown_length(&d.ops)?;
        self.apply(base, d.ops, spec.at)
    }
}

/// The specifier keywords of one declaration (`unsigned long int`), kept on the
/// stack: `specifiers()` runs for every declaration, field and parameter.
#[derive(Default)]
struct Words<'s> {
    items: [&'s str; 6],
    len: usize,
}

impl<'s> Words<'s> {
    /// Adds a keyword; false when there are more than any valid type has.
    fn push(&mut self, w: &'s str) -> bool {
        if self.len == self.items.len() {
            return false;
        }
        self.items[self.len] = w;
        self.len += 1;
        true
    }

    fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn clear(&mut self) {
        self.len = 0;
    }

    fn as_slice(&self) -> &[&'s str] {
        &self.items[..self.len]
    }
}

/// Maps a multiset of specifier keywords to a primitive (`None` inside for void).
fn combine_words(words: &[&str]) -> Option<Option<Prim>> {
    let count = |w: &str| words.iter().filter(|x| **x == w).count();
    let (signed, unsigned, long, short) = (
        count("signed"),
        count("unsigned"),
        count("long"),
        count("short"),
    );
    let (int, char_, float, double) =
        (count("int"), count("char"), count("float"), count("double"));
    let (void, bool_, complex) = (
        count("void"),
        count("_Bool"),
        count("_Complex") + count("__complex__"),
    );
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

/// The value of `#define NAME value`: an integer literal, optionally negated or
/// parenthesized (read in a loop, not a recursion: the value is input of any
/// length).
fn parse_define_value(value: &str) -> Option<i128> {
    let mut v = value.trim();
    let mut negative = false;
    loop {
        if let Some(inner) = v.strip_prefix('(').and_then(|s| s.strip_suffix(')')) {
            v = inner.trim();
        } else if let Some(rest) = v.strip_prefix('-') {
            negative = !negative;
            v = rest.trim();
        } else if let Some(rest) = v.strip_prefix('+') {
            v = rest.trim();
        } else {
            break;
        }
    }
    let x = lexer::parse_int_literal(v).and_then(|(x, _)| i128::try_from(x).ok())?;
    Some(if negative { -x } else { x })
}

#[cfg(test)]
mod tests;
