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
    assert_eq!(t.function_declaration(fv, "g").unwrap(), "int g()");
}

#[test]
fn enum_base_types_follow_gcc() {
    let v = |xs: &[i128]| xs.iter().map(|x| (String::new(), *x)).collect::<Vec<_>>();
    assert_eq!(enum_base(&v(&[0, 1])), Prim::UInt);
    assert_eq!(enum_base(&v(&[-1, 1])), Prim::Int);
    assert_eq!(enum_base(&v(&[0, 1 << 33])), Prim::ULong);
    assert_eq!(enum_base(&v(&[-1, 1 << 33])), Prim::Long);
}

#[test]
fn a_resolved_length_merges_into_the_existing_array_and_what_is_built_on_it() {
    let mut t = TypeTable::new();
    let int = t.primitive(Prim::Int);
    let unknown = t.new_unknown_length(int);
    let ptr_to_unknown = t.pointer(unknown);
    let open_of_unknown = t.array(unknown, None);
    let int8 = t.array(int, Some(8));
    let open_of_int8 = t.array(int8, None);
    t.resolve_unknown_length(unknown, 8);
    assert_eq!(t.canonical(unknown), int8);
    assert_eq!(t.canonical(open_of_unknown), open_of_int8);
    // Not made before the merge: re-keyed, so spelling it later finds it.
    assert_eq!(t.canonical(ptr_to_unknown), ptr_to_unknown);
    assert_eq!(t.pointer(int8), ptr_to_unknown);
    assert_eq!(t.pointer(unknown), ptr_to_unknown);
    let merged: Vec<_> = t.take_new_aliases();
    assert!(merged.contains(&(unknown, int8)));
    assert!(merged.contains(&(open_of_unknown, open_of_int8)));
    assert!(t.take_new_aliases().is_empty());
}

#[test]
fn a_resolved_length_without_an_earlier_array_becomes_it() {
    let mut t = TypeTable::new();
    let int = t.primitive(Prim::Int);
    let unknown = t.new_unknown_length(int);
    t.resolve_unknown_length(unknown, 3);
    assert_eq!(t.array(int, Some(3)), unknown);
    assert!(t.take_new_aliases().is_empty());
}
