//! Differential test of the preprocessor: each case of a corpus of tricky
//! macro and conditional texts goes through rcffi-core's preprocessor and
//! through `cc -E -P`; the token streams must be the same.

#![cfg(target_os = "linux")]

use std::process::Command;

use rcffi_core::parse::lexer;
use rcffi_core::preprocess::{preprocess, Config};

const CASES: &[(&str, &str)] = &[
    (
        "rescanning",
        "#define f(a) a*g\n#define g(a) f(a)\nf(2)(9)\n",
    ),
    (
        "stringify",
        "#define str(s) # s\n#define xstr(s) str(s)\n#define foo 4\nstr(foo) xstr(foo) str( a  +   b ) str(\"x\\n\" 'q') str()\n",
    ),
    (
        "paste",
        "#define cat(a,b) a ## b\n#define xcat(a,b) cat(a,b)\ncat(x, y) xcat(x, cat(1,2)) cat(,z) cat(w,) cat(,) cat(<,<) cat(0x, 1F)\n",
    ),
    (
        "blue paint",
        "#define foo foo a\nfoo\n#define bar baz\n#define baz bar\nbar baz\n#define self(x) self(x) + x\nself(self(1))\n",
    ),
    (
        "variadic",
        "#define v(fmt, ...) printf(fmt, __VA_ARGS__)\nv(\"a\", 1, (2, 3))\n#define g(fmt, ...) f(fmt, ## __VA_ARGS__)\ng(\"x\") g(\"x\", 3)\n#define n(args...) h(args)\nn(1,2) n()\n",
    ),
    (
        "va_opt",
        "#define o(a, ...) a __VA_OPT__(, __VA_ARGS__) end\no(1) o(1, 2) o(1,)\n",
    ),
    (
        "nested calls",
        "#define max(a,b) ((a)>(b)?(a):(b))\nmax(max(1,2), max(3, 4))\n#define F G\n#define G(x) x+1\nF(3) F (4) G\n",
    ),
    (
        "the standard's example",
        "#define x 3\n#define f(a) f(x * (a))\n#undef x\n#define x 2\n#define g f\n#define z z[0]\n#define h g(~\n#define m(a) a(w)\n#define w 0,1\n#define t(a) a\n#define p() int\n#define q(x) x\n#define r(x,y) x ## y\nf(y+1) + f(f(z)) % t(t(g)(0) + t)(1);\ng(x+(3,4)-w) | h 5) & m\n(f)^m(m);\np() i[q()] = { q(1), r(2,3), r(4,), r(,5), r(,) };\n",
    ),
    (
        "arguments",
        "#define e(a,b) [a|b]\ne(,) e((1,2),3) e( , x) e(\n  1,\n  2\n)\n#define id(x) x\nid(id)(5) id(e)(1,2)\n",
    ),
    (
        "conditionals",
        "#if (-1 < 0u)\nunsigned_wins\n#else\nsigned_wins\n#endif\n#if 0x7fffffffffffffff + 0 > 0 && (2 || 1/0) && 'A' == 65 && (1 << 62) > 0\nok1\n#endif\n#define A\n#if defined(A) ? 1 : 0\nok2\n#elif 1/0\nno\n#endif\n#if ~0u == 0xffffffffffffffff && -1 >> 1 == -1 && 7 % -3 == 1 && !defined B\nok3\n#endif\n#define L(x) (x + 1)\n#if L(2) == 3 && UNDEFINED_NAME == 0\nok4\n#endif\n#ifdef A\n#ifndef A\nno\n#else\nok5\n#endif\n#endif\n",
    ),
    (
        "redefinition and undef",
        "#define X 1\n#define X 1\nX\n#undef X\nX\n#define X(a) (a)\nX(2) X\n",
    ),
    (
        "object-like to function-like",
        "#define LPAREN (\n#define F(x) <x>\n#define ID(x) x\nID(F LPAREN 1))\n#define EMPTY\nF EMPTY (2)\n",
    ),
];

/// The spellings of the C tokens of `text`, as the cdef lexer reads them.
fn tokens(text: &str) -> Vec<String> {
    let lexed = lexer::lex(text).unwrap_or_else(|e| panic!("cannot lex {text:?}: {e}"));
    // The `#define NAME` lines rcffi leaves for its parser are no tokens of C.
    lexed.tokens[..lexed.tokens.len() - 1]
        .iter()
        .filter(|t| t.tok != lexer::Tok::Directive)
        .map(|t| lexed.text(t).to_string())
        .collect()
}

fn gcc(text: &str) -> Option<String> {
    let dir = std::env::temp_dir().join(format!("rcffi-pp-vs-gcc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let src = dir.join("case.c");
    std::fs::write(&src, text).expect("write case");
    let out = match Command::new("cc")
        .args(["-E", "-P", "-x", "c"])
        .arg(&src)
        .output()
    {
        Ok(o) => o,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => panic!("cannot run cc: {e}"),
    };
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.status.success(),
        "gcc refused the case:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn token_streams_match_gcc() {
    let mut diffs = Vec::new();
    for (name, text) in CASES {
        let Some(expected) = gcc(text) else {
            eprintln!("preprocess_vs_gcc: no `cc` on PATH");
            return;
        };
        let ours = preprocess(text, &Config::default())
            .unwrap_or_else(|e| panic!("{name}: rcffi refused the case: {e}"));
        let (a, b) = (tokens(&ours.text), tokens(&expected));
        if a != b {
            diffs.push(format!(
                "{name}:\n  rcffi: {}\n  gcc:   {}",
                a.join(" "),
                b.join(" ")
            ));
        }
    }
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}
