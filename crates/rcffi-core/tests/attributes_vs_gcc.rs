//! Differential test of layout attributes: `__attribute__((packed))`,
//! `aligned(N)` (on records and members), `mode(...)` and `#pragma pack`, in
//! the same C text given to rcffi-core's `cdef()` and to the C compiler of
//! this machine. A deterministic generator writes a few hundred records with
//! random attributes; a probe prints gcc's `sizeof`, `_Alignof`, `offsetof` and
//! the first bit of every bitfield, and each difference is reported with the
//! declaration it came from.

#![cfg(all(target_arch = "x86_64", target_os = "linux"))]

mod common;
use common::Rng;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::process::Command;

use rcffi_core::decl::{CdefOptions, Declarations};
use rcffi_core::TypeTable;

const TYPES: &[&str] = &[
    "char",
    "short",
    "int",
    "long",
    "double",
    "long double",
    "char",
    "unsigned short",
];
const ALIGNS: &[&str] = &["1", "2", "4", "8", "16", "32"];
const PACKS: &[&str] = &["1", "2", "4", "8"];

/// One record: its C text (pragmas included), its tag, and its members as
/// (name, is_bitfield).
struct Rec {
    text: String,
    tag: String,
    members: Vec<(String, bool)>,
}

/// A random attribute list for a member or a record, possibly empty.
fn random_attrs(rng: &mut Rng, bitfield: bool) -> String {
    match rng.below(10) {
        0 | 1 => " __attribute__((packed))".into(),
        2 if !bitfield => format!(" __attribute__((aligned({})))", rng.pick(ALIGNS)),
        3 if !bitfield => format!(
            " __attribute__((__packed__, __aligned__({})))",
            rng.pick(ALIGNS)
        ),
        4 if !bitfield => " __attribute__((aligned))".into(),
        5 => " __attribute__((deprecated, unused))".into(),
        _ => String::new(),
    }
}

fn random_record(rng: &mut Rng, i: usize, earlier: &[String]) -> Rec {
    let tag = format!("r{i}");
    let kw = if rng.below(6) == 0 { "union" } else { "struct" };
    let mut body = String::new();
    let mut members = Vec::new();
    for f in 0..1 + rng.below(6) {
        let name = format!("f{f}");
        if rng.below(6) == 0 {
            let width = 1 + rng.below(20);
            let _ = write!(body, " int {name} : {width}{};", random_attrs(rng, true));
            members.push((name, true));
            continue;
        }
        let ty = if !earlier.is_empty() && rng.below(6) == 0 {
            earlier[rng.below(earlier.len())].clone()
        } else {
            rng.pick(TYPES).to_string()
        };
        let array = if rng.below(5) == 0 { "[3]" } else { "" };
        let _ = write!(body, " {ty} {name}{array}{};", random_attrs(rng, false));
        members.push((name, false));
    }
    let after_kw = if rng.below(8) == 0 {
        " __attribute__((packed))"
    } else {
        ""
    };
    let record = format!(
        "{kw}{after_kw} {tag} {{{body} }}{};",
        random_attrs(rng, false)
    );
    let text = match rng.below(5) {
        0 => format!(
            "#pragma pack(push, {})\n{record}\n#pragma pack(pop)",
            rng.pick(PACKS)
        ),
        1 => format!(
            "#pragma pack({})\n{record}\n#pragma pack()",
            rng.pick(PACKS)
        ),
        _ => record,
    };
    Rec {
        text,
        tag: format!("{kw} {tag}"),
        members,
    }
}

/// Hand-written cases: typedef spellings, `mode`, attributes between the
/// keyword and the tag, nested pragmas.
const CORNERS: &[(&str, &str, &[&str])] = &[
    (
        "typedef struct { char a; int b; } __attribute__((packed)) c0_t;",
        "c0_t",
        &["a", "b"],
    ),
    (
        "struct __attribute__((__packed__)) c1 { char a; long b; short c; };",
        "struct c1",
        &["a", "b", "c"],
    ),
    (
        "typedef int c2_t __attribute__((__mode__(__QI__)));\nstruct c2 { char a; c2_t b; int c; };",
        "struct c2",
        &["a", "b", "c"],
    ),
    (
        "typedef unsigned int __attribute__((mode(DI))) c3_t;\nstruct c3 { char a; c3_t b; };",
        "struct c3",
        &["a", "b"],
    ),
    (
        "#pragma pack(push, 4)\n#pragma pack(push, 1)\nstruct c4a { char a; int b; };\n#pragma pack(pop)\nstruct c4 { char a; double b; struct c4a c; };\n#pragma pack(pop)",
        "struct c4",
        &["a", "b", "c"],
    ),
    (
        "struct c5 { char a; int b __attribute__((aligned(16))); } __attribute__((aligned(4)));",
        "struct c5",
        &["a", "b"],
    ),
    (
        "typedef struct { long a; } __attribute__((aligned(8))) c6_t;\nstruct c6 { char x; c6_t y; };",
        "struct c6",
        &["x", "y"],
    ),
    (
        "struct c7 { char a; int b : 5 __attribute__((packed)); int c : 30 __attribute__((packed)); };",
        "struct c7",
        &[],
    ),
    (
        "union c8 { char a[5]; int b; } __attribute__((packed, aligned(2)));",
        "union c8",
        &["a", "b"],
    ),
];

/// (size, align, member offsets) of each probed record, from gcc.
type Answers = Vec<(usize, usize, HashMap<String, usize>)>;

fn gcc_answers(text: &str, probes: &[(String, Vec<(String, bool)>)]) -> Option<Answers> {
    let mut c = String::from("#include <stdio.h>\n#include <stddef.h>\n#include <string.h>\n");
    c.push_str(text);
    c.push_str("\nstatic int first_bit(const unsigned char *p, size_t n) {\n    for (size_t i = 0; i < n * 8; i++) if (p[i / 8] & (1u << (i % 8))) return (int)i;\n    return -1;\n}\nint main(void) {\n");
    for (i, (ty, members)) in probes.iter().enumerate() {
        let _ = writeln!(
            c,
            "  printf(\"S {i} %zu %zu\\n\", sizeof({ty}), _Alignof({ty}));"
        );
        for (m, is_bits) in members {
            if *is_bits {
                let _ = writeln!(c, "  {{ static {ty} v; memset(&v, 0, sizeof v); v.{m} = 1; printf(\"F {i} {m} %d\\n\", first_bit((const unsigned char *)&v, sizeof v)); }}");
            } else {
                let _ = writeln!(
                    c,
                    "  printf(\"F {i} {m} %zu\\n\", offsetof({ty}, {m}) * 8);"
                );
            }
        }
    }
    c.push_str("  return 0;\n}\n");
    let dir = std::env::temp_dir().join(format!("rcffi-attrs-vs-gcc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let (src, exe) = (dir.join("probe.c"), dir.join("probe"));
    std::fs::write(&src, &c).expect("write probe");
    let out = match Command::new("cc")
        .args(["-std=gnu11", "-w", "-o"])
        .arg(&exe)
        .arg(&src)
        .output()
    {
        Ok(o) => o,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => panic!("cannot run cc: {e}"),
    };
    assert!(
        out.status.success(),
        "probe did not compile:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let run = Command::new(&exe).output().expect("run probe");
    let _ = std::fs::remove_dir_all(&dir);
    let mut answers: Answers = vec![(0, 0, HashMap::new()); probes.len()];
    for line in String::from_utf8_lossy(&run.stdout).lines() {
        let w: Vec<&str> = line.split_whitespace().collect();
        let i: usize = w[1].parse().expect("index");
        match w[0] {
            "S" => {
                answers[i].0 = w[2].parse().expect("size");
                answers[i].1 = w[3].parse().expect("align");
            }
            _ => {
                answers[i].2.insert(w[2].into(), w[3].parse().expect("bit"));
            }
        }
    }
    Some(answers)
}

#[test]
fn attributes_and_pragma_pack_match_gcc() {
    let mut rng = Rng(0xa77_5eed);
    let mut recs: Vec<Rec> = Vec::new();
    let mut earlier = Vec::new();
    for i in 0..300 {
        let r = random_record(&mut rng, i, &earlier);
        earlier.push(r.tag.clone());
        recs.push(r);
    }
    for (text, ty, members) in CORNERS {
        recs.push(Rec {
            text: text.to_string(),
            tag: ty.to_string(),
            members: members.iter().map(|m| (m.to_string(), false)).collect(),
        });
    }
    let text: String = recs.iter().map(|r| r.text.clone() + "\n").collect();
    let probes: Vec<(String, Vec<(String, bool)>)> = recs
        .iter()
        .map(|r| (r.tag.clone(), r.members.clone()))
        .collect();
    let Some(gcc) = gcc_answers(&text, &probes) else {
        eprintln!("attributes_vs_gcc: no `cc` on PATH");
        return;
    };
    let mut table = TypeTable::new();
    let mut decls = Declarations::default();
    decls
        .cdef(&mut table, &text, CdefOptions::default())
        .unwrap_or_else(|e| panic!("cdef refused the records: {e}"));
    let mut diffs = Vec::new();
    for (r, (size, align, offsets)) in recs.iter().zip(&gcc) {
        let id = decls.parse_type(&mut table, &r.tag).expect("declared");
        let ours = (table.size_of(id), table.align_of(id));
        if ours != (Some(*size), Some(*align)) {
            diffs.push(format!(
                "{}: rcffi size/align {ours:?}, gcc ({size}, {align})\n{}",
                r.tag, r.text
            ));
            continue;
        }
        for (m, _) in &r.members {
            let f = table.find_field(id, m).expect("member");
            let bit = f.offset * 8 + f.bitshift.unwrap_or(0) as usize;
            if Some(&bit) != offsets.get(m) {
                diffs.push(format!(
                    "{}.{m}: rcffi bit {bit}, gcc {:?}\n{}",
                    r.tag,
                    offsets.get(m),
                    r.text
                ));
            }
        }
    }
    assert!(
        diffs.is_empty(),
        "{} differences:\n{}",
        diffs.len(),
        diffs.join("\n")
    );
}

#[test]
fn unrepresentable_attributes_are_refused() {
    for (text, needle) in [
        (
            "struct s { int a; } __attribute__((scalar_storage_order(\"big-endian\")));",
            "scalar_storage_order",
        ),
        (
            "typedef int v4 __attribute__((vector_size(16)));",
            "vector_size",
        ),
        (
            "typedef int t __attribute__((aligned(16)));",
            "alignment 16",
        ),
        ("typedef int t __attribute__((mode(TI)));", "mode 'TI'"),
        ("enum __attribute__((packed)) e { A };", "enum"),
        (
            "struct s { int a : 3 __attribute__((aligned(8))); };",
            "bit-field",
        ),
        ("#pragma pack(3)\nstruct s { int a; };", "pragma pack"),
    ] {
        let mut table = TypeTable::new();
        let mut decls = Declarations::default();
        let err = decls
            .cdef(&mut table, text, CdefOptions::default())
            .expect_err(text)
            .to_string();
        assert!(err.contains(needle), "{text}: {err}");
    }
}
