//! Differential layout test: rcffi-core against the C compiler of this machine.
//!
//! A deterministic generator writes several hundred random struct and union
//! declarations (primitives, pointers, multi-dimensional arrays, earlier records,
//! bitfields of every integer type — named, unnamed, zero-width —, anonymous nested
//! structs and unions, flexible array members) in three packing modes: natural,
//! `packed=True` and `pack=N`. rcffi-core lays them out through its public API; one C
//! probe, compiled once with `cc`, prints what gcc does (`sizeof`, `_Alignof`,
//! `offsetof`, and the absolute bit position and width of every bitfield, found by
//! setting it to all ones in a zeroed instance). Every difference is reported with
//! the C declaration it came from.

#![cfg(all(target_arch = "x86_64", target_os = "linux"))]

mod common;
use common::Rng;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::Command;

use rcffi_core::decl::{CdefOptions, Declarations};
use rcffi_core::layout::Packing;
use rcffi_core::TypeTable;

/// Number of random records; hand-written tricky ones come on top.
const RANDOM_RECORDS: usize = 600;
const SEED: u64 = 0x5eed_1a70_u64;

/// Marker replaced by `__attribute__((packed)) ` in the C text of packed records,
/// and by nothing in the cdef text.
const ATTR: &str = "@A@";

// ---------------------------------------------------------------------------------
// The generator.

/// A scalar type: its C spelling, its size, and its width in bits when it may be
/// the type of a bitfield.
struct Scalar {
    name: &'static str,
    size: usize,
    bits: Option<u32>,
}

const fn sc(name: &'static str, size: usize, bits: Option<u32>) -> Scalar {
    Scalar { name, size, bits }
}

const SCALARS: &[Scalar] = &[
    sc("char", 1, Some(8)),
    sc("signed char", 1, Some(8)),
    sc("unsigned char", 1, Some(8)),
    sc("short", 2, Some(16)),
    sc("short int", 2, Some(16)),
    sc("unsigned short", 2, Some(16)),
    sc("int", 4, Some(32)),
    sc("signed", 4, Some(32)),
    sc("unsigned int", 4, Some(32)),
    sc("unsigned", 4, Some(32)),
    sc("long", 8, Some(64)),
    sc("unsigned long", 8, Some(64)),
    sc("long long", 8, Some(64)),
    sc("unsigned long long", 8, Some(64)),
    sc("float", 4, None),
    sc("double", 8, None),
    sc("long double", 16, None),
    sc("_Bool", 1, Some(1)),
    sc("int8_t", 1, Some(8)),
    sc("uint8_t", 1, Some(8)),
    sc("int16_t", 2, Some(16)),
    sc("uint16_t", 2, Some(16)),
    sc("int32_t", 4, Some(32)),
    sc("uint32_t", 4, Some(32)),
    sc("int64_t", 8, Some(64)),
    sc("uint64_t", 8, Some(64)),
    sc("size_t", 8, Some(64)),
    sc("enum e_u32", 4, Some(32)),
    sc("enum e_i32", 4, Some(32)),
    sc("enum e_u64", 8, Some(64)),
];

/// Enums the records may use, declared first in both texts.
const ENUMS: &str = "enum e_u32 { E_U32_A, E_U32_B = 7 };\n\
                     enum e_i32 { E_I32_A = -3, E_I32_B = 100 };\n\
                     enum e_u64 { E_U64_A = 0, E_U64_B = 8589934591 };\n";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Natural,
    Packed,
    Pack(usize),
}

impl Mode {
    fn packing(self) -> Packing {
        match self {
            Mode::Natural => Packing::Natural,
            Mode::Packed => Packing::Packed,
            Mode::Pack(n) => Packing::Pack(n),
        }
    }

    fn describe(self) -> String {
        match self {
            Mode::Natural => "natural".into(),
            Mode::Packed => "packed=True".into(),
            Mode::Pack(n) => format!("pack={n}"),
        }
    }
}

/// A named member to check: `Some(width)` for a bitfield.
#[derive(Clone, Debug)]
struct Check {
    name: String,
    bits: Option<u32>,
}

/// One generated top-level record.
struct Rec {
    /// `struct s12` / `union u13`.
    tag: String,
    mode: Mode,
    /// The body with [`ATTR`] markers, starting at `struct`/`union`, ending with `;`.
    text: String,
    checks: Vec<Check>,
}

impl Rec {
    /// The C text gcc sees: attributes or `#pragma pack` around the declaration.
    fn c_text(&self) -> String {
        match self.mode {
            Mode::Natural => self.text.replace(ATTR, ""),
            Mode::Packed => self.text.replace(ATTR, "__attribute__((packed)) "),
            Mode::Pack(n) => format!(
                "#pragma pack(push, {n})\n{}\n#pragma pack(pop)",
                self.text.replace(ATTR, "")
            ),
        }
    }

    /// The text given to `cdef()`.
    fn cdef_text(&self) -> String {
        self.text.replace(ATTR, "")
    }
}

/// An earlier record a new one may embed.
struct Nestable {
    tag: String,
    /// A rough upper bound of its size, to keep everything small.
    estimate: usize,
}

struct Gen {
    rng: Rng,
    nestable: Vec<Nestable>,
    all_tags: Vec<String>,
}

/// What one record body produced.
struct Body {
    text: String,
    checks: Vec<Check>,
    estimate: usize,
    named: bool,
}

impl Gen {
    fn bitfield_width(&mut self, bits: u32) -> u32 {
        if bits == 1 {
            return 1;
        }
        match self.rng.below(6) {
            0 => bits,
            1 => bits - 1,
            2 => self.rng.range(1, 4) as u32,
            3 => self.rng.range((bits / 2) as usize, bits as usize) as u32,
            _ => self.rng.range(1, bits as usize) as u32,
        }
    }

    /// A type for a plain (non-bitfield) member: its spelling with `{}` where the
    /// declarator goes, and a size estimate.
    fn member_type(&mut self, self_tag: &str, allow_record: bool) -> (String, usize) {
        let r = self.rng.below(100);
        if r < 55 {
            let s = self.rng.pick(SCALARS);
            (format!("{} {{}}", s.name), s.size)
        } else if r < 72 {
            let pointee = match self.rng.below(7) {
                0 => "void *{}".to_string(),
                1 => "char **{}".to_string(),
                2 => "int (*{})(int, char *)".to_string(),
                3 => format!("{self_tag} *{{}}"),
                4 if !self.all_tags.is_empty() => {
                    let i = self.rng.below(self.all_tags.len());
                    format!("{} *{{}}", self.all_tags[i])
                }
                _ => format!("{} *{{}}", self.rng.pick(SCALARS).name),
            };
            (pointee, 8)
        } else if allow_record && !self.nestable.is_empty() {
            let i = self.rng.below(self.nestable.len());
            let n = &self.nestable[i];
            (format!("{} {{}}", n.tag), n.estimate)
        } else {
            let s = self.rng.pick(SCALARS);
            (format!("{} {{}}", s.name), s.size)
        }
    }

    /// A record body `{ ... }` at nesting `depth`; `counter` numbers the members so
    /// that names stay unique across anonymous members.
    fn body(
        &mut self,
        self_tag: &str,
        is_union: bool,
        depth: usize,
        counter: &mut usize,
        allow_flexible: bool,
    ) -> Body {
        let heavy = self.rng.chance(40);
        let n = if depth == 0 {
            self.rng.range(1, 12)
        } else {
            self.rng.range(1, 5)
        };
        let indent = "    ".repeat(depth + 1);
        let mut text = String::from("{\n");
        let mut checks = Vec::new();
        let mut estimate = 0usize;
        let mut named = false;
        let add = |estimate: &mut usize, size: usize| {
            if is_union {
                *estimate = (*estimate).max(size + 16);
            } else {
                *estimate += size + 16;
            }
        };
        for _ in 0..n {
            let name = format!("f{}", *counter);
            *counter += 1;
            let r = self.rng.below(100);
            let bitfield_pct = if heavy { 65 } else { 15 };
            if r < bitfield_pct {
                let bf: Vec<&Scalar> = SCALARS.iter().filter(|s| s.bits.is_some()).collect();
                let s = *self.rng.pick(&bf);
                let bits = s.bits.expect("bitfield type");
                let kind = self.rng.below(100);
                if kind < 10 {
                    let _ = writeln!(text, "{indent}{} : 0;", s.name);
                } else if kind < 22 {
                    let w = self.bitfield_width(bits);
                    let _ = writeln!(text, "{indent}{} : {w};", s.name);
                } else {
                    let w = self.bitfield_width(bits);
                    let _ = writeln!(text, "{indent}{} {name} : {w};", s.name);
                    checks.push(Check {
                        name,
                        bits: Some(w),
                    });
                    named = true;
                }
                add(&mut estimate, s.size);
            } else if r < bitfield_pct + 8 && depth < 2 {
                // An anonymous nested struct or union.
                let inner_union = self.rng.chance(50);
                let inner = self.body(self_tag, inner_union, depth + 1, counter, false);
                let kw = if inner_union { "union" } else { "struct" };
                let _ = writeln!(text, "{indent}{kw} {ATTR}{};", inner.text);
                checks.extend(inner.checks);
                named = true;
                add(&mut estimate, inner.estimate);
            } else if r < bitfield_pct + 25 {
                // An array, possibly multi-dimensional.
                let (ty, size) = self.member_type(self_tag, true);
                let dims = match self.rng.below(10) {
                    _ if size > 64 => 1,
                    0..=5 => 1,
                    6..=8 => 2,
                    _ => 3,
                };
                let mut decl = name.clone();
                let mut count = 1;
                for _ in 0..dims {
                    let d = self.rng.range(1, 4);
                    count *= d;
                    let _ = write!(decl, "[{d}]");
                }
                // `int (*f[2])(int, char *)` and `char **f[2]` read right as is.
                let _ = writeln!(text, "{indent}{};", ty.replace("{}", &decl));
                checks.push(Check { name, bits: None });
                named = true;
                add(&mut estimate, size * count);
            } else {
                let (ty, size) = self.member_type(self_tag, true);
                let _ = writeln!(text, "{indent}{};", ty.replace("{}", &name));
                checks.push(Check { name, bits: None });
                named = true;
                add(&mut estimate, size);
            }
        }
        if !named {
            let name = format!("f{}", *counter);
            *counter += 1;
            let s = self.rng.pick(SCALARS);
            let _ = writeln!(text, "{indent}{} {name};", s.name);
            checks.push(Check { name, bits: None });
            named = true;
            add(&mut estimate, s.size);
        }
        if allow_flexible && !is_union && self.rng.chance(15) {
            let name = format!("f{}", *counter);
            *counter += 1;
            let (ty, _) = if self.rng.chance(70) {
                let s = self.rng.pick(SCALARS);
                (format!("{} {{}}", s.name), s.size)
            } else {
                self.member_type(self_tag, true)
            };
            let _ = writeln!(text, "{indent}{};", ty.replace("{}", &format!("{name}[]")));
            checks.push(Check { name, bits: None });
        }
        let outdent = "    ".repeat(depth);
        let _ = write!(text, "{outdent}}}");
        Body {
            text,
            checks,
            estimate,
            named,
        }
    }

    fn record(&mut self, index: usize) -> Rec {
        let is_union = self.rng.chance(30);
        let tag = if is_union {
            format!("union u{index}")
        } else {
            format!("struct s{index}")
        };
        let mode = match self.rng.below(10) {
            0..=3 => Mode::Natural,
            4 | 5 => Mode::Packed,
            _ => Mode::Pack(*self.rng.pick(&[1, 2, 4, 8])),
        };
        let mut counter = 0;
        let body = self.body(&tag, is_union, 0, &mut counter, true);
        assert!(body.named);
        let kw_len = if is_union { 5 } else { 6 };
        let text = format!(
            "{} {ATTR}{} {};",
            &tag[..kw_len],
            &tag[kw_len + 1..],
            body.text
        );
        let has_flexible = text.contains("[];");
        if !has_flexible && body.estimate <= 512 {
            self.nestable.push(Nestable {
                tag: tag.clone(),
                estimate: body.estimate,
            });
        }
        self.all_tags.push(tag.clone());
        Rec {
            tag,
            mode,
            text,
            checks: body.checks,
        }
    }
}

/// Hand-written corner cases, each laid out in every mode. `NAME` is replaced by the
/// tag; members to check are named `f*`.
const CORNERS: &[&str] = &[
    "struct NAME { char f0; int f1 : 3; int f2 : 30; };",
    "struct NAME { char f0; long long f1 : 60; };",
    "struct NAME { char f0; long long f1 : 57; char f2; };",
    "struct NAME { char f0; int : 0; char f1; };",
    "struct NAME { char f0; long long : 0; char f1; };",
    "struct NAME { char f0; long long : 3; };",
    "struct NAME { char f0; long long : 3; char f1; };",
    "struct NAME { short f0 : 9; short f1 : 9; short f2 : 9; };",
    "struct NAME { char f0 : 7; char f1 : 2; };",
    "struct NAME { int f0 : 17; int f1 : 17; char f2; };",
    "struct NAME { char f0; short f1 : 9; };",
    "struct NAME { char f0[3]; int f1 : 9; };",
    "struct NAME { char f0[3]; int f1 : 16; };",
    "struct NAME { char f0[3]; long f1 : 40; };",
    "struct NAME { int f0 : 1; long long f1 : 63; };",
    "struct NAME { char f0; _Bool f1 : 1; _Bool : 0; _Bool f2 : 1; };",
    "struct NAME { unsigned char f0 : 4; unsigned char : 0; unsigned char f1 : 4; };",
    "struct NAME { char f0; int : 0; };",
    "struct NAME { int f0 : 3; int : 0; };",
    "struct NAME { char f0; long : 0; long f1 : 3; };",
    "union NAME { char f0; int : 20; };",
    "union NAME { char f0; long long f1 : 33; };",
    "union NAME { char f0; long long : 0; };",
    "union NAME { char f0 : 3; int f1 : 17; long double f2; };",
    "struct NAME { char f0; struct { char f1; int f2 : 5; }; char f3; };",
    "struct NAME { char f0; union { short f1 : 3; long long f2 : 40; }; int f3 : 4; };",
    "struct NAME { short f0; long double f1; char f2 : 2; };",
    "struct NAME { char f0; double f1[]; };",
    "struct NAME { int f0 : 4; char f1[]; };",
    "struct NAME { char f0; uint64_t f1 : 7; uint64_t f2 : 58; };",
    "struct NAME { char f0; enum e_u64 f1 : 60; };",
    "struct NAME { int f0 : 31; short f1 : 2; short f2 : 15; };",
    "struct NAME { char f0; int f1 : 24; int f2 : 9; };",
    "struct NAME { char f0; char f1; short f2; int f3 : 16; int f4 : 17; };",
    "struct NAME { char f0; int f1[0]; char f2; };",
    "struct NAME { char f0; long double f1[0]; };",
    "struct NAME { long f0 : 1; char f1; union { char f2; long double f3; }; };",
    "union NAME { struct { char f0; short f1 : 15; }; struct { int f2 : 9; char f3[]; }; };",
];

// ---------------------------------------------------------------------------------
// The C probe.

fn probe_source(recs: &[Rec]) -> String {
    let mut c = String::from(
        "#include <stdio.h>\n#include <stddef.h>\n#include <stdint.h>\n#include <string.h>\n\n",
    );
    c.push_str(ENUMS);
    c.push('\n');
    for r in recs {
        c.push_str(&r.c_text());
        c.push_str("\n\n");
    }
    c.push_str(
        r#"
static void bits(int rec, const char *name, const unsigned char *p, size_t n) {
    int low = -1, count = 0;
    for (size_t i = 0; i < n * 8; i++) {
        if (p[i / 8] & (1u << (i % 8))) {
            if (low < 0) low = (int)i;
            count++;
        }
    }
    printf("B %d %s %d %d\n", rec, name, low, count);
}

#define SIZE(I, T) printf("S %d %zu %zu\n", I, sizeof(T), _Alignof(T))
#define OFF(I, T, F) printf("F %d %s %zu\n", I, #F, offsetof(T, F))
#define BITS(I, T, F) do { \
        static T v; memset(&v, 0, sizeof v); v.F = -1; \
        bits(I, #F, (const unsigned char *)&v, sizeof v); \
    } while (0)

"#,
    );
    // One function per record keeps gcc fast.
    for (i, r) in recs.iter().enumerate() {
        let _ = writeln!(c, "static void probe{i}(void) {{");
        let _ = writeln!(c, "    SIZE({i}, {});", r.tag);
        for ch in &r.checks {
            match ch.bits {
                None => {
                    let _ = writeln!(c, "    OFF({i}, {}, {});", r.tag, ch.name);
                }
                Some(_) => {
                    let _ = writeln!(c, "    BITS({i}, {}, {});", r.tag, ch.name);
                }
            }
        }
        c.push_str("}\n");
    }
    c.push_str("\nint main(void) {\n");
    for i in 0..recs.len() {
        let _ = writeln!(c, "    probe{i}();");
    }
    c.push_str("    return 0;\n}\n");
    c
}

/// What gcc says about one record.
#[derive(Default)]
struct GccRecord {
    size: usize,
    align: usize,
    /// Byte offset of plain members.
    offsets: HashMap<String, usize>,
    /// Absolute first bit and width of bitfields.
    bits: HashMap<String, (usize, usize)>,
}

struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Compiles and runs the probe; `None` when there is no C compiler.
fn run_gcc(recs: &[Rec]) -> Option<Vec<GccRecord>> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let dir = TempDir(std::env::temp_dir().join(format!(
        "rcffi-layout-vs-gcc-{}-{nanos}",
        std::process::id()
    )));
    std::fs::create_dir_all(&dir.0).expect("create temp dir");
    let src = dir.0.join("probe.c");
    let exe = dir.0.join("probe");
    std::fs::write(&src, probe_source(recs)).expect("write probe");
    let out = match Command::new("cc")
        .args(["-std=gnu11", "-O0", "-w", "-o"])
        .arg(&exe)
        .arg(&src)
        .output()
    {
        Ok(o) => o,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            eprintln!("layout_vs_gcc: no `cc` on PATH, skipping the comparison");
            return None;
        }
        Err(e) => panic!("cannot run cc: {e}"),
    };
    if !out.status.success() {
        let kept = std::env::temp_dir().join("rcffi-layout-vs-gcc-failed.c");
        let _ = std::fs::copy(&src, &kept);
        panic!(
            "the C probe did not compile (kept at {}):\n{}",
            kept.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let run = Command::new(&exe).output().expect("run probe");
    assert!(run.status.success(), "the C probe failed: {run:?}");
    let mut result: Vec<GccRecord> = (0..recs.len()).map(|_| GccRecord::default()).collect();
    for line in String::from_utf8(run.stdout).expect("utf-8").lines() {
        let w: Vec<&str> = line.split_whitespace().collect();
        let num = |s: &str| -> usize { s.parse().expect("number in probe output") };
        match w.as_slice() {
            ["S", i, size, align] => {
                let r = &mut result[num(i)];
                r.size = num(size);
                r.align = num(align);
            }
            ["F", i, name, off] => {
                result[num(i)].offsets.insert(name.to_string(), num(off));
            }
            ["B", i, name, low, count] => {
                let low: i64 = low.parse().expect("bit");
                assert!(low >= 0, "bitfield {name} of record {i} has no bit set");
                result[num(i)]
                    .bits
                    .insert(name.to_string(), (low as usize, num(count)));
            }
            _ => panic!("unexpected probe output line {line:?}"),
        }
    }
    Some(result)
}

// ---------------------------------------------------------------------------------
// The comparison.

/// The members named `f<n>` of a hand-written declaration, with their widths.
fn corner_checks(corner: &str) -> Vec<Check> {
    let mut checks = Vec::new();
    for segment in corner.split([';', '{', '}']) {
        let (decl, bits) = match segment.split_once(':') {
            Some((d, b)) => (d, Some(b.trim().parse().expect("width"))),
            None => (segment, None),
        };
        let name = decl.split([' ', '[']).find(|w| {
            w.len() > 1 && w.starts_with('f') && w[1..].bytes().all(|c| c.is_ascii_digit())
        });
        if let Some(name) = name {
            checks.push(Check {
                name: name.to_string(),
                bits,
            });
        }
    }
    checks
}

fn generate() -> Vec<Rec> {
    let mut g = Gen {
        rng: Rng(SEED),
        nestable: Vec::new(),
        all_tags: Vec::new(),
    };
    let mut recs = Vec::new();
    let mut index = 0;
    for corner in CORNERS {
        for mode in [
            Mode::Natural,
            Mode::Packed,
            Mode::Pack(1),
            Mode::Pack(2),
            Mode::Pack(4),
            Mode::Pack(8),
        ] {
            let is_union = corner.starts_with("union");
            let name = format!("{}{index}", if is_union { "u" } else { "s" });
            let kw = if is_union { "union" } else { "struct" };
            let text = corner
                .replace(&format!("{kw} NAME"), &format!("{kw} {ATTR}{name}"))
                .replace("struct {", &format!("struct {ATTR}{{"))
                .replace("union {", &format!("union {ATTR}{{"));
            let checks = corner_checks(corner);
            recs.push(Rec {
                tag: format!("{kw} {name}"),
                mode,
                text,
                checks,
            });
            index += 1;
        }
    }
    for _ in 0..RANDOM_RECORDS {
        recs.push(g.record(index));
        index += 1;
    }
    recs
}

#[test]
fn layouts_match_gcc() {
    let recs = generate();
    let Some(gcc) = run_gcc(&recs) else { return };

    let mut table = TypeTable::new();
    let mut decls = Declarations::new();
    decls
        .cdef(&mut table, ENUMS, CdefOptions::default())
        .expect("enums");

    let mut mismatches: Vec<String> = Vec::new();
    let mut compared = 0usize;
    let (mut n_fields, mut n_bitfields) = (0usize, 0usize);
    for (i, (r, g)) in recs.iter().zip(&gcc).enumerate() {
        let decl_text = r.c_text();
        let mut report = |what: String| {
            mismatches.push(format!(
                "record #{i} ({}), {what}\n  C declaration:\n{}",
                r.mode.describe(),
                decl_text
                    .lines()
                    .map(|l| format!("    {l}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            ))
        };
        let options = CdefOptions {
            override_: false,
            packing: r.mode.packing(),
            exported: false,
        };
        if let Err(e) = decls.cdef(&mut table, &r.cdef_text(), options) {
            report(format!("rcffi-core rejected it: {e}"));
            continue;
        }
        let id = match decls.parse_type(&mut table, &r.tag) {
            Ok(id) => id,
            Err(e) => {
                report(format!("parse_type({:?}) failed: {e}", r.tag));
                continue;
            }
        };
        compared += 1;
        let size = table.size_of(id);
        let align = table.align_of(id);
        if size != Some(g.size) {
            report(format!("sizeof: gcc {} vs rcffi {size:?}", g.size));
        }
        if align != Some(g.align) {
            report(format!("_Alignof: gcc {} vs rcffi {align:?}", g.align));
        }
        for ch in &r.checks {
            let Some(f) = table.find_field(id, &ch.name) else {
                report(format!("rcffi has no field {}", ch.name));
                continue;
            };
            match ch.bits {
                None => {
                    n_fields += 1;
                    let want = g.offsets[&ch.name];
                    if f.bitsize.is_some() || f.offset != want {
                        report(format!(
                            "offsetof({}): gcc {want} vs rcffi {} (bitshift {:?})",
                            ch.name, f.offset, f.bitshift
                        ));
                    }
                }
                Some(width) => {
                    n_bitfields += 1;
                    let (low, count) = g.bits[&ch.name];
                    let got = f.offset * 8 + f.bitshift.unwrap_or(0) as usize;
                    if f.bitshift.is_none() || got != low || count != width as usize {
                        report(format!(
                            "bitfield {} : {width}: gcc bit {low} (width {count}) vs rcffi \
                             bit {got} = offset {} * 8 + bitshift {:?} (width {:?})",
                            ch.name, f.offset, f.bitshift, f.bitsize
                        ));
                    } else if f.bitsize != Some(width) {
                        report(format!(
                            "bitfield {} : {width}: rcffi reports width {:?}",
                            ch.name, f.bitsize
                        ));
                    } else if r.mode == Mode::Natural {
                        // Without packing, the unit of the field's type at `offset`
                        // holds the whole bitfield and lies inside the record, so a
                        // reader may load `sizeof(type)` bytes there.
                        let unit = table.size_of(f.ty).unwrap_or(0);
                        let shift = f.bitshift.unwrap_or(0) as usize;
                        if shift + width as usize > unit * 8 || f.offset + unit > g.size {
                            report(format!(
                                "bitfield {} : {width}: storage unit at offset {} (bitshift \
                                 {shift}, {unit} bytes) does not hold it inside the record",
                                ch.name, f.offset
                            ));
                        }
                    }
                }
            }
        }
    }
    let count = |pred: &dyn Fn(&Rec) -> bool| recs.iter().filter(|r| pred(r)).count();
    let occurrences =
        |needle: &str| -> usize { recs.iter().map(|r| r.text.matches(needle).count()).sum() };
    eprintln!(
        "layout_vs_gcc: {} records ({} hand-written; {} unions; {} natural, {} packed, \
         {} pack=N), {compared} compared: {n_fields} member offsets, {n_bitfields} named \
         bitfields, {} unnamed zero-width bitfields, {} anonymous members, {} flexible \
         array members",
        recs.len(),
        CORNERS.len() * 6,
        count(&|r| r.tag.starts_with("union")),
        count(&|r| r.mode == Mode::Natural),
        count(&|r| r.mode == Mode::Packed),
        count(&|r| matches!(r.mode, Mode::Pack(_))),
        occurrences(" : 0;"),
        occurrences(&format!("struct {ATTR}{{")) + occurrences(&format!("union {ATTR}{{")),
        occurrences("[];"),
    );
    if !mismatches.is_empty() {
        // LAYOUT_VS_GCC_ALL=1 lists every mismatch instead of the first ten.
        let limit = if std::env::var_os("LAYOUT_VS_GCC_ALL").is_some() {
            usize::MAX
        } else {
            10
        };
        let shown: Vec<&String> = mismatches.iter().take(limit).collect();
        panic!(
            "{} layout mismatches between rcffi-core and gcc; the first {}:\n\n{}",
            mismatches.len(),
            shown.len(),
            shown
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join("\n\n")
        );
    }
}
