"""Typedefs: aliases of every kind of type, redeclaration rules and the
`typedef int... t;` / `typedef float... t;` placeholders in ABI mode."""

import cffi
import pytest

import rcffi
from rcffi import CDefError

TYPEDEFS = """
    typedef int myint;
    typedef myint myint2;
    typedef unsigned long ulong_t, *ulong_p, ulong_a[4];
    typedef const char *cstr;
    typedef int (*binop)(int, int);
    typedef binop binops[3];
    typedef int fn_t(int);
    typedef struct pt { int x, y; } pt_t, *pt_p;
    typedef union { int i; float f; } num_t;
    typedef enum { RED } color_t;
    typedef pt_t pts_t[2];
    typedef char name_t[16];
    typedef name_t names_t[3];
"""

NAMES = ["myint", "myint2", "ulong_t", "ulong_p", "ulong_a", "cstr", "binop", "binops", "pt_t",
         "pt_p", "num_t", "color_t", "pts_t", "name_t", "names_t", "fn_t *", "myint *",
         "binop *", "name_t *"]


@pytest.mark.parametrize("name", NAMES)
def test_typedefs_resolve_like_cffi(both, name):
    r, c = both
    r.cdef(TYPEDEFS)
    c.cdef(TYPEDEFS)
    rt, ct = r.typeof(name), c.typeof(name)
    assert (repr(rt), rt.kind, rt.cname) == (repr(ct), ct.kind, ct.cname)
    assert (r.sizeof(rt), r.alignof(rt)) == (c.sizeof(ct), c.alignof(ct))


def test_typedefs_are_aliases_not_new_types(ffi):
    ffi.cdef(TYPEDEFS)
    assert ffi.typeof("myint2") is ffi.typeof("myint") is ffi.typeof("int")
    assert ffi.typeof("pt_p") is ffi.typeof("struct pt *")
    assert ffi.typeof("names_t") is ffi.typeof("char[3][16]")
    assert ffi.typeof("binops").item is ffi.typeof("int(*)(int, int)")


def test_list_types_matches_cffi(both):
    r, c = both
    r.cdef(TYPEDEFS)
    c.cdef(TYPEDEFS)
    assert r.list_types() == c.list_types()


def test_a_function_typedef_is_a_function_type(both):
    r, c = both
    r.cdef(TYPEDEFS + "fn_t *pick(int); fn_t abs;")
    c.cdef(TYPEDEFS + "fn_t *pick(int); fn_t abs;")
    # As a type string it is refused (cffi has no plain function types)...
    with pytest.raises(CDefError, match="function type"):
        r.typeof("fn_t")
    with pytest.raises(cffi.CDefError):
        c.typeof("fn_t")
    # ...but it declares functions, and a pointer to it is a function pointer.
    assert r.typeof("fn_t *") is r.typeof("int(*)(int)")
    assert r.dlopen(None).abs(-3) == c.dlopen(None).abs(-3) == 3
    assert r._decls.lookup("pick")[1].result is r.typeof("int(*)(int)")


def test_typedef_names_can_be_declared_again_identically(ffi):
    ffi.cdef("typedef int myint_t; typedef int myint_t;")
    ffi.cdef("typedef int myint_t;")
    assert ffi.typeof("myint_t") is ffi.typeof("int")
    with pytest.raises(CDefError, match="myint_t"):
        ffi.cdef("typedef long myint_t;")


def test_typedef_of_typedef_chains_across_cdefs(both):
    r, c = both
    for ffi in (r, c):
        ffi.cdef("typedef long base_t;")
        ffi.cdef("typedef base_t mid_t; typedef mid_t *top_t;")
    assert r.typeof("top_t").cname == c.typeof("top_t").cname == "long *"


UNKNOWN_NUMERIC = "typedef int... foo_t; typedef float... real_t; foo_t f(foo_t, real_t *);"


def test_unknown_numeric_typedefs_are_accepted_then_refused_on_use_like_cffi(both):
    r, c = both
    r.cdef(UNKNOWN_NUMERIC)
    c.cdef(UNKNOWN_NUMERIC)
    assert r.list_types() == c.list_types() == (["foo_t", "real_t"], [], [])
    for cdecl in ["foo_t", "foo_t *", "real_t", "real_t[3]", "foo_t(*)(int)"]:
        with pytest.raises(NotImplementedError) as rexc:
            r.typeof(cdecl)
        with pytest.raises(NotImplementedError):
            c.typeof(cdecl)
        name = "real_t" if "real_t" in cdecl else "foo_t"
        assert "'%s'" % name in str(rexc.value) and "API mode" in str(rexc.value)
    assert "integer" in str(pytest.raises(NotImplementedError, r.typeof, "foo_t").value)
    assert "floating" in str(pytest.raises(NotImplementedError, r.typeof, "real_t").value)
    with pytest.raises(NotImplementedError, match="'foo_t'"):
        r.dlopen(None).f


def test_unknown_numeric_typedef_inside_a_struct_needs_api_mode(both):
    r, c = both
    for ffi in (r, c):
        ffi.cdef("typedef int... foo_t; struct s { foo_t v; };")
    # rcffi makes the struct partial (its layout is the compiler's), so it says
    # VerificationMissing where cffi says NotImplementedError about 'foo_t'.
    with pytest.raises(rcffi.VerificationMissing, match="struct s"):
        r.sizeof("struct s")
    with pytest.raises(NotImplementedError):
        c.sizeof("struct s")


def test_double_placeholder_is_a_floating_one_like_cffi(both):
    r, c = both
    for ffi in (r, c):
        ffi.cdef("typedef double... d_t;")
    with pytest.raises(NotImplementedError, match="floating"):
        r.typeof("d_t")
    with pytest.raises(NotImplementedError, match="float"):
        c.typeof("d_t")


def test_unknown_numeric_typedef_redeclared_identically(ffi):
    ffi.cdef("typedef int... foo_t;")
    ffi.cdef("typedef int... foo_t;")
    with pytest.raises(CDefError, match="foo_t"):
        ffi.cdef("typedef float... foo_t;")


@pytest.mark.parametrize(
    "src", ["typedef int... *p_t;", "typedef int... a_t[3];", "int... x;"]
)
def test_unknown_numeric_typedef_misuse_is_refused(ffi, src):
    with pytest.raises(CDefError):
        ffi.cdef(src)


@pytest.mark.parametrize("enabled, char", [(True, "wchar_t"), (False, "char")])
def test_set_unicode_declares_the_windows_character_types(enabled, char):
    ffi = rcffi.FFI()
    ffi.set_unicode(enabled)
    assert ffi.typeof("TCHAR") is ffi.typeof(char) and ffi.typeof("TBYTE") is ffi.typeof(char)
    for name in ("LPTSTR", "PTSTR", "PTBYTE", "PTCHAR"):
        assert ffi.typeof(name) is ffi.typeof(char + " *")
    for name in ("LPCTSTR", "PCTSTR"):
        assert ffi.typeof(name) is ffi.typeof("const " + char + " *")
    with pytest.raises(ValueError, match="only be called once"):
        ffi.set_unicode(not enabled)
    reference = cffi.FFI()
    reference.set_unicode(enabled)
    names = "TBYTE TCHAR LPCTSTR PCTSTR LPTSTR PTSTR PTBYTE PTCHAR".split()
    assert [ffi.getctype(n) for n in names] == [reference.getctype(n) for n in names]


def test_set_unicode_defines_unicode_for_api_mode_builds(tmp_path, monkeypatch):
    ffi = rcffi.FFI()
    ffi.set_unicode(1)
    ffi.cdef("#define UNICODE ...\n#define _UNICODE ...")
    ffi.set_source("_unicode_mod", "")
    monkeypatch.syspath_prepend(str(tmp_path))
    ffi.compile(tmpdir=str(tmp_path))
    from _unicode_mod import lib

    assert (lib.UNICODE, lib._UNICODE) == (1, 1)
