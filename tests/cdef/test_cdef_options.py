"""cdef() keyword options: override=True, packed=True and pack=N."""

import pytest

from rcffi import CDefError

RECORDS = """
    struct s { char a; int b; short c; double d; };
    struct t { char a; struct s s; };
    struct bf { char a; int b:4; int c:20; };
    union u { char a; double d; };
"""


def _layout(ffi):
    return [(ffi.sizeof(n), ffi.alignof(n),
             [(k, f.offset, f.bitshift, f.bitsize) for k, f in ffi.typeof(n).fields])
            for n in ("struct s", "struct t", "struct bf", "union u")]


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"packed": True}, {"packed": 1}, {"packed": False}, {"pack": None}, {"pack": 0},
     {"pack": 1}, {"pack": 2}, {"pack": 4}, {"pack": 8}, {"pack": 16}],
)
def test_packing_matches_cffi(both, kwargs):
    r, c = both
    r.cdef(RECORDS, **kwargs)
    c.cdef(RECORDS, **kwargs)
    assert _layout(r) == _layout(c)


def test_packed_and_pack_values(ffi):
    ffi.cdef("struct p1 { char a; int b; };", packed=True)
    ffi.cdef("struct p2 { char a; int b; };", pack=2)
    ffi.cdef("struct p3 { char a; int b; };")
    assert [ffi.sizeof("struct p%d" % i) for i in (1, 2, 3)] == [5, 6, 8]
    assert ffi.offsetof("struct p1", "b") == 1 and ffi.alignof("struct p1") == 1


def test_packing_applies_to_one_cdef_only(ffi):
    ffi.cdef("struct a { char c; int i; };", packed=True)
    ffi.cdef("struct b { char c; int i; }; struct c { char c; struct a inner; };")
    assert ffi.sizeof("struct a") == 5
    assert ffi.sizeof("struct b") == 8
    assert ffi.offsetof("struct c", "inner") == 1


@pytest.mark.parametrize(
    "kwargs, exc, needle",
    [({"pack": 3}, ValueError, "power of two"), ({"pack": -2}, ValueError, "power of two"),
     ({"pack": 6}, ValueError, "power of two"), ({"pack": 2, "packed": True}, ValueError, "both"),
     ({"pack": 2.0}, TypeError, None), ({"pack": "2"}, TypeError, None),
     ({"packed": 2}, ValueError, "'packed' should be False or True"),
     ({"packed": True, "pack": 1}, ValueError, "both")],
)
def test_bad_pack_values_are_refused_like_cffi(both, kwargs, exc, needle):
    r, c = both
    with pytest.raises(exc, match=needle):
        r.cdef("struct s { int a; };", **kwargs)
    with pytest.raises(exc):
        c.cdef("struct s { int a; };", **kwargs)
    assert r.list_types() == ([], [], [])


def test_override_replaces_typedefs_functions_and_variables_like_cffi(both):
    r, c = both
    for ffi in (r, c):
        ffi.cdef("typedef int t; int abs(int); extern int x;")
        ffi.cdef("typedef long t; long abs(long); extern double x;", override=True)
    for ffi in (r, c):
        assert ffi.typeof("t") is ffi.typeof("long")
        assert ffi.typeof(ffi.dlopen(None).abs) is ffi.typeof("long(*)(long)")


def test_without_override_differing_redeclarations_are_errors(both):
    r, c = both
    for ffi in (r, c):
        ffi.cdef("typedef int t; int abs(int); extern int x;")
    for src in ("typedef long t;", "long abs(long);", "extern double x;"):
        with pytest.raises(CDefError, match="override=True"):
            r.cdef(src)
        with pytest.raises(Exception, match="override=True"):
            c.cdef(src)


def test_override_also_replaces_records_enums_and_defines(ffi):
    # cffi refuses these even with override=True; rcffi replaces them.
    ffi.cdef("struct s { int a; };\n#define A 1\nenum e { B = 1 };")
    ffi.cdef("struct s { long a, b; };\n#define A 2\nenum e { B = 2 };", override=True)
    lib = ffi.dlopen(None)
    assert (ffi.sizeof("struct s"), lib.A, lib.B) == (16, 2, 2)
