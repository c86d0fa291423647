"""CType introspection for every kind (kind, cname, item, length, fields, args,
result, ellipsis, abi, elements, relements, repr), getctype(), list_types(),
include() and the interning of types, differential against cffi."""

import pytest

import rcffi

DECLS = """
    struct s { int a; char b[3]; unsigned c:5, :0, d:2; struct s *next; };
    union u { int i; double d; };
    struct anon { int kind; union { int x; float y; }; };
    struct opaque;
    enum e { X, Y = -3, Z = 0x100000000 };
    typedef struct { int q; } td_t;
"""

ATTRS = ["kind", "cname", "item", "length", "fields", "args", "result", "ellipsis", "abi",
         "elements", "relements"]


def _describe(ffi, cdecl):
    t = ffi.typeof(cdecl)
    out = {"repr": repr(t), "dir": sorted(a for a in dir(t) if not a.startswith("_"))}
    for attr in ATTRS:
        try:
            v = getattr(t, attr)
        except AttributeError:
            out[attr] = "<missing>"
            continue
        if attr in ("item", "result"):
            v = v.cname
        elif attr == "args":
            v = [a.cname for a in v]
        elif attr == "fields" and v is not None:
            v = [(n, f.type.cname, f.offset, f.bitshift, f.bitsize, f.flags) for n, f in v]
        out[attr] = v
    return out


KINDS = [
    "void", "int", "unsigned long long", "double", "_Bool", "wchar_t", "float _Complex",
    "int *", "void *", "char **", "struct s *", "int[5]", "int[]", "char[2][3]", "int *[4]",
    "int(*)[4]", "struct s", "union u", "struct anon", "struct opaque", "td_t", "enum e",
    "enum e *", "int(*)(int)", "int(*)(long, char *, ...)", "void(*)(void)",
    "double(*)(struct s *, long)", "int(*(*)(int))[3]", "FILE", "FILE *",
]


@pytest.mark.parametrize("cdecl", KINDS)
def test_every_attribute_of_every_kind_matches_cffi(both, cdecl):
    r, c = both
    r.cdef(DECLS)
    c.cdef(DECLS)
    assert _describe(r, cdecl) == _describe(c, cdecl)


def test_attributes_of_each_kind(ffi):
    ffi.cdef(DECLS)
    t = ffi.typeof("int(*)(long, char *, ...)")
    assert t.kind == "function" and t.ellipsis is True and t.abi == ffi.typeof("int(*)()").abi
    assert t.args == (ffi.typeof("long"), ffi.typeof("char *")) and t.result is ffi.typeof("int")
    a = ffi.typeof("int[7]")
    assert (a.kind, a.length, a.item) == ("array", 7, ffi.typeof("int"))
    assert ffi.typeof("int[]").length is None
    assert ffi.typeof("char **").item is ffi.typeof("char *")
    assert ffi.typeof("struct opaque").fields is None
    e = ffi.typeof("enum e")
    assert e.elements == {0: "X", -3: "Y", 2**32: "Z"}
    assert e.relements == {"X": 0, "Y": -3, "Z": 2**32}
    fields = dict(ffi.typeof("struct s").fields)
    assert fields["next"].type is ffi.typeof("struct s *")
    assert (fields["d"].bitshift, fields["d"].bitsize) == (0, 2)
    assert fields["a"].bitshift == -1 and fields["a"].bitsize == -1
    anon = dict(ffi.typeof("struct anon").fields)
    assert (anon["x"].flags, anon["y"].flags) == (0, 1)


def test_enum_introspection_matches_cffi(both):
    r, c = both
    r.cdef(DECLS)
    c.cdef(DECLS)
    rt, ct = r.typeof("enum e"), c.typeof("enum e")
    assert rt.elements == ct.elements and rt.relements == ct.relements
    assert rt.kind == "enum" and r.sizeof("enum e") == c.sizeof("enum e") == 8


@pytest.mark.parametrize(
    "cdecl, extra",
    [("char[80]", "a"), ("int", "*"), ("int[5]", "*"), ("int", ""), ("int", None),
     ("int(*)(int)", "*"), ("int[3][4]", "m"), ("int[5]", "(*)"), ("td_t", "t"),
     ("int", "x"), ("int *", "*"), ("int", "[2]"), ("int", "(x)"), ("int[5]", " * "),
     # A name or pointer is set apart from the type: "int * x", "int(* fn)(int)".
     ("int *", "x"), ("int(*)(int)", "fn"), ("int(*[5])(void)", "tab"), ("int", " * x "),
     ("int[5]", " ** foo "), ("int[5]", "[6]"), ("char *", "")],
)
def test_getctype_matches_cffi(both, cdecl, extra):
    r, c = both
    r.cdef(DECLS)
    c.cdef(DECLS)
    args = (cdecl,) if extra is None else (cdecl, extra)
    assert r.getctype(*args) == c.getctype(*args)
    assert r.getctype(r.typeof(cdecl), *args[1:]) == r.getctype(*args)


def test_list_types_matches_cffi(both):
    src = DECLS + "typedef int myint; typedef struct s s_t; typedef union u *up; enum { K };"
    r, c = both
    r.cdef(src)
    c.cdef(src)
    assert r.list_types() == c.list_types() == (["myint", "s_t", "td_t", "up"],
                                                ["anon", "opaque", "s"], ["u"])


def test_list_types_of_a_new_ffi_is_empty_like_cffi(both):
    r, c = both
    assert r.list_types() == c.list_types() == ([], [], [])


def test_include_brings_types_and_constants(ffi):
    base = rcffi.FFI()
    base.cdef("typedef struct { int a; } base_t; enum { LIMIT = 42 }; struct tagged { long l; };"
              "\n#define MAXN 7\ntypedef int... unknown_t;")
    ffi.include(base)
    ffi.cdef("base_t *make(void); struct user { struct tagged t; base_t b; };")
    assert ffi.sizeof("base_t") == 4 and ffi.sizeof("struct user") == 16
    assert ffi.typeof("base_t") is base.typeof("base_t")
    assert ffi.typeof("struct tagged") is base.typeof("struct tagged")
    lib = ffi.dlopen(None)
    assert (lib.LIMIT, lib.MAXN) == (42, 7)
    assert "base_t" in ffi.list_types()[0] and "tagged" in ffi.list_types()[1]
    with pytest.raises(NotImplementedError):
        ffi.typeof("unknown_t")


def test_include_matches_cffi(both):
    import cffi

    r, c = both
    rb, cb = rcffi.FFI(), cffi.FFI()
    for base, ffi in ((rb, r), (cb, c)):
        base.cdef("typedef struct { short a; } base_t; enum { LIMIT = 42 };")
        ffi.include(base)
        ffi.cdef("typedef base_t pair_t[2];")
    assert r.list_types() == c.list_types()
    assert r.sizeof("pair_t") == c.sizeof("pair_t") == 4
    assert r.dlopen(None).LIMIT == c.dlopen(None).LIMIT == 42


def test_include_refuses_self_and_non_ffi(ffi):
    with pytest.raises(ValueError):
        ffi.include(ffi)
    with pytest.raises(TypeError):
        ffi.include(object())


@pytest.mark.parametrize(
    "a, b",
    [("int *", "int*"), ("unsigned", "unsigned int"), ("int[3]", "int [3]"),
     ("int(*)(void)", "int(*)()"), ("char const *", "const char *"),
     ("int(*)(int a)", "int(*)(int)"), ("long int", "long"), ("td_t *", "td_t*")],
)
def test_typeof_is_interned(ffi, a, b):
    ffi.cdef(DECLS)
    assert ffi.typeof(a) is ffi.typeof(b)
    assert ffi.typeof(ffi.typeof(a)) is ffi.typeof(a)


@pytest.mark.parametrize("cdecl, init", [("int *", 5), ("int[3]", [1, 2, 3]), ("char[]", b"ab"),
                                          ("struct s *", None), ("union u *", None),
                                          ("enum e *", 1)])
def test_typeof_cdata_is_its_interned_type(ffi, cdecl, init):
    ffi.cdef(DECLS)
    p = ffi.new(cdecl, init)
    assert ffi.typeof(p) is ffi.typeof(cdecl)


def test_typeof_of_field_and_function_cdata(ffi):
    ffi.cdef(DECLS + "int abs(int);")
    p = ffi.new("struct s *")
    assert ffi.typeof(p.b) is ffi.typeof("char[3]")
    assert ffi.typeof(p.next) is ffi.typeof("struct s *")
    assert ffi.typeof(p[0]) is ffi.typeof("struct s")
    assert ffi.typeof(ffi.dlopen(None).abs) is ffi.typeof("int(*)(int)")


def test_types_are_shared_between_ffis_but_records_are_nominal(both):
    r, _ = both
    other = rcffi.FFI()
    assert other.typeof("int *") is r.typeof("int *")
    r.cdef("struct s { int a; };")
    other.cdef("struct s { int a; };")
    assert other.typeof("struct s") is not r.typeof("struct s")


def test_ctype_objects_are_immutable(ffi):
    t = ffi.typeof("int[3]")
    with pytest.raises(AttributeError):
        t.length = 4
    with pytest.raises(AttributeError):
        t.kind = "pointer"
