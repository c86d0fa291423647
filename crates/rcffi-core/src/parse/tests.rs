//! Parser tests: every construct of the cdef dialect, and its diagnostics.

use crate::ctype::{Kind, NeedsCompiler, Prim, TypeData, TypeTable, UnknownNumeric};
use crate::decl::{CdefOptions, Declarations, Entity, ExternPython};
use crate::error::Error;
use crate::layout::Packing;

fn cdef(src: &str) -> (TypeTable, Declarations) {
    let mut t = TypeTable::new();
    let mut d = Declarations::new();
    d.cdef(&mut t, src, CdefOptions::default())
        .unwrap_or_else(|e| panic!("{e}"));
    (t, d)
}

fn err(src: &str) -> String {
    let mut t = TypeTable::new();
    let mut d = Declarations::new();
    d.cdef(&mut t, src, CdefOptions::default())
        .unwrap_err()
        .to_string()
}

fn ty(t: &mut TypeTable, d: &mut Declarations, s: &str) -> String {
    let id = d.parse_type(t, s).unwrap_or_else(|e| panic!("{s}: {e}"));
    t.cname(id).to_string()
}

#[test]
fn primitive_spellings_are_canonical() {
    let (mut t, mut d) = cdef("");
    for (spelling, name) in [
        ("unsigned", "unsigned int"),
        ("signed", "int"),
        ("short int", "short"),
        ("unsigned short int", "unsigned short"),
        ("long int", "long"),
        ("long unsigned int", "unsigned long"),
        ("long long int", "long long"),
        ("unsigned long long", "unsigned long long"),
        ("signed char", "signed char"),
        ("char unsigned", "unsigned char"),
        ("long double", "long double"),
        ("_Bool", "_Bool"),
        ("bool", "_Bool"),
        ("size_t", "size_t"),
        ("int32_t", "int32_t"),
        ("uint_fast16_t", "uint_fast16_t"),
        ("const volatile int", "int"),
        ("float _Complex", "_cffi_float_complex_t"),
    ] {
        assert_eq!(ty(&mut t, &mut d, spelling), name, "{spelling}");
    }
}

#[test]
fn invalid_specifier_combinations_are_errors() {
    let (mut t, mut d) = cdef("");
    for bad in [
        "unsigned float",
        "short long",
        "long long long",
        "signed unsigned int",
        "void int",
    ] {
        assert!(d.parse_type(&mut t, bad).is_err(), "{bad}");
    }
}

#[test]
fn abstract_declarators() {
    let (mut t, mut d) = cdef("typedef int (*fp)(int, ...);");
    for (s, name) in [
        ("int(*)(int)", "int(*)(int)"),
        ("char *[]", "char *[]"),
        ("int(*)[3]", "int(*)[3]"),
        ("int[3][4]", "int[3][4]"),
        ("int(*[5])(void)", "int(*[5])()"),
        ("int(**)(int)", "int(* *)(int)"),
        ("fp", "int(*)(int, ...)"),
        ("unsigned char const * volatile", "unsigned char *"),
        ("int[2*3+1]", "int[7]"),
        ("char *(*)(int)", "char *(*)(int)"),
    ] {
        assert_eq!(ty(&mut t, &mut d, s), name, "{s}");
    }
}

#[test]
fn function_types_are_not_type_strings() {
    let (mut t, mut d) = cdef("");
    let e = d.parse_type(&mut t, "int(int)").unwrap_err().to_string();
    assert!(e.contains("function type"), "{e}");
}

#[test]
fn type_strings_are_interned_and_cached() {
    let (mut t, mut d) = cdef("");
    let a = d.parse_type(&mut t, "int *").unwrap();
    let b = d.parse_type(&mut t, "int*").unwrap();
    assert_eq!(a, b);
}

#[test]
fn bad_type_string_names_itself() {
    let (mut t, mut d) = cdef("");
    let e = d.parse_type(&mut t, "int[").unwrap_err().to_string();
    assert!(e.contains("\"int[\""), "{e}");
}

#[test]
fn structs_typedefs_and_layout() {
    let (mut t, mut d) =
        cdef("typedef struct { int x, y; } point_t; struct foo { char a; double b; };");
    let p = d.parse_type(&mut t, "point_t").unwrap();
    assert_eq!(t.cname(p), "point_t");
    assert_eq!(t.size_of(p), Some(8));
    let f = d.parse_type(&mut t, "struct foo").unwrap();
    assert_eq!((t.size_of(f), t.align_of(f)), (Some(16), Some(8)));
    assert_eq!(t.find_field(f, "b").unwrap().offset, 8);
    assert_eq!(t.kind(f), Kind::Struct);
}

#[test]
fn forward_declaration_completed_by_a_later_cdef() {
    let mut t = TypeTable::new();
    let mut d = Declarations::new();
    d.cdef(
        &mut t,
        "struct s; typedef struct s s_t; s_t *make(void);",
        CdefOptions::default(),
    )
    .unwrap();
    let s = d.parse_type(&mut t, "struct s").unwrap();
    assert_eq!(t.size_of(s), None);
    d.cdef(&mut t, "struct s { long a; };", CdefOptions::default())
        .unwrap();
    let id = d.parse_type(&mut t, "s_t").unwrap();
    assert_eq!(t.size_of(id), Some(8));
}

#[test]
fn anonymous_nested_members_are_reachable() {
    let (mut t, mut d) =
        cdef("struct u { int kind; union { int i; double f; }; struct { char c; } named; };");
    let s = d.parse_type(&mut t, "struct u").unwrap();
    assert_eq!(t.find_field(s, "f").unwrap().offset, 8);
    assert_eq!(t.find_field(s, "named").unwrap().offset, 16);
    assert!(t.find_field(s, "c").is_none());
}

#[test]
fn bitfields_and_flexible_arrays() {
    let (mut t, mut d) =
        cdef("struct b { unsigned a:3, :0, b:5; int c; }; struct v { int n; int data[]; };");
    let b = d.parse_type(&mut t, "struct b").unwrap();
    let fa = t.find_field(b, "a").unwrap();
    let fb = t.find_field(b, "b").unwrap();
    assert_eq!((fa.offset, fa.bitshift, fa.bitsize), (0, Some(0), Some(3)));
    assert_eq!((fb.offset, fb.bitshift), (4, Some(0)));
    let v = d.parse_type(&mut t, "struct v").unwrap();
    assert_eq!(t.size_of(v), Some(4));
}

#[test]
fn packing_options() {
    let mut t = TypeTable::new();
    let mut d = Declarations::new();
    let packed = CdefOptions {
        packing: Packing::Packed,
        ..Default::default()
    };
    d.cdef(&mut t, "struct p { char a; int b; };", packed)
        .unwrap();
    let id = d.parse_type(&mut t, "struct p").unwrap();
    assert_eq!(t.size_of(id), Some(5));
    let pack2 = CdefOptions {
        packing: Packing::Pack(2),
        ..Default::default()
    };
    d.cdef(&mut t, "struct q { char a; int b; };", pack2)
        .unwrap();
    let id = d.parse_type(&mut t, "struct q").unwrap();
    assert_eq!(t.size_of(id), Some(6));
}

#[test]
fn enums_with_expressions() {
    let (mut t, mut d) = cdef(
        "enum e { A, B = 5, C, D = B << 2 | 1, E = -3, F = sizeof(long) * 2, G = (unsigned char)300, H = !0 + ~0 };",
    );
    let value = |n: &str| match d.lookup(n) {
        Some(Entity::IntConstant { value, .. }) => *value,
        other => panic!("{n}: {other:?}"),
    };
    assert_eq!(
        [
            value("A"),
            value("B"),
            value("C"),
            value("D"),
            value("E"),
            value("F"),
            value("G"),
            value("H")
        ],
        [0, 5, 6, 21, -3, 16, 44, 0]
    );
    let e = d.parse_type(&mut t, "enum e").unwrap();
    match t.data(e) {
        TypeData::Enum(def) => assert_eq!(def.base, Prim::Int),
        _ => panic!("not an enum"),
    }
}

#[test]
fn functions_and_parameters() {
    let (t, d) = cdef("int f(); void g(int a[], int h(int), ...); int (*getter(void))(int);");
    let Some(Entity::Function { ty, .. }) = d.lookup("f") else {
        panic!()
    };
    assert_eq!(t.cname(*ty), "int(*)()");
    let Some(Entity::Function { ty, .. }) = d.lookup("g") else {
        panic!()
    };
    assert_eq!(t.cname(*ty), "void(*)(int *, int(*)(int), ...)");
    let Some(Entity::Function { ty, .. }) = d.lookup("getter") else {
        panic!()
    };
    assert_eq!(t.cname(*ty), "int(*(*)())(int)");
}

#[test]
fn globals_and_constants() {
    let (mut t, d) = cdef(
        "extern int x; static const int FOO; static char *const NAME; extern int a[]; int a2[...];\n\
         #define HEX 0x10\n#define NEG -5\n#define OCT 017UL\n#define UNK ...\n",
    );
    assert!(matches!(
        d.lookup("x"),
        Some(Entity::Global {
            constant: false,
            ..
        })
    ));
    assert!(matches!(
        d.lookup("FOO"),
        Some(Entity::Global { constant: true, .. })
    ));
    assert!(matches!(
        d.lookup("NAME"),
        Some(Entity::Global { constant: true, .. })
    ));
    assert_eq!(
        d.lookup("HEX"),
        Some(&Entity::IntConstant {
            value: 16,
            ty: None
        })
    );
    assert_eq!(
        d.lookup("NEG"),
        Some(&Entity::IntConstant {
            value: -5,
            ty: None
        })
    );
    assert_eq!(
        d.lookup("OCT"),
        Some(&Entity::IntConstant {
            value: 15,
            ty: None
        })
    );
    assert_eq!(d.lookup("UNK"), Some(&Entity::UnknownConstant));
    let Some(Entity::Global { ty, .. }) = d.lookup("a") else {
        panic!()
    };
    let int = t.primitive(Prim::Int);
    assert_eq!(*ty, t.array(int, None));
}

#[test]
fn bare_global_warns() {
    let mut t = TypeTable::new();
    let mut d = Declarations::new();
    let w = d
        .cdef(&mut t, "int counter;", CdefOptions::default())
        .unwrap();
    assert_eq!(w.len(), 1);
    assert!(w[0].message.contains("counter"));
}

#[test]
fn extern_python_single_and_grouped() {
    let (_, d) =
        cdef("extern \"Python\" int cb(int);\nextern \"Python+C\" { void a(void); void b(void); }");
    assert!(matches!(
        d.lookup("cb"),
        Some(Entity::Function {
            extern_python: Some(ExternPython::Static),
            ..
        })
    ));
    assert!(matches!(
        d.lookup("b"),
        Some(Entity::Function {
            extern_python: Some(ExternPython::PlusC),
            ..
        })
    ));
}

#[test]
fn opaque_typedefs() {
    let (mut t, mut d) = cdef("typedef ... foo_t; typedef ... *foo_p; typedef struct { ...; } part_t; typedef int... myint_t;");
    let f = d.parse_type(&mut t, "foo_t").unwrap();
    assert_eq!((t.kind(f), t.size_of(f)), (Kind::Struct, None));
    let p = d.parse_type(&mut t, "foo_p").unwrap();
    assert_eq!(t.kind(p), Kind::Pointer);
    let part = d.parse_type(&mut t, "part_t").unwrap();
    assert!(t.record(part).unwrap().partial);
    assert_eq!(t.size_of(part), None, "the compiler gives partial layouts");
    assert!(matches!(
        t.needs_compiler(part),
        Some(NeedsCompiler::Layout(n)) if n == "part_t"
    ));
    let myint = d.parse_type(&mut t, "myint_t").unwrap();
    assert!(matches!(
        t.data(myint),
        TypeData::Unknown(UnknownNumeric::Integer)
    ));
    assert!(t
        .needs_compiler(myint)
        .unwrap()
        .to_string()
        .contains("API mode"));
}

#[test]
fn unknown_numeric_typedefs_are_usable_in_declarations() {
    let (mut t, mut d) = cdef(
        "typedef int... foo_t; typedef float... real_t;\n\
         foo_t f(foo_t, real_t *); extern foo_t g; foo_t arr[3];\n\
         struct holder { int n; foo_t x; }; struct other { int *p; };\n\
         typedef int... foo_t;",
    );
    let Some(Entity::Function { ty, .. }) = d.lookup("f").cloned() else {
        panic!("f")
    };
    assert_eq!(t.cname(ty), "foo_t(*)(foo_t, real_t *)");
    match t.needs_compiler(ty) {
        Some(NeedsCompiler::Numeric(name, UnknownNumeric::Integer)) => assert_eq!(name, "foo_t"),
        other => panic!("{other:?}"),
    }
    let real = d.parse_type(&mut t, "real_t *").unwrap();
    assert!(matches!(
        t.needs_compiler(real),
        Some(NeedsCompiler::Numeric(_, UnknownNumeric::Float))
    ));
    // A record holding one by value needs the compiler for its layout as well.
    let holder = d.parse_type(&mut t, "struct holder").unwrap();
    assert!(t.record(holder).unwrap().partial);
    assert_eq!(t.size_of(holder), None);
    let other = d.parse_type(&mut t, "struct other").unwrap();
    assert_eq!(t.needs_compiler(other), None);
    assert!(err("typedef int... a_t; typedef float... a_t;").contains("a_t"));
    assert!(err("typedef int... a_t; int x[sizeof(a_t)];").contains("no known size"));
}

#[test]
fn pointers_to_partial_records_need_the_compiler_too() {
    let (mut t, mut d) = cdef(
        "struct p { int a; ...; }; struct user { struct p *ptr; struct user *next; };\n\
         struct p *make(void);",
    );
    for s in ["struct p *", "struct user", "struct p *(*)(void)"] {
        let id = d.parse_type(&mut t, s).unwrap();
        assert!(
            matches!(t.needs_compiler(id), Some(NeedsCompiler::Layout(ref n)) if n == "struct p"),
            "{s}"
        );
    }
}

#[test]
fn identical_redefinitions_are_fine_different_ones_are_not() {
    let mut t = TypeTable::new();
    let mut d = Declarations::new();
    let o = CdefOptions::default();
    d.cdef(&mut t, "int f(int); struct s { int a; };", o)
        .unwrap();
    d.cdef(&mut t, "int f(int); struct s { int a; };", o)
        .unwrap();
    assert!(d.cdef(&mut t, "long f(int);", o).is_err());
    assert!(d.cdef(&mut t, "struct s { long a; };", o).is_err());
    let ov = CdefOptions {
        override_: true,
        ..o
    };
    d.cdef(&mut t, "long f(int);", ov).unwrap();
}

#[test]
fn calling_conventions_and_attributes_are_accepted() {
    cdef("int __stdcall f(int); int __cdecl g(void); int (WINAPI *h)(int); int k(void) __attribute__((nothrow));");
}

#[test]
fn errors_carry_line_column_and_caret() {
    let e = err("int a;\nint b = ;\n");
    assert!(e.contains(":2:9:"), "{e}");
    assert!(e.contains("int b = ;") && e.contains('^'), "{e}");
    let e = err("\n\n  foo_t x;");
    assert!(
        e.contains(":3:3:") && e.contains("unknown type name 'foo_t'"),
        "{e}"
    );
    let e = err("#include <stdio.h>");
    assert!(e.contains("#include"), "{e}");
    let e = err("# 10 \"api.h\"\nint f(int;");
    assert!(e.contains("api.h:10:"), "{e}");
}

#[test]
fn errors_are_cdef_errors() {
    let mut t = TypeTable::new();
    let mut d = Declarations::new();
    assert!(matches!(
        d.cdef(&mut t, "int x[-1];", CdefOptions::default()),
        Err(Error::CDef(_))
    ));
}

#[test]
fn invalid_fields_are_errors_at_their_struct() {
    for (src, needle) in [
        ("struct b {\n  _Bool x:2; };", "wider than its type"),
        ("struct b {\n  int x:33; };", "wider than its type"),
        ("struct b {\n  int x:0; };", "zero width"),
        ("struct b {\n  int a[]; int n; };", "unknown size"),
        ("struct b {\n  void v; };", "unknown size"),
        ("struct b {\n  float f:3; };", "not an integer type"),
    ] {
        let e = err(src);
        assert!(e.contains(needle), "{src}: {e}");
        assert!(e.contains(":1:10:"), "{src}: {e}");
    }
    let (mut t, mut d) = cdef("struct ok { _Bool x:1; unsigned y:31; };");
    let ok = d.parse_type(&mut t, "struct ok").unwrap();
    assert_eq!(t.size_of(ok), Some(4));
}

#[test]
fn typedefs_name_tagged_types_as_cffi_does() {
    let (mut t, mut d) = cdef(
        "typedef struct named_s { int a; } named_t;
         typedef struct fs_t fs_t;
         typedef struct n2 *n2p, n2_t;
         typedef struct n3 n3_t, *n3p;
         typedef struct n4 *n4p; typedef struct n4 n4_t; typedef struct n4 n4_again;
         typedef union u_s { int q; } u_t;
         typedef enum e_s { E1 } e_t;
         typedef named_t alias_t;
         typedef ... *opq_p;",
    );
    for (cdecl, name) in [
        ("struct named_s", "named_t"),
        ("named_t", "named_t"),
        ("alias_t", "named_t"),
        ("fs_t", "fs_t"),
        ("struct fs_t *", "fs_t *"),
        ("struct n2", "struct n2"),
        ("n2_t", "struct n2"),
        ("n3p", "n3_t *"),
        ("n4p", "n4_t *"),
        ("n4_again", "n4_t"),
        ("union u_s", "u_t"),
        ("enum e_s", "e_t"),
        ("opq_p", "struct $$opq_p *"),
    ] {
        assert_eq!(ty(&mut t, &mut d, cdecl), name, "{cdecl}");
    }
}

#[test]
fn renaming_forgets_derived_names_already_built() {
    let (mut t, mut d) = cdef("struct later; typedef struct later *later_p;");
    assert_eq!(ty(&mut t, &mut d, "later_p"), "struct later *");
    d.cdef(
        &mut t,
        "typedef struct later later_t;",
        CdefOptions::default(),
    )
    .unwrap();
    assert_eq!(ty(&mut t, &mut d, "later_p"), "later_t *");
}

#[test]
fn anonymous_types_are_numbered_per_ffi_skipping_direct_typedefs() {
    let src = "typedef struct { int x; } a_t, *a_p;
               typedef struct { struct { int i; } in; } *out_p, out_t;
               enum { K };
               typedef enum { L } *ep_t;
               typedef struct { int z; } const c_t;
               int f(struct { int b; } *);";
    let (mut t, mut d) = cdef(src);
    let mut d2 = Declarations::new();
    d2.cdef(&mut t, src, CdefOptions::default()).unwrap();
    for d in [&mut d, &mut d2] {
        for (cdecl, name) in [
            ("a_p", "a_t *"),
            ("out_p", "struct $1 *"),
            ("out_t", "struct $1"),
            ("ep_t", "enum $4 *"),
            ("c_t", "c_t"),
        ] {
            assert_eq!(ty(&mut t, d, cdecl), name, "{cdecl}");
        }
        let out = d.typedefs["out_t"].ty;
        let inner = t.record(out).unwrap().fields.as_ref().unwrap()[0].ty;
        assert_eq!(t.cname(inner), "struct $2");
        let Some(Entity::Function { ty: f, .. }) = d.lookup("f").cloned() else {
            panic!("f")
        };
        assert_eq!(t.cname(f), "int(*)(struct $5 *)");
    }
    // Each FFI has its own `struct $1`, and they are different types.
    assert_ne!(d.typedefs["out_t"].ty, d2.typedefs["out_t"].ty);
}

#[test]
fn dotdotdot_lengths_need_the_compiler() {
    let (mut t, mut d) = cdef(
        "extern int a[...]; typedef int t[...]; typedef int t2[...][3];
         extern int h[3][...]; struct s { int x[...]; };",
    );
    let a = match d.lookup("a") {
        Some(Entity::Global { ty, .. }) => *ty,
        other => panic!("{other:?}"),
    };
    assert!(matches!(t.data(a), TypeData::UnknownLength(_)));
    assert_eq!(t.kind(a), Kind::Array);
    assert_eq!(t.cname(a), "int[...]");
    assert_eq!(t.size_of(a), None);
    let t2 = d.typedefs["t2"].ty;
    assert_eq!(t.cname(t2), "int[...][3]");
    assert_eq!(
        t.needs_compiler(t2),
        Some(NeedsCompiler::ArrayLength("int[...][3]".into()))
    );
    let h = match d.lookup("h") {
        Some(Entity::Global { ty, .. }) => *ty,
        other => panic!("{other:?}"),
    };
    assert_eq!(t.cname(h), "int[3][...]");
    assert!(t.needs_compiler(h).is_some());
    let s = d.structs["s"];
    assert!(t.record(s).unwrap().partial);
    // Two declarations never share the placeholder: API mode fills each in.
    assert_ne!(d.typedefs["t"].ty, a);
    let ptr = d.parse_type(&mut t, "t *").unwrap();
    assert!(t.needs_compiler(ptr).is_some());
    for bad in ["int f(int x[...]);", "typedef void (*cb)(int[...]);"] {
        let e = err(bad);
        assert!(e.contains("unsupported '[...]' here"), "{bad}: {e}");
    }
    let e = d.parse_type(&mut t, "int[...]").unwrap_err().to_string();
    assert!(e.contains("<type string>:1:5:"), "{e}");
}

#[test]
fn needs_compiler_walks_long_pointer_chains_without_recursing() {
    // 20000 structs, each pointing to the next, the last one partial: a recursive
    // walk would need 20000 native frames.
    let n = 20_000;
    let mut src = String::with_capacity(n * 40);
    for i in 0..n {
        src.push_str(&format!("struct s{i} {{ struct s{} *next; }};\n", i + 1));
    }
    src.push_str(&format!("struct s{n} {{ int x; ...; }};\n"));
    let (t, d) = cdef(&src);
    let first = d.structs["s0"];
    assert_eq!(
        t.needs_compiler(first),
        Some(NeedsCompiler::Layout(format!("struct s{n}")))
    );
    let (t, d) = cdef(&src.replace("...;", ""));
    assert_eq!(t.needs_compiler(d.structs["s0"]), None);
}

#[test]
fn integer_initializers_make_constants() {
    let (_, d) = cdef(
        "#define BASE 40\nstatic const int FOOBAZ = -43; const long long BIG = 420000000000; \
         int x = 5; static const unsigned char K = BASE + 2, L = 1;",
    );
    let value = |n: &str| match d.lookup(n) {
        Some(Entity::IntConstant { value, ty: None }) => *value,
        other => panic!("{n}: {other:?}"),
    };
    assert_eq!(
        [
            value("FOOBAZ"),
            value("BIG"),
            value("x"),
            value("K"),
            value("L")
        ],
        [-43, 420_000_000_000, 5, 42, 1]
    );
}

#[test]
fn other_initializers_leave_the_value_to_the_library() {
    let (_, d) = cdef("static const double D = 1.5; static char *const S = \"s\", *const T = 0;");
    for n in ["D", "S", "T"] {
        assert!(
            matches!(d.lookup(n), Some(Entity::Global { constant: true, .. })),
            "{n}: {:?}",
            d.lookup(n)
        );
    }
    assert!(err("int f(int) = 0;").contains("only a variable or constant"));
    assert!(err("int a = ;").contains("expected an initializer"));
}

#[test]
fn only_an_ellipsis_is_not_a_parameter_list() {
    assert!(err("int foo(...);").contains("only '(...)' as argument"));
    assert!(err("typedef int (*f_t)(...);").contains("only '(...)' as argument"));
    let (mut t, mut d) = cdef("int printf(const char *, ...);");
    assert_eq!(ty(&mut t, &mut d, "int(*)(int, ...)"), "int(*)(int, ...)");
}

#[test]
fn a_typedef_of_void_as_the_only_parameter_means_none() {
    let (mut t, mut d) = cdef("typedef void v1; typedef v1 v2; typedef int (*f_t)(v2);");
    assert_eq!(ty(&mut t, &mut d, "f_t"), "int(*)()");
    assert!(err("typedef void v1; int g(int, v1);").contains("cannot have type 'void'"));
    assert!(err("typedef void v1; int g(v1 x);").contains("cannot have type 'void'"));
}

#[test]
fn linkage_strings_ignore_spaces() {
    let (_, d) = cdef("extern \"C +\tPython\" int bar(int); extern \" Python \" int baz(int);");
    assert!(matches!(
        d.names["bar"],
        Entity::Function {
            extern_python: Some(ExternPython::PlusC),
            ..
        }
    ));
    assert!(matches!(
        d.names["baz"],
        Entity::Function {
            extern_python: Some(ExternPython::Static),
            ..
        }
    ));
}

#[test]
fn needs_compiler_over_many_types_agrees_with_one_walk_each() {
    let (mut t, mut d) = cdef(
        "struct part { int a; ...; };\n\
         struct link { struct link *next; struct part *p; };\n\
         struct plain { struct plain *next; int x; };\n\
         struct chain { struct plain *first; struct chain *up; };",
    );
    let names = [
        "struct chain *",
        "struct plain",
        "struct link *",
        "void(*)(struct plain *, struct link *)",
        "struct link",
        "int(*)(struct chain *)",
    ];
    let ids: Vec<_> = names
        .iter()
        .map(|n| d.parse_type(&mut t, n).unwrap())
        .collect();
    let mut usable = crate::fasthash::FastSet::default();
    for (id, name) in ids.iter().zip(names) {
        let alone = t.needs_compiler(*id);
        assert_eq!(t.needs_compiler_given(*id, &mut usable), alone, "{name}");
        assert_eq!(alone.is_some(), name.contains("link"), "{name}");
    }
    // What a walk found unusable is never remembered as usable.
    let part = d.parse_type(&mut t, "struct part").unwrap();
    assert!(!usable.contains(&part));
    assert!(usable.contains(&d.parse_type(&mut t, "struct plain").unwrap()));
}
