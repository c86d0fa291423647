//! A C preprocessor for `cdef()`, so that real headers can be declared with
//! `#include`: include search, conditionals with full constant expressions,
//! object- and function-like macros (`#`, `##`, `__VA_ARGS__`,
//! `__VA_OPT__`), `#pragma once` and include guards. It is pure: the search
//! path and the compiler's predefined macros are given in a [`Config`]
//! (the Python layer asks the compiler once and caches the answer).
//!
//! The output is text for the cdef lexer, with the file and line of every
//! stretch of it, plus the object-like macros defined at the end, which the
//! parser turns into integer constants where their expansion is one.

mod cond;
mod directives;
mod lex;
mod macros;
#[cfg(test)]
mod tests;

use std::path::PathBuf;
use std::rc::Rc;

use crate::error::{CDefError, Headline, Location, Refusal};
use crate::fasthash::{FastMap, FastSet};
use lex::{Interner, Kind, PpTok, Sym};
use macros::Macro;

/// What the preprocessor needs besides the text.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// `-I` directories, searched first (for `"..."` after the including
    /// file's own directory).
    pub include_dirs: Vec<PathBuf>,
    /// The compiler's default search list, searched after `include_dirs`.
    pub system_dirs: Vec<PathBuf>,
    /// `#define` lines predefined before the text (`cc -dM -E` output).
    pub predefines: String,
    /// `define_macros=`: (name, value) pairs; `None` defines the name as 1.
    pub defines: Vec<(String, Option<String>)>,
}

pub use crate::parse::lexer::Segment;

/// An object-like macro defined when the text ends, fully expanded.
#[derive(Clone, Debug)]
pub struct MacroConstant {
    /// Its name.
    pub name: String,
    /// Its expansion, tokens separated by spaces.
    pub expansion: String,
    /// Defined in the cdef text itself (not in a header).
    pub from_user: bool,
    /// `#define NAME ...` in the cdef text: cffi's constant that only the
    /// compiler knows; not a macro.
    pub dotdotdot: bool,
    /// Where it was defined, for errors (only for the cdef text's macros:
    /// a header's never clashes, it is skipped when the name is taken).
    pub location: Option<Location>,
}

/// What the preprocessor made of a cdef text.
#[derive(Debug)]
pub struct Preprocessed {
    /// The declarations, macros expanded, directives gone except `#pragma pack`.
    pub text: String,
    /// The origin of each stretch of `text`.
    pub segments: Vec<Segment>,
    /// The object-like macros, in definition order.
    pub macros: Vec<MacroConstant>,
}

/// How deeply files may include each other, and macros nest.
const MAX_DEPTH: usize = 200;

/// One file (or line-directive renaming of one) that tokens come from.
struct FileInfo {
    /// The name shown in diagnostics (`None`: the cdef source).
    display: Option<String>,
    /// Its text, for the source line of diagnostics.
    source: Rc<str>,
    /// Added to the lines of its tokens (`#line`).
    line_delta: i64,
    /// Where it was included from, innermost first.
    included_from: Rc<Vec<String>>,
}

/// A file being read.
struct Reader {
    toks: Rc<[PpTok]>,
    pos: usize,
    /// The file table entry its tokens get now.
    file: u32,
    /// The directory it was found in, for `#include "..."`.
    dir: Option<PathBuf>,
    /// Its place in the search list, for `#include_next`.
    search_index: Option<usize>,
    /// Its path, for `#pragma once` and guards.
    path: Option<PathBuf>,
    /// The cdef text itself (its macros and `#define NAME ...` are cffi's).
    user: bool,
    /// Conditional nesting when the file was entered.
    cond_base: usize,
}

/// One `#if` group: whether its current branch is taken, whether one was,
/// and whether `#else` was seen.
#[derive(Clone, Copy)]
struct Cond {
    active: bool,
    done: bool,
    seen_else: bool,
    /// The enclosing group is active.
    parent_active: bool,
}

struct Pp<'c> {
    config: &'c Config,
    names: Interner,
    files: Vec<FileInfo>,
    readers: Vec<Reader>,
    /// Tokens to read before the file's: macro expansions, pushed in reverse.
    pending: Vec<PpTok>,
    /// Expanding a macro argument: never read past `pending`.
    isolated: usize,
    macros: FastMap<Sym, Macro>,
    macro_order: usize,
    hidesets: Vec<Vec<Sym>>,
    hideset_ids: FastMap<Vec<Sym>, u32>,
    /// `hide_add` answers: (set, macro) → set with the macro.
    hide_added: FastMap<(u32, Sym), u32>,
    conds: Vec<Cond>,
    once: FastSet<PathBuf>,
    /// Include guards seen: path → guard macro.
    guards: FastMap<PathBuf, Sym>,
    /// The tokens of each file read, for the headers included again
    /// (those without a guard, such as `<stddef.h>` with its `__need_` macros).
    token_cache: FastMap<PathBuf, (Rc<str>, Rc<[PpTok]>)>,
    /// `#define NAME ...` lines of the cdef text.
    dotdotdot: Vec<(String, Location)>,
    out: String,
    segments: Vec<Segment>,
    /// The file and line the output is at.
    out_file: u32,
    out_line: u32,
    /// The kind of the last token written, to keep tokens apart.
    last: Option<Kind>,
    counter: usize,
    depth: usize,
}

/// Preprocesses `source` (the text given to `cdef()`).
pub fn preprocess(source: &str, config: &Config) -> Result<Preprocessed, CDefError> {
    let mut pp = Pp {
        config,
        names: Interner::default(),
        files: Vec::new(),
        readers: Vec::new(),
        pending: Vec::new(),
        isolated: 0,
        macros: FastMap::default(),
        macro_order: 0,
        hidesets: vec![Vec::new()],
        hideset_ids: FastMap::default(),
        hide_added: FastMap::default(),
        conds: Vec::new(),
        once: FastSet::default(),
        guards: FastMap::default(),
        token_cache: FastMap::default(),
        dotdotdot: Vec::new(),
        out: String::with_capacity(source.len() * 2),
        segments: Vec::new(),
        out_file: u32::MAX,
        out_line: 0,
        last: None,
        counter: 0,
        depth: 0,
    };
    pp.hideset_ids.insert(Vec::new(), 0);
    pp.predefine()?;
    pp.push_file(Rc::from(source), None, None, None, None, true)?;
    pp.run()?;
    let macros = pp.macro_constants();
    Ok(Preprocessed {
        text: pp.out,
        segments: pp.segments,
        macros,
    })
}

impl Pp<'_> {
    /// The predefined macros, then `define_macros=`, as a file of `#define`s
    /// read before the text.
    fn predefine(&mut self) -> Result<(), CDefError> {
        let mut text = String::new();
        for line in self.config.predefines.lines() {
            // gcc's gnu modes also define `linux` and `unix`, names a cdef may
            // well use: only reserved names are kept, as in its ISO modes.
            let name = line.strip_prefix("#define ").unwrap_or("");
            if name.starts_with('_') {
                text.push_str(line);
                text.push('\n');
            }
        }
        for (name, value) in &self.config.defines {
            text.push_str(&format!(
                "#define {name} {}\n",
                value.as_deref().unwrap_or("1")
            ));
        }
        self.push_file(
            Rc::from(text),
            Some("<built-in>".into()),
            None,
            None,
            None,
            false,
        )?;
        self.run()?;
        // Predefined macros are no constants of the lib.
        for m in self.macros.values_mut() {
            m.predefined = true;
        }
        Ok(())
    }

    /// Starts reading a file (its tokens come next).
    fn push_file(
        &mut self,
        source: Rc<str>,
        display: Option<String>,
        path: Option<PathBuf>,
        search_index: Option<usize>,
        included_at: Option<String>,
        user: bool,
    ) -> Result<(), CDefError> {
        if self.readers.len() >= MAX_DEPTH {
            return Err(self.error_here(format!(
                "#include nested too deeply (more than {MAX_DEPTH} levels)"
            )));
        }
        let mut chain = Vec::new();
        if let Some(at) = included_at {
            chain.push(at);
            if let Some(r) = self.readers.last() {
                chain.extend(self.files[r.file as usize].included_from.iter().cloned());
            }
        }
        let file = self.files.len() as u32;
        self.files.push(FileInfo {
            display,
            source: source.clone(),
            line_delta: 0,
            included_from: Rc::new(chain),
        });
        let cached = path
            .as_ref()
            .and_then(|p| self.token_cache.get(p))
            .map(|(_, t)| t.clone());
        let toks = match cached {
            Some(toks) => toks,
            None => {
                let toks: Rc<[PpTok]> = lex::tokenize(&source, file, &mut self.names)
                    .map_err(|e| CDefError {
                        refusal: Refusal::Syntax,
                        message: e.message.to_string(),
                        location: Some(self.location(file, e.line, e.col)),
                        headline: Headline::None,
                    })?
                    .into();
                if let Some(p) = &path {
                    self.token_cache
                        .insert(p.clone(), (source.clone(), toks.clone()));
                }
                toks
            }
        };
        self.readers.push(Reader {
            toks,
            pos: 0,
            file,
            dir: path
                .as_ref()
                .and_then(|p| p.parent().map(|d| d.to_path_buf())),
            search_index,
            path,
            user,
            cond_base: self.conds.len(),
        });
        Ok(())
    }

    /// Reads every file on the stack down to where this call started.
    fn run(&mut self) -> Result<(), CDefError> {
        let base = self.readers.len() - 1;
        loop {
            let tok = match self.pending.pop() {
                Some(t) => t,
                None => match self.file_token(base)? {
                    Some(t) => {
                        if t.bol && self.is(t, "#") {
                            self.directive(t)?;
                            continue;
                        }
                        if !self.active() {
                            continue;
                        }
                        t
                    }
                    None => return Ok(()),
                },
            };
            if tok.kind == Kind::Ident && self.expand(tok)? {
                continue;
            }
            self.emit(tok);
        }
    }

    /// The next token of the innermost file, leaving finished files (down to
    /// `base`, which ends the run).
    fn file_token(&mut self, base: usize) -> Result<Option<PpTok>, CDefError> {
        loop {
            let r = self.readers.last_mut().expect("a file is being read");
            if r.pos < r.toks.len() {
                let mut t = r.toks[r.pos];
                r.pos += 1;
                t.file = r.file;
                return Ok(Some(t));
            }
            if self.conds.len() > r.cond_base {
                let file = r.file;
                let line = r.toks.last().map_or(1, |t| t.line);
                return Err(CDefError {
                    refusal: Refusal::Syntax,
                    message: "unterminated #if: #endif expected before the end of the file".into(),
                    location: Some(self.location(file, line, 1)),
                    headline: Headline::None,
                });
            }
            if self.readers.len() - 1 == base {
                self.readers.pop();
                return Ok(None);
            }
            self.readers.pop();
        }
    }

    /// Whether the current conditional branch is taken.
    fn active(&self) -> bool {
        self.conds.last().is_none_or(|c| c.active)
    }

    fn is(&self, t: PpTok, text: &str) -> bool {
        self.names.text(t.sym) == text
    }

    /// Appends a token to the output, starting a segment when it comes from
    /// another file or from a line the output cannot reach with newlines.
    fn emit(&mut self, t: PpTok) {
        let line = t.line;
        if t.file != self.out_file || line < self.out_line || line > self.out_line + 8 {
            if !self.out.is_empty() {
                self.out.push('\n');
            }
            let info = &self.files[t.file as usize];
            self.segments.push(Segment {
                start: self.out.len(),
                first_line: (i64::from(line) + info.line_delta).max(1) as usize,
                file: info.display.clone(),
                included_from: info.included_from.clone(),
            });
            self.out_file = t.file;
            self.out_line = line;
            self.last = None;
        }
        while self.out_line < line {
            self.out.push('\n');
            self.out_line += 1;
            self.last = None;
        }
        let text = self.names.text(t.sym);
        let glue = match self.last {
            None => false,
            Some(Kind::Ident | Kind::Number) => {
                t.space || matches!(t.kind, Kind::Ident | Kind::Number | Kind::Char | Kind::Str)
            }
            Some(Kind::Punct) => t.space || t.kind == Kind::Punct,
            Some(_) => true,
        };
        if glue || (self.last.is_none() && t.space) {
            self.out.push(' ');
        }
        self.out.push_str(text);
        self.last = Some(t.kind);
    }

    /// Writes a directive line for the parser: `#pragma pack(...)`, or
    /// `#define NAME` where the cdef text defines a macro.
    fn emit_directive(&mut self, at: PpTok, text: &str) {
        let sym = self.names.intern("");
        self.emit(PpTok {
            kind: Kind::Other,
            sym,
            ..at
        });
        self.out.push_str("\n#");
        self.out.push_str(text);
        self.out.push('\n');
        self.out_line += 2;
        self.last = None;
    }

    /// A diagnostic location in file `file`.
    fn location(&self, file: u32, line: u32, col: u32) -> Location {
        let info = &self.files[file as usize];
        let source_line = info
            .source
            .lines()
            .nth(line.saturating_sub(1) as usize)
            .unwrap_or("")
            .to_string();
        Location {
            file: info.display.clone(),
            line: (i64::from(line) + info.line_delta).max(1) as usize,
            column: col as usize,
            source_line,
            included_from: info.included_from.to_vec(),
        }
    }

    fn error_at(&self, t: PpTok, message: impl Into<String>) -> CDefError {
        CDefError {
            refusal: Refusal::Syntax,
            message: message.into(),
            location: Some(self.location(t.file, t.line, t.col)),
            headline: Headline::None,
        }
    }

    /// An error at the current position of the innermost file.
    fn error_here(&self, message: String) -> CDefError {
        match self.readers.last() {
            Some(r) => {
                let t = r.toks[r.pos.saturating_sub(1).min(r.toks.len().saturating_sub(1))];
                if r.toks.is_empty() {
                    CDefError {
                        refusal: Refusal::Syntax,
                        message,
                        location: None,
                        headline: Headline::None,
                    }
                } else {
                    self.error_at(PpTok { file: r.file, ..t }, message)
                }
            }
            None => CDefError {
                refusal: Refusal::Syntax,
                message,
                location: None,
                headline: Headline::None,
            },
        }
    }

    /// The object-like macros for the parser: every one defined in the text or
    /// a header (not the predefined ones), expanded, in definition order.
    fn macro_constants(&mut self) -> Vec<MacroConstant> {
        let mut defs: Vec<(usize, Sym)> = self
            .macros
            .iter()
            .filter(|(_, m)| !m.predefined && m.params.is_none())
            .map(|(&s, m)| (m.order, s))
            .collect();
        defs.sort_unstable();
        let mut out = Vec::with_capacity(defs.len() + self.dotdotdot.len());
        for (_, sym) in defs {
            let m = &self.macros[&sym];
            let (from_user, at) = (m.from_user, m.at);
            // Bodies that cannot be constants are not expanded: most macros of
            // a header name functions or types (`#define foo_fn bar_fn`,
            // `#define CALL(x) ...`). An identifier first is kept when it is a
            // macro (which may expand to a number) or alone (an enumerator).
            let starts_well = m.body.first().is_some_and(|t| match t.kind {
                Kind::Number | Kind::Char | Kind::Str => true,
                Kind::Punct => matches!(self.names.text(t.sym), "(" | "-" | "--" | "+" | "~" | "!"),
                Kind::Ident => m.body.len() == 1 || self.macros.contains_key(&t.sym),
                Kind::Other => false,
            });
            if !starts_well
                || m.body
                    .iter()
                    .any(|t| t.kind == Kind::Other || self.is(*t, "{") || self.is(*t, ";"))
            {
                continue;
            }
            let body = m.body.clone();
            // A lone literal (most of a header's constants) is its own
            // expansion.
            let expanded: Vec<PpTok> = if body.len() == 1 && body[0].kind != Kind::Ident {
                body.to_vec()
            } else {
                let hide = self.hide_add(0, sym);
                let body: Vec<PpTok> = body.iter().map(|t| PpTok { hide, ..*t }).collect();
                let Ok(expanded) = self.expand_list(body) else {
                    continue;
                };
                expanded
            };
            let mut expansion = String::new();
            for t in &expanded {
                if !expansion.is_empty() {
                    expansion.push(' ');
                }
                expansion.push_str(self.names.text(t.sym));
            }
            out.push(MacroConstant {
                name: self.names.text(sym).to_string(),
                expansion,
                from_user,
                dotdotdot: false,
                location: from_user.then(|| self.location(at.file, at.line, at.col)),
            });
        }
        for (name, location) in self.dotdotdot.drain(..) {
            out.push(MacroConstant {
                name,
                expansion: "...".into(),
                from_user: true,
                dotdotdot: true,
                location: Some(location),
            });
        }
        out
    }
}
