//! Directives: conditionals, `#define`/`#undef`, `#include` with the search
//! path, `#pragma`, `#line`, `#error` and `#warning`.

use std::path::{Path, PathBuf};
use std::rc::Rc;

use super::lex::{Kind, PpTok, Sym};
use super::{Cond, Pp};
use crate::error::CDefError;

impl Pp<'_> {
    /// The tokens after `#` to the end of its line, read from the file.
    fn rest_of_line(&mut self) -> Vec<PpTok> {
        let r = self.readers.last_mut().expect("a file is being read");
        let start = r.pos;
        while r.pos < r.toks.len() && !r.toks[r.pos].bol {
            r.pos += 1;
        }
        let file = r.file;
        r.toks[start..r.pos]
            .iter()
            .map(|t| PpTok { file, ..*t })
            .collect()
    }

    /// The spelling of `toks`, spaces kept where they were.
    pub(super) fn spell(&self, toks: &[PpTok]) -> String {
        let mut s = String::new();
        for (i, t) in toks.iter().enumerate() {
            if i > 0 && t.space {
                s.push(' ');
            }
            s.push_str(self.names.text(t.sym));
        }
        s
    }

    /// One directive, `hash` being its `#`.
    pub(super) fn directive(&mut self, hash: PpTok) -> Result<(), CDefError> {
        let line = self.rest_of_line();
        let Some(&kw) = line.first() else {
            return Ok(());
        };
        let args = &line[1..];
        let word = self.names.text(kw.sym).to_string();
        match word.as_str() {
            "if" | "ifdef" | "ifndef" => {
                let parent = self.active();
                let taken = parent && self.condition(&word, kw, args)?;
                self.conds.push(Cond {
                    active: taken,
                    done: taken,
                    seen_else: false,
                    parent_active: parent,
                });
                return Ok(());
            }
            "elif" | "elifdef" | "elifndef" => {
                let c = self.current_cond(kw, &word)?;
                if c.seen_else {
                    return Err(self.error_at(kw, format!("#{word} after #else")));
                }
                let taken = if c.done || !c.parent_active {
                    false
                } else {
                    self.condition(&word, kw, args)?
                };
                let c = self.conds.last_mut().expect("checked");
                c.active = taken;
                c.done |= taken;
                return Ok(());
            }
            "else" => {
                let c = self.current_cond(kw, &word)?;
                if c.seen_else {
                    return Err(self.error_at(kw, "#else after #else"));
                }
                let c = self.conds.last_mut().expect("checked");
                c.active = c.parent_active && !c.done;
                c.done = true;
                c.seen_else = true;
                return Ok(());
            }
            "endif" => {
                self.current_cond(kw, &word)?;
                self.conds.pop();
                return Ok(());
            }
            _ if !self.active() => return Ok(()),
            _ => {}
        }
        let user = self.readers.last().is_some_and(|r| r.user);
        match word.as_str() {
            "define" => self.define(args, user),
            "undef" => {
                if let Some(t) = args.first() {
                    self.macros.remove(&t.sym);
                }
                Ok(())
            }
            "include" | "include_next" | "import" => self.include(kw, args, word == "include_next"),
            "error" => Err(self.error_at(kw, format!("#error {}", self.spell(args)))),
            "warning" | "ident" | "sccs" | "assert" | "unassert" => Ok(()),
            "pragma" => {
                self.pragma(kw, args);
                Ok(())
            }
            "line" => self.line_directive(kw, args),
            _ if kw.kind == Kind::Number => self.line_directive(kw, &line),
            _ => Err(self.error_at(
                if kw.kind == Kind::Ident { kw } else { hash },
                format!("invalid preprocessor directive '#{word}'"),
            )),
        }
    }

    /// The innermost conditional group of the current file, for `#elif`,
    /// `#else` and `#endif`.
    fn current_cond(&self, kw: PpTok, word: &str) -> Result<Cond, CDefError> {
        let base = self.readers.last().map_or(0, |r| r.cond_base);
        match self.conds.last() {
            Some(c) if self.conds.len() > base => Ok(*c),
            _ => Err(self.error_at(kw, format!("#{word} without #if"))),
        }
    }

    /// Whether the condition of `#if`, `#ifdef`, `#elif`... holds.
    fn condition(&mut self, word: &str, kw: PpTok, args: &[PpTok]) -> Result<bool, CDefError> {
        if let Some(negated) = match word {
            "ifdef" | "elifdef" => Some(false),
            "ifndef" | "elifndef" => Some(true),
            _ => None,
        } {
            let Some(name) = args.first().filter(|t| t.kind == Kind::Ident) else {
                return Err(self.error_at(kw, format!("#{word} needs a macro name")));
            };
            return Ok(self.is_defined(name.sym) != negated);
        }
        if args.is_empty() {
            return Err(self.error_at(kw, format!("#{word} with no expression")));
        }
        self.eval_condition(kw, args)
    }

    /// `defined NAME`: a macro, or one of the operators gcc also answers to.
    pub(super) fn is_defined(&self, sym: Sym) -> bool {
        self.macros.contains_key(&sym)
            || matches!(
                self.names.text(sym),
                "__has_include"
                    | "__has_include_next"
                    | "__has_attribute"
                    | "__has_builtin"
                    | "__has_c_attribute"
                    | "__FILE__"
                    | "__LINE__"
                    | "__COUNTER__"
            )
    }

    /// `#pragma once`, and `#pragma pack(...)` passed to the parser; the others
    /// change nothing a declaration means.
    fn pragma(&mut self, kw: PpTok, args: &[PpTok]) {
        let text = self.spell(args);
        if text == "once" {
            if let Some(p) = self.readers.last().and_then(|r| r.path.clone()) {
                self.once.insert(p);
            }
        } else if text.starts_with("pack") {
            self.emit_directive(kw, &format!("pragma {text}"));
        }
    }

    /// `#line N "file"` or `# N "file" flags`: the next line is line N.
    fn line_directive(&mut self, kw: PpTok, args: &[PpTok]) -> Result<(), CDefError> {
        let expanded = self.expand_list(args.to_vec())?;
        let number = expanded
            .first()
            .filter(|t| t.kind == Kind::Number)
            .and_then(|t| self.names.text(t.sym).parse::<i64>().ok());
        let Some(number) = number else {
            return Err(self.error_at(kw, "#line needs a line number"));
        };
        let name = expanded
            .get(1)
            .filter(|t| t.kind == Kind::Str)
            .map(|t| self.names.text(t.sym).trim_matches('"').to_string());
        let r = self.readers.last().expect("a file is being read");
        let old = &self.files[r.file as usize];
        let info = super::FileInfo {
            display: name.or_else(|| old.display.clone()),
            source: old.source.clone(),
            line_delta: number - (i64::from(kw.line) + 1),
            included_from: old.included_from.clone(),
        };
        self.files.push(info);
        let id = (self.files.len() - 1) as u32;
        self.readers.last_mut().expect("reader").file = id;
        Ok(())
    }

    /// The header name of `#include` or `__has_include`: its text and whether
    /// it was quoted (`"x.h"`) rather than bracketed (`<x.h>`).
    pub(super) fn header_name(
        &mut self,
        kw: PpTok,
        args: &[PpTok],
    ) -> Result<(String, bool), CDefError> {
        let direct = args
            .first()
            .is_some_and(|t| t.kind == Kind::Str || self.is(*t, "<"));
        let toks = if direct {
            args.to_vec()
        } else {
            self.expand_list(args.to_vec())?
        };
        match toks.first() {
            Some(t) if t.kind == Kind::Str => {
                let text = self.names.text(t.sym);
                Ok((text[1..text.len() - 1].to_string(), true))
            }
            Some(t) if self.is(*t, "<") => {
                let Some(end) = toks.iter().position(|t| self.is(*t, ">")) else {
                    return Err(self.error_at(kw, "missing '>' in a header name"));
                };
                Ok((self.spell(&toks[1..end]), false))
            }
            _ => Err(self.error_at(kw, "expected \"FILENAME\" or <FILENAME>")),
        }
    }

    /// Where a header is: the including file's directory for `"x.h"`, then
    /// `include_dirs`, then the system directories; `#include_next` goes on
    /// after the directory the current file was found in.
    pub(super) fn find_header(
        &self,
        name: &str,
        quoted: bool,
        next: bool,
    ) -> Option<(PathBuf, Option<usize>)> {
        if Path::new(name).is_absolute() {
            let p = PathBuf::from(name);
            return p.is_file().then_some((p, None));
        }
        let reader = self.readers.last();
        let start = if next {
            reader.and_then(|r| r.search_index).map_or(0, |i| i + 1)
        } else {
            if quoted {
                if let Some(dir) = reader.and_then(|r| r.dir.as_ref()) {
                    let p = dir.join(name);
                    if p.is_file() {
                        return Some((p, reader.and_then(|r| r.search_index)));
                    }
                } else if reader.is_some_and(|r| r.user) {
                    let p = PathBuf::from(name);
                    if p.is_file() {
                        return Some((p, None));
                    }
                }
            }
            0
        };
        let dirs = self
            .config
            .include_dirs
            .iter()
            .chain(&self.config.system_dirs)
            .enumerate()
            .skip(start);
        for (i, dir) in dirs {
            let p = dir.join(name);
            if p.is_file() {
                return Some((p, Some(i)));
            }
        }
        None
    }

    fn include(&mut self, kw: PpTok, args: &[PpTok], next: bool) -> Result<(), CDefError> {
        let (name, quoted) = self.header_name(kw, args)?;
        let Some((path, index)) = self.find_header(&name, quoted, next) else {
            let shown = if quoted {
                format!("\"{name}\"")
            } else {
                format!("<{name}>")
            };
            return Err(self.error_at(
                kw,
                format!(
                    "{shown}: file not found (searched {}); pass include_dirs= to cdef()",
                    self.searched()
                ),
            ));
        };
        if self.once.contains(&path) {
            return Ok(());
        }
        if let Some(&guard) = self.guards.get(&path) {
            if self.macros.contains_key(&guard) {
                return Ok(());
            }
        }
        let text: Rc<str> = match self.token_cache.get(&path) {
            Some((text, _)) => text.clone(),
            None => {
                let bytes = std::fs::read(&path).map_err(|e| {
                    self.error_at(kw, format!("cannot read '{}': {e}", path.display()))
                })?;
                match String::from_utf8(bytes) {
                    Ok(text) => Rc::from(text),
                    Err(e) => Rc::from(String::from_utf8_lossy(e.as_bytes()).as_ref()),
                }
            }
        };
        let here = {
            let r = self.readers.last().expect("a file is being read");
            let f = &self.files[r.file as usize];
            let shown = f
                .display
                .clone()
                .unwrap_or_else(|| "<cdef source string>".into());
            format!("{shown}:{}", i64::from(kw.line) + f.line_delta)
        };
        let display = path.display().to_string();
        self.push_file(
            text,
            Some(display),
            Some(path.clone()),
            index,
            Some(here),
            false,
        )?;
        if let Some(guard) = self.guard_of(&self.readers.last().expect("pushed").toks) {
            self.guards.insert(path, guard);
        }
        Ok(())
    }

    /// The directories searched, for "file not found".
    fn searched(&self) -> String {
        let dirs: Vec<String> = self
            .config
            .include_dirs
            .iter()
            .chain(&self.config.system_dirs)
            .map(|d| d.display().to_string())
            .collect();
        if dirs.is_empty() {
            "no directories".into()
        } else {
            dirs.join(", ")
        }
    }

    /// The macro guarding a whole file (`#ifndef G` first, its `#endif` last),
    /// so that including it again reads nothing.
    fn guard_of(&self, toks: &[PpTok]) -> Option<Sym> {
        let is_hash = |t: &PpTok| t.bol && self.is(*t, "#");
        if toks.len() < 3 || !is_hash(&toks[0]) || !self.is(toks[1], "ifndef") {
            return None;
        }
        let guard = toks[2].sym;
        let mut depth = 0usize;
        for (i, t) in toks.iter().enumerate() {
            if !is_hash(t) {
                continue;
            }
            let Some(w) = toks.get(i + 1).filter(|w| !w.bol) else {
                continue;
            };
            match self.names.text(w.sym) {
                "if" | "ifdef" | "ifndef" => depth += 1,
                "endif" => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        let rest = &toks[i + 2..];
                        return rest.iter().all(|t| !t.bol).then_some(guard);
                    }
                }
                _ => {}
            }
        }
        None
    }
}
