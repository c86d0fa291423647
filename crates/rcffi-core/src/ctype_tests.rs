//! Tests of the type table.
use super::*;

#[test]
fn structural_types_are_interned() {
    let mut t = TypeTable::new();
    let int = t.primitive(Prim::Int);
    assert_eq!(t.pointer(int), t.pointer(int));
    assert_eq!(t.array(int, Some(3)), t.array(int, Some(3)));
    assert_ne!(t.array(int, Some(3)), t.array(int, None));
}

#[test]
fn records_are_nominal() {
    let mut t = TypeTable::new();
    assert_ne!(
        t.new_record("struct a", false),
        t.new_record("struct a", false)
    );
}

#[test]
fn cnames_follow_c_declarator_syntax() {
    let mut t = TypeTable::new();
    let int = t.primitive(Prim::Int);
    let char_ = t.primitive(Prim::Char);
    let pint = t.pointer(int);
    assert_eq!(t.cname(pint), "int *");
    let ppint = t.pointer(pint);
    assert_eq!(t.cname(ppint), "int * *");
    let pchar = t.pointer(char_);
    let arr_pchar = t.array(pchar, None);
    assert_eq!(t.cname(arr_pchar), "char *[]");
    let a3 = t.array(int, Some(3));
    let p_a3 = t.pointer(a3);
    assert_eq!(t.cname(p_a3), "int(*)[3]");
    let a4 = t.array(int, Some(4));
    let a3_4 = t.array(a4, Some(3));
    assert_eq!(t.cname(a3_4), "int[3][4]");
    let f = t.function(FuncSig {
        args: vec![int],
        result: int,
        variadic: false,
        abi: None,
    });
    assert_eq!(t.cname(f), "int(*)(int)");
    assert_eq!(t.cname_with(f, "fn"), "int(*fn)(int)");
    let pf = t.pointer(f);
    assert_eq!(t.cname(pf), "int(* *)(int)");
    let fv = t.function(FuncSig {
        args: vec![],
        result: int,
        variadic: false,
        abi: None,
    });
    let arr_f = t.array(fv, Some(5));
    assert_eq!(t.cname(arr_f), "int(*[5])()");
    let fr = t.function(FuncSig {
        args: vec![int],
        result: pchar,
        variadic: true,
        abi: None,
    });
    assert_eq!(t.cname(fr), "char *(*)(int, ...)");
    let c80 = t.array(char_, Some(80));
    assert_eq!(t.cname_with(c80, "a"), "char a[80]");
    assert_eq!(t.cname_with(int, "*"), "int *");
    assert_eq!(
        t.function_declaration(fr, "f").unwrap(),
        "char *f(int, ...)"
    );
    assert_eq!(t.function_declaration(fv, "g").unwrap(), "int g(void)");
}

#[test]
fn enum_base_types_follow_gcc() {
    let v = |xs: &[i128]| xs.iter().map(|x| (String::new(), *x)).collect::<Vec<_>>();
    assert_eq!(enum_base(&v(&[0, 1])), Prim::UInt);
    assert_eq!(enum_base(&v(&[-1, 1])), Prim::Int);
    assert_eq!(enum_base(&v(&[0, 1 << 33])), Prim::ULong);
    assert_eq!(enum_base(&v(&[-1, 1 << 33])), Prim::Long);
}
