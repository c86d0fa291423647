//! Macro definitions and expansion, with hide sets (Prosser's algorithm): a
//! token produced by expanding `M` carries `M` in its hide set and is never
//! expanded as `M` again, which is C's "painted blue" rule.

use std::rc::Rc;

use super::lex::{self, Kind, PpTok, Sym};
use super::{Pp, MAX_DEPTH};
use crate::error::CDefError;

/// One macro.
pub struct Macro {
    /// The parameters of a function-like macro (`None`: object-like); a
    /// variadic macro's last one is `__VA_ARGS__` or its GNU name.
    pub params: Option<Rc<[Sym]>>,
    pub variadic: bool,
    /// Shared: every expansion reads it.
    pub body: Rc<[PpTok]>,
    /// The name token of the definition, for diagnostics.
    pub at: PpTok,
    /// Defined by the compiler or `define_macros=`.
    pub predefined: bool,
    /// Defined in the cdef text itself.
    pub from_user: bool,
    /// Definition order.
    pub order: usize,
}

impl Macro {
    /// Whether two definitions are the same (a redefinition that is no error).
    fn same_as(&self, other: &Macro) -> bool {
        self.params == other.params
            && self.variadic == other.variadic
            && self.body.len() == other.body.len()
            && self
                .body
                .iter()
                .zip(other.body.iter())
                .enumerate()
                .all(|(i, (a, b))| a.sym == b.sym && (i == 0 || a.space == b.space))
    }
}

impl Pp<'_> {
    // ----- hide sets ---------------------------------------------------------------

    fn hideset_id(&mut self, set: Vec<Sym>) -> u32 {
        if let Some(&id) = self.hideset_ids.get(&set) {
            return id;
        }
        let id = self.hidesets.len() as u32;
        self.hidesets.push(set.clone());
        self.hideset_ids.insert(set, id);
        id
    }

    pub(super) fn hide_add(&mut self, id: u32, sym: Sym) -> u32 {
        if let Some(&done) = self.hide_added.get(&(id, sym)) {
            return done;
        }
        let set = &self.hidesets[id as usize];
        let added = match set.binary_search(&sym) {
            Ok(_) => id,
            Err(at) => {
                let mut s = set.clone();
                s.insert(at, sym);
                self.hideset_id(s)
            }
        };
        self.hide_added.insert((id, sym), added);
        added
    }

    fn hide_union(&mut self, a: u32, b: u32) -> u32 {
        if a == b || b == 0 {
            return a;
        }
        if a == 0 {
            return b;
        }
        let mut s = self.hidesets[a as usize].clone();
        for &x in &self.hidesets[b as usize] {
            if let Err(at) = s.binary_search(&x) {
                s.insert(at, x);
            }
        }
        self.hideset_id(s)
    }

    fn hide_intersect(&mut self, a: u32, b: u32) -> u32 {
        if a == b {
            return a;
        }
        if a == 0 || b == 0 {
            return 0;
        }
        let other = &self.hidesets[b as usize];
        let s: Vec<Sym> = self.hidesets[a as usize]
            .iter()
            .copied()
            .filter(|x| other.binary_search(x).is_ok())
            .collect();
        self.hideset_id(s)
    }

    fn hidden(&self, t: PpTok) -> bool {
        t.hide != 0 && self.hidesets[t.hide as usize].binary_search(&t.sym).is_ok()
    }

    // ----- definitions -------------------------------------------------------------

    /// `#define` with the rest of its line.
    pub(super) fn define(&mut self, line: &[PpTok], user: bool) -> Result<(), CDefError> {
        let Some(&name) = line.first().filter(|t| t.kind == Kind::Ident) else {
            let at = line.first().copied();
            let what = at.map_or("nothing".into(), |t| {
                format!("'{}'", self.names.text(t.sym))
            });
            return Err(match at {
                Some(t) => self.error_at(t, format!("'#define' needs a name, found {what}")),
                None => self.error_here("'#define' needs a name".into()),
            });
        };
        if self.is(name, "defined") {
            return Err(self.error_at(name, "'defined' cannot be used as a macro name"));
        }
        let mut rest = &line[1..];
        if user {
            // Where the cdef text defines a macro, its constant is declared
            // (in declaration order, as cffi does).
            let text = format!("define {}", self.names.text(name.sym));
            self.emit_directive(name, &text);
        }
        let (params, variadic) = if rest.first().is_some_and(|t| !t.space && self.is(*t, "(")) {
            let (params, variadic, used) = self.parameters(name, rest)?;
            rest = &rest[used..];
            (Some(Rc::from(params)), variadic)
        } else {
            (None, false)
        };
        // cffi's `#define NAME ...` in the cdef text: a constant the compiler
        // knows, not a macro.
        if user && params.is_none() && rest.len() == 1 && self.is(rest[0], "...") {
            let location = self.location(name.file, name.line, name.col);
            self.dotdotdot
                .push((self.names.text(name.sym).to_string(), location));
            return Ok(());
        }
        let mut body: Vec<PpTok> = rest.to_vec();
        if let Some(first) = body.first_mut() {
            first.space = false;
        }
        for t in &mut body {
            t.bol = false;
        }
        let order = self.macro_order;
        self.macro_order += 1;
        let m = Macro {
            params,
            variadic,
            body: body.into(),
            at: name,
            predefined: false,
            from_user: user,
            order,
        };
        if let Some(old) = self.macros.get(&name.sym) {
            // A redefinition keeps its first place when it is identical.
            if old.same_as(&m) && !old.predefined {
                return Ok(());
            }
        }
        self.macros.insert(name.sym, m);
        Ok(())
    }

    /// The parameter list starting at `toks[0]` (`(`): names, whether
    /// variadic, and how many tokens it took.
    fn parameters(
        &mut self,
        name: PpTok,
        toks: &[PpTok],
    ) -> Result<(Vec<Sym>, bool, usize), CDefError> {
        let mut params = Vec::new();
        let mut i = 1;
        let bad = |pp: &Self, at: PpTok| {
            let n = pp.names.text(name.sym).to_string();
            pp.error_at(at, format!("malformed parameter list of macro '{n}'"))
        };
        loop {
            let Some(&t) = toks.get(i) else {
                return Err(bad(self, *toks.last().unwrap_or(&name)));
            };
            i += 1;
            if self.is(t, ")") && params.is_empty() {
                return Ok((params, false, i));
            }
            if self.is(t, "...") {
                params.push(self.names.intern("__VA_ARGS__"));
                return match toks.get(i) {
                    Some(c) if self.is(*c, ")") => Ok((params, true, i + 1)),
                    _ => Err(bad(self, t)),
                };
            }
            if t.kind != Kind::Ident {
                return Err(bad(self, t));
            }
            let next = toks.get(i).copied();
            if next.is_some_and(|n| self.is(n, "...")) {
                // GNU named variadic parameter: `args...`.
                params.push(t.sym);
                i += 1;
                return match toks.get(i) {
                    Some(c) if self.is(*c, ")") => Ok((params, true, i + 1)),
                    _ => Err(bad(self, t)),
                };
            }
            params.push(t.sym);
            match next {
                Some(n) if self.is(n, ",") => i += 1,
                Some(n) if self.is(n, ")") => return Ok((params, false, i + 1)),
                _ => return Err(bad(self, next.unwrap_or(t))),
            }
        }
    }

    // ----- expansion -------------------------------------------------------------

    /// Expands `t` if it names a macro that may expand here: its expansion is
    /// pushed to be read next. False when `t` stays as it is.
    pub(super) fn expand(&mut self, t: PpTok) -> Result<bool, CDefError> {
        if self.hidden(t) {
            return Ok(false);
        }
        let Some(m) = self.macros.get(&t.sym) else {
            return self.builtin(t);
        };
        if m.params.is_none() {
            let body = m.body.clone();
            let hide = self.hide_add(t.hide, t.sym);
            let out = self.substitute(&body, &[], false, t, hide)?;
            self.push_expansion(out);
            return Ok(true);
        }
        if !self.next_is_paren() {
            return Ok(false);
        }
        let (params, variadic, body) = {
            let m = &self.macros[&t.sym];
            (
                m.params.clone().unwrap_or_else(|| Rc::from([])),
                m.variadic,
                m.body.clone(),
            )
        };
        let (mut args, rparen) = self.arguments(t, params.len(), variadic)?;
        if variadic && args.len() + 1 == params.len() {
            // No variadic arguments at all: `__VA_ARGS__` is empty.
            args.push(Vec::new());
        }
        if args.len() != params.len()
            && !(params.is_empty() && args.len() == 1 && args[0].is_empty())
        {
            let n = self.names.text(t.sym).to_string();
            return Err(self.error_at(
                t,
                format!(
                    "macro '{n}' takes {} arguments, {} given",
                    params.len(),
                    args.len()
                ),
            ));
        }
        let hide = self.hide_intersect(t.hide, rparen.hide);
        let hide = self.hide_add(hide, t.sym);
        let bound: Vec<(Sym, Vec<PpTok>)> = params.iter().copied().zip(args).collect();
        let out = self.substitute(&body, &bound, variadic, t, hide)?;
        self.push_expansion(out);
        Ok(true)
    }

    fn push_expansion(&mut self, out: Vec<PpTok>) {
        self.pending.extend(out.into_iter().rev());
    }

    /// `__FILE__`, `__LINE__`, `__COUNTER__` and `_Pragma(...)`.
    fn builtin(&mut self, t: PpTok) -> Result<bool, CDefError> {
        let text = self.names.text(t.sym);
        let (kind, value) = match text {
            "__LINE__" => (Kind::Number, t.line.to_string()),
            "__COUNTER__" => {
                self.counter += 1;
                (Kind::Number, (self.counter - 1).to_string())
            }
            "__FILE__" => {
                let f = self.files[t.file as usize].display.clone();
                (
                    Kind::Str,
                    format!("{:?}", f.unwrap_or_else(|| "<cdef source string>".into())),
                )
            }
            "_Pragma" if self.next_is_paren() => {
                let (args, _) = self.arguments(t, 1, false)?;
                let text = args
                    .first()
                    .and_then(|a| a.first())
                    .map(|s| self.names.text(s.sym).to_string())
                    .unwrap_or_default();
                let inner = text.trim_matches('"').replace("\\\"", "\"");
                if inner.trim_start().starts_with("pack") {
                    self.emit_directive(t, &format!("pragma {}", inner.trim()));
                }
                return Ok(true);
            }
            _ => return Ok(false),
        };
        let sym = self.names.intern(&value);
        self.pending.push(PpTok { kind, sym, ..t });
        Ok(true)
    }

    /// The next token (from the expansion being read, else the file) is `(`.
    fn next_is_paren(&self) -> bool {
        if let Some(t) = self.pending.last() {
            return self.is(*t, "(");
        }
        if self.isolated > 0 {
            return false;
        }
        let r = self.readers.last().expect("a file is being read");
        r.toks.get(r.pos).is_some_and(|t| self.is(*t, "("))
    }

    /// Reads the next token of the invocation being collected.
    fn invocation_token(&mut self, name: PpTok) -> Result<PpTok, CDefError> {
        if let Some(t) = self.pending.pop() {
            return Ok(t);
        }
        if self.isolated == 0 {
            let r = self.readers.last_mut().expect("a file is being read");
            if let Some(&t) = r.toks.get(r.pos) {
                if !(t.bol && self.names.text(t.sym) == "#") {
                    r.pos += 1;
                    return Ok(PpTok { file: r.file, ..t });
                }
            }
        }
        let n = self.names.text(name.sym).to_string();
        Err(self.error_at(
            name,
            format!("unterminated argument list invoking macro '{n}'"),
        ))
    }

    /// The arguments of an invocation, after its name (`(` is next), and the
    /// closing `)`. Commas inside parentheses, and in the variadic part, do not
    /// separate arguments.
    fn arguments(
        &mut self,
        name: PpTok,
        nparams: usize,
        variadic: bool,
    ) -> Result<(Vec<Vec<PpTok>>, PpTok), CDefError> {
        self.invocation_token(name)?;
        let mut args = vec![Vec::new()];
        let mut depth = 0usize;
        loop {
            let mut t = self.invocation_token(name)?;
            t.bol = false;
            let text = self.names.text(t.sym);
            match text {
                ")" if depth == 0 => return Ok((args, t)),
                "," if depth == 0 && !(variadic && args.len() == nparams) => {
                    args.push(Vec::new());
                    continue;
                }
                "(" => depth += 1,
                ")" => depth -= 1,
                _ => {}
            }
            args.last_mut().expect("one argument").push(t);
        }
    }

    /// Expands `toks` completely, on their own (a macro argument, a `#if`
    /// line, a macro's value).
    pub(super) fn expand_list(&mut self, toks: Vec<PpTok>) -> Result<Vec<PpTok>, CDefError> {
        if self.depth >= MAX_DEPTH || crate::parse::stack_is_low() {
            let at = toks.first().copied();
            let msg = format!("macro expansion nested too deeply (more than {MAX_DEPTH} levels)");
            return Err(match at {
                Some(t) => self.error_at(t, msg),
                None => self.error_here(msg),
            });
        }
        self.depth += 1;
        let saved = std::mem::take(&mut self.pending);
        self.isolated += 1;
        self.pending.extend(toks.into_iter().rev());
        let mut out = Vec::new();
        let result = loop {
            let Some(t) = self.pending.pop() else {
                break Ok(());
            };
            if t.kind == Kind::Ident {
                match self.expand(t) {
                    Ok(true) => continue,
                    Ok(false) => {}
                    Err(e) => break Err(e),
                }
            }
            out.push(t);
        };
        self.isolated -= 1;
        self.pending = saved;
        self.depth -= 1;
        result.map(|()| out)
    }

    /// A macro's body with its parameters replaced: `#` stringizes, `##`
    /// pastes, other uses get the fully expanded argument. Every token gets
    /// `hide` and the invocation's position.
    fn substitute(
        &mut self,
        body: &[PpTok],
        args: &[(Sym, Vec<PpTok>)],
        variadic: bool,
        at: PpTok,
        hide: u32,
    ) -> Result<Vec<PpTok>, CDefError> {
        let arg = |s: Sym| args.iter().position(|(p, _)| *p == s);
        let placemarker = self.names.intern("");
        let va_opt = self.names.intern("__VA_OPT__");
        let va_present = variadic && args.last().is_some_and(|(_, a)| !a.is_empty());
        let mut out: Vec<PpTok> = Vec::with_capacity(body.len());
        let mut i = 0;
        while i < body.len() {
            let t = body[i];
            let text = self.names.text(t.sym);
            if text == "#" && !args.is_empty() {
                if let Some(k) = body.get(i + 1).and_then(|n| arg(n.sym)) {
                    let s = self.stringize(&args[k].1);
                    out.push(PpTok {
                        kind: Kind::Str,
                        sym: self.names.intern(&s),
                        ..t
                    });
                    i += 2;
                    continue;
                }
            }
            if text == "##" && i + 1 < body.len() && !out.is_empty() {
                let rhs = body[i + 1];
                i += 2;
                let rhs_toks: Vec<PpTok> = match arg(rhs.sym) {
                    Some(k) => args[k].1.clone(),
                    None => vec![rhs],
                };
                // GNU: `, ## __VA_ARGS__` drops the comma when there are no
                // variadic arguments.
                let is_va = variadic && arg(rhs.sym) == Some(args.len() - 1);
                if is_va && rhs_toks.is_empty() && self.is(*out.last().expect("lhs"), ",") {
                    out.pop();
                    continue;
                }
                let Some((&first, rest)) = rhs_toks.split_first() else {
                    continue;
                };
                let lhs = out.pop().expect("lhs");
                let pasted = self.paste(lhs, first)?;
                out.extend(pasted);
                out.extend_from_slice(rest);
                continue;
            }
            if t.sym == va_opt && variadic && body.get(i + 1).is_some_and(|n| self.is(*n, "(")) {
                let mut depth = 0;
                let mut j = i + 1;
                let close = loop {
                    j += 1;
                    let Some(n) = body.get(j) else {
                        return Err(self.error_at(t, "unterminated __VA_OPT__"));
                    };
                    match self.names.text(n.sym) {
                        "(" => depth += 1,
                        ")" if depth == 0 => break j,
                        ")" => depth -= 1,
                        _ => {}
                    }
                };
                if va_present {
                    let inner = self.substitute(&body[i + 2..close], args, variadic, at, hide)?;
                    out.extend(inner);
                }
                i = close + 1;
                continue;
            }
            if let Some(k) = arg(t.sym) {
                let pasted_next = body.get(i + 1).is_some_and(|n| self.is(*n, "##"));
                let mut toks = if pasted_next {
                    args[k].1.clone()
                } else {
                    self.expand_list(args[k].1.clone())?
                };
                if toks.is_empty() && pasted_next {
                    toks.push(PpTok {
                        kind: Kind::Other,
                        sym: placemarker,
                        ..t
                    });
                }
                if let Some(first) = toks.first_mut() {
                    first.space = t.space;
                }
                out.extend(toks);
                i += 1;
                continue;
            }
            out.push(t);
            i += 1;
        }
        out.retain(|t| t.sym != placemarker);
        for (i, t) in out.iter_mut().enumerate() {
            *t = PpTok {
                space: if i == 0 { at.space } else { t.space },
                bol: false,
                file: at.file,
                line: at.line,
                col: at.col,
                hide: self.hide_union(t.hide, hide),
                ..*t
            };
        }
        Ok(out)
    }

    /// `#arg`: the argument's spelling as a string literal.
    fn stringize(&self, toks: &[PpTok]) -> String {
        let mut s = String::from("\"");
        for (i, t) in toks.iter().enumerate() {
            if i > 0 && t.space {
                s.push(' ');
            }
            let text = self.names.text(t.sym);
            if matches!(t.kind, Kind::Str | Kind::Char) {
                for c in text.chars() {
                    if c == '"' || c == '\\' {
                        s.push('\\');
                    }
                    s.push(c);
                }
            } else {
                s.push_str(text);
            }
        }
        s.push('"');
        s
    }

    /// `a ## b`: the tokens of their joined spelling.
    fn paste(&mut self, a: PpTok, b: PpTok) -> Result<Vec<PpTok>, CDefError> {
        let (ta, tb) = (self.names.text(a.sym), self.names.text(b.sym));
        if ta.is_empty() {
            return Ok(vec![b]);
        }
        if tb.is_empty() {
            return Ok(vec![a]);
        }
        let joined = format!("{ta}{tb}");
        let toks = lex::tokenize(&joined, a.file, &mut self.names).map_err(|e| {
            self.error_at(a, format!("pasting gives no valid token: {}", e.message))
        })?;
        Ok(toks
            .into_iter()
            .enumerate()
            .map(|(i, t)| PpTok {
                space: if i == 0 { a.space } else { t.space },
                bol: false,
                file: a.file,
                line: a.line,
                col: a.col,
                // The expansion's hide set is added to every token after.
                hide: 0,
                ..t
            })
            .collect())
    }
}
