//! Round trips and bad blobs of `serial.rs`.

use super::*;
use crate::decl::CdefOptions;

const SRC: &str = "
    typedef struct node { int value; struct node *next; unsigned flag:1; } node_t;
    union u { int i; double d; };
    enum color { RED, GREEN = -5, BLUE = 1 << 40 };
    typedef int (*cb_t)(node_t *, ...);
    typedef int fn_t(int);
    typedef int... opaque_int_t;
    node_t *make(int, cb_t);
    extern int counter;
    static const long LIMIT;
    #define ANSWER 42
    #define LATER ...
    #define PI 3.25
    #define NAME \"rcffi\"
    int renamed(int) __asm__(\"real_symbol\");
    extern \"Python\" int on_event(int);
    struct later;
";

fn roundtrip() -> (TypeTable, Declarations, TypeTable, Declarations) {
    let mut t1 = TypeTable::new();
    let mut d1 = Declarations::new();
    d1.cdef(&mut t1, SRC, CdefOptions::default()).unwrap();
    let blob = serialize(&t1, &d1);
    let mut t2 = TypeTable::new();
    let d2 = deserialize(&mut t2, &blob).unwrap();
    (t1, d1, t2, d2)
}

#[test]
fn included_types_are_shared_not_copied() {
    let mut t = TypeTable::new();
    let mut parent = Declarations::new();
    parent
        .cdef(
            &mut t,
            "struct foo_s { int x, y; }; typedef struct { char c; } anon_t; \
             typedef struct { int x; } *anon_p;",
            CdefOptions::default(),
        )
        .unwrap();
    let mut child = Declarations::new();
    child.include(&parent);
    child
        .cdef(
            &mut t,
            "struct foo_s *ff(anon_t *, anon_p); struct own { struct foo_s f; };",
            CdefOptions::default(),
        )
        .unwrap();
    let blob = serialize_with_includes(&t, &child, &[&parent]);
    let back = deserialize_with_includes(&mut t, &blob, &[&parent]).unwrap();
    assert_eq!(back.structs["foo_s"], parent.structs["foo_s"]);
    assert_eq!(back.typedefs["anon_t"].ty, parent.typedefs["anon_t"].ty);
    assert_eq!(back.typedefs["anon_p"].ty, parent.typedefs["anon_p"].ty);
    assert_ne!(back.structs["own"], child.structs["own"]);
    assert!(!back.record_order.contains(&parent.structs["foo_s"]));
    let err = deserialize_with_includes(&mut t, &blob, &[]).unwrap_err();
    assert!(
        err.to_string().contains("included module number 0"),
        "{err}"
    );
}

#[test]
fn types_and_names_survive() {
    let (mut t1, mut d1, mut t2, mut d2) = roundtrip();
    for ty in [
        "node_t",
        "struct node *",
        "union u",
        "enum color",
        "cb_t",
        "struct later",
    ] {
        let a = d1.parse_type(&mut t1, ty).unwrap();
        let b = d2.parse_type(&mut t2, ty).unwrap();
        assert_eq!(t1.cname(a), t2.cname(b), "{ty}");
        assert_eq!(t1.size_of(a), t2.size_of(b), "{ty}");
        assert_eq!(t1.align_of(a), t2.align_of(b), "{ty}");
    }
    let mut t3 = TypeTable::new();
    let mut d3 = Declarations::new();
    d3.cdef(&mut t3, "struct p { int a; ...; };", CdefOptions::default())
        .unwrap();
    let blob = serialize(&t3, &d3);
    let mut t4 = TypeTable::new();
    let mut d4 = deserialize(&mut t4, &blob).unwrap();
    let p = d4.parse_type(&mut t4, "struct p").unwrap();
    assert!(t4.record(p).unwrap().partial);
    assert_eq!(t4.record(p).unwrap().fields.as_ref().unwrap()[0].name, "a");
    let node = d2.parse_type(&mut t2, "node_t").unwrap();
    assert_eq!(t2.find_field(node, "flag").unwrap().bitsize, Some(1));
    assert_eq!(d1.name_order, d2.name_order);
    for name in &d1.name_order {
        let (a, b) = (&d1.names[name], &d2.names[name]);
        match (a, b) {
            (
                Entity::Function {
                    ty: x,
                    extern_python: p,
                },
                Entity::Function {
                    ty: y,
                    extern_python: q,
                },
            ) => {
                assert_eq!((t1.cname(*x), p), (t2.cname(*y), q));
            }
            (Entity::Global { ty: x, constant: c }, Entity::Global { ty: y, constant: k }) => {
                assert_eq!((t1.cname(*x), c), (t2.cname(*y), k));
            }
            (Entity::IntConstant { value: v, .. }, Entity::IntConstant { value: w, .. }) => {
                assert_eq!(v, w)
            }
            (Entity::UnknownConstant, Entity::UnknownConstant) => {}
            (Entity::FloatConstant(v), Entity::FloatConstant(w)) => assert_eq!(v, w),
            (Entity::StrConstant(v), Entity::StrConstant(w)) => assert_eq!(v, w),
            _ => panic!("{name}: {a:?} vs {b:?}"),
        }
    }
    assert_eq!(d2.asm_names["renamed"], "real_symbol");
    assert_eq!(d2.names["PI"], Entity::FloatConstant(3.25));
    assert_eq!(d2.names["NAME"], Entity::StrConstant(b"rcffi".to_vec()));
    let unknown = d2.typedefs["opaque_int_t"].ty;
    assert!(matches!(
        t2.data(unknown),
        TypeData::Unknown(UnknownNumeric::Integer)
    ));
    assert!(d2.typedefs["fn_t"].raw_function);
}

#[test]
fn bad_blobs_are_clear_errors() {
    let mut t = TypeTable::new();
    assert!(deserialize(&mut t, b"nope")
        .unwrap_err()
        .to_string()
        .contains("not a serialised"));
    let mut blob = MAGIC.to_vec();
    blob.push(VERSION + 1);
    assert!(deserialize(&mut t, &blob)
        .unwrap_err()
        .to_string()
        .contains("regenerate"));
    let (t1, d1, _, _) = roundtrip();
    let full = serialize(&t1, &d1);
    assert!(deserialize(&mut t, &full[..full.len() / 2]).is_err());
}

#[test]
fn a_huge_count_is_an_error_not_an_allocation() {
    let mut t = TypeTable::new();
    let mut blob = MAGIC.to_vec();
    blob.push(VERSION);
    // No types, no records, then 2**62 typedefs claimed by a 9-byte varint.
    blob.extend_from_slice(&[0, 0]);
    blob.extend_from_slice(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40]);
    let err = deserialize(&mut t, &blob).unwrap_err().to_string();
    assert!(err.contains("truncated"), "{err}");
}

#[test]
fn many_declarations_round_trip_through_long_varints() {
    let mut t1 = TypeTable::new();
    let mut d1 = Declarations::new();
    let src: String = (0..300)
        .map(|i| format!("struct s{i} {{ int f{i}; }}; long fn{i}(struct s{i} *, int);\n"))
        .collect();
    d1.cdef(&mut t1, &src, CdefOptions::default()).unwrap();
    let blob = serialize(&t1, &d1);
    let mut t2 = TypeTable::new();
    let d2 = deserialize(&mut t2, &blob).unwrap();
    assert_eq!(d2.name_order, d1.name_order);
    assert_eq!(d2.structs.len(), 300);
    let Entity::Function { ty, .. } = d2.names["fn299"] else {
        panic!("fn299 is a function");
    };
    let sig = t2.func(ty).unwrap();
    assert_eq!(sig.args.len(), 2);
    let TypeData::Pointer(target) = t2.data(sig.args[0]) else {
        panic!("a pointer argument");
    };
    assert_eq!(Some(*target), d2.structs.get("s299").copied());
}

#[test]
fn a_function_type_reached_again_through_a_record_is_numbered_once() {
    // x509.h's shape: the function's argument points to a struct holding
    // a pointer to that very function type, reached first from another one.
    let src = "struct first; typedef int verify_fn(struct ctx *);
               struct first { verify_fn *cb; };
               struct ctx { verify_fn *cb; };
               int call(verify_fn *, struct ctx *);";
    let mut t1 = TypeTable::new();
    let mut d1 = Declarations::new();
    d1.cdef(&mut t1, src, CdefOptions::default()).unwrap();
    let blob = serialize(&t1, &d1);
    let mut t2 = TypeTable::new();
    let d2 = deserialize(&mut t2, &blob).unwrap();
    let (Some(Entity::Function { ty, .. }), Some(Entity::Function { ty: back, .. })) =
        (d1.lookup("call"), d2.lookup("call"))
    else {
        panic!("call is not a function");
    };
    assert_eq!(t1.cname(*ty), t2.cname(*back));
}
