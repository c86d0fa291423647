use std::path::PathBuf;

use super::{preprocess, Config};

/// A directory of headers for one test, removed afterwards.
struct Headers(PathBuf);

impl Headers {
    fn new(name: &str, files: &[(&str, &str)]) -> Headers {
        let dir = std::env::temp_dir().join(format!("rcffi-pp-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (path, text) in files {
            let p = dir.join(path);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(p, text).expect("write header");
        }
        Headers(dir)
    }

    fn config(&self) -> Config {
        Config {
            include_dirs: vec![self.0.join("inc")],
            system_dirs: vec![self.0.join("sys")],
            ..Config::default()
        }
    }
}

impl Drop for Headers {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The output's tokens, separated by single spaces.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn include_search_order_guards_and_once() {
    let h = Headers::new(
        "search",
        &[
            (
                "inc/a.h",
                "#ifndef A_H\n#define A_H\nint from_inc;\n#include \"b.h\"\n#endif\n",
            ),
            ("inc/b.h", "#pragma once\nint b_once;\n"),
            ("sys/a.h", "int from_sys;\n"),
            ("sys/n.h", "int sys_n;\n"),
            ("inc/n.h", "int inc_n;\n#include_next <n.h>\n"),
        ],
    );
    let out = preprocess(
        "#include <a.h>\n#include <a.h>\n#include \"b.h\"\n#include <n.h>\n",
        &h.config(),
    )
    .expect("preprocess");
    assert_eq!(
        words(&out.text),
        "int from_inc; int b_once; int inc_n; int sys_n;"
    );
}

#[test]
fn errors_name_the_header_and_the_include_chain() {
    let h = Headers::new(
        "chain",
        &[
            ("inc/outer.h", "\n#include \"inner.h\"\n"),
            ("inc/inner.h", "int x;\n#error stop here\n"),
        ],
    );
    let e = preprocess("int y;\n#include <outer.h>\n", &h.config()).expect_err("#error");
    let text = e.to_string();
    assert!(text.contains("inner.h:2:2: #error stop here"), "{text}");
    assert!(
        text.starts_with("In file included from ") && text.contains("outer.h:2:"),
        "{text}"
    );
    assert!(text.contains("<cdef source string>:2:"), "{text}");
}

#[test]
fn missing_header_says_where_it_looked() {
    let h = Headers::new("missing", &[]);
    let e = preprocess("#include <nope.h>\n", &h.config()).expect_err("missing");
    let text = e.to_string();
    assert!(
        text.contains("<nope.h>: file not found") && text.contains("inc"),
        "{text}"
    );
}

#[test]
fn has_include_and_has_attribute() {
    let h = Headers::new("has", &[("sys/there.h", "")]);
    let out = preprocess(
        "#if __has_include(<there.h>) && !__has_include(\"gone.h\")\nyes1\n#endif\n\
         #if __has_attribute(__packed__) && !__has_attribute(vector_size) && !__has_builtin(__builtin_x)\nyes2\n#endif\n\
         #ifdef __has_include\nyes3\n#endif\n",
        &h.config(),
    )
    .expect("preprocess");
    assert_eq!(words(&out.text), "yes1 yes2 yes3");
}

#[test]
fn object_like_macros_are_listed_with_their_expansion() {
    let out = preprocess(
        "#define A (1 << B)\n#define B 3\n#define F(x) x\n#define S \"str\"\n#define D ...\n#undef GONE\n#define GONE 1\n#undef GONE\n",
        &Config::default(),
    )
    .expect("preprocess");
    let listed: Vec<(String, String, bool)> = out
        .macros
        .iter()
        .map(|m| (m.name.clone(), m.expansion.clone(), m.dotdotdot))
        .collect();
    assert_eq!(
        listed,
        vec![
            ("A".into(), "( 1 << 3 )".into(), false),
            ("B".into(), "3".into(), false),
            ("S".into(), "\"str\"".into(), false),
            ("D".into(), "...".into(), true),
        ]
    );
}

#[test]
fn predefined_macros_keep_reserved_names_only() {
    let config = Config {
        predefines: "#define __GNUC__ 12\n#define linux 1\n#define unix 1\n".into(),
        defines: vec![("MINE".into(), Some("7".into())), ("FLAG".into(), None)],
        ..Config::default()
    };
    let out = preprocess("__GNUC__ linux unix MINE FLAG\n", &config).expect("preprocess");
    assert_eq!(words(&out.text), "12 linux unix 7 1");
    assert!(out.macros.is_empty(), "predefined macros are no constants");
}

#[test]
fn line_directives_and_pragma_pack_reach_the_parser() {
    let out = preprocess(
        "# 40 \"api.h\"\nint a;\n#pragma pack(push, 1)\n_Pragma(\"pack(pop)\") int b;\n",
        &Config::default(),
    )
    .expect("preprocess");
    assert_eq!(
        words(&out.text),
        "int a; #pragma pack(push, 1) #pragma pack(pop) int b;"
    );
    assert_eq!(out.segments[0].file.as_deref(), Some("api.h"));
    assert_eq!(out.segments[0].first_line, 40);
}

#[test]
fn runaway_inputs_are_errors() {
    let h = Headers::new("loop", &[("inc/self.h", "#include \"self.h\"\n")]);
    let e = preprocess("#include <self.h>\n", &h.config()).expect_err("self include");
    assert!(e.to_string().contains("nested too deeply"), "{e}");
    for (src, needle) in [
        (
            "#define F(x) x\nF(1",
            "unterminated argument list invoking macro 'F'",
        ),
        ("#define F(x, y) x\nF(1)", "takes 2 arguments, 1 given"),
        ("#if 1\n", "unterminated #if"),
        ("#define F(x x\n", "malformed parameter list"),
        ("#if (((((((((((((((((((((((((((((((((1", "expected ')'"),
        ("/* open", "unterminated comment"),
    ] {
        let e = preprocess(src, &Config::default()).expect_err(src);
        assert!(e.to_string().contains(needle), "{src}: {e}");
    }
    let deep = format!(
        "#if {}1{}\nyes\n#endif\n",
        "(".repeat(5000),
        ")".repeat(5000)
    );
    let e = preprocess(&deep, &Config::default()).expect_err("deep #if");
    assert!(e.to_string().contains("nested too deeply"), "{e}");
}
