"""ffi.cdef(), ffi.typeof(), CType introspection, layouts and CDefError."""

import pytest

import rcffi
from rcffi import CDefError


def test_typeof_is_interned(ffi):
    assert ffi.typeof("int *") is ffi.typeof("int*")
    assert ffi.typeof("unsigned") is ffi.typeof("unsigned int")
    p = ffi.new("int *")
    assert ffi.typeof(p) is ffi.typeof("int *")


@pytest.mark.parametrize(
    "cdecl",
    [
        "int", "unsigned", "long int", "long unsigned int", "signed", "short int",
        "unsigned long long", "signed char", "_Bool", "wchar_t", "char16_t", "char32_t",
        "int8_t", "uint64_t", "int_least16_t", "uint_fast32_t", "intptr_t", "uintmax_t",
        "ptrdiff_t", "size_t", "ssize_t", "float", "double", "long double",
        "float _Complex", "double _Complex", "void *", "char *[]", "int(*)[3]",
        "int(*)(int)", "int[3][4]", "int(*[5])(void)", "unsigned char const * volatile",
        "int(**)(long, ...)", "char *(*)(int)", "FILE *",
    ],
)
def test_cnames_kinds_and_sizes_match_cffi(both, cdecl):
    r, c = both
    rt, ct = r.typeof(cdecl), c.typeof(cdecl)
    assert (repr(rt), rt.kind, rt.cname) == (repr(ct), ct.kind, ct.cname)
    if ct.kind not in ("void",) and not cdecl.endswith("[]"):
        assert r.sizeof(cdecl) == c.sizeof(cdecl)
        assert r.alignof(cdecl) == c.alignof(cdecl)


STRUCTS = """
    typedef struct { int x, y; } point_t;
    struct mixed { char c; double d; short s[3]; void *p; };
    struct bits { unsigned a:3, :0, b:5; int c:7; char d; };
    union u { char c[9]; double d; };
    struct nested { struct mixed m; union u un; point_t pts[2]; };
    struct anon { int kind; union { int i; float f; }; };
    struct flex { int n; double data[]; };
    enum color { RED, GREEN = 5, BLUE };
"""


@pytest.mark.parametrize(
    "name", ["point_t", "struct mixed", "struct bits", "union u", "struct nested",
             "struct anon", "struct flex"],
)
def test_record_layouts_match_cffi(both, name):
    r, c = both
    r.cdef(STRUCTS)
    c.cdef(STRUCTS)
    assert r.sizeof(name) == c.sizeof(name)
    assert r.alignof(name) == c.alignof(name)
    def fields(ffi):
        return [(n, f.type.cname, f.offset, f.bitshift, f.bitsize, f.flags)
                for n, f in ffi.typeof(name).fields]

    assert fields(r) == fields(c)


def test_offsetof_nested_fields_and_indexes(both):
    r, c = both
    r.cdef(STRUCTS)
    c.cdef(STRUCTS)
    for args in [("struct mixed", "d"), ("struct nested", "un"), ("struct nested", "pts", 1, "y"),
                 ("struct anon", "f")]:
        assert r.offsetof(*args) == c.offsetof(*args), args


def test_enum_introspection(both):
    r, c = both
    r.cdef(STRUCTS)
    c.cdef(STRUCTS)
    rt, ct = r.typeof("enum color"), c.typeof("enum color")
    assert rt.elements == ct.elements and rt.relements == ct.relements
    assert rt.kind == "enum" and r.sizeof("enum color") == 4


def test_function_type_introspection(ffi):
    t = ffi.typeof("int(*)(long, char *, ...)")
    assert t.kind == "function"
    assert [a.cname for a in t.args] == ["long", "char *"]
    assert t.result is ffi.typeof("int")
    assert t.ellipsis is True
    assert isinstance(t.abi, int)


def test_array_and_pointer_introspection(ffi):
    t = ffi.typeof("int[7]")
    assert (t.kind, t.length, t.item) == ("array", 7, ffi.typeof("int"))
    assert ffi.typeof("int[]").length is None
    assert ffi.typeof("char **").item is ffi.typeof("char *")


def test_getctype_puts_extra_where_c_does(ffi):
    assert ffi.getctype("int(*)(int)", "fn") == "int(*fn)(int)"
    assert ffi.getctype("char[80]", "a") == "char a[80]"
    assert ffi.getctype("int", "*") == "int *"
    assert ffi.getctype("int[5]", "*") == "int(*)[5]"
    assert ffi.getctype("int") == "int"


def test_list_types(ffi):
    ffi.cdef("typedef int myint; struct s { int a; }; union u { int b; }; typedef struct s s_t;")
    assert ffi.list_types() == (["myint", "s_t"], ["s"], ["u"])


def test_include_brings_types_and_constants(ffi):
    base = rcffi.FFI()
    base.cdef("typedef struct { int a; } base_t; enum { LIMIT = 42 };")
    ffi.include(base)
    ffi.cdef("base_t *make(void);")
    assert ffi.sizeof("base_t") == 4
    assert ffi.typeof("base_t") is base.typeof("base_t")
    lib = ffi.dlopen(None)
    assert lib.LIMIT == 42


def test_forward_declared_struct_completed_by_later_cdef(ffi):
    ffi.cdef("struct later; typedef struct later later_t;")
    t = ffi.typeof("later_t")
    with pytest.raises(ValueError):
        ffi.sizeof(t)
    ffi.cdef("struct later { long a, b; };")
    assert ffi.sizeof(t) == 16
    assert ffi.typeof("struct later") is t


def test_packed_and_pack(ffi):
    ffi.cdef("struct p1 { char a; int b; };", packed=True)
    ffi.cdef("struct p2 { char a; int b; };", pack=2)
    assert ffi.sizeof("struct p1") == 5
    assert ffi.sizeof("struct p2") == 6
    with pytest.raises(ValueError):
        ffi.cdef("struct p3 { int a; };", pack=3)


def test_cdef_error_has_line_column_and_caret(ffi):
    with pytest.raises(CDefError) as e:
        ffi.cdef("int a;\nint b = ;\n")
    msg = str(e.value)
    assert ":2:7:" in msg and "int b = ;" in msg and "^" in msg


def test_unknown_type_name_is_named(ffi):
    with pytest.raises(CDefError, match="unknown type name 'foo_t'"):
        ffi.cdef("foo_t f(void);")


def test_other_preprocessor_lines_are_refused(ffi):
    with pytest.raises(CDefError, match="#include"):
        ffi.cdef("#include <stdio.h>")


def test_line_directives_move_error_positions(ffi):
    with pytest.raises(CDefError, match=r"api\.h:10:"):
        ffi.cdef('# 10 "api.h"\nint f(int;')


def test_bad_type_string_names_the_string(ffi):
    with pytest.raises(CDefError, match=r'"int\["'):
        ffi.new("int[")


def test_function_type_is_not_a_type_string(ffi):
    with pytest.raises(CDefError, match="function type"):
        ffi.typeof("int(int)")


def test_redefinitions(ffi):
    ffi.cdef("int f(int); struct s { int a; };")
    ffi.cdef("int f(int); struct s { int a; };")
    with pytest.raises(CDefError):
        ffi.cdef("long f(int);")
    with pytest.raises(CDefError):
        ffi.cdef("struct s { long a; };")
    ffi.cdef("long f(int);", override=True)


def test_bare_global_warns(ffi):
    with pytest.warns(UserWarning, match="counter"):
        ffi.cdef("int counter;")


def test_defines(ffi):
    ffi.cdef("#define HEX 0x10\n#define NEG -5\n#define OCT 017UL\n#define BIG 0xFFFFFFFFFFFFFFFFULL")
    lib = ffi.dlopen(None)
    assert (lib.HEX, lib.NEG, lib.OCT, lib.BIG) == (16, -5, 15, 2**64 - 1)


def test_enum_constant_expressions(ffi):
    ffi.cdef("enum e { A, B = 5, C, D = B << 2 | 1, E = -3, F = sizeof(long) * 2, "
             "G = (unsigned char)300 };")
    lib = ffi.dlopen(None)
    assert [lib.A, lib.B, lib.C, lib.D, lib.E, lib.F, lib.G] == [0, 5, 6, 21, -3, 16, 44]
    assert ffi.typeof("enum e").cname == "enum e"


UNKNOWN_NUMERIC = "typedef int... foo_t; typedef float... real_t; foo_t f(foo_t, real_t *);"


def test_unknown_numeric_typedefs_are_accepted_then_refused_on_use_like_cffi(both):
    r, c = both
    r.cdef(UNKNOWN_NUMERIC)
    c.cdef(UNKNOWN_NUMERIC)
    assert r.list_types() == c.list_types()
    for cdecl in ["foo_t", "foo_t *", "real_t"]:
        with pytest.raises(NotImplementedError) as rexc:
            r.typeof(cdecl)
        with pytest.raises(NotImplementedError):
            c.typeof(cdecl)
        name = cdecl.rstrip(" *")
        assert "'%s'" % name in str(rexc.value) and "API mode" in str(rexc.value)
    with pytest.raises(NotImplementedError, match="'foo_t'"):
        r.dlopen(None).f


PARTIAL = "struct p { int a; ...; }; typedef struct { int b; ...; } q_t; struct p *mk(void);"


@pytest.mark.parametrize(
    "use",
    [
        lambda ffi: ffi.sizeof("struct p"),
        lambda ffi: ffi.new("struct p *"),
        lambda ffi: ffi.typeof("q_t"),
        lambda ffi: ffi.offsetof("q_t", "b"),
        lambda ffi: ffi.dlopen(None).mk,
    ],
)
def test_partial_structs_raise_verification_missing_like_cffi(both, use):
    r, c = both
    r.cdef(PARTIAL)
    c.cdef(PARTIAL)
    with pytest.raises(rcffi.VerificationMissing, match="API mode"):
        use(r)
    assert type(pytest.raises(Exception, use, c).value).__name__ == "VerificationMissing"


@pytest.mark.parametrize(
    "src, needle",
    [
        ("struct b {\n  _Bool x:2; };", "wider than its type"),
        ("struct b {\n  char c:9; };", "wider than its type"),
        ("struct b {\n  int x:0; };", "zero width"),
        ("struct b {\n  int a[]; int n; };", "unknown size"),
        ("struct b {\n  void v; };", "unknown size"),
    ],
)
def test_invalid_fields_are_cdef_errors_with_position(ffi, src, needle):
    with pytest.raises(CDefError, match=needle) as e:
        ffi.cdef(src)
    assert ":1:10:" in str(e.value)


def test_typedef_names_can_be_declared_again_identically(ffi):
    ffi.cdef("typedef int myint_t; typedef int myint_t;")
    assert ffi.typeof("myint_t") is ffi.typeof("int")
    with pytest.raises(CDefError, match="myint_t"):
        ffi.cdef("typedef long myint_t;")
