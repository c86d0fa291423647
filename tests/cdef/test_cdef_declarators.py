"""Declarators: pointers, arrays ([N], [], [...], multi-dimensional, constant
expression lengths), function pointers, pointers to arrays, arrays of function
pointers and abstract declarators in type strings, differential against cffi."""

import re

import cffi
import pytest

from rcffi import CDefError, VerificationMissing

TYPE_STRINGS = [
    "void *", "int *", "int **", "int * const *", "unsigned char const * volatile",
    "char *[]", "int[3]", "int[]", "int[3][4]", "int[][4]", "int[1][2][3]", "int *[3]",
    "int[0]", "int(*)[3]", "int(**)[3]", "int (*)[]", "int(*[4])[3]",
    "int(*)(int)", "int(*[5])(void)", "int(*)()", "int(*)(void)", "int(*)(int, ...)",
    "int(**)(long, ...)", "char *(*)(int)", "int(*)(int a, char *b)",
    "int(*(*)(void))[3]", "void(*(*)(int))(long)", "int(*)(int(*)[3])",
    "unsigned(*)(unsigned)", "FILE *", "struct foo *", "struct foo[2]", "struct foo(*)[2]",
    "struct foo *(*[2])(struct foo)",
]


@pytest.mark.parametrize("cdecl", TYPE_STRINGS)
def test_abstract_declarators_match_cffi(both, cdecl):
    r, c = both
    r.cdef("struct foo { int x; };")
    c.cdef("struct foo { int x; };")
    rt, ct = r.typeof(cdecl), c.typeof(cdecl)
    assert (repr(rt), rt.kind, rt.cname) == (repr(ct), ct.kind, ct.cname)
    if ct.kind != "void" and not (ct.kind == "array" and ct.length is None):
        assert (r.sizeof(cdecl), r.alignof(cdecl)) == (c.sizeof(cdecl), c.alignof(cdecl))


@pytest.mark.parametrize(
    "length, value",
    [("2+3", 5), ("10/3", 3), ("7%4", 3), ("-1+5", 4), ("2*3-1", 5), ("5-2-1", 2),
     ("16>>2>>1", 2), ("1<<3", 8), ("2^3", 1), ("6&3", 2), ("0x10", 16), ("010", 8),
     ("3u", 3), ("3UL", 3), ("(1+1)*3", 6)],
)
def test_constant_expression_lengths_match_cffi(both, length, value):
    r, c = both
    cdecl = "int[%s]" % length
    assert r.typeof(cdecl).length == c.typeof(cdecl).length == value
    assert r.typeof(cdecl) is r.typeof("int[%d]" % value)


@pytest.mark.parametrize(
    "length, value",
    [("sizeof(int)", 4), ("sizeof(int*)", 8), ("sizeof(struct foo)", 4), ("~-5", 4),
     ("!0", 1), ("1?2:3", 2), ("3 > 2", 1), ("3 == 3", 1), ("3 != 3", 0), ("2 <= 3", 1),
     ("2 >= 3", 0), ("1 && 2", 1), ("0 || 2", 1), ("(unsigned char)258", 2),
     ("sizeof(int[10]) / sizeof(int)", 10)],
)
def test_wider_constant_expressions_are_accepted(ffi, length, value):
    # cffi only accepts + - * / % << >> & | ^ and parentheses in array lengths.
    ffi.cdef("struct foo { int x; };")
    assert ffi.typeof("int[%s]" % length).length == value


def test_declarators_in_cdef_match_cffi(both):
    r, c = both
    src = """
        struct foo { int x; };
        typedef int *ip, **ipp, arr5[5], (*fp)(int), (*pa)[4], (*afp[3])(char);
        typedef struct foo *fooarr[2][3];
        typedef int (*(*fpfp)(int))(long);
        typedef char mat[2][3][4];
        extern int (*handlers[4])(void *);
        extern char *names[];
        void (*signal(int, void (*)(int)))(int);
        int (*get_row(int))[4];
    """
    r.cdef(src)
    c.cdef(src)
    for name in ["ip", "ipp", "arr5", "fp", "pa", "afp", "fooarr", "fpfp", "mat"]:
        rt, ct = r.typeof(name), c.typeof(name)
        assert (rt.kind, rt.cname, r.sizeof(rt)) == (ct.kind, ct.cname, c.sizeof(ct)), name
    lib = r.dlopen(None)
    assert r.typeof("int(*(*)(int))[4]").cname == c.typeof("int(*(*)(int))[4]").cname
    assert lib.signal is not None
    assert r.typeof(lib.signal).cname == "void(*(*)(int, void(*)(int)))(int)"


def test_multidimensional_arrays_nest_like_c(ffi):
    t = ffi.typeof("int[2][3][4]")
    assert (t.length, t.item.length, t.item.item.length) == (2, 3, 4)
    assert t.item.item.item is ffi.typeof("int")
    assert ffi.sizeof(t) == 2 * 3 * 4 * 4
    a = ffi.new("int[2][3][4]")
    a[1][2][3] = 7
    assert ffi.cast("int *", a)[23] == 7


def test_pointer_to_array_and_array_of_function_pointers(ffi):
    pa = ffi.typeof("int(*)[3]")
    assert pa.kind == "pointer" and pa.item is ffi.typeof("int[3]")
    afp = ffi.typeof("int(*[5])(void)")
    assert afp.kind == "array" and afp.length == 5
    assert afp.item is ffi.typeof("int(*)(void)") and afp.item.kind == "function"


@pytest.mark.parametrize(
    "cdecl", ["int[3] *", "char(*)(*)(int)", "int[", "int[3", "*int", "int(*", "int)"],
)
def test_malformed_type_strings_are_refused_like_cffi(both, cdecl):
    r, c = both
    with pytest.raises(CDefError) as e:
        r.typeof(cdecl)
    assert '"%s"' % cdecl in str(e.value)
    with pytest.raises(cffi.CDefError):
        c.typeof(cdecl)


@pytest.mark.parametrize(
    "cdecl, exc, needle",
    [("char[-1]", ValueError, "negative array length"),
     ("int[10][]", ValueError, "array item of unknown size: 'int[]'"),
     ("int(*)(int)[5]", TypeError, "invalid result type: 'int[5]'")],
)
def test_impossible_types_raise_what_cffi_raises(both, cdecl, exc, needle):
    # They parse, so they are not CDefError: cffi's type constructors refuse them.
    for ffi in both:
        with pytest.raises(exc, match=re.escape(needle)) as e:
            ffi.cast(cdecl, 0)
        assert not isinstance(e.value, cffi.CDefError)
    # cffi's own type-string parser (in API mode) refuses arrays with ffi.error.
    assert isinstance(outcome_error(both[0], cdecl), both[0].error) == (exc is ValueError)
    with pytest.raises(ValueError, match="negative array length") as e:
        both[0].cdef("typedef int t[-1];")
    assert str(e.value).startswith("<cdef source string>:1:15:")


def outcome_error(ffi, cdecl):
    try:
        ffi.cast(cdecl, 0)
    except Exception as e:
        return e
    raise AssertionError(cdecl)


@pytest.mark.parametrize(
    "cdecl, expected",
    [("char cb(char, char)", "char(*)(char, char)"), ("void foo()", "void(*)()"),
     ("int(*callback)(_Bool is_valid)", "int(*)(_Bool)"), ("int x", "int"),
     ("int *p[3]", "int *[3]"), ("struct s1 f(void)", "struct s1(*)()")],
)
def test_type_strings_may_name_the_declarator(both, cdecl, expected):
    # cffi reads a type string as a parameter declaration, which may be named.
    for ffi in both:
        ffi.cdef("struct s1 { int a; };")
        if "(" in cdecl and "(*" not in cdecl:
            ct = ffi.typeof(ffi.callback(cdecl, lambda *a: None))
        else:
            ct = ffi.typeof(cdecl)
        assert ffi.getctype(ct) == expected



# ----- [...] lengths: accepted where API mode can measure them -----------------

DOTS = """
    extern int a[...];
    extern int b[...][4];
    extern int h[3][...];
    typedef int t[...];
    typedef int t2[...][3];
    struct s { int x[...]; };
    typedef struct { int y[...]; } u_t;
"""


def test_declarations_are_accepted_like_cffi(both):
    r, c = both
    r.cdef(DOTS)
    c.cdef(DOTS)
    assert r.list_types() == c.list_types() == (["t", "t2", "u_t"], ["s"], [])


@pytest.mark.parametrize("use", [
    lambda ffi: ffi.typeof("t"),
    lambda ffi: ffi.typeof("t2"),
    lambda ffi: ffi.typeof("t *"),
    lambda ffi: ffi.dlopen(None).a,
    lambda ffi: ffi.dlopen(None).b,
])
def test_using_an_unknown_length_raises_cdef_error_like_cffi(both, use):
    r, c = both
    r.cdef(DOTS)
    c.cdef(DOTS)
    with pytest.raises(CDefError, match=r"\[\.\.\.\].*API mode"):
        use(r)
    assert type(pytest.raises(Exception, use, c).value).__name__ == "CDefError"


@pytest.mark.parametrize("cdecl", ["struct s", "u_t"])
def test_struct_with_unknown_length_field_is_partial_like_cffi(both, cdecl):
    r, c = both
    r.cdef(DOTS)
    c.cdef(DOTS)
    with pytest.raises(VerificationMissing):
        r.sizeof(cdecl)
    assert type(pytest.raises(Exception, c.sizeof, cdecl).value).__name__ == "VerificationMissing"


@pytest.mark.parametrize("src", ["int f(int x[...]);", "typedef void (*cb)(int[...]);"])
def test_unknown_length_in_parameters_is_refused_like_cffi(both, src):
    r, c = both
    with pytest.raises(CDefError) as e:
        r.cdef(src)
    column = src.index("...") + 1
    assert ":1:%d:" % column in str(e.value) and "unsupported '[...]' here" in str(e.value)
    assert str(e.value).endswith(" " * (column - 1) + "^")
    # cffi raises its FFIError, the base class of rcffi's CDefError too.
    assert isinstance(e.value, r.error)
    with pytest.raises(cffi.FFIError):
        c.cdef(src)


def test_unknown_length_in_a_type_string_is_refused(both):
    r, c = both
    with pytest.raises(CDefError, match=r"<type string>:1:5:.*unsupported '\[\.\.\.\]'"):
        r.typeof("int[...]")
    with pytest.raises(cffi.FFIError):
        c.typeof("int[...]")
